from concurrent.futures import ThreadPoolExecutor
from typing import Any
from xml.etree import ElementTree

import pytest
import weasyprint

from projects.models import Filing
from projects.printing import engine
from projects.printing.form import render_form_html
from projects.services.pdf import form_css
from tests.helpers.pdfs import page_images, page_texts

pytestmark = pytest.mark.django_db


# A 二级 form of two pages; the 部门整体 form of 宝安 with its task table; a 一级 form with its 测算明细.
FORMS: dict[str, dict[str, Any]] = {
    "project": {"kind": "project", "code": "440304221061500600010"},
    "overall": {"kind": "overall", "fiscal_year": 2023},
    "program": {"kind": "program", "name": "大厅运营事务"},
}


@pytest.mark.parametrize("form", FORMS)
def test_the_form_read_as_xml_with_the_short_user_agent_stylesheet_prints_exactly_as_weasyprint_prints_it(
    samples, tmp_path, form
):
    html = render_form_html(filing=Filing.objects.get(**FORMS[form]))
    assert ElementTree.fromstring(html).tag == "html"
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    ours.mkdir(), theirs.mkdir()
    with_ours = page_images(engine.pdf_of(html, form_css()), ours)
    weasyprints_own = weasyprint.HTML(string=html).write_pdf(stylesheets=[weasyprint.CSS(string=form_css())])
    with_theirs = page_images(weasyprints_own, theirs)
    assert len(with_ours) >= (2 if form == "project" else 1)
    assert with_ours == with_theirs


def test_html_that_is_not_well_formed_xml_is_read_by_the_html5_parser():
    html = '<!doctype html><html lang="zh-Hans"><body><p>第一行<br>第二行<p>第三段'
    with pytest.raises(ElementTree.ParseError):
        ElementTree.fromstring(html)
    assert page_texts(engine.pdf_of(html, "")) == ["第一行第二行第三段"]


def test_control_characters_from_extracted_text_are_left_out_of_the_printed_form(samples):
    """WeasyPrint has no glyph for them, and one such character garbles the whole PDF's text layer."""
    project = Filing.objects.get(code="440306210601500000540")
    project.project_header.annual_goal = "第一段\x0c第二段\x0b完"
    project.project_header.save()
    html = render_form_html(filing=project)
    assert ElementTree.fromstring(html).tag == "html"
    assert "第一段第二段完" in "".join(page_texts(engine.pdf_of(html, form_css())))


def test_threads_of_a_web_process_print_the_same_form_alike():
    """Each thread has its own fonts (WeasyPrint's are not shared between threads)."""
    html = "<html><body><p>并行打印 ≥90% ㎡</p></body></html>"
    with ThreadPoolExecutor(max_workers=2) as threads:
        first, second = threads.map(lambda _: page_texts(engine.pdf(html, "")), range(2))
    assert first == second and "并行打印≥90%㎡" in first[0]


def test_forms_and_chunks_come_back_in_the_order_given():
    htmls = [f"<html><body><p>{word}</p></body></html>" for word in ("甲", "乙", "丙")]
    assert [page_texts(pdf)[0] for pdf in engine.pdfs(htmls, "")] == ["甲", "乙", "丙"]
    [combined] = engine.combined_pdfs([htmls], "")
    assert page_texts(combined) == ["甲", "乙", "丙"]

import pytest

from projects.kinds import kind_named
from projects.models import Filing
from projects.printing import chromium
from projects.printing.form import render_forms_html
from projects.services.pdf import form_css
from tests.helpers.pdfs import all_text

pytestmark = [pytest.mark.django_db, pytest.mark.benchmark]


def test_chromium_prints_the_same_forms_one_after_the_other(samples, tmp_path):
    projects = list(Filing.objects.filter(kind="project").order_by("code")[:2])
    document = chromium.one_document(render_forms_html(projects), form_css())
    assert document.count("二级项目支出绩效目标申报表</h1>") == 2
    output = tmp_path / "chromium.pdf"
    chromium.print_to_pdf(document, output)
    text = all_text(output.read_bytes())
    assert all(project.code in text for project in projects)


def test_chromium_prints_forms_of_every_kind(samples, tmp_path):
    filings = [Filing.objects.filter(kind=kind).earliest("pk") for kind in ("overall", "program", "project")]
    document = chromium.one_document(render_forms_html(filings), form_css())
    titles = [kind_named(filing.kind).title for filing in filings]
    assert [document.count(f"{title}</h1>") for title in titles] == [1, 1, 1]
    output = tmp_path / "chromium.pdf"
    chromium.print_to_pdf(document, output)
    text = all_text(output.read_bytes())
    assert all(title in text for title in titles)
    assert filings[1].name in text and filings[2].code in text

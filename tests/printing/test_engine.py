import os
import signal
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import pairwise
from typing import Any, cast
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


def test_forms_rendered_in_the_pool_come_back_in_the_order_given_whatever_their_length():
    htmls = [
        f'<html lang="zh-Hans"><body><p>第{number}张</p>{"<p>很长的一段。</p>" * length}</body></html>'
        for number, length in enumerate([1, 400, 40, 900, 3])
    ]
    pdfs = engine.pdfs(htmls, "")
    assert [page_texts(pdf)[0][:3] for pdf in pdfs] == ["第0张", "第1张", "第2张", "第3张", "第4张"]
    chunks = engine.combined_pdfs([htmls[:1], htmls[1:4], htmls[4:]], "")
    assert [page_texts(pdf)[0][:3] for pdf in chunks] == ["第0张", "第1张", "第4张"]
    assert len(page_texts(chunks[1])) == sum(len(page_texts(pdf)) for pdf in pdfs[1:4])


def test_chunks_sent_one_by_one_come_back_as_they_are_done_with_their_positions():
    htmls = [
        f'<html lang="zh-Hans"><body><p>第{number}张</p>{"<p>很长的一段。</p>" * length}</body></html>'
        for number, length in enumerate([1, 900, 3])
    ]
    made = dict(engine.combined_pdfs_as_made(iter([htmls[1:], htmls[:1]]), ""))
    assert sorted(made) == [0, 1]
    assert [page_texts(made[position])[0][:3] for position in (0, 1)] == ["第1张", "第0张"]
    assert sum("第2张" in text for text in page_texts(made[0])) == 1


def test_a_chunk_goes_to_the_pool_before_the_next_one_is_asked_for(monkeypatch):
    events = []

    class Pool:
        def submit(self, function, chunk, css):
            events.append(f"sent {chunk[0]}")
            done: Future[bytes] = Future()
            done.set_result(chunk[0].encode())
            return done

    def chunks():
        for name in ("甲", "乙"):
            events.append(f"made {name}")
            yield [name]

    monkeypatch.setattr(engine, "_pool_executor", Pool)
    assert sorted(engine.combined_pdfs_as_made(chunks(), "")) == [(0, "甲".encode()), (1, "乙".encode())]
    assert events == ["made 甲", "sent 甲", "made 乙", "sent 乙"]


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


def test_a_broken_pool_is_dropped_unless_another_thread_has_already_replaced_it(monkeypatch):
    class Pool:
        def __init__(self):
            self.shut_down = False

        def shutdown(self, **options):
            self.shut_down = True

    broken, replacement = Pool(), Pool()
    monkeypatch.setattr(engine, "_pool", replacement)
    engine._discard(cast(ProcessPoolExecutor, broken))
    assert engine._pool is replacement and broken.shut_down and not replacement.shut_down
    engine._discard(cast(ProcessPoolExecutor, replacement))
    assert engine._pool is None and replacement.shut_down


def test_a_batch_after_a_render_process_died_gets_a_new_pool():
    engine.start_pool()
    os.kill(engine.worker_pids()[0], signal.SIGKILL)
    # Until the executor has noticed the death, the other process may still take the work.
    deadline = time.monotonic() + 10
    pool = engine._pool
    assert pool is not None
    while not pool._broken and time.monotonic() < deadline:
        time.sleep(0.02)
    outcomes: list[int | str] = []
    for _ in range(3):
        try:
            outcomes.append(len(dict(engine.combined_pdfs_as_made(iter([["<p>一</p>"]]), ""))))
        except BrokenProcessPool:
            outcomes.append("broken")
    # The call that finds the pool broken fails and drops it; the next one starts a new pool.
    assert outcomes[-1] == 1
    assert all(outcome == 1 for previous, outcome in pairwise(outcomes) if previous == "broken")

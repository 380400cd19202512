"""The 一级 and 部门整体 forms printed: every value readable from the PDF, in order, in the CJK font."""

from __future__ import annotations

import pytest

from projects.kinds.base import format_amount
from projects.models import Filing
from projects.services.pdf import filing_pdf
from tests.helpers.pdfs import all_text, compact, font_names, footers, page_texts
from tests.helpers.samples import BAOAN_OVERALL, DAPENG

pytestmark = pytest.mark.django_db

AMOUNTS = ("total_amount", "fiscal_amount", "other_amount")


def _form(source, **lookup) -> Filing:
    return Filing.objects.get(source_file=source.name, **lookup)


def _in_order(text: str, pieces: list[str]) -> None:
    """Each piece appears after the one before it."""
    at = 0
    for piece in pieces:
        found = text.find(compact(piece), at)
        assert found >= 0, f"not found after position {at}: {piece}"
        at = found + len(compact(piece))


def _shown(filing: Filing, amount) -> str:
    return format_amount(filing.in_filing_unit(amount))


@pytest.fixture(params=["program", "overall-2021", "overall-2023"])
def printed(request, samples):
    filing = {
        "program": lambda: _form(DAPENG, kind="program", name="大厅运营事务"),
        "overall-2021": lambda: _form(DAPENG, kind="overall"),
        "overall-2023": lambda: _form(BAOAN_OVERALL, kind="overall"),
    }[request.param]()
    return filing, filing_pdf(filing=filing)


def test_every_indicator_row_is_printed_in_order(printed):
    filing, pdf = printed
    rows = list(filing.indicators.order_by("position"))
    assert len(rows) > 10
    _in_order(all_text(pdf), [piece for row in rows for piece in (row.name, row.value) if piece])


def test_the_header_is_printed(printed):
    filing, pdf = printed
    text = all_text(pdf)
    kind = filing.form_kind
    assert kind.title in text
    assert f"{filing.fiscal_year}年度" in text
    for header_field in kind.header:
        value = filing.value(header_field.name)
        if header_field.name == "fiscal_year" or value in (None, ""):
            continue
        shown = _shown(filing, value) if header_field.is_amount else getattr(value, "name", value)
        assert compact(str(shown)) in text, header_field.label


def test_overall_tasks_and_their_total_are_printed(samples):
    filing = _form(DAPENG, kind="overall")
    text = all_text(filing_pdf(filing=filing))
    tasks = list(filing.tasks.order_by("position"))
    assert len(tasks) == 8
    _in_order(
        text,
        [
            piece
            for task in tasks
            for piece in (task.name, task.content, *(_shown(filing, getattr(task, name)) for name in AMOUNTS))
        ]
        + ["合计", "5,282.00", "5,282.00", "0.00"],
    )


def test_fonts_are_the_cjk_font_and_pages_are_numbered(printed):
    _, pdf = printed
    assert font_names(pdf) and all("CJK" in name for name in font_names(pdf))
    numbers = footers(pdf)
    assert numbers == [(page, len(numbers)) for page in range(1, len(numbers) + 1)]


def test_long_program_form_repeats_its_table_header(samples):
    pdf = filing_pdf(filing=_form(DAPENG, kind="program", name="大厅运营事务"))
    pages = page_texts(pdf)
    assert len(pages) >= 2
    assert all("一级指标二级指标指标内容指标值" in page for page in pages[1:])

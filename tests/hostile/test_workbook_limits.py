"""Workbooks that pass the zip's guards but would cost without bound: refused by the streaming scan,
before openpyxl parses anything, in a fraction of a second (figures in docs/performance.md)."""

from __future__ import annotations

import time

import pytest

from indicators.taxonomy import SHENZHEN_2020, Vocabulary
from projects.models import Filing
from projects.parsers import xlsx
from projects.parsers.workbook_guard import WorkbookLimits
from projects.parsers.xlsx import WorkbookParseError, parse_workbook
from projects.services.excel import filings_to_workbook
from projects.services.excel_import import WorkbookImportError, workbook_import
from tests.hostile.xlsx_parts import MAIN, sheet_of, with_part, workbook_of

VOCABULARIES = {"project": Vocabulary.from_spec(SHENZHEN_2020)}
# Repeated XML compresses a thousandfold; the zip's ratio guard would refuse these files before the
# scan sees them, so it is relaxed here to show the scan's own limits.
NO_RATIO_GUARD = WorkbookLimits(max_ratio=10**6)


@pytest.fixture
def openpyxl_untouched(monkeypatch):
    """Fails the test if openpyxl is asked to open the workbook."""

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl read a workbook the scan should have refused")

    monkeypatch.setattr(xlsx, "load_workbook", refuse)


def refusal(data: bytes, limits: WorkbookLimits = NO_RATIO_GUARD) -> tuple[str, float]:
    started = time.perf_counter()
    with pytest.raises(WorkbookParseError) as raised:
        parse_workbook(data, vocabularies=VOCABULARIES, limits=limits)
    return "\n".join(raised.value.problems), time.perf_counter() - started


def test_a_sheet_of_half_a_million_rows_without_a_dimension_is_refused_at_row_2001(openpyxl_untouched):
    data = workbook_of(sheet_of([b"<row><c><v>1</v></c></row>" * 500_000]))

    message, seconds = refusal(data)

    assert message == "工作表「Sheet1」超过 2000 行"
    assert seconds < 1


def test_a_row_of_three_million_cells_is_refused_at_its_41st_cell(openpyxl_untouched):
    data = workbook_of(sheet_of([b'<row r="1">', b"<c><v>7</v></c>" * 3_000_000, b"</row>"]))

    message, seconds = refusal(data)

    assert message == "工作表「Sheet1」第 1 行超过 40 个单元格，已拒绝读取"
    assert seconds < 1


def test_three_million_shared_strings_are_refused_at_the_limit(openpyxl_untouched):
    strings = [b'<sst xmlns="%s">' % MAIN, b"<si><t>x</t></si>" * 3_000_000, b"</sst>"]
    data = workbook_of(sheet_of([b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>']), strings)

    message, seconds = refusal(data)

    assert message == "工作簿的共享字符串超过 60,000 个，已拒绝读取"
    assert seconds < 1


def test_more_text_than_the_limit_is_refused(openpyxl_untouched):
    strings = [b'<sst xmlns="%s"><si><t>' % MAIN, "字".encode() * 3_000_001, b"</t></si></sst>"]

    message, _ = refusal(workbook_of(sheet_of([]), strings))

    assert message == "工作簿中的文字超过 3,000,000 个字，已拒绝读取"


def test_cells_spread_over_many_rows_count_against_one_limit_for_the_workbook(openpyxl_untouched):
    rows = [b'<row r="%d">' % row + b"<c><v>1</v></c>" * 40 + b"</row>" for row in range(1, 1502)]

    message, _ = refusal(workbook_of(sheet_of(rows)))

    assert message == "工作簿的单元格超过 60,000 个，已拒绝读取"


def test_a_cell_beyond_the_last_column_is_refused_by_its_reference(openpyxl_untouched):
    message, _ = refusal(workbook_of(sheet_of([b'<row r="3"><c r="AZ3"><v>1</v></c></row>'])))
    assert message == "工作表「Sheet1」单元格 AZ3 超出第 40 列，工作表不能超过 40 列"


def test_a_part_read_whole_that_is_larger_than_a_workbook_needs_is_refused(openpyxl_untouched):
    data = with_part(workbook_of(sheet_of([])), "xl/workbook.xml", lambda xml: xml + b" " * (6 * 1024 * 1024))

    message, _ = refusal(data)

    assert message == "工作簿中的「xl/workbook.xml」有 6.0 MB，超过上限 5.0 MB，已拒绝读取"


def test_entity_declarations_are_refused(openpyxl_untouched):
    doctype = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    sheet = [doctype, b'<worksheet xmlns="%s"><sheetData><row><c t="inlineStr"><is><t>&b;</t></is></c></row>' % MAIN]

    message, _ = refusal(workbook_of([*sheet, b"</sheetData></worksheet>"]))

    assert message == "工作簿中含有 DTD 声明，已拒绝读取"


def test_a_sheet_that_declares_too_small_a_dimension_is_still_read_whole(samples):
    code = "440306210601500000540"
    data = filings_to_workbook(filings=Filing.objects.filter(code=code))
    lying = with_part(
        data,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b'<dimension ref="A1:E23"/>', b'<dimension ref="A1:A1"/>'),
    )

    (honest,) = parse_workbook(data, vocabularies=VOCABULARIES).sheets
    (read,) = parse_workbook(lying, vocabularies=VOCABULARIES).sheets

    assert read.filing.indicators == honest.filing.indicators and read.filing.values == honest.filing.values


def test_the_limits_apply_to_a_workbook_import(admin_user, no_write):
    data = workbook_of(sheet_of([b"<row><c><v>%d</v></c></row>" % n for n in range(3000)]))

    with no_write(), pytest.raises(WorkbookImportError) as raised:
        workbook_import(data=data, file_name="长表.xlsx", user=admin_user)

    assert raised.value.problems == ["长表.xlsx：工作表「Sheet1」超过 2000 行"]


def _at_the_limits() -> bytes:
    """A workbook just inside every limit of the scan (read whole in about 2.6 s and 21 MB: see
    docs/performance.md): 1,499 rows of 40 cells (59,960 cells), each an
    inline string of 50 characters (close to the 3,000,000 characters)."""
    cell = b'<c t="inlineStr"><is><t>' + "字".encode() * 50 + b"</t></is></c>"
    rows = [b'<row r="%d">' % row + cell * 40 + b"</row>" for row in range(1, 1500)]
    return workbook_of(sheet_of(rows))


def test_reading_past_its_time_limit_is_stopped_with_a_message():
    limits = WorkbookLimits(max_ratio=10**6, max_seconds=0.01)

    message, took = refusal(_at_the_limits(), limits)

    assert message == "读取工作簿超过 0.01 秒仍未完成，已停止：请删去与申报表无关的工作表和内容后重新上传"
    assert took < 2

"""The check report as a workbook: what the /checks/ page shows, for people who work through it in Excel.

Three sheets: 申报表 (a row per filing, with its error and warning counts), 检查结果 (a row per finding:
where it is and what to do) and 按规则合计. Written with openpyxl's write-only workbook, row by row
from a chunked query, so memory stays small; more than ``MAX_EXPORT_FILINGS`` filings are refused.
"""

from __future__ import annotations

import io
from typing import Any

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from checks.models import FilingCheck
from checks.registry import RULES_BY_ID, Rule
from checks.report import RunningTotals, report_rows
from projects.services.excel import CONTENT_TYPE
from projects.spreadsheet_text import as_text_cell

__all__ = ["CONTENT_TYPE", "MAX_EXPORT_FILINGS", "ReportTooLong", "check_report_workbook"]

# One export holds at most this many filings (each with its findings, about eight a filing in the
# samples): enough for a district's year, small enough to build in the request.
MAX_EXPORT_FILINGS = 20_000

_BOLD = Font(bold=True)
_FILING_HEADINGS = [("申报表", 10), ("项目编码", 24), ("名称", 40), ("填报单位", 36), ("预算年度", 10)]
_COUNT_HEADINGS = [("错误", 8), ("提示", 8)]
_FINDING_HEADINGS = [("规则", 6), ("检查内容", 30), ("严重程度", 10), ("位置", 36), ("说明", 80)]
_TOTAL_HEADINGS = [("规则", 6), ("检查内容", 40), ("错误", 8), ("提示", 8), ("涉及申报表", 12)]


class ReportTooLong(Exception):
    def __init__(self, count: int, limit: int):
        self.count, self.limit = count, limit
        super().__init__(
            f"检查报告共 {count:,} 张申报表，超过一次导出的上限 {limit:,} 张，未导出。请先按年度、单位筛选后再导出。"
        )


def check_report_workbook(*, checks: QuerySet[FilingCheck], rule: Rule | None = None) -> bytes:
    """The checks (scoped to what the user may see, filtered, sorted) as a workbook; only the filings
    with findings of ``rule`` when given. Raises ``ReportTooLong`` past ``MAX_EXPORT_FILINGS``."""
    count = checks.count()
    if count > MAX_EXPORT_FILINGS:
        raise ReportTooLong(count, MAX_EXPORT_FILINGS)
    workbook = Workbook(write_only=True)
    filings = _sheet(workbook, "申报表", _FILING_HEADINGS + _COUNT_HEADINGS)
    findings = _sheet(workbook, "检查结果", _FILING_HEADINGS + _FINDING_HEADINGS)
    running = RunningTotals()
    for row in report_rows(checks, rule=rule):
        filing = row.check.filing
        described = [filing.kind_name, filing.code, filing.name, filing.department.name, filing.fiscal_year]
        filings.append(_cells(filings, [*described, row.check.errors, row.check.warnings]))
        running.add(row.findings)
        for finding in row.findings:
            if rule is not None and finding.rule_id != rule.id:
                continue
            number, title = _rule_of(finding.rule_id)
            about = [number, title, finding.severity_label, finding.subject, finding.message]
            findings.append(_cells(findings, [*described, *about]))
    totals = _sheet(workbook, "按规则合计", _TOTAL_HEADINGS)
    for total in running.totals:
        totals.append([total.rule.number, total.rule.title, total.errors, total.warnings, total.filings])
    buffer = io.BytesIO()
    workbook.properties.creator = "budgetperf"
    workbook.properties.title = "申报表检查报告"
    workbook.save(buffer)
    return buffer.getvalue()


def _rule_of(rule_id: str) -> tuple[int | None, str]:
    rule = RULES_BY_ID.get(rule_id)
    return (rule.number, rule.title) if rule else (None, rule_id)


def _sheet(workbook: Workbook, title: str, headings: list[tuple[str, int]]) -> WriteOnlyWorksheet:
    sheet = workbook.create_sheet(title)
    # A write-only sheet takes column widths before its first row.
    for index, (_, width) in enumerate(headings, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    heading_cells = []
    for heading, _ in headings:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = _BOLD
        heading_cells.append(cell)
    sheet.append(heading_cells)
    return sheet


def _cells(sheet: WriteOnlyWorksheet, values: list[Any]) -> list[Any]:
    """A row's values; text a spreadsheet would read as a formula (=, +, -, @ …) stored as text."""
    row: list[Any] = []
    for value in values:
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if as_text_cell(value) != value:
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                cell.quotePrefix = True
                row.append(cell)
                continue
        row.append(value)
    return row

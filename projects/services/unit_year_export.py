"""The unit-year page as a workbook (a sheet per table, amounts as numbers in 万元) and as a PDF (the
page's tables and charts, laid out for A4 by the same engine and fonts as the forms)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from projects.models import WAN
from projects.overview import UnitYear
from projects.printing import engine, font
from projects.services.pdf import form_css

WAN_FORMAT = "#,##0.00"
_BOLD = Font(bold=True)


def _wan(amount: Decimal | None) -> float | None:
    """An amount in 万元 as a spreadsheet number (exact to the fen: at most six decimals)."""
    return None if amount is None else float(amount / WAN)


def _sheet(book: Workbook, title: str, headings: list[str], rows: list[list[Any]], amounts: set[int]) -> Worksheet:
    sheet = book.create_sheet(title)
    sheet.append(headings)
    for cell in sheet[1]:
        cell.font = _BOLD
    for row in rows:
        sheet.append(row)
        for index, cell in enumerate(sheet[sheet.max_row]):
            if index in amounts:
                cell.number_format = WAN_FORMAT
            elif isinstance(cell.value, str):
                cell.data_type = "s"  # a name such as "=补贴" stays text, never a formula
    for index, heading in enumerate(headings):
        width = max([len(heading), *(len(str(row[index] or "")) for row in rows)]) * 2 + 2
        sheet.column_dimensions[sheet.cell(row=1, column=index + 1).column_letter].width = min(60, width)
    sheet.freeze_panes = "A2"
    return sheet


def unit_year_workbook(summary: UnitYear) -> bytes:
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    statuses = {label: total for _, label, _, total in summary.statuses}
    _sheet(
        book,
        "概览",
        ["项目", "数值"],
        [
            ["预算单位", summary.department.name],
            ["预算年度", summary.year],
            ["二级项目数", summary.projects.count],
            ["二级项目本年度金额（万元）", _wan(summary.projects.current)],
            ["二级项目中期规划金额（万元）", _wan(summary.projects.medium)],
            *[[f"{label}（张）", total] for label, total in statuses.items()],
            ["检查错误（条）", summary.errors],
            ["检查提示（条）", summary.warnings],
        ],
        set(),
    )
    for row in book["概览"].iter_rows(min_row=4, max_row=5):
        row[1].number_format = WAN_FORMAT
    amount_headings = ["二级项目数", "本年度金额（万元）", "中期规划金额（万元）"]
    _sheet(
        book,
        "按一级项目",
        ["一级项目", *amount_headings],
        [[r.label, r.count, _wan(r.current), _wan(r.medium)] for r in summary.by_program],
        {2, 3},
    )
    _sheet(
        book,
        "按项目类型",
        ["项目类型", *amount_headings],
        [[r.label, r.count, _wan(r.current), _wan(r.medium)] for r in summary.by_type],
        {2, 3},
    )
    if summary.reconciliation is not None:
        _sheet(
            book,
            "任务与项目",
            ["年度主要任务", "任务金额（万元）", "对应项目", "项目金额（万元）", "差额（万元）", "说明"],
            [
                [
                    m.task.name,
                    _wan(m.task.amount),
                    "、".join(p.name for p in m.projects),
                    _wan(m.project_amount),
                    _wan(m.difference.expected - m.difference.found) if m.difference else None,
                    "金额不符" if m.difference else ("无对应项目" if not m.projects else "一致"),
                ]
                for m in summary.reconciliation.matches
            ],
            {1, 3, 4},
        )
    _sheet(
        book,
        "检查结果",
        ["规则", "错误", "提示", "涉及申报表"],
        [[f"{r.number} {r.title}", r.errors, r.warnings, r.filings] for r in summary.rules],
        set(),
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def unit_year_pdf(context: dict[str, Any]) -> bytes:
    """The page's context rendered by the print template (``print/unit_year.html``)."""
    # The charts' text in the forms' faces: SVG text does not take the page's font.
    chart_font = f'"{font.FAMILY}", "{font.SOURCE_FAMILY}", serif'
    return engine.pdf(render_to_string("print/unit_year.html", {**context, "chart_font": chart_font}), form_css())

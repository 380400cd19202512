"""Writes the official 二级项目支出绩效目标申报表 template as .xlsx: one sheet per project.

The sheet looks like the printed form: the title, a header grid of label/value pairs, the long
texts across the width, the indicator table with its 一级/二级 cells merged over their rows, and
the platforms' 备注. Grey cells hold what the system fills in (codes, units, amounts, the
categories); a unit types into the white ones. ``projects.parsers.xlsx`` reads the same layout
back, by labels rather than addresses.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypedDict

from django.db.models import Prefetch
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from indicators.models import FormTemplate, Indicator
from indicators.taxonomy import TemplateSpec
from projects.models import AmountUnit, Department, Project
from projects.parsers.text import FORM_TITLE
from projects.parsers.xlsx import ALLOCATIONS, TABLE_COLUMNS

NOTE = "备注：作为导入模板，置灰信息无需录入，作为导出模板，置灰信息系统自动带出。"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

WIDTHS = {"A": 18, "B": 18, "C": 26, "D": 18, "E": 40}
FONT = Font(name="宋体", size=11)
BOLD = Font(name="宋体", size=11, bold=True)
TITLE_FONT = Font(name="宋体", size=16, bold=True)
GREY = PatternFill(fill_type="solid", start_color="D9D9D9", end_color="D9D9D9")
_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")
YUAN_FORMAT = "#,##0.00"
WAN_FORMAT = "#,##0.00####"  # 万元 keep up to six decimals: 元 to the fen

# What a cell holds, and a header pair: label, value, grey or not, number format.
_Value = str | int | Decimal | None
_Pair = tuple[str, _Value, bool, str | None]

_LINE_HEIGHT = 15  # points per line of 11-point text
_WIDE_CHAR = 2.1  # a CJK character is about two digit-widths of the column unit


@dataclass
class FormData:
    """What one sheet shows; built from a project, or partly blank for the template."""

    year: int | None = None
    code: str = ""
    name: str = ""
    applicant: str = ""
    top_unit: str = ""
    duration_years: int | None = None
    project_type: str = ""
    is_new: bool | None = None
    allocation: str = ""
    amount_unit: str = AmountUnit.YUAN
    total_amount: Decimal | None = None
    current_amount: Decimal | None = None
    policy_basis_label: str = "政策依据"
    policy_basis: str = ""
    calculation_basis: str = ""
    annual_goal: str = ""
    long_term_goal: str = ""
    # (一级, 二级) → rows of (三级指标, 指标值, 指标解释)
    rows: dict[tuple[str, str], list[tuple[str, str, str]]] = field(default_factory=dict)

    @classmethod
    def of(cls, project: Project) -> FormData:
        rows: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
        for indicator in project.indicators.all():
            key = (indicator.category.parent.name, indicator.category.name)
            rows.setdefault(key, []).append((indicator.name, indicator.value, indicator.explanation))
        return cls(
            year=project.fiscal_year,
            code=project.code,
            name=project.name,
            applicant=project.applicant.name,
            top_unit=project.top_unit.name,
            duration_years=project.duration_years,
            project_type=project.project_type,
            is_new=project.is_new,
            allocation=project.allocation,
            amount_unit=project.amount_unit or AmountUnit.YUAN,
            total_amount=project.in_filing_unit(project.total_amount),
            current_amount=project.in_filing_unit(project.current_amount),
            policy_basis_label=project.policy_basis_label or "政策依据",
            policy_basis=project.policy_basis,
            calculation_basis=project.calculation_basis,
            annual_goal=project.annual_goal,
            long_term_goal=project.long_term_goal,
            rows=rows,
        )


def projects_to_workbook(*, projects: Iterable[Project]) -> bytes:
    """One sheet per project, named by its 项目编码; ``projects`` should already be scoped."""
    if hasattr(projects, "select_related"):
        projects = projects.select_related("applicant", "top_unit").prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.select_related("category__parent"))
        )
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the sheet a new workbook opens with
    specs: dict[int, TemplateSpec] = {}
    for project in projects:
        if project.template_id not in specs:
            specs[project.template_id] = project.template.spec()
        title = _unique_title(workbook, project.code)
        _write_form(workbook.create_sheet(title), FormData.of(project), specs[project.template_id], system_filled=True)
    if not workbook.worksheets:
        workbook.create_sheet("申报表")  # a workbook needs a sheet; an empty selection gives an empty one
    return _save(workbook)


def blank_template_workbook(*, department: Department | None = None, year: int | None = None) -> bytes:
    """The template to fill offline, with the department's header fields filled in when given."""
    data = FormData(year=year)
    if department is not None:
        data.applicant = department.name
        data.top_unit = department.parent.name if department.parent is not None else department.name
    workbook = Workbook()
    sheet = workbook.worksheets[0]  # the sheet a new workbook opens with
    _write_form(sheet, data, FormTemplate.default().spec(), system_filled=False)
    sheet.title = "申报表"
    return _save(workbook)


def workbook_filename(stem: str) -> str:
    return f"{stem}.xlsx"


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.properties.creator = "budgetperf"
    workbook.properties.title = FORM_TITLE
    workbook.save(buffer)
    return buffer.getvalue()


def _unique_title(workbook: Workbook, wanted: str) -> str:
    title, number = wanted[:31], 2
    while title in workbook.sheetnames:
        suffix = f"({number})"
        title, number = wanted[: 31 - len(suffix)] + suffix, number + 1
    return title


def _write_form(sheet: Worksheet, data: FormData, spec: TemplateSpec, *, system_filled: bool) -> None:
    writer = _SheetWriter(sheet)
    writer.title()

    # Grey marks what the platform fills in; in the blank template only what is already filled.
    def grey(value: _Value) -> bool:
        return system_filled or value not in (None, "")

    writer.pair_row([("预算年度：", data.year, grey(data.year), None)])
    amount_format = WAN_FORMAT if data.amount_unit == AmountUnit.WAN_YUAN else YUAN_FORMAT
    unit = data.amount_unit or AmountUnit.YUAN
    writer.pair_row([("项目编码：", data.code, grey(data.code), "@"), ("项目名称：", data.name, grey(data.name), None)])
    writer.pair_row(
        [
            ("申请单位：", data.applicant, grey(data.applicant), None),
            ("一级预算单位：", data.top_unit, grey(data.top_unit), None),
        ]
    )
    writer.pair_row(
        [
            ("实施期限：", data.duration_years, grey(data.duration_years), None),
            ("项目类型：", data.project_type, grey(data.project_type), None),
        ]
    )
    is_new = "" if data.is_new is None else ("是" if data.is_new else "否")
    writer.pair_row(
        [("是否新增项目：", is_new, grey(is_new), None), ("分配方式：", data.allocation, grey(data.allocation), None)]
    )
    writer.pair_row(
        [
            (f"项目总金额（中期规划，{unit}）：", data.total_amount, grey(data.total_amount), amount_format),
            (f"本年度项目金额（{unit}）：", data.current_amount, grey(data.current_amount), amount_format),
        ]
    )
    for label, text in (
        (f"{data.policy_basis_label}：", data.policy_basis),
        ("测算依据：", data.calculation_basis),
        ("年度目标：", data.annual_goal),
        ("长期目标（跨度多年的项目需填）：", data.long_term_goal),
    ):
        writer.text_row(label, text)
    writer.table(spec, data.rows)
    writer.note()
    writer.validations()
    writer.page_setup()


# Named styles: one registration per workbook, then each cell takes a style by name, which is
# much cheaper than assigning fonts, fills and borders cell by cell.
class _Style(TypedDict, total=False):
    """What a named style sets: the arguments of ``NamedStyle`` besides its name."""

    font: Font
    alignment: Alignment
    border: Border
    fill: PatternFill
    number_format: str


_STYLES: dict[str, _Style] = {
    "申报表-标题": {"font": TITLE_FONT, "alignment": CENTRE},
    "申报表-栏目": {"font": BOLD, "alignment": WRAP, "border": BORDER},
    "申报表-表头": {"font": BOLD, "alignment": CENTRE, "border": BORDER},
    "申报表-填写": {"font": FONT, "alignment": WRAP, "border": BORDER},
    "申报表-类别": {"font": FONT, "alignment": CENTRE, "border": BORDER, "fill": GREY},
    "申报表-备注": {"font": FONT, "alignment": WRAP},
}


def _value_style(grey: bool, number_format: str | None) -> str:
    """The name of a value cell's style: grey or white, with its number format."""
    name = "申报表-" + ("系统" if grey else "填写") + (f"-{number_format}" if number_format else "")
    if name not in _STYLES:
        _STYLES[name] = {"font": FONT, "alignment": WRAP, "border": BORDER}
        if grey:
            _STYLES[name]["fill"] = GREY
        if number_format:
            _STYLES[name]["number_format"] = number_format
    return name


class _SheetWriter:
    """Writes the form top to bottom, remembering where the cells that need validation are."""

    def __init__(self, sheet: Worksheet) -> None:
        if sheet.parent is None:
            raise ValueError("the sheet to write the form on belongs to no workbook")
        self.sheet = sheet
        self.workbook = sheet.parent  # where the named styles are registered
        self.row = 0
        self.cells: dict[str, str] = {}  # label → value cell, for data validation

    def _put(self, ref: str, value: _Value, style: str, *, through: str | None = None) -> None:
        """Writes a value in the named style; ``through`` merges the cell with those up to it."""
        if through is not None and through != ref:
            # Merge first and style every cell after: merging a styled cell makes openpyxl copy
            # borders cell by cell, which is slow; styled by name, merged cells keep the borders.
            self.sheet.merge_cells(f"{ref}:{through}")
        if style not in self.workbook.named_styles:
            self.workbook.add_named_style(NamedStyle(name=style, **_STYLES[style]))
        for line in self.sheet[f"{ref}:{through or ref}"]:
            for cell in line:
                cell.style = style
        cell = self.sheet[ref]
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # text such as "=100%" must stay text, never become a formula

    def _height(self, *texts: tuple[object, float]) -> None:
        lines = max((_line_count(_display(text), width) for text, width in texts), default=1)
        self.sheet.row_dimensions[self.row].height = max(lines * _LINE_HEIGHT + 5, 22)

    def title(self) -> None:
        self.row += 1
        self._put(f"A{self.row}", FORM_TITLE, "申报表-标题", through=f"E{self.row}")
        self.sheet.row_dimensions[self.row].height = 36

    def pair_row(self, pairs: list[_Pair]) -> None:
        """Label A, value B:C, label D, value E; a row of one pair leaves D:E empty."""
        self.row += 1
        r = self.row
        slots = (("A", "B", "C"), ("D", "E", "E"))
        heights = []
        for (label, value, grey, number_format), (label_col, first, last) in zip(pairs, slots, strict=False):
            self._put(f"{label_col}{r}", label, "申报表-栏目")
            self._put(f"{first}{r}", value, _value_style(grey, number_format), through=f"{last}{r}")
            self.cells[label] = f"{first}{r}"
            heights += [(label, WIDTHS[label_col]), (value, _span_width(first, last))]
        self._height(*heights)

    def text_row(self, label: str, text: str) -> None:
        self.row += 1
        r = self.row
        self._put(f"A{r}", label, "申报表-栏目")
        self._put(f"B{r}", text, "申报表-填写", through=f"E{r}")
        self._height((label, WIDTHS["A"]), (text, _span_width("B", "E")))

    def table(self, spec: TemplateSpec, rows: dict[tuple[str, str], list[tuple[str, str, str]]]) -> None:
        self.row += 1
        for column, heading in zip("ABCDE", TABLE_COLUMNS, strict=True):
            self._put(f"{column}{self.row}", heading, "申报表-表头")
        self.sheet.row_dimensions[self.row].height = 22
        for level1 in spec.levels:
            level1_first = self.row + 1
            for level2 in level1.children:
                level2_first = self.row + 1
                # A category without rows still shows one blank line, as the printed form does.
                for name, value, explanation in rows.get((level1.name, level2.name)) or [("", "", "")]:
                    self.row += 1
                    for column, text in zip("CDE", (name, value, explanation), strict=True):
                        self._put(f"{column}{self.row}", text, "申报表-填写")
                    self._height((name, WIDTHS["C"]), (value, WIDTHS["D"]), (explanation, WIDTHS["E"]))
                marked = f"*{level2.name}" if level2.required else level2.name
                self._put(f"B{level2_first}", marked, "申报表-类别", through=f"B{self.row}")
            self._put(f"A{level1_first}", level1.name, "申报表-类别", through=f"A{self.row}")

    def note(self) -> None:
        self.row += 1
        self._put(f"A{self.row}", NOTE, "申报表-备注", through=f"E{self.row}")
        self.sheet.row_dimensions[self.row].height = 22

    def validations(self) -> None:
        """Drop-down lists and checks that Excel applies while a unit types."""
        checks = [
            (DataValidation(type="list", formula1='"是,否"', allow_blank=True), "是否新增项目："),
            (DataValidation(type="list", formula1=f'"{",".join(ALLOCATIONS)}"', allow_blank=True), "分配方式："),
            (DataValidation(type="textLength", operator="equal", formula1="21", allow_blank=True), "项目编码："),
            (
                DataValidation(type="whole", operator="between", formula1="1", formula2="100", allow_blank=True),
                "实施期限：",
            ),
        ]
        for validation, label in checks:
            validation.error, validation.errorTitle, validation.showErrorMessage = _ERRORS[label], "填写有误", True
            validation.add(self.cells[label])
            self.sheet.add_data_validation(validation)
        amounts = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        amounts.error, amounts.errorTitle, amounts.showErrorMessage = "金额应为不小于 0 的数字", "填写有误", True
        for label, ref in self.cells.items():
            if "金额" in label:
                amounts.add(ref)
        self.sheet.add_data_validation(amounts)

    def page_setup(self) -> None:
        sheet = self.sheet
        for column, width in WIDTHS.items():
            sheet.column_dimensions[column].width = width
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = sheet.ORIENTATION_PORTRAIT
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0  # as many pages down as the indicators need
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        sheet.print_options.horizontalCentered = True
        sheet.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6, header=0.3, footer=0.3)
        sheet.print_area = f"A1:E{self.row}"
        footer = HeaderFooterItem()
        footer.center.text = "第 &P 页，共 &N 页"
        sheet.oddFooter = footer


_ERRORS = {
    "是否新增项目：": "请选择“是”或“否”",
    "分配方式：": "请选择因素法、项目法或因素法和项目法",
    "项目编码：": "项目编码应为21位数字，请以文本格式填写",
    "实施期限：": "实施期限应为整数年数",
}


def _display(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


def _span_width(first: str, last: str) -> float:
    columns = "ABCDE"
    return sum(WIDTHS[c] for c in columns[columns.index(first) : columns.index(last) + 1])


def _line_count(text: str, width: float) -> int:
    """Lines a wrapped cell needs, so that merged cells (which Excel never auto-fits) show all text."""
    usable = max(width - 1, 1)
    lines = 0
    for paragraph in text.split("\n") or [""]:
        span = sum(_WIDE_CHAR if unicodedata.east_asian_width(c) in "WF" else 1.1 for c in paragraph)
        lines += max(1, math.ceil(span / usable))
    return lines

"""Writes the official 申报表 of every kind as .xlsx: one sheet per filing.

The sheet looks like the printed form: the title, a header grid of label/value pairs, the long
texts across the width, the 部门整体 form's 年度主要任务, the indicator table with its 一级/二级
cells merged over their rows, and the platforms' 备注. Grey cells hold what the system fills in
(codes, units, amounts, the categories); a unit types into the white ones. Everything on the sheet
comes from the kind's definition as the filing's layout prints it (``Filing.form_kind``: the header
fields the layout adds, relabels or leaves out, the columns of its table, and any other column of the
catalogue a row fills, as the pages show them: ``shown_columns``), then the header labels a file wrote
that no layout knows (``Filing.extra_fields``); ``projects.parsers.xlsx`` reads the same
layout back, by labels and headings rather than addresses, and finds the layout from the sheet.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from indicators.models import FormTemplate, Indicator
from indicators.taxonomy import TemplateSpec
from projects.kinds import header_relations, kind_named
from projects.kinds.base import Amount, Choice, Code, Column, FormKind, Row, Wide, Years, YesNo
from projects.kinds.layouts import is_extra, kind_in_layout
from projects.models import AmountUnit, Department, Filing
from projects.services.rows import shown_columns

NOTE = "备注：作为导入模板，置灰信息无需录入，作为导出模板，置灰信息系统自动带出。"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Column widths by the number of columns the kind's sheet has; a wider table shares out its columns'
# widths (``table_widths``).
WIDTHS = {5: (18, 18, 26, 18, 40), 6: (16, 16, 22, 16, 22, 30)}
_CATEGORY_WIDTH = 14  # 一级指标 and 二级指标, beside a table of many columns
_TABLE_WIDTH = 96  # what the other columns of such a table share
TEXT_FORMAT = "@"  # a cell Excel keeps as typed: =100%, 95, ≥ stay text
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

_LINE_HEIGHT = 15  # points per line of 11-point text
_WIDE_CHAR = 2.1  # a CJK character is about two digit-widths of the column unit


@dataclass
class SheetData:
    """What one sheet shows, in the filing's unit; built from a filing, or partly blank for a template."""

    kind: FormKind
    year: int | None = None
    amount_unit: str = AmountUnit.YUAN
    values: dict[str, Any] = field(default_factory=dict)  # header field name → value as written
    labels: dict[str, str] = field(default_factory=dict)  # the label a filing used (政策依据 / 项目概况)
    # (一级, 二级) → rows of the kind's column values
    rows: dict[tuple[str, str], list[tuple[Any, ...]]] = field(default_factory=dict)
    tasks: list[tuple[Any, ...]] = field(default_factory=list)
    # Header labels a file wrote that no field of the layout has, {label: text}: shown after its fields.
    other_fields: dict[str, str] = field(default_factory=dict)
    # The table's columns: the layout's, then any other column of the catalogue a row fills (``rows``
    # holds their values in this order); by default the layout's.
    columns: tuple[Column, ...] = ()

    def __post_init__(self) -> None:
        self.columns = self.columns or self.kind.indicators.columns

    @classmethod
    def of(cls, filing: Filing) -> SheetData:
        kind = filing.form_kind
        indicators = list(filing.indicators.all())
        # As the pages and the printed form show them: a column the layout lacks but a row fills (四川's
        # rows with 备注 or 分值) is written too, so that importing the workbook back keeps it.
        columns = shown_columns(kind.indicators.columns, indicators)
        rows: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
        for indicator in indicators:
            key = (indicator.category.parent.name, indicator.category.name)
            rows.setdefault(key, []).append(tuple(getattr(indicator, column.name) for column in columns))
        values: dict[str, Any] = {}
        for header_field in kind.header:
            value = filing.value(header_field.name)
            values[header_field.name] = filing.in_filing_unit(value) if header_field.is_amount else value
        labels = {f.name: filing.value(f.label_field) or f.plain_label for f in kind.header if f.label_field}
        tasks = []
        if kind.tasks is not None:
            for task in filing.tasks.all():
                tasks.append(
                    tuple(
                        filing.in_filing_unit(getattr(task, column.name))
                        if column.amount
                        else getattr(task, column.name)
                        for column in kind.tasks.columns
                    )
                )
        known = {header_field.label for header_field in kind.header if is_extra(header_field.name)}
        others = {label: str(text) for label, text in (filing.extra_fields or {}).items() if label not in known}
        unit = filing.amount_unit or AmountUnit.YUAN
        return cls(kind, filing.fiscal_year, unit, values, labels, rows, tasks, others, columns)


def filings_to_workbook(*, filings: Iterable[Filing]) -> bytes:
    """One sheet per filing, named by its code (or its name); ``filings`` should already be scoped."""
    if isinstance(filings, QuerySet):
        filings = filings.select_related("department", "template", *header_relations()).prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.select_related("category__parent")), "tasks"
        )
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    specs: dict[int, TemplateSpec] = {}
    for filing in filings:
        if filing.template_id not in specs:
            specs[filing.template_id] = filing.template.spec()
        title = _unique_title(workbook, filing.code or filing.name or filing.form_kind.short_name)
        _write_form(workbook.create_sheet(title), SheetData.of(filing), specs[filing.template_id], system_filled=True)
    if not workbook.worksheets:
        workbook.create_sheet("申报表")  # a workbook needs a sheet; an empty selection gives an empty one
    return _save(workbook)


def blank_template_workbook(
    *,
    kind: str = "project",
    department: Department | None = None,
    year: int | None = None,
    template: FormTemplate | None = None,
) -> bytes:
    """The template of ``kind`` to fill offline, with the department's header fields filled in when given;
    in the layout of ``template`` (one of the kind's), by default the kind's default one."""
    template = template or FormTemplate.default(kind)
    if template.kind != kind:
        raise ValueError(f"template {template.code} is not a layout of {kind}")
    spec = template.spec()
    form_kind = kind_in_layout(kind_named(kind), spec)
    data = SheetData(form_kind, year=year)
    if department is not None:
        data.values["department"] = department
        parent = department.parent if department.parent_id else department
        if form_kind.parent_unit:
            data.values[form_kind.parent_unit] = parent
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    _write_form(sheet, data, spec, system_filled=False)
    sheet.title = form_kind.short_name
    return _save(workbook)


def workbook_filename(stem: str) -> str:
    return f"{stem}.xlsx"


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.properties.creator = "budgetperf"
    workbook.properties.title = "预算绩效目标申报表"
    workbook.save(buffer)
    return buffer.getvalue()


def _unique_title(workbook: Workbook, wanted: str) -> str:
    wanted = "".join(c for c in wanted if c not in "[]:*?/\\")[:31] or "申报表"
    title, number = wanted, 2
    while title in workbook.sheetnames:
        suffix = f"({number})"
        title, number = wanted[: 31 - len(suffix)] + suffix, number + 1
    return title


def sheet_width(kind: FormKind, columns: Sequence[Column] | None = None) -> int:
    """How many columns the kind's sheet has: enough for its widest header row, its tables (the indicator
    table in ``columns``, by default the kind's)."""
    columns = kind.indicators.columns if columns is None else columns
    pairs = max((len(item.names) for item in kind.layout if isinstance(item, Row)), default=2)
    tasks = len(kind.tasks.columns) if kind.tasks else 0
    return max(2 * pairs + (1 if pairs == 2 else 0), 2 + len(columns), tasks, 5)


def table_widths(kind: FormKind, width: int, columns: Sequence[Column] | None = None) -> tuple[float, ...]:
    """The widths of a sheet's columns: the kind's own, or, for a table of more columns than a kind
    has (四川: 指标性质 · 指标值 · 度量单位 · 权重 · 指标方向性), its columns' shares of the width."""
    if width in WIDTHS:
        return WIDTHS[width]
    columns = kind.indicators.columns if columns is None else columns
    if width != 2 + len(columns):
        return (18,) * width
    share = _TABLE_WIDTH / sum(column.width for column in columns)
    return (_CATEGORY_WIDTH, _CATEGORY_WIDTH, *(max(8, round(column.width * share)) for column in columns))


def spans(width: int, parts: int) -> list[int]:
    """How many columns each of ``parts`` takes of ``width``, the first ones the widest."""
    base, extra = divmod(width, parts)
    return [base + (1 if index < extra else 0) for index in range(parts)]


def _write_form(sheet: Worksheet, data: SheetData, spec: TemplateSpec, *, system_filled: bool) -> None:
    kind = data.kind
    width = sheet_width(kind, data.columns)
    writer = _SheetWriter(sheet, width, table_widths(kind, width, data.columns))
    writer.title(kind.title)
    if spec.title:  # the layout's own title (省级部门预算项目支出绩效目标表), under the kind's
        writer.subtitle(spec.title)

    # Grey marks what the platform fills in; in the blank template only what is already filled.
    def grey(value: Any) -> bool:
        return system_filled or value not in (None, "")

    writer.pair_row([("预算年度：", data.year, grey(data.year), None)])
    for item in kind.layout:
        if isinstance(item, Row):
            writer.pair_row([_pair(data, name, grey) for name in item.names])
        elif isinstance(item, Wide):
            label, value, _, _ = _pair(data, item.name, grey)
            writer.text_row(label, value)
    for label, text in data.other_fields.items():
        writer.text_row(f"{label}：", text)
    if kind.tasks is not None:
        writer.tasks(kind, data.tasks, [_excel(data.values.get(name)) for name in kind.tasks.totals], data.amount_unit)
    writer.table(kind, spec, data.columns, data.rows)
    writer.note()
    writer.validations(kind)
    writer.page_setup()


def _pair(data: SheetData, name: str, grey: Any) -> tuple[str, Any, bool, str | None]:
    header_field = data.kind.field(name)
    label = data.labels.get(name) or header_field.label_for(data.amount_unit)
    value = _excel(data.values.get(name))
    if isinstance(header_field.type, YesNo):
        value = header_field.show(value, data.amount_unit)
    elif isinstance(header_field.type, Years) and value is not None:
        value = int(value)
    number_format = None
    if header_field.is_amount:
        number_format = WAN_FORMAT if data.amount_unit == AmountUnit.WAN_YUAN else YUAN_FORMAT
    elif isinstance(header_field.type, Code):
        number_format = "@"
    return f"{label}：", value, grey(value), number_format


def _excel(value: Any) -> Any:
    """A value as a cell holds it: units and linked filings by name."""
    return getattr(value, "name", value)


# Named styles: one registration per workbook, then each cell takes a style by name, which is
# much cheaper than assigning fonts, fills and borders cell by cell.
_STYLES: dict[str, dict[str, Any]] = {
    "申报表-标题": {"font": TITLE_FONT, "alignment": CENTRE},
    "申报表-副标题": {"font": BOLD, "alignment": CENTRE},
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
        style: dict[str, Any] = {"font": FONT, "alignment": WRAP, "border": BORDER}
        if grey:
            style["fill"] = GREY
        if number_format:
            style["number_format"] = number_format
        _STYLES[name] = style
    return name


class _SheetWriter:
    """Writes the form top to bottom, remembering where the cells that need validation are."""

    def __init__(self, sheet: Worksheet, width: int, widths: tuple[float, ...]):
        self.sheet = sheet
        self.width = width
        self.letters = [get_column_letter(index) for index in range(1, width + 1)]
        self.widths = widths
        self.row = 0
        self.cells: dict[str, str] = {}  # label → value cell, for data validation
        self.weights = ""  # the cells of the table's 权重 column, if it has one

    @property
    def last(self) -> str:
        return self.letters[-1]

    def _put(self, ref: str, value: Any, style: str, *, through: str | None = None) -> None:
        """Writes a value in the named style; ``through`` merges the cell with those up to it."""
        if through is not None and through != ref:
            # Merge first and style every cell after: merging a styled cell makes openpyxl copy
            # borders cell by cell, which is slow; styled by name, merged cells keep the borders.
            self.sheet.merge_cells(f"{ref}:{through}")
        workbook = self.sheet.parent
        assert workbook is not None
        if style not in workbook.named_styles:
            workbook.add_named_style(NamedStyle(name=style, **_STYLES[style]))
        for line in self.sheet[f"{ref}:{through or ref}"]:
            for cell in line:
                cell.style = style
        cell = self.sheet[ref]
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # text such as "=100%" must stay text, never become a formula

    def _span_width(self, first: int, count: int) -> float:
        return sum(self.widths[first : first + count])

    def _height(self, *texts: tuple[object, float]) -> None:
        lines = max((_line_count(_display(text), width) for text, width in texts), default=1)
        self.sheet.row_dimensions[self.row].height = max(lines * _LINE_HEIGHT + 5, 22)

    def title(self, text: str) -> None:
        self.row += 1
        self._put(f"A{self.row}", text, "申报表-标题", through=f"{self.last}{self.row}")
        self.sheet.row_dimensions[self.row].height = 36

    def subtitle(self, text: str) -> None:
        self.row += 1
        self._put(f"A{self.row}", text, "申报表-副标题", through=f"{self.last}{self.row}")
        self.sheet.row_dimensions[self.row].height = 22

    def pair_row(self, pairs: Sequence[tuple[str, Any, bool, str | None]]) -> None:
        """Label and value side by side, the values sharing what the labels leave of the width."""
        self.row += 1
        r = self.row
        column = 0
        heights = []
        for (label, value, grey, number_format), span in zip(
            pairs, spans(self.width - len(pairs), len(pairs)), strict=True
        ):
            label_ref, first = f"{self.letters[column]}{r}", f"{self.letters[column + 1]}{r}"
            self._put(label_ref, label, "申报表-栏目")
            self._put(first, value, _value_style(grey, number_format), through=f"{self.letters[column + span]}{r}")
            self.cells[label] = first
            heights += [(label, self.widths[column]), (value, self._span_width(column + 1, span))]
            column += 1 + span
        self._height(*heights)

    def text_row(self, label: str, text: Any) -> None:
        self.row += 1
        r = self.row
        self._put(f"A{r}", label, "申报表-栏目")
        self._put(f"B{r}", text, "申报表-填写", through=f"{self.last}{r}")
        self._height((label, self.widths[0]), (text, self._span_width(1, self.width - 1)))

    def tasks(self, kind: FormKind, tasks: list[tuple[Any, ...]], totals: list[Any], unit: str) -> None:
        """The 年度主要任务 table: its title, its headings, a row per task (a blank one if none), 合计."""
        assert kind.tasks is not None
        table = kind.tasks
        self.row += 1
        self._put(f"A{self.row}", f"{table.title}（金额单位：{unit}）", "申报表-表头", through=f"{self.last}{self.row}")
        self.row += 1
        for letter, column in zip(self.letters, table.columns, strict=False):
            self._put(f"{letter}{self.row}", column.label, "申报表-表头")
        amount_format = WAN_FORMAT if unit == AmountUnit.WAN_YUAN else YUAN_FORMAT
        for task in tasks or [tuple("" if not column.amount else None for column in table.columns)]:
            self.row += 1
            for letter, column, value in zip(self.letters, table.columns, task, strict=False):
                style = _value_style(False, amount_format) if column.amount else "申报表-填写"
                self._put(f"{letter}{self.row}", value, style)
            self._height(*((value, self.widths[i]) for i, value in enumerate(task)))
        self.row += 1
        self._put(f"A{self.row}", table.total_label, "申报表-栏目")
        amount_columns = [i for i, column in enumerate(table.columns) if column.amount]
        for index, value in zip(amount_columns, totals, strict=True):
            self._put(f"{self.letters[index]}{self.row}", value, _value_style(False, amount_format))
        self.cells[f"{table.total_label}："] = f"{self.letters[amount_columns[0]]}{self.row}"

    def table(
        self,
        kind: FormKind,
        spec: TemplateSpec,
        columns: Sequence[Column],
        rows: dict[tuple[str, str], list[tuple[Any, ...]]],
    ) -> None:
        widths = spans(self.width - 2, len(columns))
        starts = [2 + sum(widths[:index]) for index in range(len(columns))]
        # A layout of its own columns splits the target (≥ · 95 · %): its cells are text, as typed, and
        # its weight a number; so are the columns a row adds. The kind's own table is written as it always was.
        own = kind.indicators.columns if not spec.columns else ()
        styles = [
            "申报表-填写" if column in own or column.name == "weight" else _value_style(False, TEXT_FORMAT)
            for column in columns
        ]
        self.row += 1
        first_row = self.row + 1
        for letter, heading in zip("AB", ("一级指标", "二级指标"), strict=True):
            self._put(f"{letter}{self.row}", heading, "申报表-表头")
        for start, span, column in zip(starts, widths, columns, strict=True):
            self._put(
                f"{self.letters[start]}{self.row}", column.label, "申报表-表头",
                through=f"{self.letters[start + span - 1]}{self.row}",
            )  # fmt: skip
        self.sheet.row_dimensions[self.row].height = 22
        for level1 in spec.levels:
            level1_first = self.row + 1
            for level2 in level1.children:
                level2_first = self.row + 1
                # A category without rows still shows one blank line, as the printed form does.
                for values in rows.get((level1.name, level2.name)) or [("",) * len(columns)]:
                    self.row += 1
                    heights = []
                    for start, span, value, style in zip(starts, widths, values, styles, strict=True):
                        self._put(
                            f"{self.letters[start]}{self.row}", value, style,
                            through=f"{self.letters[start + span - 1]}{self.row}",
                        )  # fmt: skip
                        heights.append((value, self._span_width(start, span)))
                    self._height(*heights)
                marked = f"*{level2.name}" if level2.required else level2.name
                self._put(f"B{level2_first}", marked, "申报表-类别", through=f"B{self.row}")
            self._put(f"A{level1_first}", level1.name, "申报表-类别", through=f"A{self.row}")
        if any(column.name == "weight" for column in columns):
            letter = self.letters[starts[[column.name for column in columns].index("weight")]]
            self.weights = f"{letter}{first_row}:{letter}{self.row}"

    def note(self) -> None:
        self.row += 1
        self._put(f"A{self.row}", NOTE, "申报表-备注", through=f"{self.last}{self.row}")
        self.sheet.row_dimensions[self.row].height = 22

    def validations(self, kind: FormKind) -> None:
        """Drop-down lists and checks that Excel applies while a unit types, from the fields' types."""
        amounts = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        amounts.error, amounts.errorTitle, amounts.showErrorMessage = "金额应为不小于 0 的数字", "填写有误", True
        for header_field in kind.header:
            refs = [ref for label, ref in self.cells.items() if label.startswith(header_field.plain_label)]
            if not refs:
                continue
            check = _validation(header_field.type, header_field.plain_label)
            if header_field.is_amount:
                amounts.add(refs[0])
            elif check is not None:
                check.add(refs[0])
                self.sheet.add_data_validation(check)
        for label, ref in self.cells.items():
            if label.startswith("合计"):
                amounts.add(ref)
        self.sheet.add_data_validation(amounts)
        if self.weights:
            weights = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True)
            weights.error, weights.errorTitle, weights.showErrorMessage = "权重应为 0 到 100 之间的数", "填写有误", True
            weights.add(self.weights)
            self.sheet.add_data_validation(weights)

    def page_setup(self) -> None:
        sheet = self.sheet
        for letter, width in zip(self.letters, self.widths, strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = sheet.ORIENTATION_PORTRAIT
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0  # as many pages down as the indicators need
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        sheet.print_options.horizontalCentered = True
        sheet.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6, header=0.3, footer=0.3)
        sheet.print_area = f"A1:{self.last}{self.row}"
        footer = HeaderFooterItem()
        footer.center.text = "第 &P 页，共 &N 页"
        sheet.oddFooter = footer


def _validation(field_type: Any, label: str) -> DataValidation | None:
    if isinstance(field_type, YesNo):
        check = DataValidation(type="list", formula1=f'"{field_type.yes},{field_type.no}"', allow_blank=True)
        message = f"请选择“{field_type.yes}”或“{field_type.no}”"
    elif isinstance(field_type, Choice):
        check = DataValidation(type="list", formula1=f'"{",".join(field_type.choices)}"', allow_blank=True)
        message = f"请选择{'、'.join(field_type.choices)}"
    elif isinstance(field_type, Code):
        check = DataValidation(type="textLength", operator="equal", formula1="21", allow_blank=True)
        message = f"{label}应为{field_type.shape}，请以文本格式填写"
    elif isinstance(field_type, Years):
        check = DataValidation(type="whole", operator="between", formula1="1", formula2="100", allow_blank=True)
        message = f"{label}应为整数年数"
    elif isinstance(field_type, Amount):
        return None
    else:
        return None
    check.error, check.errorTitle, check.showErrorMessage = message, "填写有误", True
    return check


def _display(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


def _line_count(text: str, width: float) -> int:
    """Lines a wrapped cell needs, so that merged cells (which Excel never auto-fits) show all text."""
    usable = max(width - 1, 1)
    lines = 0
    for paragraph in text.split("\n") or [""]:
        span = sum(_WIDE_CHAR if unicodedata.east_asian_width(c) in "WF" else 1.1 for c in paragraph)
        lines += max(1, math.ceil(span / usable))
    return lines

"""Reads 申报表 sheets of every kind from an .xlsx workbook in the application's template layout.

Units fill the template offline, so rows move: a unit adds rows under a 二级, deletes a blank
line, or shifts the header grid. Nothing is read from a fixed address; each sheet's kind is told by
its title (``projects.kinds``), and its definition supplies the labels and columns:

* a header cell holding a known label (``项目编码：``, ``项目总金额（中期规划，万元）``…) opens a
  field whose value is the non-empty cells to its right, up to the next label; a row without a
  label continues the free text above (a label merged over several rows); a cell of words ending in
  a colon (``项目负责人及电话：``) is a label no layout knows, kept with the filing as written, unless it
  sits where the value of the label before it goes; a label and its value in one cell (``联系人：张三``,
  ``年度目标：…``) are read as the two cells would be, unless the cell continues a free text below its label;
* the 部门整体 form's 年度主要任务 start at the row of its headings (任务名称 · 主要内容 · 总额…)
  and end at the 合计 row;
* the indicator table starts at the row that holds ``一级指标``; its columns are found by their
  headings, wherever they sit (``projects.parsers.columns``); a blank 一级 or 二级 cell means "same as
  above", as in the merged cells of the form;
* a row whose first cell starts with ``备注`` ends the table.

A sheet is read in every layout its kind may be in (``projects.parsers.filing.Layout``: the header
fields a layout adds, relabels or leaves out, the columns of its table) and the reading that fits best
is kept, as the text parser does: a 甘肃 or 四川 sheet is told from a Shenzhen one by itself.

Every problem is reported with its sheet and cell; formulas are refused, never evaluated. The file is
scanned before openpyxl reads it (``workbook_guard``), and what a form holds is bounded as its kind
defines: the length of every value, the number of indicator rows and tasks.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from budgetperf.deadline import time_limit
from indicators.taxonomy import EXTRA_COLUMNS, Vocabulary, is_not_applicable
from projects.kinds import all_kinds, kind_named
from projects.kinds.base import (
    LONG_TEXT,
    MAX_OTHER_FIELDS,
    Amount,
    Code,
    Column,
    FormKind,
    HeaderField,
    Unit,
    Years,
    amount_problem,
    excerpt,
    length_problem,
    read_weight,
    read_written_amount,
    split_unit_code,
    written_unit,
)
from projects.kinds.layouts import catalogue_column, is_extra
from projects.parsers.amount_units import UnitSaid, amount_unit, unit_in_label
from projects.parsers.columns import column_of
from projects.parsers.filing import (
    BRACKETED,
    LABEL_WITH_VALUE,
    ORIGINAL_TEXT,
    UNKNOWN_LABEL,
    FilingParseError,
    Layout,
    Layouts,
    ParsedFiling,
    ParsedIndicator,
    ParsedTask,
    other_fields_problem,
    plain_layouts,
    read_in_best_layout,
)
from projects.parsers.labels import Label, compact, matcher, title_of
from projects.parsers.workbook_guard import SheetSize, WorkbookLimits, WorkbookRejected, check_workbook_file

_CATEGORY_MARKS = "*＊•●·"
_MAX_PROBLEMS = 100  # listed; a message of thousands helps nobody
# What openpyxl may still raise on a damaged part the scan lets through; reported, never a 500.
_READ_ERRORS = (
    InvalidFileException,
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    SyntaxError,  # xml.etree.ElementTree.ParseError
    OSError,
    EOFError,
    RuntimeError,  # a member marked as encrypted
    NotImplementedError,  # a member compressed in a way zipfile does not read
)
_NOTE = re.compile(r"备注\s*[:：]?")
_LEVEL1, _LEVEL2 = "一级指标", "二级指标"
_TABLE_TITLES = {"绩效指标", "年度绩效指标"}  # a title cell beside the table's headings
_EVERY_LAYOUTS_COLUMNS = ("name", "value")  # 三级指标 (指标内容) and 指标值 (目标值)
# The text kept beside an amount, as the parsers label it (and as a sheet may have it half-width).
_KEPT_TEXT = (ORIGINAL_TEXT, "(原文)")


@dataclass
class ParsedSheet:
    """One form of the workbook, with where its header values were found (for messages)."""

    sheet: str
    filing: ParsedFiling
    fiscal_year: int | None
    cells: dict[str, str] = field(default_factory=dict)  # header field name → cell of its value

    def cell_of(self, name: str) -> str:
        return self.cells.get(name, "")


@dataclass
class ParsedWorkbook:
    sheets: list[ParsedSheet]
    skipped: list[str]  # sheets that hold no form (instructions, lists…)


class WorkbookParseError(FilingParseError):
    """Every problem found, each naming its sheet and cell; nothing may be stored. ``misfit``: the layout
    the sheet was read in has not all of its categories, so another layout may fit it."""

    def __init__(self, problems: list[str], *, misfit: bool = False):
        self.problems = problems
        super().__init__("\n".join(problems), misfit=misfit)


def parse_workbook(
    data: bytes,
    *,
    vocabularies: Mapping[str, Vocabulary] | None = None,
    layouts: Layouts | None = None,
    limits: WorkbookLimits | None = None,
) -> ParsedWorkbook:
    """Every form sheet of an .xlsx file, of the kinds ``layouts`` names; WorkbookParseError on bad
    input. ``layouts`` maps each kind's code to the layouts its forms may be in, preferred first; each
    sheet is read in the one it fits best. ``vocabularies`` instead reads every kind in its own layout
    with the given categories."""
    if layouts is None:
        layouts = plain_layouts(vocabularies or {})
    limits = limits or WorkbookLimits()
    stopped = f"读取工作簿超过 {limits.max_seconds:g} 秒仍未完成，已停止：请删去与申报表无关的工作表和内容后重新上传"
    with time_limit(limits.max_seconds, lambda: WorkbookParseError([stopped])):
        return _parse_workbook(data, layouts, limits)


def _parse_workbook(data: bytes, layouts: Layouts, limits: WorkbookLimits) -> ParsedWorkbook:
    try:
        scan = check_workbook_file(data, limits)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except WorkbookRejected as error:
        raise WorkbookParseError(error.problems) from error
    except _READ_ERRORS as error:
        raise WorkbookParseError([f"无法读取工作簿，文件可能已损坏（{type(error).__name__}）"]) from error
    try:
        if len(workbook.worksheets) > limits.max_sheets:
            raise WorkbookParseError([f"工作簿有 {len(workbook.worksheets)} 个工作表，超过上限 {limits.max_sheets} 个"])
        sheets, skipped, problems = [], [], []
        for worksheet in workbook.worksheets:
            try:
                parsed = _read_sheet(worksheet, layouts, limits, scan.size_of(worksheet.title))
            except WorkbookRejected as error:
                raise WorkbookParseError(error.problems) from error
            except _SheetProblems as error:
                problems += error.problems
                continue
            except _READ_ERRORS as error:
                problems.append(f"工作表「{worksheet.title}」无法读取，文件可能已损坏（{type(error).__name__}）")
                continue
            if parsed is None:
                skipped.append(worksheet.title)
            else:
                sheets.append(parsed)
    finally:
        workbook.close()
    if problems:
        more = len(problems) - _MAX_PROBLEMS
        raise WorkbookParseError(problems[:_MAX_PROBLEMS] + ([f"……另有 {more} 处问题未列出"] if more > 0 else []))
    if not sheets:
        raise WorkbookParseError(
            ["工作簿中没有找到申报表：各工作表都没有“项目编码”“一级指标”等栏目，不是申报表模板的格式"]
        )
    return ParsedWorkbook(sheets, skipped)


class _SheetProblems(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems


@dataclass
class _Cell:
    ref: str
    text: str
    raw: object  # the value as stored: str, int, float, datetime…


@dataclass
class _Text:
    """The cells of a header field's text, after its label's cell ``ref``."""

    ref: str
    values: list[_Cell] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(cell.text for cell in self.values if cell.text)

    @property
    def is_long(self) -> bool:
        return True  # as in the text parser: its text may go on below, as a long field's does


@dataclass
class _Field(_Text):
    label: Label = field(kw_only=True)

    @property
    def value_ref(self) -> str:
        return self.values[0].ref if self.values else self.ref

    @property
    def is_long(self) -> bool:
        return self.label.field.is_long


@dataclass
class _Unknown(_Text):
    """A label no layout knows (``written`` without its colon) and the cells of its text."""

    written: str = field(kw_only=True)


class _Problems:
    def __init__(self, sheet: str, found: list[str] | None = None):
        self.sheet = sheet
        self.found: list[str] = list(found or [])
        self.misfit = False  # a category the layout does not have

    def add(self, ref: str | None, message: str, *, misfit: bool = False) -> None:
        where = f"工作表「{self.sheet}」" + (f"单元格 {ref}" if ref else "")
        self.found.append(f"{where}：{message}")
        self.misfit = self.misfit or misfit


def _rows(worksheet: Any, limits: WorkbookLimits, problems: _Problems, size: SheetSize) -> list[list[_Cell]]:
    """The non-empty cells of each row; a formula anywhere on the sheet is reported, not read."""
    rows = []
    # The rows the scan counted, whatever the sheet declares (or does not declare) as its dimension.
    for row_number, row in enumerate(
        worksheet.iter_rows(min_row=1, max_row=max(size.rows, 1), max_col=max(size.columns, 1)), start=1
    ):
        if row_number > limits.max_rows:
            raise WorkbookRejected(f"工作表「{worksheet.title}」超过 {limits.max_rows} 行")
        cells = []
        for column, cell in enumerate(row, start=1):
            if cell.value is None:
                continue
            ref = f"{get_column_letter(column)}{row_number}"
            if cell.data_type == "f":
                problems.add(
                    ref, f"含有公式「{_formula_text(cell.value)}」；申报表不接受公式，请改为直接填写数值或文字"
                )
                continue
            try:
                number_format = "" if isinstance(cell.value, str) else cell.number_format
            except (IndexError, KeyError, AttributeError, TypeError):
                problems.add(ref, "单元格格式无效，文件可能已损坏")
                continue
            text = _as_text(cell.value, number_format)
            if text:
                cells.append(_Cell(ref, text, cell.value))
        rows.append(cells)
    return rows


def _formula_text(value: Any) -> str:
    text = getattr(value, "text", value)  # array formulas carry their text in .text
    text = str(text)
    return text if len(text) <= 40 else text[:40] + "…"


def _as_text(value: Any, number_format: str) -> str:
    """A cell as the text a person sees: 90% stays 90%, 4.0 reads 4, a date reads 2023年12月31日."""
    if isinstance(value, str):
        lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return "\n".join(line.strip() for line in lines).strip("\n")
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime | date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        number = _decimal(value)
        if "%" in (number_format or ""):
            return _plain(number * 100) + "%"
        return _plain(number)
    return str(value).strip()


def _decimal(value: int | float | Decimal) -> Decimal:
    # repr gives the shortest text that reads back as the same float: 0.1, not 0.1000000000000000055…
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _read_sheet(worksheet: Any, layouts: Layouts, limits: WorkbookLimits, size: SheetSize) -> ParsedSheet | None:
    """The form a sheet holds, in the layout it fits best; None for a sheet that holds no form."""
    found = _Problems(worksheet.title)
    rows = _rows(worksheet, limits, found, size)
    kind, title_row = _kind_of(rows, [kind for kind in all_kinds() if kind.code in layouts])

    def read(layout: Layout) -> tuple[ParsedSheet | None | FilingParseError, int]:
        problems = _Problems(worksheet.title, found.found)  # a formula is a problem in every layout
        reader = _SheetReader(layout, problems)
        reader.read(rows)
        if not reader.fields and reader.table_row is None:
            return None, reader.fit  # instructions, lists…: nothing on it is read, so its formulas do no harm
        if reader.table_row is None:
            headings = " ".join(layout.kind.indicators.headings)
            problems.add(None, f"没有找到指标表（表头应为“{headings}”）")
        parsed = reader.build(worksheet.title, title_row)
        if problems.found:
            return WorkbookParseError(problems.found, misfit=problems.misfit), reader.fit
        return parsed, reader.fit

    try:
        return read_in_best_layout(layouts[kind.code], read)
    except WorkbookParseError as error:
        raise _SheetProblems(error.problems) from error


def _kind_of(rows: list[list[_Cell]], kinds: list[FormKind]) -> tuple[FormKind, int]:
    """The kind whose title the sheet carries, and the title's row; a sheet without one is a 二级 form."""
    for cells in rows:
        for cell in cells:
            kind = title_of(cell.text, kinds)
            if kind is not None:
                return kind, _row_of(cell.ref)
    return kind_named("project") if any(k.code == "project" for k in kinds) else kinds[0], 1


def _row_of(ref: str) -> int:
    return int(re.sub(r"[A-Z]+", "", ref))


def _column_of(ref: str) -> str:
    return re.sub(r"[0-9]+", "", ref)


def _headings(cells: list[_Cell], wanted: tuple[str, ...]) -> dict[str, str]:
    """Column letter of each heading of ``wanted`` the row holds."""
    return {compact(cell.text): _column_of(cell.ref) for cell in cells if compact(cell.text) in wanted}


def _heading(cell: _Cell) -> str:
    return _heading_key(cell.text)


def _heading_key(heading: str) -> str:
    return compact(heading).lstrip("*＊")


def _is_table_heading(cells: list[_Cell]) -> bool:
    return any(_heading(cell) == _LEVEL1 for cell in cells)


def _unknown_label(cell: _Cell) -> str | None:
    """The label a cell holds if it looks like one no layout knows (资金来源：), without its colon."""
    match = UNKNOWN_LABEL.fullmatch(compact(cell.text))
    return match.group(1) if match else None


def _at_label_place(cell: _Cell, last: _Text | None, opened: bool) -> bool:
    """Whether a cell sits where a label may: not in the value columns of a free text whose label is on a
    row above (those cells are more of its text, whatever they say)."""
    if last is None or opened or not last.is_long:
        return True
    return column_index_from_string(_column_of(cell.ref)) <= column_index_from_string(_column_of(last.ref))


def _kept_text_label(cell: _Cell) -> str | None:
    """The label of the text kept beside an amount (本年度项目金额（原文）：), which the amount's own label
    would otherwise take."""
    label = _unknown_label(cell)
    return label if label is not None and label.endswith(_KEPT_TEXT) else None


class _SheetReader:
    """Reads one sheet in one layout: header fields, then the 年度主要任务 (部门整体), then the indicator
    table; ``fit`` says how well the sheet fits the layout."""

    def __init__(self, layout: Layout, problems: _Problems):
        self.layout = layout
        self.kind = kind = layout.kind
        self.vocabulary = layout.vocabulary
        self.problems = problems
        self.labels = matcher(kind)
        self.fields: dict[str, _Field] = {}
        self.unknown: list[_Unknown] = []  # labels no layout knows, in the sheet's order
        self.other_bases: list[_Field] = []
        self.table_row: int | None = None
        self.column_fit = 0
        self.indicators: list[ParsedIndicator] = []
        self.tasks: list[ParsedTask] = []
        self.task_totals: dict[str, tuple[_Cell, Column]] = {}
        self.task_title: _Cell | None = None

    @property
    def fit(self) -> int:
        """How well the sheet fits the layout: its labels and columns the layout knows, less the rest."""
        return len(self.fields) - len(self.unknown) + self.column_fit

    def read(self, rows: list[list[_Cell]]) -> None:
        task_headings = tuple(compact(c.label) for c in self.kind.tasks.columns) if self.kind.tasks else ()
        header: list[list[_Cell]] = []
        index = 0
        while index < len(rows):
            cells = rows[index]
            if _is_table_heading(cells):
                self._read_header(header)
                self.table_row = _row_of(cells[0].ref)
                self._read_table(cells, rows[index + 1 :])
                return
            if self.kind.tasks and cells and compact(cells[0].text).startswith(self.kind.tasks.title):
                # 年度主要任务（金额单位：万元）: the title of the task table says the unit of its amounts.
                self.task_title = cells[0]
                index += 1
                continue
            if task_headings and compact(cells[0].text if cells else "") == task_headings[0]:
                index = self._read_tasks(_headings(cells, task_headings), rows, index + 1)
                continue
            header.append(cells)
            index += 1
        self._read_header(header)

    # -- header ---------------------------------------------------------------------------------

    def _read_header(self, rows: list[list[_Cell]]) -> None:
        last: _Field | _Unknown | None = None
        for cells in rows:
            opened = False
            for cell in cells:
                if title_of(cell.text, [self.kind]):
                    continue
                # Right after a label, before any of its value, a cell is that value (年度目标：| 如下：).
                value_slot = opened and last is not None and not last.values
                kept = _kept_text_label(cell)
                label = None if kept else self.labels.whole(cell.text)
                unknown = kept or (None if label is not None or value_slot else _unknown_label(cell))
                if label is not None:
                    last = self._open(label, cell.ref)
                    opened = True
                elif unknown is not None:
                    last = _Unknown(cell.ref, written=unknown)
                    self.unknown.append(last)
                    opened = True
                elif (
                    not value_slot
                    and _at_label_place(cell, last, opened)
                    and (split := self._label_with_value(cell)) is not None
                ):
                    last = split
                    opened = True
                elif last is not None and (opened or last.is_long):
                    # Right of a label, or below a free-text label merged over several rows.
                    last.values.append(cell)
            if not opened and last is not None and not last.is_long:
                last = None

    def _label_with_value(self, cell: _Cell) -> _Field | _Unknown | None:
        """A label and its value in one cell (联系人：张三, 项目名称：…), opened with the value; None for a
        cell that does not start with a label (Chinese words and brackets, no digits, then a colon)."""
        written = LABEL_WITH_VALUE.fullmatch(cell.text)
        label = None
        if written is None or not written.group(1).endswith(_KEPT_TEXT):  # 本年度项目金额（原文）：… is no amount
            label = self.labels.at_start(cell.text)
        opened: _Field | _Unknown
        if label is not None and (rest := cell.text[label.end :].strip()):
            opened = self._open(label, cell.ref)
        elif written is not None:
            rest = written.group(2).strip()
            opened = _Unknown(cell.ref, written=written.group(1))
            self.unknown.append(opened)
        else:
            return None
        opened.values.append(_Cell(cell.ref, rest, rest))
        return opened

    def _open(self, label: Label, ref: str) -> _Field:
        name = label.field.name
        opened = _Field(ref, label=label)
        known = self.fields.get(name)
        if known is None:
            self.fields[name] = opened
        elif label.field.label_field and label.spelling != known.label.spelling:
            if label.spelling < known.label.spelling:
                self.fields[name], opened = opened, known
            self.other_bases.append(opened)
        else:
            self.problems.add(ref, f"栏目「{label.field.plain_label}」重复出现（上一次在 {known.ref}）")
        return opened

    # -- 年度主要任务 -------------------------------------------------------------------------------

    def _read_tasks(self, columns: dict[str, str], rows: list[list[_Cell]], start: int) -> int:
        """Reads task rows from ``start`` to the 合计 row; returns the index of the row after it."""
        assert self.kind.tasks is not None
        table = self.kind.tasks
        by_heading = {compact(column.label): column for column in table.columns}
        first = compact(table.columns[0].label)
        for index in range(start, len(rows)):
            cells = rows[index]
            if not cells:
                continue
            by_column = {_column_of(cell.ref): cell for cell in cells}
            found = {
                by_heading[heading]: by_column[letter] for heading, letter in columns.items() if letter in by_column
            }
            name_cell = by_column.get(columns.get(first, ""))
            if name_cell is not None and compact(name_cell.text) in table.total_spellings:
                self.task_totals = {
                    total: (found[column], column)
                    for total, column in zip(table.totals, table.amount_columns, strict=True)
                    if column in found
                }
                return index + 1
            values = {column.name: "" for column in table.columns if not column.amount}
            amounts: dict[str, Decimal | None] = {column.name: None for column in table.amount_columns}
            for column, cell in found.items():
                if column.amount:
                    amounts[column.name] = _amount_of(cell, column.label, self.problems)
                else:
                    _check_length(column, cell, self.problems)
                    values[column.name] = cell.text
            self.tasks.append(
                ParsedTask(
                    values.get("name", ""),
                    values.get("content", ""),
                    amounts.get("total_amount"),
                    amounts.get("fiscal_amount"),
                    amounts.get("other_amount"),
                    line=_row_of(cells[0].ref),
                )
            )
        return len(rows)

    # -- indicator table ----------------------------------------------------------------------------

    def _columns(self, heading: list[_Cell]) -> dict[str, str] | None:
        """The column letter of each column the heading row names (一级指标, 二级指标 and the row
        attributes: name, value, nature…), wherever it sits; None when the table cannot be read."""
        own = {_heading_key(column.label): column.name for column in self.kind.indicators.columns}
        letters: dict[str, str] = {}
        refs: dict[str, str] = {}
        for cell in heading:
            text = _heading(cell)
            if text in _TABLE_TITLES:
                continue
            name = text if text in (_LEVEL1, _LEVEL2) else own.get(text) or column_of(cell.text)
            if name is None:
                self.problems.add(cell.ref, f"指标表的栏目「{excerpt(cell.text)}」无法识别")
            elif name in letters:
                self.problems.add(cell.ref, f"指标表的栏目「{excerpt(cell.text)}」重复出现（上一次在 {refs[name]}）")
            else:
                letters[name], refs[name] = _column_of(cell.ref), cell.ref
        found = set(letters) - {_LEVEL1, _LEVEL2}
        layout = {column.name for column in self.kind.indicators.columns}
        self.column_fit = len(found & layout) - len(found ^ layout)
        # A column of the layout that the sheet lacks only makes it fit the layout less (its rows are blank
        # there, as the text parser reads them); what a row measures and its target, every layout has.
        missing = [heading for heading in (_LEVEL1, _LEVEL2) if heading not in letters]
        missing += [
            column.label
            for column in self.kind.indicators.columns
            if column.name in _EVERY_LAYOUTS_COLUMNS and column.name not in letters
        ]
        if missing:
            self.problems.add(heading[0].ref, "指标表表头缺少「" + "」「".join(missing) + "」列")
            return None
        return letters

    def _read_table(self, heading: list[_Cell], rows: list[list[_Cell]]) -> None:
        letters = self._columns(heading)
        if letters is None:
            return
        level1_at, level2_at = letters.pop(_LEVEL1), letters.pop(_LEVEL2)
        own = {column.name: column for column in self.kind.indicators.columns}
        # A column of the catalogue the layout does not have (备注, 分值) is read as a layout that has it
        # prints it, bounded by the same limit: a sheet may keep it, and nothing it holds is left out.
        columns = {name: own.get(name) or catalogue_column(name) for name in letters}
        # Cells under a heading that is reported already (unknown, twice) are no further problem.
        in_table = {_column_of(cell.ref) for cell in heading}
        category: tuple[str, str] | None = None
        for cells in rows:
            if not cells:
                continue
            by_column = {_column_of(cell.ref): cell for cell in cells}
            if _NOTE.match(cells[0].text) and _column_of(cells[0].ref) not in letters.values():
                break  # the note spans the table's width, so it starts left of the columns of content
            row = _row_of(cells[0].ref)
            for cell in cells:
                if _column_of(cell.ref) not in in_table:
                    self.problems.add(
                        cell.ref, f"「{excerpt(cell.text)}」不在指标表的任何栏目下：请填在有栏目名称的列中，或删去"
                    )
            level1_cell, level2_cell = by_column.get(level1_at), by_column.get(level2_at)
            found = len(self.problems.found)
            category = self._category(level1_cell, level2_cell, category, row, level2_at)
            if len(self.problems.found) > found:
                continue  # the row's category is already reported; its content cannot be placed
            content = {name: by_column.get(letter) for name, letter in letters.items()}
            if not any(content.values()):
                continue  # a blank line left under a category
            if category is None:
                self.problems.add(
                    f"{level1_at}{row}", "该行没有一级、二级指标，上方也没有可以沿用的指标类别", misfit=True
                )
                continue
            for name, written in content.items():
                _check_length(columns[name], written, self.problems)
            texts = {name: written.text if written else "" for name, written in content.items()}
            not_applicable = is_not_applicable(texts.get("name", ""))
            if "weight" in texts:
                texts["weight"] = _weight(content["weight"], not_applicable, self.problems)
            self.indicators.append(
                ParsedIndicator(
                    *category,
                    texts.get("name", ""),
                    texts.get("value", ""),
                    texts.get("explanation", ""),
                    not_applicable=not_applicable,
                    line=row,
                    extras={name: texts[name] for name in EXTRA_COLUMNS if name in texts},
                )
            )

    def _category(
        self,
        level1_cell: _Cell | None,
        level2_cell: _Cell | None,
        above: tuple[str, str] | None,
        row: int,
        level2_at: str,
    ) -> tuple[str, str] | None:
        """The (一级, 二级) of a row: as written, or, for blank cells under a merged label, from above."""
        level1 = None
        if level1_cell is not None:
            level1 = self.vocabulary.level1_of(level1_cell.text.lstrip(_CATEGORY_MARKS))
            if level1 is None:
                self.problems.add(level1_cell.ref, f"无法识别的一级指标「{excerpt(level1_cell.text)}」", misfit=True)
                return above  # reported once; the rows below need no second message
        if level2_cell is not None:
            pair = self.vocabulary.level2_of(level2_cell.text.lstrip(_CATEGORY_MARKS))
            if pair is None:
                self.problems.add(level2_cell.ref, f"无法识别的二级指标「{excerpt(level2_cell.text)}」", misfit=True)
                return above
            if level1 is not None and pair[0] != level1:
                self.problems.add(level2_cell.ref, f"二级指标「{pair[1]}」不属于一级指标「{level1}」", misfit=True)
            return pair
        if level1 is not None and (above is None or above[0] != level1):
            self.problems.add(f"{level2_at}{row}", f"一级指标「{level1}」下缺少二级指标", misfit=True)
        return above

    # -- the form -----------------------------------------------------------------------------------

    def build(self, sheet: str, title_row: int) -> ParsedSheet:
        self._check_counts()
        for name in self.kind.needed_to_store:
            header_field = self.kind.field(name)
            item = self.fields.get(name)
            if item is None:
                self.problems.add(None, f"缺少必填栏目「{header_field.plain_label}」")
            elif not item.text:
                self.problems.add(item.value_ref, f"「{header_field.plain_label}」未填写")
        unit = self._amount_unit()  # "" when the amounts name different units, which is reported
        values: dict[str, Any] = {}
        labels: dict[str, str] = {}
        # The fields the layout adds, and labels no layout knows, {label: text} in the sheet's order.
        extra_fields: dict[str, str] = {}
        unit_codes: dict[str, str] = {}
        remarks: dict[str, str] = {}  # the label of the text kept beside an amount → the amount's cell
        for name, item in self.fields.items():
            header_field = item.label.field
            value = self._value(item, unit)
            if is_extra(name):
                extra_fields[header_field.label] = value or ""
                continue
            values[name] = value
            if header_field.is_amount and BRACKETED.search(item.text) and isinstance(item.values[0].raw, str):
                # 854万(高标准农田建设400万元,…): the remark beside the amount is kept as written.
                extra_fields[f"{header_field.plain_label}{_KEPT_TEXT[0]}"] = item.text
                remarks[f"{header_field.plain_label}{_KEPT_TEXT[0]}"] = item.value_ref
            if header_field.label_field:
                labels[name] = item.label.canonical
            if isinstance(header_field.type, Unit) and value and (code := split_unit_code(item.text)[0]):
                unit_codes[value] = code
        for other in self.unknown:
            if other.written in remarks:
                # The amount's cell says its remark itself (854万(…)), and so does the row of the text kept
                # beside it: the same text (or none) there is no problem, but another one is also what the
                # person typed, and which of the two is meant is theirs to say.
                if other.text and other.text != extra_fields[other.written]:
                    self.problems.add(
                        other.values[0].ref if other.values else other.ref,
                        f"「{other.written}」与单元格 {remarks[other.written]} 中金额所带的说明不同，"
                        "无法确定保留哪一个：请删去其中一处的说明，或使两处相同",
                    )
                continue
            before = extra_fields.get(other.written)
            text = f"{before}\n{other.text}" if before else other.text
            if problem := length_problem(text, LONG_TEXT, other.written):
                self.problems.add(other.values[0].ref if other.values else other.ref, problem)
            extra_fields[other.written] = text
            if len(extra_fields) > MAX_OTHER_FIELDS:
                self.problems.add(other.ref, other_fields_problem())
                break
        for name, (cell, column) in self.task_totals.items():
            values[name] = _amount_of(cell, f"合计（{column.label}）", self.problems, unit)
        year = values.pop("fiscal_year", None)
        filing = ParsedFiling(
            kind=self.kind.code,
            line=title_row,
            values=values,
            amount_unit=unit or "元",
            indicators=self.indicators,
            tasks=self.tasks,
            fiscal_year=year,
            labels=labels,
            other_bases={item.label.canonical: item.text for item in self.other_bases},
            template=self.layout.code,
            extra_fields=extra_fields,
            unit_codes=unit_codes,
        )
        cells = {name: item.value_ref for name, item in self.fields.items()}
        return ParsedSheet(sheet, filing, year, cells)

    def _check_counts(self) -> None:
        table = self.kind.indicators
        if len(self.indicators) > table.max_rows:
            first = self.indicators[table.max_rows].line
            self.problems.add(
                None, f"指标表有 {len(self.indicators)} 行（第 {first} 行起超出），超过上限 {table.max_rows} 行"
            )
        tasks = self.kind.tasks
        if tasks is not None and len(self.tasks) > tasks.max_rows:
            first = self.tasks[tasks.max_rows].line
            self.problems.add(
                None, f"{tasks.title}有 {len(self.tasks)} 项（第 {first} 行起超出），超过上限 {tasks.max_rows} 项"
            )

    def _value(self, item: _Field, unit: str) -> Any:
        header_field = item.label.field
        if header_field.is_long:
            return _parse(header_field, item.text, item.value_ref, self.problems)
        cell = _single_value(item, self.problems)
        if cell is None:
            return None
        if isinstance(header_field.type, Code) and not isinstance(cell.raw, str):
            self.problems.add(
                cell.ref, "项目编码被保存成了数字，21位编码的末几位会丢失；请把单元格设为文本格式后重新填写"
            )
            return ""
        if isinstance(header_field.type, Amount):
            return _header_amount(cell, header_field.plain_label, self.problems, unit)
        if (
            isinstance(header_field.type, Years)
            and isinstance(cell.raw, int | float)
            and not isinstance(cell.raw, bool)
        ):
            return _parse(header_field, _plain(_decimal(cell.raw)), cell.ref, self.problems)
        return _parse(header_field, cell.text, cell.ref, self.problems)

    def _amount_unit(self) -> str:
        """元 or 万元, as the amount labels (项目总金额（中期规划，万元）) or the task table's title
        (年度主要任务（金额单位：万元）) say, or else as the amounts themselves say (20万元); 元 when
        nothing says, "" when they disagree (reported: neither unit is guessed)."""
        amounts = [item for item in self.fields.values() if item.label.field.is_amount]
        labels = [
            UnitSaid(item.label.field.plain_label, unit_in_label(item.label.written), item.ref) for item in amounts
        ]
        if self.task_title is not None and self.kind.tasks is not None:
            labels.append(UnitSaid(self.kind.tasks.title, unit_in_label(self.task_title.text), self.task_title.ref))
        found = amount_unit(
            labels=labels,
            stated="",
            amounts=[
                UnitSaid(item.label.field.plain_label, _written_unit(item.values[0]), item.value_ref)
                for item in amounts
                if len(item.values) == 1
            ],
            when_silent="元",
        )
        if found.problem:
            self.problems.add(found.where, found.problem)
        return found.unit


def _weight(cell: _Cell | None, not_applicable: bool, problems: _Problems) -> str:
    """A weight as written, without its % or 分; a number from 0 to 100 to the hundredth, else reported.
    A 不适用 row may say 不适用 there too: it has no weight."""
    if cell is None or (not_applicable and is_not_applicable(cell.text)):
        return ""
    try:
        read_weight(cell.text)
    except ValueError as error:
        problems.add(cell.ref, str(error))
        return ""
    return cell.text.strip().rstrip("%％分").strip()


def _written_unit(cell: _Cell) -> str:
    """The unit a cell's amount names; a number cell names none."""
    return written_unit(cell.text) if isinstance(cell.raw, str) else ""


def _parse(header_field: HeaderField, text: str, ref: str, problems: _Problems) -> Any:
    try:
        return header_field.parse(text)
    except ValueError as error:
        problems.add(ref, str(error))
        return None


def _single_value(item: _Field, problems: _Problems) -> _Cell | None:
    if len(item.values) > 1:
        problems.add(
            item.values[1].ref,
            f"「{item.label.field.plain_label}」只能填在一个单元格中（已在 {item.values[0].ref} 填写）",
        )
    return item.values[0] if item.values else None


def _check_length(column: Column, cell: _Cell | None, problems: _Problems) -> None:
    if cell is not None and len(cell.text) > column.max_length:
        problems.add(cell.ref, f"{column.label}超过 {column.max_length} 个字（{len(cell.text)} 个字）")


def _amount_of(cell: _Cell, label: str, problems: _Problems, unit: str = "元") -> Decimal | None:
    """An amount cell, a number or a text such as ``3,703,703.67``; refused when negative or too precise."""
    if isinstance(cell.raw, int | float | Decimal) and not isinstance(cell.raw, bool):
        amount: Decimal | None = _decimal(cell.raw)
    else:
        try:
            amount = Amount().parse(cell.text, label)
        except ValueError as error:
            problems.add(cell.ref, str(error))
            return None
    if amount is None:
        return None
    if amount.is_finite() and amount < 0:  # a NaN is not compared, but refused as out of range below
        problems.add(cell.ref, f"{label}不能为负数")
        return None
    if (problem := amount_problem(amount, unit or "元", label)) is not None:
        problems.add(cell.ref, problem)
        return None
    return amount


def _header_amount(cell: _Cell, label: str, problems: _Problems, unit: str) -> Decimal | None:
    """A header amount: a number, or a text as forms write one (``3,703,703.67``, ``20万元``, ``￥200000``,
    prose whose figure outside brackets is one, ``854万(…)``), read as the text parser reads it
    (``read_written_amount``); a text with no single figure, naming another unit than the sheet's (``unit``;
    "" when the sheet's amounts disagree, which is reported already) or too large to store is refused with
    its cell rather than guessed."""
    if isinstance(cell.raw, int | float | Decimal) and not isinstance(cell.raw, bool):
        return _amount_of(cell, label, problems, unit)
    try:
        return read_written_amount(cell.text, label=label, unit=unit)
    except ValueError as error:
        problems.add(cell.ref, str(error))
        return None

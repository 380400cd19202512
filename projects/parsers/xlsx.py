"""Reads 二级项目支出绩效目标申报表 sheets from an .xlsx workbook in the official template layout.

Units fill the template offline, so rows move: a unit adds rows under a 二级, deletes a blank
line, or shifts the header grid. Nothing is read from a fixed address:

* a header cell holding a known label (``项目编码：``, ``项目总金额（中期规划，万元）``…) opens a
  field whose value is the non-empty cells to its right, up to the next label; a row without a
  label continues the free text above (a label merged over several rows);
* the indicator table starts at the row that holds ``一级指标``; its columns are found by their
  headings; a blank 一级 or 二级 cell means "same as above", as in the merged cells of the form;
* a row whose first cell starts with ``备注`` ends the table.

Every problem is reported with its sheet and cell; formulas are refused, never evaluated.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from indicators.taxonomy import Vocabulary, is_not_applicable
from projects.parsers.filing import FilingParseError, ParsedFiling, ParsedIndicator
from projects.parsers.text import FORM_TITLE
from projects.parsers.workbook_guard import WorkbookLimits, WorkbookRejected, check_sheet_size, check_workbook_file

_BRACKETED = r"(?:[(（][^()（）]*[)）])?"  # （中期规划，万元）, (元), (跨度多年的项目需填)
# Canonical label → pattern of its spellings, matched against a cell with all blanks removed.
_LABELS = {
    "预算年度": "预算年度",
    "项目编码": "项目编[码号]",
    "项目名称": "项目名称",
    "申请单位": "申请单位",
    "一级预算单位": "一级预算单位",
    "实施期限": "实施期限" + _BRACKETED,
    "项目类型": "项目类型",
    "是否新增项目": "是否新增项目",
    "分配方式": "分配方式",
    "项目总金额": "项目总金额" + _BRACKETED,
    "本年度项目金额": "本年度项目金额" + _BRACKETED,
    "政策依据": "政策依据",
    "项目概况": "项目概况",
    "项目申报依据": "项目申报依据",
    "测算依据": "测算依据",
    "年度目标": "年度目标",
    "长期目标": "长期目标" + _BRACKETED,
}
_LABEL = re.compile(
    r"[*＊]?(?:{})[:：]?".format("|".join(f"(?P<{name}>{pattern})" for name, pattern in _LABELS.items()))
)
_POLICY_LABELS = ("政策依据", "项目概况", "项目申报依据")
_FREE_TEXT = {*_POLICY_LABELS, "测算依据", "年度目标", "长期目标"}
REQUIRED_FIELDS = ("项目编码", "项目名称", "申请单位", "一级预算单位")

TABLE_COLUMNS = ("一级指标", "二级指标", "三级指标", "指标值", "指标解释")
_CATEGORY_MARKS = "*＊•●·"
_TITLE = re.compile(rf".*{FORM_TITLE}")
_NOTE = re.compile(r"备注\s*[:：]?")

_CODE = re.compile(r"[0-9]{21}")
_YEAR = re.compile(r"((?:19|20)[0-9]{2})\s*年?度?")
_DURATION = re.compile(r"([0-9]{1,3})\s*年?")
_AMOUNT = re.compile(r"[0-9]+(?:\.[0-9]+)?")
ALLOCATIONS = ("因素法", "项目法", "因素法和项目法")
_LIMITS = {"项目名称": 200, "项目类型": 50, "三级指标": 200, "指标值": 200}


@dataclass
class ParsedSheet:
    """One form of the workbook, with where its header values were found (for messages)."""

    sheet: str
    filing: ParsedFiling
    fiscal_year: int | None
    cells: dict[str, str] = field(default_factory=dict)  # canonical label → cell of its value

    def cell_of(self, label: str) -> str:
        return self.cells.get(label, "")


@dataclass
class ParsedWorkbook:
    sheets: list[ParsedSheet]
    skipped: list[str]  # sheets that hold no form (instructions, lists…)


class WorkbookParseError(FilingParseError):
    """Every problem found, each naming its sheet and cell; nothing may be stored."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def parse_workbook(data: bytes, *, vocabulary: Vocabulary, limits: WorkbookLimits | None = None) -> ParsedWorkbook:
    """Every form sheet of an .xlsx file; WorkbookParseError on bad input."""
    limits = limits or WorkbookLimits()
    try:
        check_workbook_file(data, limits)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except WorkbookRejected as error:
        raise WorkbookParseError([str(error)]) from error
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as error:
        raise WorkbookParseError([f"无法读取工作簿，文件可能已损坏（{type(error).__name__}）"]) from error
    try:
        if len(workbook.worksheets) > limits.max_sheets:
            raise WorkbookParseError([f"工作簿有 {len(workbook.worksheets)} 个工作表，超过上限 {limits.max_sheets} 个"])
        sheets, skipped, problems = [], [], []
        for worksheet in workbook.worksheets:
            try:
                parsed = _read_sheet(worksheet, vocabulary, limits)
            except WorkbookRejected as error:
                raise WorkbookParseError([str(error)]) from error
            except _SheetProblems as error:
                problems += error.problems
                continue
            if parsed is None:
                skipped.append(worksheet.title)
            else:
                sheets.append(parsed)
    finally:
        workbook.close()
    if problems:
        raise WorkbookParseError(problems)
    if not sheets:
        raise WorkbookParseError(
            [f"工作簿中没有找到{FORM_TITLE}：各工作表都没有“项目编码”“一级指标”等栏目，不是申报表模板的格式"]
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
class _Field:
    label: str
    written_label: str
    ref: str  # the label's cell
    values: list[_Cell] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(cell.text for cell in self.values if cell.text)

    @property
    def value_ref(self) -> str:
        return self.values[0].ref if self.values else self.ref


class _Problems:
    def __init__(self, sheet: str):
        self.sheet = sheet
        self.found: list[str] = []

    def add(self, ref: str | None, message: str) -> None:
        where = f"工作表「{self.sheet}」" + (f"单元格 {ref}" if ref else "")
        self.found.append(f"{where}：{message}")


def _read_sheet(worksheet, vocabulary: Vocabulary, limits: WorkbookLimits) -> ParsedSheet | None:
    check_sheet_size(worksheet.title, worksheet.max_row, worksheet.max_column, limits)
    problems = _Problems(worksheet.title)
    rows = _rows(worksheet, limits, problems)
    header_end = next((i for i, row in enumerate(rows) if _table_columns(row)), None)
    fields, title_row = _read_header(rows[:header_end] if header_end is not None else rows, problems)
    if not fields and header_end is None:
        return None  # instructions, lists…: nothing on it is read, so its formulas do no harm
    if header_end is None:
        problems.add(None, "没有找到指标表（表头应为“一级指标 二级指标 三级指标 指标值 指标解释”）")
        indicators = []
    else:
        indicators = _read_table(rows[header_end], rows[header_end + 1 :], vocabulary, problems)
    parsed = _build(worksheet.title, title_row, fields, indicators, problems)
    if problems.found:
        raise _SheetProblems(problems.found)
    return parsed


def _rows(worksheet, limits: WorkbookLimits, problems: _Problems) -> list[list[_Cell]]:
    """The non-empty cells of each row; a formula anywhere on the sheet is reported, not read."""
    rows = []
    # A declared dimension bounds the rows read; without one, rows are counted as they come.
    for row_number, row in enumerate(
        worksheet.iter_rows(min_row=1, max_row=worksheet.max_row, max_col=limits.max_columns), start=1
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
            number_format = "" if isinstance(cell.value, str) else cell.number_format
            text = _as_text(cell.value, number_format)
            if text:
                cells.append(_Cell(ref, text, cell.value))
        rows.append(cells)
    return rows


def _formula_text(value) -> str:
    text = getattr(value, "text", value)  # array formulas carry their text in .text
    text = str(text)
    return text if len(text) <= 40 else text[:40] + "…"


def _as_text(value, number_format: str) -> str:
    """A cell as the text a person sees: 90% stays 90%, 4.0 reads 4, a date reads 2023年12月31日."""
    if isinstance(value, str):
        lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return "\n".join(line.strip() for line in lines).strip("\n")
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        number = _decimal(value)
        if "%" in (number_format or ""):
            return _plain(number * 100) + "%"
        return _plain(number)
    return str(value).strip()


def _decimal(value) -> Decimal:
    # repr gives the shortest text that reads back as the same float: 0.1, not 0.1000000000000000055…
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _label_of(text: str) -> tuple[str, str] | None:
    """(canonical label, label as written) when the cell is a header label."""
    compact = "".join(text.split())
    match = _LABEL.fullmatch(compact)
    # Each alternative of the pattern is a group named by its label: the one that matched names it.
    if match is None or match.lastgroup is None:
        return None
    return match.lastgroup, match.group(match.lastgroup)


def _read_header(rows: list[list[_Cell]], problems: _Problems) -> tuple[dict[str, _Field], int]:
    """The header fields by canonical label, and the row of the form's title (1 when none)."""
    fields: dict[str, _Field] = {}
    title_row = None
    last = None
    for cells in rows:
        if not cells:
            continue
        if title_row is None and any(_TITLE.fullmatch("".join(c.text.split())) for c in cells):
            title_row = _row_of(cells[0].ref)
            continue
        opened = False
        for cell in cells:
            label = _label_of(cell.text)
            if label is not None:
                canonical, written = label
                if canonical in fields:
                    problems.add(cell.ref, f"栏目「{canonical}」重复出现（上一次在 {fields[canonical].ref}）")
                last = fields[canonical] = _Field(canonical, written, cell.ref)
                opened = True
            elif last is not None and (opened or last.label in _FREE_TEXT):
                # Right of a label, or below a free-text label merged over several rows.
                last.values.append(cell)
        if not opened and last is not None and last.label not in _FREE_TEXT:
            last = None
    return fields, title_row or 1


def _row_of(ref: str) -> int:
    return int(re.sub(r"[A-Z]+", "", ref))


def _table_columns(cells: list[_Cell]) -> dict[str, str] | None:
    """Column letter of each table heading when the row is the indicator table's header."""
    columns = {}
    for cell in cells:
        text = "".join(cell.text.split())
        if text in TABLE_COLUMNS:
            columns[text] = re.sub(r"[0-9]+", "", cell.ref)
    return columns if "一级指标" in columns else None


def _read_table(
    header: list[_Cell], rows: list[list[_Cell]], vocabulary: Vocabulary, problems: _Problems
) -> list[ParsedIndicator]:
    columns = _table_columns(header) or {}
    missing = [name for name in TABLE_COLUMNS if name not in columns]
    if missing:
        problems.add(header[0].ref, "指标表表头缺少「" + "」「".join(missing) + "」列")
        return []
    indicators = []
    category: tuple[str, str] | None = None
    for cells in rows:
        if not cells:
            continue
        by_column = {re.sub(r"[0-9]+", "", c.ref): c for c in cells}
        if _NOTE.match(cells[0].text) and cells[0] is by_column.get(columns["一级指标"]):
            break  # the note spans the table's width, so it starts in the first column
        row = _row_of(cells[0].ref)
        level1_cell, level2_cell = by_column.get(columns["一级指标"]), by_column.get(columns["二级指标"])
        found = len(problems.found)
        category = _category(level1_cell, level2_cell, category, row, columns, vocabulary, problems)
        if len(problems.found) > found:
            continue  # the row's category is already reported; its content cannot be placed
        name, value, explanation = (by_column.get(columns[c]) for c in ("三级指标", "指标值", "指标解释"))
        if not any((name, value, explanation)):
            continue  # a blank line left under a category: no 三级指标
        if category is None:
            problems.add(f"{columns['一级指标']}{row}", "该行没有一级、二级指标，上方也没有可以沿用的指标类别")
            continue
        name_text, value_text, explanation_text = (cell.text if cell else "" for cell in (name, value, explanation))
        for heading, cell in zip(("三级指标", "指标值"), (name, value), strict=True):
            _check_length(heading, cell, problems)
        indicators.append(
            ParsedIndicator(
                *category,
                name_text,
                value_text,
                explanation_text,
                not_applicable=is_not_applicable(name_text),
                line=row,
            )
        )
    return indicators


def _category(
    level1_cell: _Cell | None,
    level2_cell: _Cell | None,
    above: tuple[str, str] | None,
    row: int,
    columns: dict[str, str],
    vocabulary: Vocabulary,
    problems: _Problems,
) -> tuple[str, str] | None:
    """The (一级, 二级) of a row: as written, or, for blank cells under a merged label, from above."""
    level1 = None
    if level1_cell is not None:
        level1 = vocabulary.level1_of(level1_cell.text.lstrip(_CATEGORY_MARKS))
        if level1 is None:
            problems.add(level1_cell.ref, f"无法识别的一级指标「{level1_cell.text}」")
            return above  # reported once; the rows below need no second message
    if level2_cell is not None:
        pair = vocabulary.level2_of(level2_cell.text.lstrip(_CATEGORY_MARKS))
        if pair is None:
            problems.add(level2_cell.ref, f"无法识别的二级指标「{level2_cell.text}」")
            return above
        if level1 is not None and pair[0] != level1:
            problems.add(level2_cell.ref, f"二级指标「{pair[1]}」不属于一级指标「{level1}」")
        return pair
    if level1 is not None and (above is None or above[0] != level1):
        problems.add(f"{columns['二级指标']}{row}", f"一级指标「{level1}」下缺少二级指标")
    return above


def _check_length(heading: str, cell: _Cell | None, problems: _Problems) -> None:
    limit = _LIMITS[heading]
    if cell is not None and len(cell.text) > limit:
        problems.add(cell.ref, f"{heading}超过 {limit} 个字（{len(cell.text)} 个字）")


def _build(
    sheet: str, title_row: int, fields: dict[str, _Field], indicators: list[ParsedIndicator], problems: _Problems
) -> ParsedSheet:
    def text(label: str) -> str:
        return fields[label].text if label in fields else ""

    for label in REQUIRED_FIELDS:
        if label not in fields:
            problems.add(None, f"缺少必填栏目「{label}」")
        elif not text(label):
            problems.add(fields[label].value_ref, f"「{label}」未填写")
    for label in ("项目名称", "项目类型"):
        if label in fields and len(text(label)) > _LIMITS[label]:
            problems.add(fields[label].value_ref, f"{label}超过 {_LIMITS[label]} 个字")
    amount_unit = _amount_unit(fields, problems)
    policy_label, *other_labels = [label for label in _POLICY_LABELS if label in fields] or ["政策依据"]
    filing = ParsedFiling(
        line=title_row,
        code=_code(fields.get("项目编码"), problems),
        name=text("项目名称"),
        applicant=text("申请单位"),
        top_unit=text("一级预算单位"),
        duration_years=_duration(fields.get("实施期限"), problems),
        project_type=text("项目类型"),
        is_new=_yes_no(fields.get("是否新增项目"), problems),
        allocation=_allocation(fields.get("分配方式"), problems),
        amount_unit=amount_unit,
        total_amount=_amount(fields.get("项目总金额"), amount_unit, problems),
        current_amount=_amount(fields.get("本年度项目金额"), amount_unit, problems),
        policy_basis=text(policy_label),
        policy_basis_label=policy_label,
        calculation_basis=text("测算依据"),
        annual_goal=text("年度目标"),
        long_term_goal=text("长期目标"),
        indicators=indicators,
        other_bases={label: text(label) for label in other_labels},
    )
    cells = {label: f.value_ref for label, f in fields.items()}
    return ParsedSheet(sheet, filing, _year(fields.get("预算年度"), problems), cells)


def _single_value(item: _Field, problems: _Problems) -> _Cell | None:
    if len(item.values) > 1:
        problems.add(item.values[1].ref, f"「{item.label}」只能填在一个单元格中（已在 {item.values[0].ref} 填写）")
    return item.values[0] if item.values else None


def _code(item: _Field | None, problems: _Problems) -> str:
    cell = _single_value(item, problems) if item else None
    if cell is None:
        return ""
    if not isinstance(cell.raw, str):
        problems.add(cell.ref, "项目编码被保存成了数字，21位编码的末几位会丢失；请把单元格设为文本格式后重新填写")
        return ""
    code = "".join(cell.text.split())
    if not _CODE.fullmatch(code):
        problems.add(cell.ref, f"项目编码「{cell.text}」应为21位数字")
    return code


def _year(item: _Field | None, problems: _Problems) -> int | None:
    cell = _single_value(item, problems) if item else None
    if cell is None:
        return None
    match = _YEAR.fullmatch(cell.text)
    if not match:
        problems.add(cell.ref, f"预算年度「{cell.text}」应为四位年份，如 2023")
        return None
    return int(match.group(1))


def _duration(item: _Field | None, problems: _Problems) -> int | None:
    cell = _single_value(item, problems) if item else None
    if cell is None:
        return None
    match = _DURATION.fullmatch(cell.text)
    if not match:
        problems.add(cell.ref, f"实施期限「{cell.text}」应为整数年数，如 3")
        return None
    return int(match.group(1))


def _yes_no(item: _Field | None, problems: _Problems) -> bool | None:
    cell = _single_value(item, problems) if item else None
    if cell is None:
        return None
    if cell.text not in ("是", "否"):
        problems.add(cell.ref, f"是否新增项目「{cell.text}」应填“是”或“否”")
        return None
    return cell.text == "是"


def _allocation(item: _Field | None, problems: _Problems) -> str:
    cell = _single_value(item, problems) if item else None
    if cell is None:
        return ""
    if cell.text not in ALLOCATIONS:
        problems.add(cell.ref, f"分配方式「{cell.text}」应为{'、'.join(ALLOCATIONS)}之一")
        return ""
    return cell.text


def _amount_unit(fields: dict[str, _Field], problems: _Problems) -> str:
    """元 or 万元, as the amount labels say: 项目总金额（中期规划，万元）; 元 when they do not say."""
    labelled = [fields[label] for label in ("项目总金额", "本年度项目金额") if label in fields]
    units = {"万元" if "万元" in f.written_label else "元" for f in labelled if "元" in f.written_label}
    if len(units) > 1:
        problems.add(labelled[-1].ref, "项目总金额与本年度项目金额的单位不一致（一个是元，一个是万元）")
    return "万元" if units == {"万元"} else "元"


def _amount(item: _Field | None, unit: str, problems: _Problems) -> Decimal | None:
    cell = _single_value(item, problems) if item else None
    if item is None or cell is None:
        return None
    if isinstance(cell.raw, (int, float, Decimal)) and not isinstance(cell.raw, bool):
        amount = _decimal(cell.raw)
    else:
        digits = "".join(cell.text.split()).replace(",", "").replace("，", "")
        if not _AMOUNT.fullmatch(digits):
            problems.add(cell.ref, f"{item.label}「{cell.text}」不是数字")
            return None
        try:
            amount = Decimal(digits)
        except InvalidOperation:
            problems.add(cell.ref, f"{item.label}「{cell.text}」不是数字")
            return None
    if amount < 0:
        problems.add(cell.ref, f"{item.label}不能为负数")
        return None
    # Amounts are kept in 元 to the fen: 万元 may have up to six decimals, 元 up to two.
    places = 6 if unit == "万元" else 2
    if amount >= Decimal(10) ** (16 - (places - 2)) or amount != amount.quantize(Decimal(1).scaleb(-places)):
        problems.add(cell.ref, f"{item.label}「{cell.text}」超出可保存的范围（以{unit}计最多 {places} 位小数）")
        return None
    return amount

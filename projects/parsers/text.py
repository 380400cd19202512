"""Reads 申报表 of every kind from the text layout of published budget PDFs.

The text carries the scars of extraction (tab-separated cells shifted across columns, full- and
half-width punctuation, HTML, free text over several lines, notes and headings between forms), so
the rules are general, never per file. Each kind's definition (``projects.kinds``) supplies its
title, its header labels and the columns of its tables:

* a form runs from a line holding only a kind's title (``## …``, ``**…**``) to the next title; what
  lies outside every form (the budget tables and prose of a department's publication) is skipped
  and counted;
* a line holding only the year (``2023 年度``, ``(2021 年度)``) gives the form's year, a line
  ``单位：万元`` its amount unit;
* a header cell starting with a known label (``项目编码：``, ``项目编号:``…) opens a field whose value
  is the cells after it, up to the next label; a line without a label continues the free text above;
* the 部门整体 form's 年度主要任务 start at the row headed ``任务名称``: a row ending in three
  amounts is a task, a row of one cell continues the task above (a page break cut it), and the
  ``合计`` row closes the table;
* in the indicator table, category cells are recognised by the vocabulary wherever they sit, the
  other non-empty cells are, in order, the kind's columns (三级指标, 指标值, 指标解释…), and a row
  without a 一级 or 二级 cell lies under those of the row above (the printed form merges those cells).
  Two continuations the extraction makes are joined back: the 一级 form's 测算明细 continued on the
  next page, and a name cut after an open bracket.

What a form holds is bounded as the kind defines (``projects.kinds.base``): the length of every value,
the number of indicator rows and tasks. A form whose indicator table stops before its last 一级 category
(满意度, which every official form prints) was cut off, as a truncated file cuts its last form, and is
refused at the line where it stops rather than stored without the rest of its rows.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import Any

from indicators.taxonomy import EXTRA_COLUMNS, Vocabulary, is_not_applicable
from projects.kinds import all_kinds
from projects.kinds.base import (
    LONG_TEXT,
    MAX_OTHER_FIELDS,
    HeaderField,
    Unit,
    excerpt,
    length_problem,
    read_number,
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

_NOTE = re.compile(r"\s*备注\s*[:：]")
_REQUIRED_MARKS = "•●·"  # some files print the required-marker * as a bullet
_DEADLINE = re.compile(r"((?:19|20)[0-9]{2})\s*年\s*[0-9]{1,2}\s*月(?:\s*[0-9]{1,2}\s*日)?\s*(?:之前|以前|前|底|末)")
_CODE = re.compile(r"[0-9]{21}")
_YEAR_LINE = re.compile(r"[(（]?\s*((?:19|20)[0-9]{2})\s*年度\s*[)）]?")
_TITLE_YEAR = re.compile(r"\D{4,60}[(（]\s*((?:19|20)[0-9]{2})\s*年度?\s*[)）]\s*")
_UNIT_LINE = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元)")
# The indicator columns every kind has: a table of these alone is read as before, cell by cell.
_OWN_COLUMNS = {"name", "value", "explanation"}
_HEADING = re.compile(r"\s*(?:#+\s*(.+)|表\s*[0-9]+|[*]{2}(.+)[*]{2})\s*")
_TABLE_TITLES = {"绩效指标", "年度绩效指标"}
_TASK_TITLE = "年度主要任务"
_TASK_HEADINGS = {"总额", "其中：财政拨款", "其中:财政拨款", "其中：其他资金", "其中:其他资金", "预算金额（万元）"}
_LIST_ITEM = re.compile(r"[0-9]{1,2}\s*[.、．]")
_OPEN_BRACKETS = "（(《“"
_CLOSE_BRACKETS = "）)》”"

_SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUPERSCRIPT = re.compile(r"\s*<sup>\s*([0-9]+)\s*</sup>", re.IGNORECASE)
_LINE_BREAK_TAG = re.compile(r"</?p\b[^<>]*>|<br\s*/?>", re.IGNORECASE)
# Only real tags: 《…<关于…>的通知》 uses angle brackets as Chinese title marks.
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")

_Line = tuple[int, str]  # 1-based number and text


class TextDecodeError(ValueError):
    """A text file in neither UTF-8 nor GB18030; the message names the file and the line."""


def decode_text(data: bytes, name: str) -> str:
    """A text file's bytes as text: UTF-8 (with or without the BOM Windows Notepad writes), else
    GB18030, the superset of GBK and GB2312 that Chinese Windows and many systems write. Anything
    else is refused with where the first undecodable byte lies (GB18030 would take much of any
    other encoding as 乱码 only if it got that far, so UTF-8's answer is the one to report)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            line = data[: utf8_error.start].count(b"\n") + 1
            raise TextDecodeError(
                f"{name}：第 {line} 行起无法读取，文件既不是 UTF-8 也不是 GBK/GB18030 编码的文本；"
                "请用记事本打开，“另存为”时选择 UTF-8 编码后重新上传"
            ) from None


@dataclass
class ParsedText:
    """The forms of a text, and what of it was not a form (skipped, not an error)."""

    filings: list[ParsedFiling]
    skipped_lines: int = 0
    skipped_headings: list[str] = field(default_factory=list)


@dataclass
class _Text:
    """The text of a header field, over the lines it takes."""

    line: int
    lines: list[list[str]] = field(default_factory=lambda: [[]])  # the cells of each line

    @property
    def text(self) -> str:
        return clean_text("\n".join(" ".join(cells) for cells in self.lines))

    @property
    def is_long(self) -> bool:
        return True


@dataclass
class _Field(_Text):
    label: Label = field(kw_only=True)

    @property
    def is_long(self) -> bool:
        return self.label.field.is_long


@dataclass
class _Unknown(_Text):
    """A label no layout knows, with its text: kept with the filing under the label as written."""

    written: str = field(kw_only=True)

    @property
    def text(self) -> str:
        return clean_text("\n".join(" ".join(cells) for cells in self.lines))


def parse_text(
    text: str, *, vocabularies: Mapping[str, Vocabulary] | None = None, layouts: Layouts | None = None
) -> ParsedText:
    """Every 申报表 of ``text``, of the kinds ``layouts`` names, in order; FilingParseError on bad
    input. ``layouts`` maps each kind's code to the layouts its forms may be in, preferred first; each
    form is read in the one it fits best. ``vocabularies`` instead reads every kind in its own layout
    with the given categories."""
    if layouts is None:
        layouts = plain_layouts(vocabularies or {})
    kinds = [kind for kind in all_kinds() if kind.code in layouts]
    lines = list(enumerate((line.rstrip("\r") for line in text.split("\n")), start=1))
    titles = [(index, kind) for index, (_, line) in enumerate(lines) if (kind := title_of(line, kinds))]
    # Each form runs from its title to the next title, the last one to the end of the text.
    spans = pairwise([*(index for index, _ in titles), len(lines)])
    parsed = ParsedText(filings=[])
    outside = lines[: titles[0][0]] if titles else lines
    for (start, end), (_, kind) in zip(spans, titles, strict=True):
        form = _read_form(layouts[kind.code], start + 1, lines[start + 1 : end])
        if form is None:  # the title was a heading or a table-of-contents line
            outside = [*outside, *lines[start:end]]
        else:
            parsed.filings.append(form)
    if not parsed.filings:
        listed = "、".join(kind.title for kind in kinds)
        raise FilingParseError(f"文本中没有找到申报表（{listed}）")
    _count_skipped(parsed, outside)
    return parsed


def parse_filings(text: str, *, vocabularies: Mapping[str, Vocabulary]) -> list[ParsedFiling]:
    return parse_text(text, vocabularies=vocabularies).filings


def _read_form(layouts: Sequence[Layout], title_line: int, lines: list[_Line]) -> ParsedFiling | None:
    """The form in the layout it fits best; None when the title was a heading, in any layout."""
    if not any(_cells(line) for _, line in lines):
        return None

    def read(layout: Layout) -> tuple[ParsedFiling | None | FilingParseError, int]:
        reader = _FormReader(layout, title_line)
        try:
            return reader.read(lines), reader.fit
        except FilingParseError as error:
            return error, reader.fit

    return read_in_best_layout(layouts, read)


def _count_skipped(parsed: ParsedText, outside: list[_Line]) -> None:
    for _, line in outside:
        if not line.strip():
            continue
        parsed.skipped_lines += 1
        if heading := _HEADING.fullmatch(line):
            parsed.skipped_headings.append((heading.group(1) or heading.group(2) or line).strip())


def infer_fiscal_year(filings: list[ParsedFiling]) -> int | None:
    """The budget year of the filings of one file, or None when nothing suggests one.

    Forms that print their year (一级, 部门整体) say it. The 二级 form does not, so for it: a file is
    one department's budget of one year, and the filings vote, so one odd filing cannot outvote the
    rest. Signals, the second used only when no filing carries the first:

    1. Deadlines in indicator values and explanations (``2023年12月前``, ``2024年12月31日以前``):
       they say by when this year's work is due. Each filing votes with the deadline year it
       names most often; the most common vote wins, the later year on a tie. Bare years and
       dates do not vote: indicators and annual goals also cite past work (``2023年度攻防演练``,
       ``即2023年9月1日开展`` in 2024 filings, ``开展2022年度档案整理`` in a 2023 one).
    2. The latest year in which one of the projects was first budgeted, digits 7-8 of its code
       (440306 23 …): a budget cannot predate its projects, and in the samples this year equals
       the deadline year wherever both exist.
    """
    printed = [filing.fiscal_year for filing in filings if filing.fiscal_year]
    if printed:
        return _most_common(printed)
    votes = [vote for filing in filings if (vote := _most_common(_deadline_years(filing))) is not None]
    if votes:
        return _most_common(votes)
    return max((2000 + int(f.code[6:8]) for f in filings if _CODE.fullmatch(f.code)), default=None)


def _deadline_years(filing: ParsedFiling) -> list[int]:
    texts = (f"{row.value}\n{row.explanation}" for row in filing.indicators)
    return [int(year) for text in texts for year in _DEADLINE.findall(text)]


def _most_common(years: list[int]) -> int | None:
    counts = Counter(years)
    return max(counts, key=lambda year: (counts[year], year)) if counts else None


def _cells(line: str) -> list[str]:
    """The non-empty cells of a line: where a blank cell sat tells nothing in these files."""
    return [cell for cell in (_unquote(cell.strip()) for cell in line.split("\t")) if cell]


def _unquote(cell: str) -> str:
    """A cell exported as a CSV string ("…", inner quotes doubled) loses its quoting."""
    inner = cell[1:-1]
    if len(cell) >= 2 and cell[0] == cell[-1] == '"' and '"' not in inner.replace('""', ""):
        return inner.replace('""', '"')
    return cell


def _is_table_header(cells: list[str]) -> bool:
    """The indicator table's heading row, possibly after its title cell (绩效指标 | 一级指标 | …)."""
    first = compact(cells[0])
    if first == "一级指标":
        return True
    return first in _TABLE_TITLES and len(cells) > 1 and compact(cells[1]) == "一级指标"


def _category_of(cell: str, vocabulary: Vocabulary) -> tuple[str | None, tuple[str, str] | None]:
    """The 一级 a cell names, or the (一级, 二级) it names, or neither."""
    label = cell.strip().lstrip(_REQUIRED_MARKS)
    return vocabulary.level1_of(label), vocabulary.level2_of(label)


class _FormReader:
    """Reads one form: its header fields, then its tables, a line at a time."""

    def __init__(self, layout: Layout, title_line: int):
        kind = self.kind = layout.kind
        self.layout = layout
        self.vocabulary = layout.vocabulary
        self.title_line = title_line
        self.labels = matcher(kind)
        self.fields: dict[str, _Field] = {}
        self.unknown: list[_Unknown] = []  # labels no layout knows, in the form's order
        # Where a table whose heading names columns beyond the kind's own keeps each: (一级, 二级, columns).
        self.positions: tuple[int, int, dict[str, int]] | None = None
        self.column_fit = 0
        self.other_bases: list[_Field] = []
        self.last_field: _Text | None = None
        self.year: int | None = None
        self.unit = ""
        self.indicators: list[ParsedIndicator] = []
        self.category: tuple[str, str] | None = None  # (一级, 二级) of the row above
        self.tasks: list[ParsedTask] = []
        self.totals: list[tuple[Decimal | None, int]] = []
        # The columns a row's cells fill in order, read cell by cell: those the table's heading names, in
        # its order, or else the layout's.
        self.cell_columns = [column.name for column in kind.indicators.columns]
        self.columns = len(self.cell_columns)
        self.last_line = title_line  # the last line with anything on it

    @property
    def fit(self) -> int:
        """How well the form fits the layout: its labels and columns the layout knows, less the rest."""
        return len(self.fields) - len(self.unknown) + self.column_fit

    def read(self, lines: list[_Line]) -> ParsedFiling | None:
        state = "header"
        for number, line in lines:
            cells = _cells(line)
            if not cells:
                continue
            self.last_line = number
            if state != "table" and _is_table_header(cells):
                self._heading(number, line)
                state = "table"
            elif state == "header":
                state = self._header_line(number, cells)
            elif state == "tasks":
                state = self._task_line(number, cells)
            elif self.positions is not None:
                self._positional_line(number, line)
            else:
                self._table_line(number, cells)
        if not self.fields and not self.indicators:
            return None
        return self._build()

    # -- header ---------------------------------------------------------------------------------

    def _header_line(self, number: int, cells: list[str]) -> str:
        if len(cells) == 1 and (year := _YEAR_LINE.fullmatch(cells[0])):
            self.year = int(year.group(1))
            return "header"
        if len(cells) == 1 and not self.fields and (year := _TITLE_YEAR.fullmatch(cells[0])):
            # The form's own title, above its fields, ending in its year: 省级部门预算项目支出绩效目标表(2023年度).
            self.year = self.year or int(year.group(1))
            return "header"
        if len(cells) == 1 and (unit := _UNIT_LINE.fullmatch(cells[0])):
            self.unit = unit.group(1)
            return "header"
        if _is_table_header(cells):
            return "table"
        if self.kind.tasks is not None and any(compact(cell) == "任务名称" for cell in cells):
            self.unit = self.unit or _unit_in(cells)
            return "tasks"
        if any(_category_of(cells[0], self.vocabulary)):  # a table whose header row got lost
            self._table_line(number, cells)
            return "table"
        if self.labels.at_start(cells[0]) or UNKNOWN_LABEL.fullmatch(cells[0]):
            self.last_field = self._header_cells(cells, number)
        elif (written := LABEL_WITH_VALUE.fullmatch(cells[0])) and (
            len(cells) > 1 or self.last_field is None or not self.last_field.is_long
        ):
            # 联系人：张三 in one cell: a label no layout knows with its value. A line of one such cell
            # below an open free text (年度目标) is more of that text, as any line there is.
            other = _Unknown(number, written=written.group(1))
            other.lines[-1].append(written.group(2))
            self.unknown.append(other)
            self.last_field = self._header_cells(cells[1:], number, current=other)
        elif self.last_field is not None and self.last_field.is_long:
            self.last_field.lines.append(cells)
        return "header"

    def _header_cells(self, cells: list[str], line: int, *, current: _Text | None = None) -> _Text | None:
        """Reads one header line, whose first cell is a label (or whose cells go on with ``current``);
        returns the last field it opened."""
        for cell in cells:
            label = self.labels.at_start(cell)
            if label is not None and _repeats_label(current, label):
                # 填报人 | 填报人:李利珊: the value repeats its own label.
                cell, label = cell[label.end :].strip(), None
            if label is not None:
                current = self._open(label, line)
                cell = cell[label.end :].strip()
                if not cell:
                    continue
            elif unknown := UNKNOWN_LABEL.fullmatch(cell):
                other = current = _Unknown(line, written=unknown.group(1))
                self.unknown.append(other)
                continue
            if current is None:
                continue
            if cell and not (
                not current.lines[-1] and isinstance(current, _Field) and _rest_of_label(current.label, cell)
            ):
                current.lines[-1].append(cell)
        return current

    def _open(self, label: Label, line: int) -> _Field:
        name = label.field.name
        opened = _Field(line, label=label)
        known = self.fields.get(name)
        if known is None:
            self.fields[name] = opened
        elif label.field.label_field and label.spelling != known.label.spelling:
            # A second policy text under another label (项目申报依据 beside 政策依据): kept beside it.
            if label.spelling < known.label.spelling:
                self.fields[name], opened = opened, known
            self.other_bases.append(opened)
        else:
            raise FilingParseError(f"字段「{label.field.plain_label}」重复出现，可能缺少申报表标题", line)
        return opened

    # -- 年度主要任务 -------------------------------------------------------------------------------

    def _task_line(self, number: int, cells: list[str]) -> str:
        assert self.kind.tasks is not None
        if _is_table_header(cells):
            return "table"
        if self.labels.at_start(cells[0]) and not compact(cells[0]).startswith(_TASK_TITLE):
            self.last_field = self._header_cells(cells, number)
            return "header"
        if compact(cells[0]) == _TASK_TITLE:
            cells = cells[1:]
        texts = [clean_text(cell) for cell in cells]
        texts = [text for text in texts if text]
        if not texts or all(compact(text) in _TASK_HEADINGS for text in texts):
            return "tasks"
        amounts, words = _trailing_amounts(texts, number)
        if words and compact(words[0]) in self.kind.tasks.total_spellings:
            self.totals = [(amount, number) for amount in amounts]
            return "header"
        if amounts:
            total, fiscal, other = [*amounts, None, None, None][:3]
            name, content = (words[0], " ".join(words[1:])) if words else ("", "")
            self.tasks.append(ParsedTask(name, content, total, fiscal, other, line=number))
        elif len(words) == 1 and self.tasks:
            # A page break cut the task above: its text goes on here.
            self.tasks[-1].content += words[0]
        else:
            self.tasks.append(ParsedTask(words[0], " ".join(words[1:]), None, None, None, line=number))
        return "tasks"

    # -- indicator table --------------------------------------------------------------------------

    def _heading(self, number: int, line: str) -> None:
        """Reads the table's heading row: which column holds what, by its name. A table whose heading
        names only the kind's own columns is read cell by cell as before (the extraction of the
        published PDFs shifts cells, so where a blank sat tells nothing there); one with more columns
        (指标性质, 度量单位, 权重…) is read by position, so that a blank cell stays blank."""
        raw = [compact(_unquote(cell.strip())) for cell in line.split("\t")]
        first = next(index for index, cell in enumerate(raw) if cell == "一级指标")
        if first + 1 >= len(raw) or raw[first + 1] != "二级指标":
            return
        columns: dict[str, int] = {}
        for position, heading in enumerate(raw[first + 2 :], start=first + 2):
            if not heading:
                continue
            name = column_of(heading)
            if name is None:
                raise FilingParseError(f"指标表的栏目「{excerpt(heading)}」无法识别", number)
            if name in columns:
                raise FilingParseError(f"指标表的栏目「{excerpt(heading)}」重复出现", number)
            columns[name] = position
        own = [column.name for column in self.kind.indicators.columns]
        self.column_fit = len(set(columns) & set(own)) - len(set(columns) ^ set(own))
        if set(columns) - _OWN_COLUMNS:
            self.positions = (first, first + 1, columns)
        elif columns:
            self.cell_columns = sorted(columns, key=columns.__getitem__)
            self.columns = len(self.cell_columns)

    def _positional_line(self, number: int, line: str) -> None:
        assert self.positions is not None
        level1_at, level2_at, columns = self.positions
        raw = [clean_text(_unquote(cell.strip())) for cell in line.split("\t")]
        written = [cell for cell in raw if cell]
        if not written or _NOTE.match(written[0]) or _is_table_header(written):
            return
        width = max(columns.values()) + 1
        if any(raw[width:]):
            raise FilingParseError(f"该行多出单元格「{excerpt(next(c for c in raw[width:] if c))}」", number)
        raw += [""] * (width - len(raw))
        if label := self.labels.at_start(written[0]):
            raise FilingParseError(f"指标表中出现表头字段「{label.field.plain_label}」，可能缺少申报表标题", number)
        level1 = level2 = None
        if raw[level1_at]:
            level1 = self.vocabulary.level1_of(raw[level1_at].lstrip(_REQUIRED_MARKS))
            if level1 is None:
                raise FilingParseError(f"无法识别的一级指标「{excerpt(raw[level1_at])}」", number, misfit=True)
        if raw[level2_at]:
            level2 = self.vocabulary.level2_of(raw[level2_at].lstrip(_REQUIRED_MARKS))
            if level2 is None:
                raise FilingParseError(f"无法识别的二级指标「{excerpt(raw[level2_at])}」", number, misfit=True)
        self.category = _resolve_category(level1, level2, self.category, number)
        values = {name: raw[position] for name, position in columns.items()}
        if not any(values.values()):
            return  # a category printed on a line of its own
        if values.get("weight"):
            try:
                read_weight(values["weight"])
            except ValueError as error:
                raise FilingParseError(str(error), number) from None
            values["weight"] = values["weight"].rstrip("%％分").strip()
        name = values.get("name", "")
        self.indicators.append(
            ParsedIndicator(
                *self.category,
                name,
                values.get("value", ""),
                values.get("explanation", ""),
                is_not_applicable(name),
                number,
                extras={key: values[key] for key in EXTRA_COLUMNS if key in values},
            )
        )

    def _table_line(self, number: int, cells: list[str]) -> None:
        if _is_table_header(cells) or _NOTE.match(cells[0]):
            return
        cells = [cell for cell in cells if compact(cell) not in _TABLE_TITLES]
        if not cells:
            return
        if len(cells) == 1 and not any(_category_of(cells[0], self.vocabulary)):
            if not self._continues_above(cells, number):
                return  # a heading, page number or table-of-contents line, not a row
            return
        if label := self.labels.at_start(cells[0]):
            raise FilingParseError(f"指标表中出现表头字段「{label.field.plain_label}」，可能缺少申报表标题", number)
        category, content = self._split_row(cells, number)
        if self._continues_cost_build_up(content):
            self.indicators[-1].name += " " + content[0]
            self.category = category
            return
        self.category = category
        if not content:
            return  # a category printed on a line of its own
        names = self.cell_columns
        values = dict(zip(names, content + [""] * (len(names) - len(content)), strict=True))
        level1, level2 = category
        self.indicators.append(
            ParsedIndicator(
                level1,
                level2,
                values.get("name", ""),
                values.get("value", ""),
                values.get("explanation", ""),
                is_not_applicable(values.get("name", "")),
                number,
                extras={key: values[key] for key in EXTRA_COLUMNS if key in values},
            )
        )

    def _split_row(self, cells: list[str], line: int) -> tuple[tuple[str, str], list[str]]:
        """Splits a row into its category cells, wherever they sit, and its content cells."""
        level1: str | None = None
        level2: tuple[str, str] | None = None
        content: list[str] = []
        for cell in cells:
            if not content and level2 is None:
                names_level1, names_level2 = _category_of(cell, self.vocabulary)
                if level1 is None and names_level1:
                    level1 = names_level1
                    continue
                if names_level2:
                    level2 = names_level2
                    continue
            if cleaned := clean_text(cell):  # a cell of bare tags is as blank as an empty one
                content.append(cleaned)
        if len(content) > self.columns:
            # A bad row of this layout, not a sign of another: a layout with more columns would read the
            # cells of every row in the wrong places.
            raise FilingParseError(f"无法识别的指标类别「{excerpt(content[0])}」（该行多出单元格）", line)
        return _resolve_category(level1, level2, self.category, line), content

    def _continues_cost_build_up(self, content: list[str]) -> bool:
        """The 一级 form's 测算明细 (items 1. 2. …) continued on the next page, under the categories of
        the row that follows it."""
        if len(content) != 1 or not self.indicators or not _LIST_ITEM.match(content[0]):
            return False
        above = self.indicators[-1]
        return above.level2 in self.kind.indicators.content_only and not above.value

    def _continues_above(self, cells: list[str], line: int) -> bool:
        """A name cut after an open bracket, its rest alone on the next line (…（含办理、咨询、导 / 办)）."""
        if not self.indicators or self.columns > 2:
            return False
        above = self.indicators[-1]
        rest = clean_text(cells[0])
        opened = sum(above.name.count(c) for c in _OPEN_BRACKETS) > sum(above.name.count(c) for c in _CLOSE_BRACKETS)
        if opened and rest and rest[-1] in _CLOSE_BRACKETS:
            above.name += rest
            return True
        return False

    # -- the form -----------------------------------------------------------------------------------

    def _build(self) -> ParsedFiling:
        self._check_complete()
        self._check_sizes()
        values: dict[str, Any] = {}
        labels: dict[str, str] = {}
        extra_fields: dict[str, str] = {}
        unit_codes: dict[str, str] = {}
        unit = self._amount_unit()
        for name, item in self.fields.items():
            header_field = item.label.field
            if is_extra(name):
                extra_fields[header_field.label] = _parse(header_field, item.text, item.line)
                continue
            if header_field.is_amount:
                values[name] = _amount(header_field, item.text, item.line, unit)
                if BRACKETED.search(item.text):
                    # 854万(高标准农田建设400万元,…): the remark beside the amount is kept as written.
                    extra_fields[f"{item.label.field.plain_label}{ORIGINAL_TEXT}"] = item.text
            else:
                values[name] = _parse(header_field, item.text, item.line)
            if header_field.label_field:
                labels[name] = item.label.canonical
            if isinstance(header_field.type, Unit) and values[name] and (code := split_unit_code(item.text)[0]):
                unit_codes[values[name]] = code
        for other in self.unknown:
            before = extra_fields.get(other.written)
            text = f"{before}\n{other.text}" if before else other.text
            if problem := length_problem(text, LONG_TEXT, other.written):
                raise FilingParseError(problem, other.line)
            extra_fields[other.written] = text
            if len(extra_fields) > MAX_OTHER_FIELDS:
                raise FilingParseError(other_fields_problem(), other.line)
        for name in self.kind.identity:
            header_field = self.kind.field(name)
            if not values.get(name):
                where = self.fields[name].line if name in self.fields else self.title_line
                raise FilingParseError(f"申报表缺少{header_field.plain_label}", where)
        if self.kind.tasks is not None:
            for name, (amount, _line) in zip(self.kind.tasks.totals, self.totals, strict=False):
                values[name] = amount
        year = values.pop("fiscal_year", None) or self.year
        return ParsedFiling(
            kind=self.kind.code,
            line=self.title_line,
            values=values,
            amount_unit=unit,
            indicators=self.indicators,
            tasks=self.tasks,
            fiscal_year=year,
            labels=labels,
            other_bases={
                item.label.canonical: _parse(item.label.field, item.text, item.line) for item in self.other_bases
            },
            template=self.layout.code,
            extra_fields=extra_fields,
            unit_codes=unit_codes,
        )

    def _check_complete(self) -> None:
        """Refuses a form whose indicator table is missing or stops before its last 一级 category."""
        form = f"第{self.title_line}行开始的{self.kind.short_name}申报表"
        if not self.indicators:
            raise FilingParseError(f"{form}没有指标表，文件可能不完整（被截断）", self.last_line)
        last = next(reversed(dict.fromkeys(self.vocabulary.level1.values())), None)
        if last is not None and not any(row.level1 == last for row in self.indicators):
            stopped = self.indicators[-1].level1
            raise FilingParseError(
                f"{form}的指标表在「{stopped}」指标处中断，缺少「{last}」指标，文件可能不完整（被截断）", self.last_line
            )

    def _check_sizes(self) -> None:
        """Refuses a form larger than its kind allows: too many rows or tasks, or too long a cell."""
        table = self.kind.indicators
        if len(self.indicators) > table.max_rows:
            raise FilingParseError(
                f"指标表有 {len(self.indicators)} 行，超过上限 {table.max_rows} 行",
                self.indicators[table.max_rows].line,
            )
        own = [column for column in table.columns if column.name not in EXTRA_COLUMNS]
        for row in self.indicators:
            # The row's own columns as its layout bounds them; the others it has, layout's or not, as the
            # catalogue does.
            texts = [(column, str(getattr(row, column.name, "") or "")) for column in own]
            texts += [(catalogue_column(name), text) for name, text in row.extras.items()]
            for column, text in texts:
                if problem := length_problem(text, column.max_length, column.label):
                    raise FilingParseError(problem, row.line)
        if self.kind.tasks is None:
            return
        tasks = self.kind.tasks
        if len(self.tasks) > tasks.max_rows:
            raise FilingParseError(
                f"{tasks.title}有 {len(self.tasks)} 项，超过上限 {tasks.max_rows} 项", self.tasks[tasks.max_rows].line
            )
        for task in self.tasks:
            for column in tasks.columns:
                text = getattr(task, column.name)
                if isinstance(text, str) and (problem := length_problem(text, column.max_length, column.label)):
                    raise FilingParseError(problem, task.line)

    def _amount_unit(self) -> str:
        """元 or 万元, as the amount labels say (项目总金额（中期规划，万元）) or a 单位：万元 line, or else
        as the amounts themselves say (20万元); "" when nothing says."""
        amounts = [item for item in self.fields.values() if item.label.field.is_amount]
        found = amount_unit(
            labels=[
                UnitSaid(item.label.field.plain_label, unit_in_label(item.label.written), item.line) for item in amounts
            ],
            stated=self.unit,
            amounts=[UnitSaid(item.label.field.plain_label, written_unit(item.text), item.line) for item in amounts],
            when_silent="",
        )
        if found.problem:
            raise FilingParseError(found.problem, found.where)
        return found.unit


def _amount(header_field: HeaderField, text: str, line: int, unit: str) -> Decimal | None:
    """An amount as a file writes it, in the form's unit (``read_written_amount``), or refused with its line."""
    try:
        return read_written_amount(text, label=header_field.plain_label, unit=unit)
    except ValueError as error:
        raise FilingParseError(str(error), line) from None


def _parse(header_field: HeaderField, text: str, line: int) -> Any:
    try:
        return header_field.parse(text)
    except ValueError as error:
        raise FilingParseError(str(error), line) from None


def _repeats_label(current: _Text | None, label: Label) -> bool:
    """Whether ``label`` opens the field just opened, before any of its value."""
    return isinstance(current, _Field) and not current.lines[-1] and label.field is current.label.field


def _rest_of_label(label: Label, cell: str) -> bool:
    """A label split over two cells (部门（单位） | 名称 | …): the second cell is no value."""
    return compact(label.written + cell) == compact(label.field.plain_label)


def _unit_in(cells: list[str]) -> str:
    for cell in cells:
        if "万元" in cell:
            return "万元"
    return ""


def _trailing_amounts(texts: list[str], line: int) -> tuple[list[Decimal | None], list[str]]:
    """The amounts a task row ends with (up to three), and the cells before them."""
    amounts: list[Decimal | None] = []
    words = list(texts)
    while words and len(amounts) < 3:
        try:
            amount = read_number(words[-1])
        except ValueError:
            break
        amounts.insert(0, amount)
        words.pop()
    return amounts, words


def _resolve_category(
    level1: str | None, level2: tuple[str, str] | None, above: tuple[str, str] | None, line: int
) -> tuple[str, str]:
    if level2 is not None:
        if level1 is not None and level1 != level2[0]:
            raise FilingParseError(f"一级指标「{level1}」与二级指标「{level2[1]}」不符", line, misfit=True)
        return level2
    # Without a 二级 cell the row continues the one above, which must lie under the same 一级.
    if above is not None and level1 in (None, above[0]):
        return above
    raise FilingParseError("无法识别该行的指标类别：既没有可识别的二级指标，也无法沿用上一行", line, misfit=True)


def clean_text(text: str) -> str:
    """HTML fragments to plain text: <p> become lines, m<sup>2</sup> becomes m², other tags go."""
    text = _SUPERSCRIPT.sub(lambda match: match.group(1).translate(_SUPERSCRIPT_DIGITS), text)
    text = html.unescape(_TAG.sub("", _LINE_BREAK_TAG.sub("\n", text)))
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())

"""Reads 二级项目支出绩效目标申报表 forms from the text layout of published budget PDFs.

The text carries the scars of extraction (tab-separated cells shifted across columns, full- and
half-width punctuation, HTML, free text over several lines, notes and headings between forms), so
the rules are general, never per file:

* a form runs from a line holding only its title (``## …``, ``**…**``) to the next one;
* a header cell starting with a known label (``项目编码：``, ``项目编号:``…) opens a field whose value
  is the cells after it, up to the next label; a line without a label continues the free text above;
* in the indicator table, category cells are recognised by the vocabulary wherever they sit, the
  other non-empty cells are, in order, 三级指标, 指标值 and 指标解释, and a row without a 一级 or
  二级 cell lies under those of the row above (the printed form merges those cells).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from indicators.taxonomy import Vocabulary, is_not_applicable
from projects.parsers.filing import FilingParseError, ParsedFiling, ParsedIndicator

FORM_TITLE = "二级项目支出绩效目标申报表"
_TITLE_LINE = re.compile(rf"[#*\s]*{FORM_TITLE}[*\s]*")

# Header labels by canonical spelling, with patterns for the variants the files write.
_BRACKETED = r"(?:\s*[(（][^()（）]*[)）])?"  # （中期规划，万元）, (元), (跨度多年的项目需填)
_PLAIN_LABELS = ("项目名称", "申请单位", "一级预算单位", "实施期限", "项目类型", "是否新增项目", "分配方式")
_TEXT_LABELS = ("政策依据", "项目概况", "项目申报依据", "测算依据", "年度目标")
_HEADER_LABELS = {label: label for label in _PLAIN_LABELS + _TEXT_LABELS} | {
    "项目编码": "项目编[码号]",
    "项目总金额": "项目总金额" + _BRACKETED,
    "本年度项目金额": "本年度项目金额" + _BRACKETED,
    "长期目标": "长期目标" + _BRACKETED,
}
_HEADER_LABEL = re.compile(
    r"\s*(?:{})\s*(?:[:：]|$)".format("|".join(f"(?P<{name}>{pattern})" for name, pattern in _HEADER_LABELS.items()))
)
# Files name the policy text differently; the first of these a form uses is its policy basis.
_POLICY_LABELS = ("政策依据", "项目概况", "项目申报依据")
_FREE_TEXT_LABELS = {*_TEXT_LABELS, "长期目标"}

_NOTE = re.compile(r"\s*备注\s*[:：]")
_REQUIRED_MARKS = "•●·"  # some files print the required-marker * as a bullet
_CODE = re.compile(r"[0-9]{21}")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_DURATION = re.compile(r"([0-9]{1,3})\s*年?")
_DEADLINE = re.compile(r"((?:19|20)[0-9]{2})\s*年\s*[0-9]{1,2}\s*月(?:\s*[0-9]{1,2}\s*日)?\s*(?:之前|以前|前|底|末)")

_SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUPERSCRIPT = re.compile(r"\s*<sup>\s*([0-9]+)\s*</sup>", re.IGNORECASE)
_LINE_BREAK_TAG = re.compile(r"</?p\b[^<>]*>|<br\s*/?>", re.IGNORECASE)
# Only real tags: 《…<关于…>的通知》 uses angle brackets as Chinese title marks.
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")

_Line = tuple[int, str]  # 1-based number and text


@dataclass
class _Field:
    label: str  # canonical, e.g. 项目编码
    written_label: str  # as in the file, e.g. 项目编号 or 项目总金额（中期规划，万元）
    line: int
    lines: list[list[str]] = field(default_factory=lambda: [[]])  # the cells of each line

    @property
    def text(self) -> str:
        return _clean_text("\n".join(" ".join(cells) for cells in self.lines))


def parse_filings(text: str, *, vocabulary: Vocabulary) -> list[ParsedFiling]:
    """Every 二级项目支出绩效目标申报表 of ``text``, in order; FilingParseError on bad input."""
    lines = list(enumerate((line.rstrip("\r") for line in text.split("\n")), start=1))
    titles = [index for index, (_, line) in enumerate(lines) if _TITLE_LINE.fullmatch(line)]
    # Each form runs from its title to the next title, the last one to the end of the text.
    forms = [
        _read_form(start + 1, lines[start + 1 : end], vocabulary) for start, end in pairwise([*titles, len(lines)])
    ]
    filings = [form for form in forms if form is not None]
    if not filings:
        raise FilingParseError(f"文本中没有找到{FORM_TITLE}")
    return filings


def infer_fiscal_year(filings: list[ParsedFiling]) -> int | None:
    """The budget year of the filings of one file, or None when nothing suggests one.

    The form does not print its year. A file is one department's budget of one year, so the
    filings vote and one odd filing cannot outvote the rest. Signals, the second used only when
    no filing carries the first:

    1. Deadlines in indicator values and explanations (``2023年12月前``, ``2024年12月31日以前``):
       they say by when this year's work is due. Each filing votes with the deadline year it
       names most often; the most common vote wins, the later year on a tie. Bare years and
       dates do not vote: indicators and annual goals also cite past work (``2023年度攻防演练``,
       ``即2023年9月1日开展`` in 2024 filings, ``开展2022年度档案整理`` in a 2023 one).
    2. The latest year in which one of the projects was first budgeted, digits 7-8 of its code
       (440306 23 …): a budget cannot predate its projects, and in the samples this year equals
       the deadline year wherever both exist.
    """
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


def _read_form(title_line: int, lines: list[_Line], vocabulary: Vocabulary) -> ParsedFiling | None:
    fields, table = _read_header(lines, vocabulary)
    indicators = _read_table(table, vocabulary)
    if not fields and not indicators:
        return None  # the title was a heading or a table-of-contents line
    return _build_filing(title_line, fields, indicators)


def _cells(line: str) -> list[str]:
    """The non-empty cells of a line: where a blank cell sat tells nothing in these files."""
    return [cell for cell in (_unquote(cell.strip()) for cell in line.split("\t")) if cell]


def _unquote(cell: str) -> str:
    """A cell exported as a CSV string ("…", inner quotes doubled) loses its quoting."""
    inner = cell[1:-1]
    if len(cell) >= 2 and cell[0] == cell[-1] == '"' and '"' not in inner.replace('""', ""):
        return inner.replace('""', '"')
    return cell


def _is_table_header(cell: str) -> bool:
    return "".join(cell.split()) == "一级指标"


def _category_of(cell: str, vocabulary: Vocabulary) -> tuple[str | None, tuple[str, str] | None]:
    """The 一级 a cell names, or the (一级, 二级) it names, or neither."""
    label = cell.strip().lstrip(_REQUIRED_MARKS)
    return vocabulary.level1_of(label), vocabulary.level2_of(label)


def _read_header(lines: list[_Line], vocabulary: Vocabulary) -> tuple[dict[str, _Field], list[_Line]]:
    """The header fields by canonical label, and the lines of the indicator table."""
    fields: dict[str, _Field] = {}
    last_field = None
    for position, (number, line) in enumerate(lines):
        cells = _cells(line)
        if not cells:
            continue
        if _is_table_header(cells[0]):
            return fields, lines[position + 1 :]
        if any(_category_of(cells[0], vocabulary)):  # a table whose header row got lost
            return fields, lines[position:]
        if _HEADER_LABEL.match(cells[0]):
            last_field = _read_header_cells(cells, number, fields)
        elif last_field is not None and last_field.label in _FREE_TEXT_LABELS:
            last_field.lines.append(cells)
    return fields, []


def _read_header_cells(cells: list[str], line: int, fields: dict[str, _Field]) -> _Field | None:
    """Reads one header line, whose first cell is a label; returns the last field it opened."""
    current = None
    for cell in cells:
        # Each alternative of the pattern is a group named by its label: the one that matched names it.
        if (match := _HEADER_LABEL.match(cell)) and (label := match.lastgroup) is not None:
            if label in fields:
                raise FilingParseError(f"字段「{label}」重复出现，可能缺少申报表标题", line)
            current = fields[label] = _Field(label, match.group(label), line)
            cell = cell[match.end() :].strip()
        if cell and current is not None:  # the first cell is a label, so a field is open
            current.lines[-1].append(cell)
    return current


def _read_table(lines: list[_Line], vocabulary: Vocabulary) -> list[ParsedIndicator]:
    indicators = []
    category = None  # (一级, 二级) of the row above
    for number, line in lines:
        cells = _cells(line)
        if not cells or _is_table_header(cells[0]) or _NOTE.match(cells[0]):
            continue
        if len(cells) == 1 and not any(_category_of(cells[0], vocabulary)):
            continue  # a heading, page number or table-of-contents line, not a row
        if match := _HEADER_LABEL.match(cells[0]):
            raise FilingParseError(f"指标表中出现表头字段「{match.lastgroup}」，可能缺少申报表标题", number)
        category, indicator = _read_row(cells, number, category, vocabulary)
        if indicator is not None:
            indicators.append(indicator)
    return indicators


def _read_row(
    cells: list[str], line: int, above: tuple[str, str] | None, vocabulary: Vocabulary
) -> tuple[tuple[str, str], ParsedIndicator | None]:
    """Splits a row into its category cells, wherever they sit, and its content cells."""
    level1: str | None = None
    level2: tuple[str, str] | None = None
    content: list[str] = []
    for cell in cells:
        if not content and level2 is None:
            names_level1, names_level2 = _category_of(cell, vocabulary)
            if level1 is None and names_level1:
                level1 = names_level1
                continue
            if names_level2:
                level2 = names_level2
                continue
        if cleaned := _clean_text(cell):  # a cell of bare tags is as blank as an empty one
            content.append(cleaned)
    if len(content) > 3:
        raise FilingParseError(f"无法识别的指标类别「{content[0]}」（该行多出单元格）", line)
    category = _resolve_category(level1, level2, above, line)
    if not content:
        return category, None  # a category printed on a line of its own
    name, value, explanation = content + [""] * (3 - len(content))
    return category, ParsedIndicator(*category, name, value, explanation, is_not_applicable(name), line)


def _resolve_category(
    level1: str | None, level2: tuple[str, str] | None, above: tuple[str, str] | None, line: int
) -> tuple[str, str]:
    if level2 is not None:
        if level1 is not None and level1 != level2[0]:
            raise FilingParseError(f"一级指标「{level1}」与二级指标「{level2[1]}」不符", line)
        return level2
    # Without a 二级 cell the row continues the one above, which must lie under the same 一级.
    if above is not None and level1 in (None, above[0]):
        return above
    raise FilingParseError("无法识别该行的指标类别：既没有可识别的二级指标，也无法沿用上一行", line)


def _build_filing(line: int, fields: dict[str, _Field], indicators: list[ParsedIndicator]) -> ParsedFiling:
    def text(label: str) -> str:
        return fields[label].text if label in fields else ""

    policy_label, *other_labels = [label for label in _POLICY_LABELS if label in fields] or [""]
    return ParsedFiling(
        line=line,
        code=_code(fields, line),
        name=text("项目名称"),
        applicant=text("申请单位"),
        top_unit=text("一级预算单位"),
        duration_years=_duration(text("实施期限")),
        project_type=text("项目类型"),
        is_new={"是": True, "否": False}.get(text("是否新增项目")),
        allocation=text("分配方式"),
        amount_unit=_amount_unit(fields),
        total_amount=_amount(fields.get("项目总金额")),
        current_amount=_amount(fields.get("本年度项目金额")),
        policy_basis=text(policy_label),
        policy_basis_label=policy_label,
        calculation_basis=text("测算依据"),
        annual_goal=text("年度目标"),
        long_term_goal=text("长期目标"),
        indicators=indicators,
        other_bases={label: text(label) for label in other_labels},
    )


def _code(fields: dict[str, _Field], title_line: int) -> str:
    code_field = fields.get("项目编码")
    code = "".join(code_field.text.split()) if code_field else ""
    if code_field is None or not code:
        raise FilingParseError("申报表缺少项目编码", code_field.line if code_field else title_line)
    if not _CODE.fullmatch(code):
        raise FilingParseError(f"项目编码「{code}」不是21位数字", code_field.line)
    return code


def _duration(text: str) -> int | None:
    match = _DURATION.fullmatch(text)
    return int(match.group(1)) if match else None


def _amount_unit(fields: dict[str, _Field]) -> str:
    """元 or 万元, as the amount labels say: 项目总金额（中期规划，万元）."""
    labelled = [fields[label] for label in ("项目总金额", "本年度项目金额") if label in fields]
    units = {"万元" if "万元" in f.written_label else "元" for f in labelled if "元" in f.written_label}
    if len(units) > 1:
        raise FilingParseError("项目总金额与本年度项目金额的单位不一致", labelled[-1].line)
    return units.pop() if units else ""


def _amount(amount_field: _Field | None) -> Decimal | None:
    if amount_field is None:
        return None
    written = amount_field.text
    digits = "".join(written.split()).replace(",", "").replace("，", "")
    if not digits:
        return None
    if not _NUMBER.fullmatch(digits):
        raise FilingParseError(f"金额「{written}」不是数字", amount_field.line)
    return Decimal(digits)


def _clean_text(text: str) -> str:
    """HTML fragments to plain text: <p> become lines, m<sup>2</sup> becomes m², other tags go."""
    text = _SUPERSCRIPT.sub(lambda match: match.group(1).translate(_SUPERSCRIPT_DIGITS), text)
    text = html.unescape(_TAG.sub("", _LINE_BREAK_TAG.sub("\n", text)))
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())

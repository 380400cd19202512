"""What a kind of 申报表 is made of, as plain data.

A ``FormKind`` says everything the application needs to know about one official form: its title, its
header fields (the name of the attribute that stores each one, its official label, the other labels
files write for it, its type, whether it must be filled in before 送审, where it sits in the header
grid), the columns of its indicator table and its other tables. The text and workbook parsers, the
filing page, the completeness check, the history and snapshots, the list import/export, the Excel
template and the printed form are all driven by these definitions: a header field is declared once,
in its kind's module, beside the model column that stores it.

Nothing here touches the database; ``projects.kinds.registry`` ties each kind to its header model.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

# ---------------------------------------------------------------------------------------------
# Length limits. Every text a filing stores is bounded, wherever it comes from (the page, a text file,
# a workbook), so that no filing costs without bound to store, compare or print. The limits are the
# longest texts of the published filings (samples/) with room to spare: 项目名称 33 characters, 测算依据
# 1,199, 年度总体目标 990, 三级指标 40 (一级 form's 指标内容, the cost build-up: 450), 指标值 18, 指标解释 123,
# 任务名称 13, 主要内容 381; 37 indicator rows and 12 tasks to a form. At these limits a form prints in
# about 22 s on a busy 2-core machine (docs/performance.md), which bounds every export.

SHORT_TEXT = 200  # one line: a name, a unit, a table cell
LONG_TEXT = 5000  # free text over several lines: 政策依据, 测算依据, 年度目标…
CELL_TEXT = 2000  # a table cell of free text: 指标解释, 指标内容 (the 一级 form's cost build-up), 主要内容
MAX_ROWS = 100  # indicator rows of one form
MAX_TASKS = 50  # 年度主要任务 of one form
MAX_OTHER_FIELDS = 40  # header fields beyond the kind's own: a layout's added ones (甘肃: 15) and unknown labels


def length_limits(prefix: str, limits: dict[str, int]) -> list[models.BaseConstraint]:
    """The database's own guard of a model's text fields, beside their ``max_length`` (which the
    forms, the admin and the list imports check): no path that forgets a check can store a text
    that every export of its unit would then have to lay out."""
    return [
        models.CheckConstraint(
            condition=LessThanOrEqual(Length(name), limit), name=f"{prefix}_{name}_at_most_{limit}_characters"
        )
        for name, limit in limits.items()
    ]


def excerpt(text: str, limit: int = 30) -> str:
    """A value as a message quotes it: the start of a long one, so that no message repeats a megabyte."""
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + "…"


def length_problem(text: str, limit: int, label: str) -> str | None:
    """Why ``text`` is too long for ``label``, or None."""
    if len(text) > limit:
        return f"{label}超过 {limit} 个字（{len(text)} 个字）"
    return None


def check_length(text: str, limit: int, label: str) -> None:
    if (problem := length_problem(text, limit, label)) is not None:
        raise ValueError(problem)


# ---------------------------------------------------------------------------------------------
# Field types: how a header value is read from what a file or a person wrote, and how it is shown.
# ``parse`` raises ValueError with a message in Chinese that names the field by its label.


@dataclass(frozen=True)
class Text:
    """One line of text (项目名称, 项目类型) or, ``long``, free text over several lines (年度目标), of
    at most ``max_length`` characters (by default SHORT_TEXT, or LONG_TEXT for free text)."""

    max_length: int | None = None
    long: bool = False
    empty: ClassVar[Any] = ""

    @property
    def limit(self) -> int:
        return self.max_length or (LONG_TEXT if self.long else SHORT_TEXT)

    def parse(self, text: str, label: str) -> str:
        text = text.strip()
        check_length(text, self.limit, label)
        return text

    def show(self, value: Any, unit: str) -> str:
        return "" if value is None else str(value)


_GOAL = re.compile(r"(?:^|(?<=[\s；;。]))(?=目标\s*[0-9]{1,2}\s*[:：]|[0-9]{1,2}\s*、)")


@dataclass(frozen=True)
class Goals:
    """Numbered goals (目标 1：…, 1、…), one to a line however the file wrapped them: a line that does
    not start a goal continues the one before it (a page break or a paragraph mark cut it)."""

    max_length: int = LONG_TEXT
    empty: ClassVar[Any] = ""

    @property
    def limit(self) -> int:
        return self.max_length

    def parse(self, text: str, label: str) -> str:
        check_length(text.strip(), self.limit, label)
        goals: list[str] = []
        for line in text.split("\n"):
            for part in _GOAL.split(line.strip()):
                part = part.strip()
                if not part:
                    continue
                if goals and not _GOAL.match(part) and not re.match(r"目标\s*[0-9]|[0-9]{1,2}\s*、", part):
                    goals[-1] += part
                else:
                    goals.append(part)
        return "\n".join(goals)

    def show(self, value: Any, unit: str) -> str:
        return value or ""


@dataclass(frozen=True)
class Code:
    """A project code: blanks inside are dropped; it must have the shape ``pattern`` describes."""

    empty: ClassVar[Any] = ""

    pattern: str = r"[0-9]{21}"
    shape: str = "21位数字"
    max_length: int = 21

    @property
    def limit(self) -> int:
        return self.max_length

    def parse(self, text: str, label: str) -> str:
        code = "".join(text.split())
        if code and not re.fullmatch(self.pattern, code):
            raise ValueError(f"{label}「{excerpt(text)}」应为{self.shape}")
        return code

    def show(self, value: Any, unit: str) -> str:
        return value or ""


_YEARS = re.compile(r"([0-9]{1,3})\s*年?")


@dataclass(frozen=True)
class Years:
    """A whole number of years: 实施期限 ``4`` or ``4年``."""

    empty: ClassVar[Any] = None

    def parse(self, text: str, label: str) -> int | None:
        text = text.strip()
        if not text:
            return None
        match = _YEARS.fullmatch(text)
        if not match:
            raise ValueError(f"{label}「{excerpt(text)}」应为整数年数，如 3")
        return int(match.group(1))

    def show(self, value: Any, unit: str) -> str:
        return f"{value}年" if value else ""


_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def read_number(text: str) -> Decimal | None:
    """``1,069.86`` → 1069.86; blank → None; ValueError when it is not a number."""
    digits = "".join(text.split()).replace(",", "").replace("，", "")
    if not digits:
        return None
    if not _NUMBER.fullmatch(digits):
        raise ValueError(text)
    try:
        return Decimal(digits)
    except InvalidOperation as error:
        raise ValueError(text) from error


# A weight is a share of the form's 100 points, kept to the hundredth.
MAX_WEIGHT = Decimal(100)
WEIGHT_PLACES = 2


def weight_problem(weight: Decimal | None) -> str | None:
    """Why a weight cannot be stored, or None: every path that writes one asks this."""
    if weight is None:
        return None
    if not weight.is_finite() or not Decimal(0) <= weight <= MAX_WEIGHT:
        return f"权重应为 0 到 {MAX_WEIGHT} 之间的数"
    if weight != weight.quantize(Decimal(1).scaleb(-WEIGHT_PLACES)):
        return f"权重最多保留 {WEIGHT_PLACES} 位小数"
    return None


def weight_number(text: str) -> Decimal | None:
    """The number a 权重 writes (10, 10%, 10分), None when blank; ValueError when it writes none."""
    return read_number(text.strip().rstrip("%％分"))


def read_weight(text: str) -> Decimal | None:
    """A 权重 as files write it (10, 10%, 10分); ValueError with a message in Chinese when it is none."""
    try:
        weight = weight_number(text)
    except ValueError:
        raise ValueError(f"权重「{excerpt(text)}」不是数字") from None
    if (problem := weight_problem(weight)) is not None:
        raise ValueError(f"权重「{excerpt(text)}」{problem.removeprefix('权重')}")
    return weight


def format_amount(amount: Decimal | None) -> str:
    """49235800 → 49,235,800.00; keeps every significant decimal a 万元 amount carries."""
    if amount is None:
        return ""
    exponent = amount.normalize().as_tuple().exponent
    digits = max(2, -exponent if isinstance(exponent, int) else 0)
    return f"{amount:,.{digits}f}"


# Amounts are stored in 元 to the fen (18 digits, 2 decimals): a 万元 amount may have up to six.
AMOUNT_PLACES = {"元": 2, "万元": 6}


def amount_problem(amount: Decimal, unit: str, label: str) -> str | None:
    """Why an amount written in ``unit`` cannot be stored, or None when it can."""
    places = AMOUNT_PLACES.get(unit, 2)
    if not amount.is_finite() or amount >= Decimal(10) ** (16 - (places - 2)):
        return f"{label}「{amount}」超出可保存的范围"
    if amount != amount.quantize(Decimal(1).scaleb(-places)):
        return f"以{unit}为单位时{label}最多保留 {places} 位小数"
    return None


_BRACKETED = re.compile(r"[（(][^（()）]*[)）]")
_WRITTEN_AMOUNT = re.compile(r"(-?[0-9]+(?:\.[0-9]+)?)(万元|万|元)?")


def read_amount(text: str) -> tuple[Decimal | None, str]:
    """An amount as forms write it, and the unit it names (元, 万元 or ""): ``1,069.86``, ``20万元``, and
    prose whose figure outside brackets is one, ``854万(高标准农田建设400万元,…)``. ValueError when the
    text is not one amount (two figures, words), so that no amount is guessed."""
    outside = _BRACKETED.sub("", _BRACKETED.sub("", text))
    digits = "".join(outside.split()).replace(",", "").replace("，", "").lstrip("￥¥").removesuffix("整")
    if not digits:
        if any(character.isdigit() for character in text):
            raise ValueError(text)
        return None, ""
    match = _WRITTEN_AMOUNT.fullmatch(digits)
    if match is None:
        raise ValueError(text)
    try:
        amount = Decimal(match.group(1))
    except InvalidOperation as error:  # pragma: no cover - the pattern lets only digits through
        raise ValueError(text) from error
    return amount, {"万": "万元"}.get(match.group(2) or "", match.group(2) or "")


def read_written_amount(text: str, *, label: str, unit: str) -> Decimal | None:
    """An amount as a file writes it (``1,069.86``, ``20万元``, ``￥200000``, ``854万(…)``), in the form's
    unit ``unit`` (元 or 万元; "" when the form names none); ValueError with a message in Chinese when it
    is not one amount, names another unit than the form's, or cannot be stored. Both parsers read a
    header amount with it."""
    try:
        amount, written = read_amount(text)
    except ValueError:
        if not any(character.isdigit() for character in text):
            raise ValueError(f"{label}「{excerpt(text)}」不是数字") from None
        raise ValueError(
            f"{label}「{excerpt(text)}」不是一个金额：请只写一个金额（可带“元”或“万元”），说明放在括号内"
        ) from None
    if amount is None:
        return None
    if amount < 0:
        raise ValueError(f"{label}不能为负数")
    if written and unit and written != unit:
        raise ValueError(f"{label}「{excerpt(text)}」的单位与申报表的金额单位（{unit}）不一致")
    if (problem := amount_problem(amount, unit or written or "元", label)) is not None:
        raise ValueError(problem)
    return amount


def written_unit(text: str) -> str:
    """The unit an amount as written names (20万元 → 万元), "" when it names none or is no amount."""
    try:
        return read_amount(text)[1]
    except ValueError:
        return ""


@dataclass(frozen=True)
class Amount:
    """Money, written in the filing's unit (元 or 万元) and stored in 元. A person types a number; a file
    may write ``20万元`` or prose, which the text parser reads with ``read_amount``."""

    empty: ClassVar[Any] = None

    def parse(self, text: str, label: str) -> Decimal | None:
        try:
            amount = read_number(text)
        except ValueError:
            raise ValueError(f"{label}「{excerpt(text)}」不是数字") from None
        if amount is not None and amount < 0:
            raise ValueError(f"{label}不能为负数")
        return amount

    def show(self, value: Any, unit: str) -> str:
        return format_amount(value)


@dataclass(frozen=True)
class WrittenAmount(Text):
    """An amount a layout adds to the header (四川's 部门预算数, 甘肃's 中央补助安排): kept as written
    (``20万元``, ``8,827,620.53``), shown and printed as such, but it must be one amount."""

    def parse(self, text: str, label: str) -> str:
        text = super().parse(text, label)
        try:
            read_amount(text)
        except ValueError:
            raise ValueError(f"{label}「{excerpt(text)}」不是一个金额，请只填写一个数字（可带“元”或“万元”）") from None
        return text


@dataclass(frozen=True)
class YesNo:
    """是 / 否; a layout that asks 是否新增 as 项目类型 writes 新增项目 / 延续项目 (``yes`` / ``no``)."""

    empty: ClassVar[Any] = None
    yes: str = "是"
    no: str = "否"

    _YES: ClassVar[frozenset[str]] = frozenset({"是", "新增", "新增项目", "新项目"})
    _NO: ClassVar[frozenset[str]] = frozenset({"否", "延续", "延续项目", "续建", "续建项目", "经常性项目"})

    def parse(self, text: str, label: str) -> bool | None:
        text = "".join(text.split())
        if not text:
            return None
        if text in self._YES or text == self.yes:
            return True
        if text in self._NO or text == self.no:
            return False
        raise ValueError(f"{label}「{excerpt(text)}」应填“{self.yes}”或“{self.no}”")

    def show(self, value: Any, unit: str) -> str:
        return {True: self.yes, False: self.no}.get(value, "")


@dataclass(frozen=True)
class Choice:
    empty: ClassVar[Any] = ""
    choices: tuple[str, ...]

    def parse(self, text: str, label: str) -> str:
        text = text.strip()
        if text and text not in self.choices:
            raise ValueError(f"{label}「{excerpt(text)}」应为{'、'.join(self.choices)}之一")
        return text

    def show(self, value: Any, unit: str) -> str:
        return value or ""


_UNIT_CODE = re.compile(r"\s*([0-9]{2,12})\s*[-－—]\s*(?=\S)")


def split_unit_code(text: str) -> tuple[str, str]:
    """``820001-井研县马踏镇人民政府`` → (820001, 井研县马踏镇人民政府): 一体化 systems write a unit's code
    before its name."""
    match = _UNIT_CODE.match(text)
    return (match.group(1), text[match.end() :]) if match else ("", text)


@dataclass(frozen=True)
class Unit:
    """A budget unit, written by its name (after its code, if the form writes one); the import finds
    or creates the unit of that name."""

    max_length: int = SHORT_TEXT
    empty: ClassVar[Any] = None

    @property
    def limit(self) -> int:
        return self.max_length

    def parse(self, text: str, label: str) -> str:
        name = " ".join(split_unit_code(text)[1].split())
        check_length(name, self.limit, label)
        return name

    def show(self, value: Any, unit: str) -> str:
        return getattr(value, "name", value or "")


@dataclass(frozen=True)
class FilingLink:
    """Another filing of the same unit and year, written by its name: a 二级 project's 一级项目."""

    empty: ClassVar[Any] = None

    kind: str
    max_length: int = SHORT_TEXT

    @property
    def limit(self) -> int:
        return self.max_length

    def parse(self, text: str, label: str) -> str:
        name = " ".join(text.split())
        check_length(name, self.limit, label)
        return name

    def show(self, value: Any, unit: str) -> str:
        return getattr(value, "name", value or "")


_YEAR = re.compile(r"[(（]?\s*((?:19|20)[0-9]{2})\s*年?度?\s*[)）]?")


@dataclass(frozen=True)
class Year:
    """The budget year: ``2023``, ``2023 年度``, ``(2021 年度)``."""

    empty: ClassVar[Any] = None

    def parse(self, text: str, label: str) -> int | None:
        text = text.strip()
        if not text:
            return None
        match = _YEAR.fullmatch(text)
        if not match:
            raise ValueError(f"{label}「{excerpt(text)}」应为四位年份，如 2023")
        return int(match.group(1))

    def show(self, value: Any, unit: str) -> str:
        return f"{value}年" if value else ""


FieldType = Text | WrittenAmount | Goals | Code | Years | Amount | YesNo | Choice | Unit | FilingLink | Year


# ---------------------------------------------------------------------------------------------
# Header fields and where they sit.


@dataclass(frozen=True)
class HeaderField:
    """One header field of a kind of form.

    ``name`` is the attribute that stores it, on the filing itself (code, name, department,
    fiscal_year) or on the kind's header model. ``label`` is the form's own label; ``{unit}`` in it
    stands for the filing's amount unit (项目总金额（中期规划，{unit}）). ``spellings`` are regular
    expressions for the other labels files write (项目编号 for 项目编码), matched against the label
    with its blanks removed. ``required`` fields must be filled in before 送审; ``hint`` says what to
    write. ``label_field`` names the attribute that keeps the label a filing used when files name the
    field in several ways (政策依据 / 项目概况).
    """

    name: str
    label: str
    type: FieldType = Text()
    spellings: tuple[str, ...] = ()
    required: bool = False
    hint: str = ""
    label_field: str = ""

    def label_for(self, unit: str) -> str:
        return self.label.replace("{unit}", unit)

    @property
    def plain_label(self) -> str:
        """The label without its bracketed remark: 项目总金额 for 项目总金额（中期规划，{unit}）."""
        return re.sub(r"[（(][^（(]*[)）]$", "", self.label)

    def parse(self, text: str) -> Any:
        return self.type.parse(text, self.plain_label)

    def show(self, value: Any, unit: str) -> str:
        return self.type.show(value, unit)

    @property
    def is_long(self) -> bool:
        return isinstance(self.type, Goals) or (isinstance(self.type, Text) and self.type.long)

    @property
    def is_amount(self) -> bool:
        return isinstance(self.type, Amount)

    @property
    def max_length(self) -> int | None:
        """The most characters a value may have, for the types written as text."""
        return self.type.limit if isinstance(self.type, Text | Goals | Code | Unit | FilingLink) else None


@dataclass(frozen=True)
class Row:
    """A row of the header grid: one to three fields side by side, each as label | value."""

    names: tuple[str, ...]

    def __init__(self, *names: str):
        object.__setattr__(self, "names", names)


@dataclass(frozen=True)
class Wide:
    """A long text across the width of the form: label | value."""

    name: str


# ---------------------------------------------------------------------------------------------
# Tables.


@dataclass(frozen=True)
class Column:
    """A column of a table: the attribute of the row that holds it and its heading on the form."""

    name: str
    label: str
    required: bool = True
    max_length: int = SHORT_TEXT
    amount: bool = False
    width: int = 10  # share of the table's width, for the printed form and the Excel template


@dataclass(frozen=True)
class IndicatorTable:
    """The 绩效指标 table: 一级指标 · 二级指标 and then the kind's own columns.

    ``content_only`` names the 二级指标 whose rows have only their first column (一级 form:
    投入指标 / 测算明细, whose 指标内容 is the cost build-up and whose 指标值 stays empty).
    """

    columns: tuple[Column, ...]
    content_only: tuple[str, ...] = ()
    title: str = "绩效指标"
    max_rows: int = MAX_ROWS

    @property
    def headings(self) -> tuple[str, ...]:
        return ("一级指标", "二级指标", *(column.label for column in self.columns))


@dataclass(frozen=True)
class TaskTable:
    """The 部门整体 form's 年度主要任务: one row per task, then a 合计 row.

    The 合计 is kept as the form printed it, in the header fields ``totals`` names (one per amount
    column, in order), so that a total that is not the sum of the tasks can be found and shown.
    """

    columns: tuple[Column, ...]
    totals: tuple[str, ...]
    title: str = "年度主要任务"
    # The header column that keeps the decimals an imported form printed its amounts with.
    places: str = ""
    total_label: str = "合计"
    total_spellings: tuple[str, ...] = ("合计", "金额合计", "总计")
    max_rows: int = MAX_TASKS

    @property
    def amount_columns(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.amount)


# ---------------------------------------------------------------------------------------------
# The kind.


@dataclass(frozen=True)
class FormKind:
    """One kind of 申报表.

    ``identity`` names the header fields that find a filing again when a file is imported a second
    time, within its budget year: a 二级 project by its code, a 一级 project by its unit and name, the
    部门整体 form by its unit. ``year_printed`` forms print their year (“2023 年度”), which an import
    then uses. ``template`` is the code of the form template whose 一级/二级 categories the table uses.
    """

    code: str
    title: str
    short_name: str
    header: tuple[HeaderField, ...]
    layout: tuple[Row | Wide, ...]
    indicators: IndicatorTable
    template: str
    identity: tuple[str, ...]
    title_spellings: tuple[str, ...] = ()
    tasks: TaskTable | None = None
    year_printed: bool = False
    # The unit field that names the unit's parent (二级: 一级预算单位; 部门整体: 主管部门), if any.
    parent_unit: str = ""
    # The amounts the list pages show, in order (二级: 本年度 and 中期规划; the others their total).
    list_amounts: tuple[str, ...] = ()
    # What a workbook must fill in for the filing to be stored (the identity and the unit by default).
    import_required: tuple[str, ...] = ()
    # Where a unit's forms go in its exports: the 部门整体 form first, then 一级, then 二级.
    print_order: int = 0
    # Fields filled in by the application, shown on the form but never typed (一级预算单位), and how:
    # ``derive`` gets a function that reads the other fields and returns the derived values.
    derived: tuple[str, ...] = ()
    derive: Callable[[Callable[[str], Any]], dict[str, Any]] | None = field(default=None, compare=False)
    # What else must hold before 送审, beyond the required fields: (field, message) for each problem.
    extra_requirements: Callable[[Any], list[tuple[str, str]]] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        names = [f.name for f in self.header]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.code}: a header field is declared twice")
        placed = [name for item in self.layout for name in (item.names if isinstance(item, Row) else (item.name,))]
        unknown = set(placed) - set(names)
        if unknown:
            raise ValueError(f"{self.code}: the layout places unknown fields {sorted(unknown)}")

    @property
    def layout_names(self) -> tuple[str, ...]:
        """The fields the form prints in its header grid, in order."""
        return tuple(name for item in self.layout for name in (item.names if isinstance(item, Row) else (item.name,)))

    @property
    def needed_to_store(self) -> tuple[str, ...]:
        return self.import_required or tuple(dict.fromkeys((*self.identity, "department")))

    def field(self, name: str) -> HeaderField:
        for header_field in self.header:
            if header_field.name == name:
                return header_field
        raise KeyError(f"{self.code} has no header field {name}")

    def has_field(self, name: str) -> bool:
        return any(header_field.name == name for header_field in self.header)

    @property
    def amount_fields(self) -> tuple[HeaderField, ...]:
        return tuple(header_field for header_field in self.header if header_field.is_amount)

    @property
    def required_fields(self) -> tuple[HeaderField, ...]:
        return tuple(header_field for header_field in self.header if header_field.required)

    def title_pattern(self) -> str:
        return "|".join([re.escape(self.title), *self.title_spellings])

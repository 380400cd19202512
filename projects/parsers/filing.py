"""What every parser of a filing format returns: plain data, independent of the database.

The text parser (``text.py``) and the workbook parser (``xlsx.py``) read their format into these;
the import service stores them, whatever the format was. Header values are keyed by the names of
the kind's header fields (``projects.kinds``) and already converted by the fields' types: amounts
are in the unit the form used (``amount_unit``), units and linked filings are names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from indicators.taxonomy import TemplateSpec, Vocabulary
from projects.kinds import kind_named
from projects.kinds.base import MAX_OTHER_FIELDS, FormKind
from projects.kinds.layouts import kind_in_layout

# A header label no layout knows, as a cell of its own before its value (资金来源：): Chinese words and
# brackets ending in a colon, so that a numbered goal (目标1：) or a sentence with a colon is no label.
UNKNOWN_LABEL = re.compile(r"\s*((?:其中[:：])?[\u4e00-\u9fff（）()、/]{2,40}?)\s*[:：]\s*")
# A label no layout knows and its value in one cell (联系人：张三), as the first cell of a header line.
LABEL_WITH_VALUE = re.compile(r"\s*((?:其中[:：])?[\u4e00-\u9fff（）()、/]{2,12}?)\s*[:：]\s*(\S.*)", re.DOTALL)
# The text an amount was written in, when it carried a remark (854万(高标准农田建设400万元,…)): kept under
# the amount's label with this suffix, beside the amount read from it.
ORIGINAL_TEXT = "（原文）"
BRACKETED = re.compile(r"[（(][^（()）]*[)）]")


def other_fields_problem() -> str:
    return f"表头栏目过多：表样以外的栏目超过 {MAX_OTHER_FIELDS} 个，请核对文件是否为申报表"


class FilingParseError(ValueError):
    """Why a text cannot be read as filings; ``line`` is 1-based, None when no line is to blame.
    ``misfit``: the layout it was read in has no such category, so another layout may fit the form."""

    def __init__(self, message: str, line: int | None = None, *, misfit: bool = False):
        self.message = message
        self.line = line
        self.misfit = misfit
        super().__init__(f"第{line}行：{message}" if line is not None else message)


@dataclass
class ParsedIndicator:
    level1: str
    level2: str
    name: str
    value: str
    explanation: str
    not_applicable: bool
    line: int
    # The columns a layout adds (indicators.taxonomy.EXTRA_COLUMNS: nature, measure, weight…), as written.
    extras: dict[str, str] = field(default_factory=dict)


@dataclass
class ParsedTask:
    """One row of the 部门整体 form's 年度主要任务, amounts in the form's unit."""

    name: str
    content: str
    total_amount: Decimal | None
    fiscal_amount: Decimal | None
    other_amount: Decimal | None
    line: int


@dataclass
class ParsedFiling:
    """One form of one kind as a file holds it.

    ``values`` maps header field names to values; a field the form does not have is absent.
    ``labels`` keeps the labels the form wrote where a field has several (``policy_basis`` →
    项目概况); ``other_bases`` further policy texts when a form has several, e.g.
    {"项目申报依据": "…"} beside its 政策依据. ``fiscal_year`` is the year the form prints, if any.
    """

    kind: str
    line: int
    values: dict[str, Any]
    amount_unit: str
    indicators: list[ParsedIndicator]
    tasks: list[ParsedTask] = field(default_factory=list)
    fiscal_year: int | None = None
    labels: dict[str, str] = field(default_factory=dict)
    other_bases: dict[str, str] = field(default_factory=dict)
    # The layout the form was read with (a FormTemplate code), and the header fields that layout adds
    # or that no layout knows, {label: text} in the form's order.
    template: str = ""
    extra_fields: dict[str, str] = field(default_factory=dict)
    # Units the form wrote with their code (820001-井研县马踏镇人民政府): {name: code}.
    unit_codes: dict[str, str] = field(default_factory=dict)
    # The other layouts the form fits exactly as well as ``template``'s.
    also_fits: tuple[str, ...] = ()

    def value(self, name: str, default: Any = "") -> Any:
        found = self.values.get(name)
        return default if found is None else found

    @property
    def code(self) -> str:
        return str(self.values.get("code") or "")

    @property
    def name(self) -> str:
        return str(self.values.get("name") or "")

    @property
    def department(self) -> str:
        return str(self.values.get("department") or "")


@dataclass(frozen=True)
class Layout:
    """A layout a form may be in: the kind as that layout prints it, and the layout's categories.
    ``spec`` is None for a kind read with a vocabulary alone (its own columns and header)."""

    kind: FormKind
    vocabulary: Vocabulary
    spec: TemplateSpec | None = None

    @property
    def code(self) -> str:
        return self.spec.code if self.spec is not None else ""

    @classmethod
    def of(cls, kind_code: str, spec: TemplateSpec) -> Layout:
        return cls(kind_in_layout(kind_named(kind_code), spec), Vocabulary.from_spec(spec), spec)


Layouts = Mapping[str, Sequence[Layout]]  # kind code → the layouts a form of it may be in, preferred first


def plain_layouts(vocabularies: Mapping[str, Vocabulary]) -> dict[str, list[Layout]]:
    """One layout per kind, the kind's own, with the given categories."""
    return {code: [Layout(kind_named(code), vocabulary)] for code, vocabulary in vocabularies.items()}


_Read = TypeVar("_Read")


def read_in_best_layout(
    layouts: Sequence[Layout], read: Callable[[Layout], tuple[_Read | FilingParseError, int]]
) -> _Read:
    """Reads a form in each layout it may be in and keeps the reading that fits best.

    ``read`` returns what it read, or the FilingParseError that stopped it, with how well the form
    fits the layout (labels and columns the layout knows, less those it does not, as far as it got).
    The best fit wins, the preferred layout on a tie. When the best fit is a reading that failed on a
    bad value, its error is reported: a form of the preferred layout with a bad value is refused, not
    read in a looser layout that leaves the value out. A reading that failed because its layout has
    no such category does not compete, unless every reading failed.
    """
    readings = [(fit, -order, found) for order, layout in enumerate(layouts) for found, fit in [read(layout)]]
    fitting = [reading for reading in readings if not (isinstance(reading[2], FilingParseError) and reading[2].misfit)]
    best_fit, _, best = max(fitting or readings, key=lambda reading: reading[:2])
    if isinstance(best, FilingParseError):
        raise best
    if isinstance(best, ParsedFiling):
        # The other layouts that read it as well: an import keeps a stored filing's layout among them.
        best.also_fits = tuple(
            found.template
            for fit, _, found in readings
            if fit == best_fit and found is not best and isinstance(found, ParsedFiling)
        )
    return best

"""A filing as the rules see it: the header, the indicator rows and the tasks, as plain data.

The rules never touch the database, so they run the same on a stored filing, on a filing parsed
from a file before it is saved, and on a hand-built filing in a test. ``kind`` says which form it is
(``projects.kinds``: project, program, overall); each rule says which kinds it applies to.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from indicators.taxonomy import SHENZHEN_2020, TemplateSpec
from indicators.values import ParsedValue, parse_value
from projects.kinds.base import weight_number

WAN = Decimal(10000)

# The 二级 form's names of the header fields findings point at: the labels a hand-built filing gets.
# Filings built from a stored or parsed form carry their kind's own labels (``Filing.labels``).
PROJECT_LABELS = {
    "code": "项目编码",
    "name": "项目名称",
    "department": "申请单位",
    "duration_years": "实施期限",
    "project_type": "项目类型",
    "total_amount": "项目总金额（中期规划）",
    "current_amount": "本年度项目金额",
    "calculation_basis": "测算依据",
    "annual_goal": "年度目标",
    "long_term_goal": "长期目标",
}


@dataclass(frozen=True)
class Row:
    """One 三级指标 row; ``position`` counts from 1 in the form's order.

    ``value`` is the whole target (≥95%) even where a layout splits it over 指标性质 · 指标值 · 度量单位
    (``indicators.values.combined_target``), so that every rule on values reads every layout; the parts
    as written stay in ``nature`` and ``measure``. ``weight`` is the row's 权重 where the layout has one,
    ``weight_text`` the weight as written (kept so that a weight that is no number can be reported).
    """

    level1: str
    level2: str
    name: str = ""
    value: str = ""
    explanation: str = ""
    not_applicable: bool = False
    position: int = 0
    indicator_id: int | None = None
    weight: Decimal | None = None
    weight_text: str = ""
    nature: str = ""
    measure: str = ""

    @cached_property
    def parsed(self) -> ParsedValue:
        return parse_value(self.value)

    @property
    def is_real(self) -> bool:
        """A row that states a target: not 不适用 and not left blank."""
        return not self.not_applicable and bool(self.name.strip() or self.value.strip())

    def is_in(self, category: str) -> bool:
        """Whether the row sits under ``category``, whichever level the template gives it."""
        return category in (self.level1, self.level2)

    @property
    def label(self) -> str:
        place = f"{self.level1}/{self.level2}"
        return f"{place} · {self.name.strip()}" if self.name.strip() else place


@dataclass(frozen=True)
class Mismatch:
    """A 部门整体 task (or a 一级 project) whose amount differs from the projects that answer to it,
    found by ``projects.reconciliation`` from the unit's other filings."""

    subject: str
    message: str


@dataclass(frozen=True)
class Task:
    """One row of the 部门整体 form's 年度主要任务, amounts in 元."""

    name: str
    total_amount: Decimal | None = None
    fiscal_amount: Decimal | None = None
    other_amount: Decimal | None = None
    position: int = 0


@dataclass(frozen=True)
class Filing:
    """The header of a 申报表 (amounts in 元), its rows and its tasks; blanks where the form is blank.

    ``task_totals`` is the 合计 row as the form printed it, by amount column (total_amount,
    fiscal_amount, other_amount). ``labels`` names the header fields as the filing's kind does.
    """

    kind: str = "project"
    code: str = ""
    name: str = ""
    department: str = ""
    district: str = ""
    fiscal_year: int | None = None
    duration_years: int | None = None
    project_type: str = ""
    total_amount: Decimal | None = None
    current_amount: Decimal | None = None
    amount_unit: str = "元"
    annual_goal: str = ""
    long_term_goal: str = ""
    calculation_basis: str = ""
    rows: tuple[Row, ...] = ()
    template: TemplateSpec = SHENZHEN_2020
    tasks: tuple[Task, ...] = ()
    task_totals: Mapping[str, Decimal | None] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=lambda: PROJECT_LABELS)
    mismatches: tuple[Mismatch, ...] = ()

    @property
    def real_rows(self) -> list[Row]:
        return [row for row in self.rows if row.is_real]

    def money(self, yuan: Decimal) -> str:
        """An amount in the unit the filing uses, as the form prints it: 1,069.86万元."""
        if self.amount_unit == "万元":
            return f"{_plain(yuan / WAN):,f}万元"
        return f"{_plain(yuan):,f}元"


def read_weight(text: str) -> Decimal | None:
    """A 权重 as written (10, 10.5, １０, 10%, 10分) as a number; None when blank or not a number (the
    rule then reports it as written)."""
    try:
        return weight_number(unicodedata.normalize("NFKC", text or ""))
    except ValueError:
        return None


def _plain(amount: Decimal) -> Decimal:
    """Without trailing zeros and never in exponent form (1500, 1069.86)."""
    if amount == amount.to_integral_value():
        return amount.quantize(Decimal(1))
    return amount.normalize()

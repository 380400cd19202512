"""The unit a form's amounts are written in (元 or 万元), found the same way in a text publication and in
a workbook: what the amount labels say (项目总金额（中期规划，万元）, 年度主要任务（金额单位：万元）); else what
the form states once (单位：万元); else what the amounts themselves are written with (20万元). Sources that
disagree are a problem for the person who filed the form to settle: neither unit is guessed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

Where = TypeVar("Where")  # a line of a text publication, a cell of a sheet


@dataclass(frozen=True)
class UnitSaid(Generic[Where]):
    """One source's word on the unit: the field (or table) that says it, the unit, and where."""

    name: str
    unit: str
    where: Where


@dataclass(frozen=True)
class AmountUnit(Generic[Where]):
    unit: str  # 元 or 万元; "" when the sources disagree or, for a parser with no default, nothing says
    problem: str = ""
    where: Where | None = None


def unit_in_label(written: str) -> str:
    """The unit an amount's label names (项目总金额（万元） → 万元), "" when it names none."""
    if "万元" in written:
        return "万元"
    return "元" if "元" in written else ""


def amount_unit(
    *, labels: Sequence[UnitSaid[Where]], stated: str, amounts: Sequence[UnitSaid[Where]], when_silent: str
) -> AmountUnit[Where]:
    """The form's unit from its sources, most telling first (``labels``, then ``stated``, then the units
    ``amounts`` are written with); ``when_silent`` when none says."""
    labelled = [said for said in labels if said.unit]
    if disagreement := _disagreement(labelled, "的单位不一致（一个是元，一个是万元）"):
        return disagreement
    if labelled:
        return AmountUnit(labelled[0].unit)
    if stated:
        return AmountUnit(stated)
    written = [said for said in amounts if said.unit]
    if disagreement := _disagreement(written, "写的金额单位不一致（元和万元），请统一"):
        return disagreement
    return AmountUnit(written[0].unit if written else when_silent)


def _disagreement(sources: Sequence[UnitSaid[Where]], wording: str) -> AmountUnit[Where] | None:
    if len({said.unit for said in sources}) < 2:
        return None
    names = "与".join(said.name for said in sources)
    return AmountUnit("", f"{names}{wording}", sources[-1].where)

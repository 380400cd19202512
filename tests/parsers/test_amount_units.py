"""The unit of a form's amounts, found the same way by both parsers (``projects.parsers.amount_units``)."""

from __future__ import annotations

import pytest

from projects.parsers.amount_units import AmountUnit, UnitSaid, amount_unit, unit_in_label


def _unit(*, labels=(), stated="", amounts=(), when_silent="元") -> AmountUnit:
    return amount_unit(labels=list(labels), stated=stated, amounts=list(amounts), when_silent=when_silent)


@pytest.mark.parametrize(
    ("written", "unit"),
    [
        ("项目总金额（中期规划，万元）", "万元"),
        ("本年度项目金额（元）", "元"),
        ("项目总金额", ""),
        ("年度主要任务（金额单位：万元）", "万元"),
    ],
)
def test_a_label_names_its_unit_or_none(written, unit):
    assert unit_in_label(written) == unit


def test_the_labels_come_first_then_the_stated_unit_then_the_written_amounts():
    labelled = UnitSaid("项目总金额", "万元", 3)
    silent_label = UnitSaid("本年度项目金额", "", 4)
    written_in_yuan = UnitSaid("本年度项目金额", "元", 4)

    assert _unit(labels=[silent_label, labelled], stated="元", amounts=[written_in_yuan]) == AmountUnit("万元")
    assert _unit(labels=[silent_label], stated="万元", amounts=[written_in_yuan]) == AmountUnit("万元")
    assert _unit(labels=[silent_label], amounts=[written_in_yuan]) == AmountUnit("元")
    assert _unit(labels=[silent_label], when_silent="") == AmountUnit("")
    assert _unit(when_silent="元") == AmountUnit("元")


def test_sources_that_disagree_are_a_problem_at_the_last_of_them_and_no_unit_is_guessed():
    labels = [UnitSaid("项目总金额", "万元", "B3"), UnitSaid("本年度项目金额", "元", "B4")]
    assert _unit(labels=labels, stated="万元") == AmountUnit(
        "", "项目总金额与本年度项目金额的单位不一致（一个是元，一个是万元）", "B4"
    )

    amounts = [UnitSaid("项目总金额", "万元", 5), UnitSaid("本年度项目金额", "元", 6)]
    assert _unit(amounts=amounts) == AmountUnit(
        "", "项目总金额与本年度项目金额写的金额单位不一致（元和万元），请统一", 6
    )


def test_written_amounts_that_disagree_do_not_matter_once_a_label_says():
    amounts = [UnitSaid("项目总金额", "万元", 5), UnitSaid("本年度项目金额", "元", 6)]
    assert _unit(labels=[UnitSaid("项目总金额", "万元", 5)], amounts=amounts) == AmountUnit("万元")

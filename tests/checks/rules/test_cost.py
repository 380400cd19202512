"""Rule 8: 成本 targets."""

from decimal import Decimal

import pytest

from checks.filing import Row
from tests.helpers.plain_filings import clean_filing, findings, severities, with_row, with_rows


def cost(value, name="项目总成本", **filing_changes):
    return with_row(clean_filing(**filing_changes), "项目总成本", name=name, value=value)


def test_a_total_cost_above_the_current_amount_is_an_error_in_yuan():
    [finding] = findings(cost("≤1500万元"), "cost_target")
    assert (finding.severity, finding.row) == ("error", 4)
    assert "15,000,000元" in finding.message and "10,698,600元" in finding.message


def test_a_wan_yuan_filing_is_compared_after_converting_its_amount():
    filing = cost("≤283万元", current_amount=Decimal("2830000"), total_amount=Decimal("8490000"), amount_unit="万元")
    assert findings(filing, "cost_target") == []
    [finding] = findings(cost("≤300万元", current_amount=Decimal("2830000"), amount_unit="万元"), "cost_target")
    assert "高于本年度项目金额283万元" in finding.message


def test_a_cost_in_yuan_against_a_budget_in_wan_yuan_is_converted_too():
    assert findings(cost("≤2830000元", current_amount=Decimal("2830000"), amount_unit="万元"), "cost_target") == []


def test_a_total_cost_below_half_the_current_amount_is_a_warning():
    assert severities(cost("≤500万元"), "cost_target") == ["warning"]


def test_a_cost_item_below_half_the_budget_passes_when_other_items_share_it():
    filing = with_rows(
        cost("≤500万元", name="公章刻制成本"), Row("产出", "成本", "系统运维成本", "≤500万元", "按合同价")
    )
    assert findings(filing, "cost_target") == []


@pytest.mark.parametrize("value", ["≥1000万元", ">1000万元"])
def test_a_cost_written_as_a_lower_bound_is_an_error(value):
    assert "error" in severities(cost(value), "cost_target")


@pytest.mark.parametrize("value", ["≤1069.86万元", "=1069.86万元", "10698600元", "≤100%"])
def test_an_amount_within_the_budget_or_a_cost_control_rate_passes(value):
    name = "成本控制率" if value.endswith("%") else "项目总成本"
    assert findings(cost(value, name=name), "cost_target") == []


@pytest.mark.parametrize("value", ["≤120%", "≥100%"])
def test_a_cost_control_rate_above_100_percent_or_as_a_lower_bound_is_an_error(value):
    assert severities(cost(value, name="成本控制率"), "cost_target") == ["error"]


@pytest.mark.parametrize(("name", "value"), [("支出进度达标率", "> 90%"), ("项目总成本", "显著"), ("采购数量", "≤5台")])
def test_a_cost_that_is_neither_money_nor_a_cost_control_rate_is_an_error(name, value):
    [finding] = findings(cost(value, name=name), "cost_target")
    assert finding.severity == "error"
    assert "既不是金额，也不是成本控制率" in finding.message


def test_a_money_target_against_a_zero_budget_is_an_error():
    assert severities(cost("≤10万元", current_amount=Decimal("0")), "cost_target") == ["error"]


@pytest.mark.parametrize("value", ["1600元/亩", "≤3万元/人", "=120元/人次"])
def test_a_cost_per_unit_is_money_and_not_compared_with_the_budget(value):
    assert findings(cost(value, name="财政资金补助"), "cost_target") == []


def test_a_cost_per_unit_written_as_a_lower_bound_is_an_error():
    (finding,) = findings(cost("≥1600元/亩", name="财政资金补助"), "cost_target")
    assert finding.severity == "error" and "单位成本" in finding.message

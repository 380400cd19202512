"""Rules 6 (数量 as an upper bound), 7 (数量 as a rate) and 9 (时效)."""

import pytest

from tests.helpers.plain_filings import clean_filing, findings, with_row

# Rule 6


@pytest.mark.parametrize("value", ["≤4万家", "<300件", "不超过50000件"])
def test_a_quantity_written_as_an_upper_bound_is_a_warning(value):
    [finding] = findings(with_row(clean_filing(), "服务企业数量", value=value), "quantity_upper_bound")
    assert (finding.severity, finding.row) == ("warning", 1)


@pytest.mark.parametrize("name", ["群众投诉数量", "安全事故数", "系统故障次数", "数据差错数"])
def test_an_upper_bound_on_something_bad_passes(name):
    filing = with_row(clean_filing(), "服务企业数量", name=name, value="≤2起")
    assert findings(filing, "quantity_upper_bound") == []


@pytest.mark.parametrize("value", ["≥4万家", "4万家", "=300件"])
def test_a_quantity_written_as_a_lower_bound_or_exact_value_passes(value):
    assert findings(with_row(clean_filing(), "服务企业数量", value=value), "quantity_upper_bound") == []


def test_an_upper_bound_outside_quantity_is_not_this_rules_business():
    assert findings(clean_filing(), "quantity_upper_bound") == []  # 项目总成本 ≤ and 开办用时 ≤ are fine


# Rule 7


@pytest.mark.parametrize(
    ("name", "value"), [("合同审查完成率", "100%"), ("保安配备", "≥95%"), ("光缆维护完成率", "5条")]
)
def test_a_quantity_that_is_a_rate_is_a_warning(name, value):
    [finding] = findings(with_row(clean_filing(), "服务企业数量", name=name, value=value), "quantity_rate")
    assert finding.severity == "warning" and "质量或时效" in finding.message


def test_a_rate_under_quality_passes():
    assert findings(clean_filing(), "quantity_rate") == []


# Rule 9


def test_an_excel_serial_as_a_deadline_is_an_error_giving_the_date():
    [finding] = findings(with_row(clean_filing(), "补贴发放完成时间", value="45291"), "timeliness")
    assert finding.severity == "error"
    assert "2023年12月31日" in finding.message


@pytest.mark.parametrize("value", ["2022年12月31日前", "2027年6月前"])
def test_a_deadline_outside_the_budget_year_and_duration_is_an_error(value):
    filing = with_row(clean_filing(fiscal_year=2023, duration_years=4), "补贴发放完成时间", value=value)
    assert [f.severity for f in findings(filing, "timeliness")] == ["error"]


@pytest.mark.parametrize("value", ["2023年12月31日前", "2026年12月前", "12月底前", "每季度末"])
def test_a_deadline_within_the_budget_year_or_duration_passes(value):
    filing = with_row(clean_filing(fiscal_year=2023, duration_years=4), "补贴发放完成时间", value=value)
    assert findings(filing, "timeliness") == []


def test_a_deadline_is_not_judged_when_the_budget_year_is_unknown():
    filing = with_row(clean_filing(fiscal_year=None), "补贴发放完成时间", value="2019年12月前")
    assert findings(filing, "timeliness") == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("经费发放及时率", "≥95%"),
        ("运维保障按时解决比例", "≥95%"),
        ("故障响应时间", "≤24小时"),
        ("消杀及时性", "2小时之内"),
    ],
)
def test_a_timeliness_rate_or_a_time_limit_passes(name, value):
    filing = with_row(clean_filing(), "补贴发放完成时间", name=name, value=value)
    assert findings(filing, "timeliness") == []


@pytest.mark.parametrize(("name", "value"), [("补贴发放及时性", "及时"), ("项目开始时间", "100%")])
def test_a_word_or_a_percentage_that_is_not_a_timeliness_rate_is_a_warning(name, value):
    filing = with_row(clean_filing(), "补贴发放完成时间", name=name, value=value)
    [finding] = findings(filing, "timeliness")
    assert finding.severity == "warning" and "2023年12月31日前" in finding.message

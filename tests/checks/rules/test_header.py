"""Rules 2 (header complete), 3 (amounts and 实施期限) and 14 (goals pasted)."""

from decimal import Decimal

import pytest

from tests.helpers.plain_filings import clean_filing, findings, severities


def fields(filing, rule_id):
    return [finding.field for finding in findings(filing, rule_id)]


# Rule 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": ""}, "code"),
        ({"name": " "}, "name"),
        ({"department": ""}, "department"),
        ({"duration_years": None}, "duration_years"),
        ({"project_type": ""}, "project_type"),
        ({"total_amount": None}, "total_amount"),
        ({"current_amount": None}, "current_amount"),
        ({"annual_goal": ""}, "annual_goal"),
        ({"long_term_goal": ""}, "long_term_goal"),
    ],
)
def test_a_missing_header_field_is_an_error_on_that_field(change, field):
    filing = clean_filing(**change)
    assert fields(filing, "header_complete") == [field]
    assert severities(filing, "header_complete") == ["error"]


def test_a_one_year_project_needs_no_long_term_goal():
    assert findings(clean_filing(duration_years=1, long_term_goal=""), "header_complete") == []


@pytest.mark.parametrize("code", ["44030621060150000054", "4403062106015000005400", "44030621060150000054X"])
def test_a_code_that_is_not_21_digits_is_an_error(code):
    [finding] = findings(clean_filing(code=code), "header_complete")
    assert finding.field == "code" and "21位数字" in finding.message


def test_a_code_from_another_district_is_an_error_naming_the_right_area_code():
    [finding] = findings(clean_filing(code="440304221061500500012"), "header_complete")
    assert "宝安区的区划代码440306" in finding.message


@pytest.mark.parametrize(
    ("district", "code"),
    [
        ("福田区", "440304221061500500012"),
        ("深汕特别合作区", "440313231211501105025"),
        ("大鹏新区", "440307211061500500012"),
    ],
)
def test_a_code_of_its_own_district_or_of_a_district_without_a_known_area_code_passes(district, code):
    assert findings(clean_filing(district=district, code=code, fiscal_year=2024), "header_complete") == []


def test_a_code_first_budgeted_after_the_budget_year_is_an_error():
    [finding] = findings(clean_filing(code="440306240601500000540", fiscal_year=2023), "header_complete")
    assert "2024年" in finding.message and "晚于预算年度2023年" in finding.message


# Rule 3


def test_a_current_amount_above_the_total_is_an_error_in_the_filings_unit():
    filing = clean_filing(total_amount=Decimal("1000000"), current_amount=Decimal("2830000"), amount_unit="万元")
    [finding] = findings(filing, "amounts_and_duration")
    assert (finding.severity, finding.field) == ("error", "current_amount")
    assert "本年度项目金额283万元高于项目总金额（中期规划）100万元" in finding.message


def test_a_current_amount_equal_to_the_total_passes():
    amount = Decimal("150000.00")
    assert findings(clean_filing(total_amount=amount, current_amount=amount), "amounts_and_duration") == []


def test_a_duration_below_one_year_is_an_error():
    [finding] = findings(clean_filing(duration_years=0), "amounts_and_duration")
    assert (finding.severity, finding.field) == ("error", "duration_years")


def test_a_zero_current_amount_is_a_warning():
    filing = clean_filing(current_amount=Decimal("0.00"))
    [finding] = findings(filing, "amounts_and_duration")
    assert (finding.severity, finding.field) == ("warning", "current_amount")


# Rule 14


def test_a_multi_year_project_with_its_annual_goal_pasted_as_long_term_goal_gets_a_warning():
    goal = "保障办公场地正常运转。"
    filing = clean_filing(annual_goal=goal, long_term_goal=" 保障办公场地正常运转 ", duration_years=3)
    [finding] = findings(filing, "goals_copied")
    assert (finding.severity, finding.field) == ("warning", "long_term_goal")
    assert "实施期限为3年" in finding.message


def test_the_same_goals_on_a_one_year_project_pass():
    goal = "保障办公场地正常运转。"
    assert findings(clean_filing(annual_goal=goal, long_term_goal=goal, duration_years=1), "goals_copied") == []


def test_goals_that_differ_by_a_word_pass():
    filing = clean_filing(annual_goal="通过支付本年度水电费保障办公", long_term_goal="通过支付年度水电费保障办公")
    assert findings(filing, "goals_copied") == []

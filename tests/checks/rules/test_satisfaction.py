"""Rule 10: 满意度 targets."""

import pytest

from checks.filing import Row
from tests.helpers.plain_filings import clean_filing, findings, severities, with_row, with_rows


def satisfaction(value, name="补贴对象满意度"):
    return with_row(clean_filing(), "补贴对象满意度", name=name, value=value)


@pytest.mark.parametrize("value", ["≥80%", "≥85%", "≥95%", ">90%"])
def test_a_percentage_lower_bound_between_80_and_95_passes(value):
    assert findings(satisfaction(value), "satisfaction") == []


@pytest.mark.parametrize("value", ["满意", "较高", "显著提升"])
def test_a_qualitative_satisfaction_is_an_error(value):
    assert severities(satisfaction(value), "satisfaction") == ["error"]


@pytest.mark.parametrize("value", ["≤90%", "<90%"])
def test_a_satisfaction_written_as_an_upper_bound_is_an_error(value):
    assert severities(satisfaction(value), "satisfaction") == ["error"]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("100%", "100%"),
        ("≥100%", "100%"),
        ("≥60%", "80%–95%"),
        ("≥98%", "80%–95%"),
        ("90%", "比较符"),
        ("≥90分", "不是百分比"),
    ],
)
def test_an_unusual_satisfaction_target_is_a_warning(value, words):
    [finding] = findings(satisfaction(value), "satisfaction")
    assert finding.severity == "warning" and words in finding.message


def test_a_row_under_satisfaction_without_satisfaction_in_its_name_is_a_warning():
    [finding] = findings(satisfaction("≤2%", name="用户投诉率"), "satisfaction")
    assert finding.severity == "warning" and "名称中没有“满意”" in finding.message


def test_a_satisfaction_row_outside_satisfaction_is_a_warning():
    filing = with_rows(clean_filing(), Row("效益", "社会效益", "群众满意度", "≥90%", "问卷调查"))
    [finding] = findings(filing, "satisfaction")
    assert (finding.severity, finding.row) == ("warning", 11)
    assert "请移到“满意度”" in finding.message

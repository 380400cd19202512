"""Rules 5 (readable, with a unit, rates within 0–100 %), 11 (vague values) and 12 (input measures)."""

import pytest

from checks.filing import Row
from tests.helpers.plain_filings import clean_filing, findings, severities, with_row, with_rows

# Rule 5


@pytest.mark.parametrize("value", ["2天或16小时", "5次及以上≥5%", "空间分辨率优于0.1m", "90%-95%"])
def test_a_value_that_is_not_one_target_is_an_error(value):
    filing = with_row(clean_filing(), "服务企业数量", value=value)
    [finding] = findings(filing, "value_readable")
    assert (finding.severity, finding.row) == ("error", 1)
    assert "无法识别" in finding.message


def test_a_figure_without_a_unit_is_an_error_suggesting_units():
    [finding] = findings(with_row(clean_filing(), "服务企业数量", value="≥2"), "value_readable")
    assert finding.severity == "error"
    assert "“≥2个”" in finding.message


def test_a_score_without_a_unit_gets_percent_or_points_suggested():
    [finding] = findings(with_row(clean_filing(), "补贴发放准确率", value="≥90"), "value_readable")
    assert "“≥90%”或“≥90分”" in finding.message


@pytest.mark.parametrize("value", ["≥120%", ">100%"])
def test_a_rate_above_100_percent_is_one_error_of_its_own_rule(value):
    filing = with_row(clean_filing(), "补贴发放准确率", value=value)
    assert severities(filing, "rate_above_100") == ["error"]
    assert findings(filing, "value_readable") == []


@pytest.mark.parametrize("value", ["≥100%", "100%", "0%", "提升150%", "≥4万家", "显著", "2023年12月前"])
def test_readable_values_with_units_and_rates_up_to_100_percent_pass(value):
    assert findings(with_row(clean_filing(), "补贴发放准确率", value=value), "value_readable") == []


def test_an_excel_date_under_timeliness_is_left_to_rule_9():
    assert findings(with_row(clean_filing(), "补贴发放完成时间", value="45291"), "value_readable") == []


# Rule 11


def test_a_vague_value_is_a_warning_under_social_benefit():
    filing = with_row(clean_filing(), "企业开办平均用时", value="显著")
    [finding] = findings(filing, "vague_value")
    assert (finding.severity, finding.row) == ("warning", 6)


@pytest.mark.parametrize("name", ["服务企业数量", "项目总成本"])
def test_a_vague_value_is_an_error_under_quantity_or_cost(name):
    assert "error" in severities(with_row(clean_filing(), name, value="有效提升"), "vague_value")


def test_a_figure_with_a_vague_word_passes():
    assert findings(with_row(clean_filing(), "企业开办平均用时", value="提升20%"), "vague_value") == []


def test_a_word_that_is_not_vague_is_left_to_the_other_rules():
    assert findings(with_row(clean_filing(), "企业开办平均用时", value="全区"), "vague_value") == []


def test_a_table_mostly_of_words_gets_one_warning_about_the_table():
    filing = clean_filing()
    for name in ("服务企业数量", "补贴发放准确率", "补贴发放完成时间"):
        filing = with_row(filing, name, value="及时")
    assert len(filing.real_rows) == 6
    assert findings(filing, "vague_value") == []  # three of six is not more than half
    filing = with_row(filing, "企业开办平均用时", value="全区覆盖")
    [finding] = findings(filing, "vague_value")
    assert (finding.severity, finding.subject, finding.row) == ("warning", "指标表", None)
    assert "6条三级指标中有4条" in finding.message


# Rule 12


@pytest.mark.parametrize(
    ("level1", "level2", "name"),
    [("产出", "成本", "支出进度达标率"), ("产出", "质量", "资金到位率"), ("效益", "社会效益", "预算执行率")],
)
def test_an_input_measure_under_outputs_or_effects_is_a_warning(level1, level2, name):
    filing = with_rows(clean_filing(), Row(level1, level2, name, "≥90%", "实际支出/预算×100%"))
    [finding] = findings(filing, "input_measure")
    assert (finding.severity, finding.row) == ("warning", 11)


def test_an_output_measure_passes():
    assert findings(clean_filing(), "input_measure") == []


def test_an_input_measure_under_a_category_that_is_not_output_or_effect_passes():
    filing = with_rows(clean_filing(), Row("投入", "资金投入", "预算执行率", "≥90%", "实际支出/预算×100%"))
    assert findings(filing, "input_measure") == []

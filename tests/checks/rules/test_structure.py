"""Rules 1 (required categories), 4 (rows complete) and 13 (duplicate names)."""

from dataclasses import replace

from checks.filing import Row
from indicators.taxonomy import Level1Spec, Level2Spec, TemplateSpec
from tests.helpers.plain_filings import clean_filing, findings, severities, with_row, with_rows

# Rule 1


def test_a_required_category_filled_with_not_applicable_is_an_error_about_that_category():
    filing = with_row(
        clean_filing(), "补贴对象满意度", name="不适用", value="不适用", explanation="不适用", not_applicable=True
    )
    [finding] = findings(filing, "required_categories")
    assert (finding.severity, finding.subject, finding.row) == ("error", "满意度/服务对象满意度", None)
    assert "服务对象满意度" in finding.message


def test_a_required_category_with_no_row_at_all_is_an_error():
    filing = replace(clean_filing(), rows=tuple(row for row in clean_filing().rows if row.level2 != "时效"))
    assert [f.subject for f in findings(filing, "required_categories")] == ["产出/时效"]


def test_a_blank_row_does_not_count_as_filled():
    filing = with_row(clean_filing(), "项目总成本", name="", value="", explanation="")
    assert [f.subject for f in findings(filing, "required_categories")] == ["产出/成本"]


def test_an_optional_category_left_not_applicable_passes():
    assert findings(clean_filing(), "required_categories") == []


def test_the_required_categories_come_from_the_filings_template():
    level1 = Level1Spec("产出", (Level2Spec("数量", required=True), Level2Spec("效率", required=True)))
    template = TemplateSpec("t", "t", (level1,))
    assert [f.subject for f in findings(clean_filing(template=template), "required_categories")] == ["产出/效率"]


# Rule 4


def test_a_row_named_after_its_category_is_an_error():
    filing = with_row(clean_filing(), "服务企业数量", name="数量指标")
    [finding] = findings(filing, "row_complete")
    assert (finding.severity, finding.row, finding.subject) == ("error", 1, "产出/数量 · 数量指标")


def test_a_row_without_a_name_is_an_error():
    filing = with_row(clean_filing(), "服务企业数量", name="")
    assert severities(filing, "row_complete") == ["error"]


def test_a_row_without_a_value_is_an_error():
    filing = with_row(clean_filing(), "服务企业数量", value=" ")
    [finding] = findings(filing, "row_complete")
    assert finding.severity == "error" and "指标值为空" in finding.message


def test_a_row_without_an_explanation_is_an_error():
    filing = with_row(clean_filing(), "服务企业数量", explanation="")
    [finding] = findings(filing, "row_complete")
    assert finding.severity == "error" and "指标解释为空" in finding.message


def test_an_explanation_that_only_repeats_the_name_is_a_warning():
    filing = with_row(clean_filing(), "服务企业数量", explanation="该指标主要考察服务企业数量是否达到目标数量。")
    [finding] = findings(filing, "row_complete")
    assert (finding.severity, finding.row) == ("warning", 1)


def test_an_explanation_that_says_how_the_value_is_set_passes():
    filing = with_row(clean_filing(), "服务企业数量", explanation="考察本项目服务企业的数量，根据工作任务取值。")
    assert findings(filing, "row_complete") == []


def test_not_applicable_rows_are_not_checked_for_content():
    assert findings(clean_filing(), "row_complete") == []


# Rule 13


def test_a_name_used_twice_is_an_error_on_the_second_row_naming_the_first():
    filing = with_rows(
        clean_filing(), Row("效益", "社会效益", "企业开办平均用时 ", "≤2个工作日", "按区统计口径，与上年比较")
    )
    [finding] = findings(filing, "duplicate_names")
    assert (finding.severity, finding.row) == ("error", 11)
    assert "第6行" in finding.message


def test_names_that_differ_pass():
    filing = with_rows(clean_filing(), Row("效益", "社会效益", "企业开办材料压减数", "≥2份", "按办事指南前后对比统计"))
    assert findings(filing, "duplicate_names") == []

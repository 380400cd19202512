"""What a layout decides about its checks: required 二级指标, weights and their total, the shape of the
project code, the header fields and columns it has; and the cost and vague-value rules on a layout
where 成本 is a 一级指标 (甘肃, 财预〔2021〕101号)."""

from dataclasses import replace
from decimal import Decimal

import pytest

from checks.engine import run_rules
from checks.filing import Filing, Row
from indicators.taxonomy import GANSU_2023, NATIONAL_2021, SHENZHEN_2020, SICHUAN_2023
from tests.helpers.plain_filings import clean_filing, findings

# A national-layout filing no rule objects to: one row under each required 二级, weights adding up to 100.
NATIONAL_ROWS = (
    Row("产出", "数量", "免费开放天数", "≥300天", "按全年开放计划，扣除闭馆维护日", weight=Decimal(20)),
    Row("产出", "质量", "藏品完好率", "≥99%", "完好藏品数/藏品总数×100%", weight=Decimal(15)),
    Row(
        "产出", "时效", "补助资金拨付完成时间", "2024年12月31日前", "按资金拨付计划在年底前拨付完毕", weight=Decimal(10)
    ),
    Row("成本", "经济成本", "项目总成本", "≤20万元", "按开放运行所需的水电、安保、保洁费用测算", weight=Decimal(15)),
    Row("成本", "社会成本", "不适用", "不适用", "不适用", not_applicable=True),
    Row("效益", "社会效益", "接待观众人次", "≥30000人次", "按上年接待量及本年增长预测取值", weight=Decimal(20)),
    Row("满意度", "服务对象满意度", "观众满意度", "≥90%", "问卷调查：满意人数/调查总人数×100%", weight=Decimal(20)),
)


def national(template=NATIONAL_2021, rows=NATIONAL_ROWS, **changes) -> Filing:
    numbered = tuple(replace(row, position=number) for number, row in enumerate(rows, start=1))
    filing = Filing(
        code="51092324T000010263357",
        name="博物馆纪念馆免费开放补助资金",
        department="大英县文物保护中心",
        fiscal_year=2024,
        duration_years=1,
        project_type="专项工作经费",
        total_amount=Decimal("200000"),
        current_amount=Decimal("200000"),
        amount_unit="万元",
        annual_goal="保障博物馆全年免费开放，提高免费开放服务水平。",
        rows=numbered,
        template=template,
    )
    return replace(filing, **changes)


def with_weights(filing: Filing, *weights) -> Filing:
    """The filing with its real rows weighted in order (None: no weight; text: written so)."""
    weighted = iter(weights)
    rows = []
    for row in filing.rows:
        if not row.is_real:
            rows.append(row)
            continue
        weight = next(weighted)
        if isinstance(weight, str):
            rows.append(replace(row, weight=None, weight_text=weight))
        else:
            rows.append(replace(row, weight=weight, weight_text="" if weight is None else str(weight)))
    return replace(filing, rows=tuple(rows))


def rules_of(filing: Filing) -> list[tuple[str, str, str]]:
    return [(f.rule_id, f.severity, f.subject) for f in run_rules(filing)]


def test_a_national_filing_that_fills_every_required_category_and_weighs_100_passes_every_rule():
    assert run_rules(national()) == []


# Required 二级指标


@pytest.mark.parametrize("level2", ["数量", "质量", "时效", "经济成本", "社会效益", "服务对象满意度"])
def test_each_required_category_of_the_national_layout_is_required(level2):
    rows = tuple(row for row in NATIONAL_ROWS if row.level2 != level2)
    [finding] = findings(national(rows=rows), "required_categories")
    assert finding.subject.endswith(f"/{level2}") and f"“{level2}”" in finding.message


def test_social_and_ecological_costs_are_not_required_in_the_national_layout():
    rows = tuple(row for row in NATIONAL_ROWS if row.level2 != "社会成本")
    assert findings(national(rows=rows), "required_categories") == []


def test_the_shenzhen_cost_under_output_is_not_required_by_the_national_layout():
    # 产出/成本 is Shenzhen's place for costs; a national filing has none and is not asked for it.
    assert not any("产出/成本" in f.subject for f in findings(national(), "required_categories"))


# Weights (rule 20)


def sichuan(*weights, **changes) -> Filing:
    rows = tuple(replace(row, explanation="") for row in NATIONAL_ROWS if row.level1 != "成本")
    filing = national(template=SICHUAN_2023, rows=rows, code="511124230000000000001", **changes)
    return with_weights(filing, *weights)


def test_sichuan_weights_adding_up_to_90_are_accepted_the_other_10_being_budget_execution():
    assert findings(sichuan(20, 20, 10, 20, 20), "weights_total") == []


def test_sichuan_weights_adding_up_to_100_are_refused_naming_the_sum_the_total_and_the_note():
    [finding] = findings(sichuan(20, 20, 20, 20, 20), "weights_total")
    assert (finding.severity, finding.subject) == ("error", "权重合计")
    assert "权重合计为100，应为90（另 10 分为预算执行率）" in finding.message


def test_national_weights_must_add_up_to_100():
    assert findings(national(), "weights_total") == []
    [finding] = findings(with_weights(national(), 20, 15, 10, 15, 20, 10), "weights_total")
    assert "权重合计为90，应为100：" in finding.message  # the national layout has no note


def test_decimal_weights_that_add_up_pass():
    assert findings(sichuan(Decimal("20.5"), Decimal("19.5"), 10, 20, 20), "weights_total") == []


def test_a_row_without_a_weight_in_a_weighted_layout_is_an_error_naming_the_row():
    [finding] = findings(sichuan(20, None, 10, 20, 20), "weights_total")
    assert (finding.severity, finding.row, finding.subject) == ("error", 2, "产出/质量 · 藏品完好率")
    assert "“藏品完好率”没有填写权重" in finding.message and "合计为90（另 10 分为预算执行率）" in finding.message


def test_a_missing_weight_is_reported_with_the_sum_when_the_others_already_exceed_the_total():
    found = findings(sichuan(30, None, 30, 30, 30), "weights_total")
    assert [f.subject for f in found] == ["权重合计", "产出/质量 · 藏品完好率"]


def test_a_weight_that_is_no_number_is_an_error_quoting_it():
    found = findings(sichuan(20, "二十", 10, 20, 20), "weights_total")
    assert "权重“二十”不是数字" in found[0].message


def test_a_weighted_layout_without_any_weight_has_one_finding_for_the_table():
    (finding,) = findings(sichuan(None, None, None, None, None), "weights_total")
    assert finding.severity == "error" and finding.subject == "权重合计"
    assert finding.message == "本表样的各三级指标都须填写权重，合计为90（另 10 分为预算执行率）：目前都没有填写。"


def test_a_layout_without_weights_has_no_weight_findings():
    unweighted = with_weights(national(template=GANSU_2023), 1, 1, 1, 1, 1, 1)
    assert findings(unweighted, "weights_total") == []
    assert findings(with_weights(clean_filing(), 1, 2, 3, 4, 5, 6), "weights_total") == []


def test_not_applicable_rows_need_no_weight():
    filing = sichuan(20, 20, 10, 20, 20)
    filing = replace(filing, rows=(*filing.rows, Row("效益", "生态效益", "不适用", "不适用", not_applicable=True)))
    assert findings(filing, "weights_total") == []


# The project code's shape


@pytest.mark.parametrize("template", [NATIONAL_2021, GANSU_2023, SICHUAN_2023])
@pytest.mark.parametrize("code", ["51092324T000010263357", "51000021R000000019951", "620200230000000000001"])
def test_a_provincial_code_with_or_without_its_letter_passes_the_national_layouts(template, code):
    assert findings(national(template=template, code=code), "header_complete") == []


@pytest.mark.parametrize("code", ["5109232T000010263357", "51092324TT00010263357", "51092324t000010263357"])
def test_a_code_not_of_the_national_shape_is_an_error_naming_the_shape(code):
    [finding] = findings(national(code=code), "header_complete")
    assert finding.field == "code" and NATIONAL_2021.code_shape in finding.message


def test_a_code_with_a_letter_is_still_refused_by_the_shenzhen_layout():
    [finding] = findings(clean_filing(code="44030621T601500000540"), "header_complete")
    assert "21位数字" in finding.message


def test_a_national_code_first_budgeted_after_the_budget_year_is_an_error():
    [finding] = findings(national(code="51092325T000010263357"), "header_complete")
    assert "2025年" in finding.message and "晚于预算年度2024年" in finding.message


def test_a_template_whose_code_pattern_is_no_regular_expression_checks_no_shape():
    broken = replace(NATIONAL_2021, code_pattern="[0-9{21")
    assert findings(national(template=broken, code="whatever"), "header_complete") == []


# Header fields and columns the layout leaves out


def test_sichuan_is_not_asked_for_the_fields_its_form_does_not_have():
    filing = sichuan(20, 20, 10, 20, 20, duration_years=None, project_type="", total_amount=None)
    assert findings(filing, "header_complete") == []
    assert findings(replace(filing, current_amount=None), "header_complete")[0].field == "current_amount"


def test_gansu_is_not_asked_for_a_duration_and_names_its_project_type_as_it_prints_it():
    filing = national(template=GANSU_2023, duration_years=None, project_type="")
    [finding] = findings(filing, "header_complete")
    assert (finding.field, finding.message) == ("project_type", "项目分类为空：请填写项目分类。")


def test_gansu_is_not_asked_for_a_long_term_goal_even_over_several_years():
    assert findings(national(template=GANSU_2023, duration_years=3), "header_complete") == []
    assert findings(national(duration_years=3), "header_complete")[0].field == "long_term_goal"


def test_layouts_without_an_explanation_column_are_not_asked_for_explanations():
    assert findings(sichuan(20, 20, 10, 20, 20), "row_complete") == []
    no_explanations = national(rows=tuple(replace(row, explanation="") for row in NATIONAL_ROWS))
    assert {f.severity for f in findings(no_explanations, "row_complete")} == {"error"}


# 成本 as a 一级指标: cost is money under 经济成本 only


GANSU_ROWS = (
    Row("产出", "数量", "免费开放天数", "=300天"),
    Row("产出", "质量", "博物馆绩效考核指标完成率", "=100百分比"),
    Row("产出", "时效", "各项工作完成及时率%", "=99百分比"),
    Row("成本", "经济成本", "资金使用效率", "=100百分比"),
    Row("成本", "社会成本", "对当地文物保护、文化传承影响", "长远"),
    Row("成本", "生态环境成本", "提升博物馆绿化水平", "提升"),
    Row("效益", "经济效益", "为当地提供就业岗位", "增加岗位"),
    Row("效益", "社会效益", "免费开放接待观众人数", "=30000人次"),
    Row("效益", "生态效益", "历史文化传承环保意识时限", "长远"),
    Row("满意度", "服务对象满意度", "服务对象满意度%", "=99百分比"),
)


def gansu() -> Filing:
    # The 嘉峪关城市博物馆 form (shared/provinces/gansu_jiayuguan_2023.txt): 20万元 for the year.
    return national(template=GANSU_2023, rows=GANSU_ROWS, code="620200230000000000001", fiscal_year=2023)


def test_gansu_economic_cost_of_100_percent_is_flagged_as_not_an_amount():
    [finding] = findings(gansu(), "cost_target")
    assert (finding.severity, finding.subject) == ("error", "成本/经济成本 · 资金使用效率")
    assert "“=100百分比”既不是金额，也不是成本控制率" in finding.message and "“≤20万元”" in finding.message


def test_gansu_social_cost_of_long_lasting_is_a_vague_warning_not_a_cost_error():
    vague = [(f.severity, f.subject) for f in findings(gansu(), "vague_value")]
    assert ("warning", "成本/社会成本 · 对当地文物保护、文化传承影响") in vague
    assert ("warning", "成本/生态环境成本 · 提升博物馆绿化水平") in vague
    assert ("warning", "效益/生态效益 · 历史文化传承环保意识时限") in vague


def test_the_gansu_form_gets_exactly_its_cost_satisfaction_and_vague_findings():
    assert rules_of(gansu()) == [
        ("cost_target", "error", "成本/经济成本 · 资金使用效率"),
        ("satisfaction", "warning", "满意度/服务对象满意度 · 服务对象满意度%"),  # =99% is above the usual 95 %
        ("vague_value", "warning", "成本/社会成本 · 对当地文物保护、文化传承影响"),
        ("vague_value", "warning", "成本/生态环境成本 · 提升博物馆绿化水平"),
        ("vague_value", "warning", "效益/生态效益 · 历史文化传承环保意识时限"),
    ]


def test_an_economic_cost_above_the_budget_is_an_error_like_a_shenzhen_cost():
    filing = national(
        rows=tuple(replace(row, value="≤25万元") if row.level2 == "经济成本" else row for row in NATIONAL_ROWS)
    )
    [finding] = findings(filing, "cost_target")
    assert "高于本年度项目金额20万元" in finding.message


def test_a_social_cost_in_money_or_words_is_left_to_the_rules_on_every_value():
    rows = (*NATIONAL_ROWS, Row("成本", "生态环境成本", "植被恢复面积", "≥500平方米", "按施工占地面积测算"))
    assert findings(national(rows=rows), "cost_target") == []


def test_a_vague_economic_cost_is_an_error_and_a_vague_social_cost_a_warning():
    rows = (
        *NATIONAL_ROWS[:3],
        Row("成本", "经济成本", "成本节约", "有效", "x"),
        Row("成本", "社会成本", "社会影响", "有效", "x"),
        *NATIONAL_ROWS[5:],
    )
    assert [(f.severity, f.subject) for f in findings(national(rows=rows), "vague_value")] == [
        ("error", "成本/经济成本 · 成本节约"),
        ("warning", "成本/社会成本 · 社会影响"),
    ]


def test_an_input_measure_under_the_national_cost_is_a_warning_as_under_shenzhens():
    rows = (*NATIONAL_ROWS, Row("成本", "经济成本", "预算执行率", "≥90%", "实际支出/预算×100%"))
    [finding] = findings(national(rows=rows), "input_measure")
    assert "成本指标请写成本金额或成本控制率" in finding.message


def test_the_shenzhen_layout_keeps_its_cost_rule():
    assert SHENZHEN_2020.weights_total is None
    assert findings(clean_filing(), "cost_target") == []

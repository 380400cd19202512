"""The content rules every layout runs: 17 (template placeholders left in), 18 (a figure in the name the
value contradicts), 19 (a rate above 100 %), 21 (a cost build-up in 测算依据 that does not add up)."""

from dataclasses import replace
from decimal import Decimal

import pytest

from checks.engine import run_rules
from checks.rules.basis import read_build_up
from tests.helpers.plain_filings import clean_filing, clean_overall, findings, sample_forms, with_row

# Rule 17


@pytest.mark.parametrize(
    ("name", "value", "residue"),
    [
        ("新建充电桩(≥**个)", "≥10个", "(≥**个)"),
        ("新建充电桩数量", "≥**个", "**"),
        ("新建充电桩数量", "≥＊＊个", "＊＊"),
        ("XX项目完成数量", "≥10个", "XX"),
        ("××工作完成数量", "≥10个", "××"),
        ("服务企业数量（请填写具体服务内容）", "≥10个", "（请填写具体服务内容）"),
        ("服务企业数量", "【填写目标值】", "【填写目标值】"),
        ("服务企业数量", "请填写", "请填写"),
    ],
)
def test_a_placeholder_left_in_a_name_or_value_is_an_error_quoting_it(name, value, residue):
    [finding] = findings(with_row(clean_filing(), "服务企业数量", name=name, value=value), "placeholder_residue")
    assert (finding.severity, finding.row) == ("error", 1)
    assert f"留有模板的占位内容“{residue}”" in finding.message


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("7x24小时服务可用率", "≥99%"),  # one x between figures
        ("XXL码工作服采购数量", "≥10套"),  # XX in a word
        ("申请企业数量（含个体户）", "≥10家"),  # 申请 is no prompt
        ("【i深圳】接入事项数量", "≥10项"),  # a bracket that prompts nothing
        ("完成率", "≥95%"),
    ],
)
def test_names_and_values_that_only_look_like_placeholders_pass(name, value):
    assert findings(with_row(clean_filing(), "服务企业数量", name=name, value=value), "placeholder_residue") == []


def test_placeholders_are_found_on_every_kind_of_form():
    spoiled = with_row(clean_overall(), "服务企业数量", value="≥**万家")
    assert [f.rule_id for f in run_rules(spoiled)] == ["placeholder_residue"]


def test_placeholders_in_an_explanation_are_not_this_rules_business():
    assert findings(with_row(clean_filing(), "服务企业数量", explanation="XX系统统计"), "placeholder_residue") == []


# Rule 18


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("补贴发放准确率95%", "≥90%"),
        ("培训200人次", "≥150人次"),
        ("培训200人次", "≥150"),  # a value without a unit is compared too
        ("服务企业4万家", "≥3万家"),
        ("不少于200人次的培训", "≥150人次"),  # below the name's own lower bound
        ("2小时内到场率", "≤4小时"),  # above the name's own upper bound
        ("购置设备50万元", "≤600000元"),  # money in two units
    ],
)
def test_a_figure_in_the_name_that_the_value_contradicts_is_a_warning(name, value):
    [finding] = findings(with_row(clean_filing(), "服务企业数量", name=name, value=value), "name_number_mismatch")
    assert (finding.severity, finding.row) == ("warning", 1)
    assert f"“{name}”写的是" in finding.message and f"指标值却是“{value}”" in finding.message


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("村组干部230人", "≥230个"),  # the same number, in another unit
        ("村组干部230人", "230"),
        ("补贴发放准确率95%", "≥95%"),
        ("满意度90%以上", "≥95%"),  # within the name's bound
        ("2小时内到场率", "≥95%"),  # another unit: not comparable
        ("2023年度培训人次", "≥150人次"),  # a year
        ("第3批补贴发放人数", "≥150人"),  # an ordinal
        ("7x24小时热线接通人次", "≥150人次"),  # two numbers
        ("i深圳2.0用户数", "≥150人"),  # a number without a unit
        ("5G基站数量", "≥150个"),
        ("培训200人次", "较上年提升10%"),  # a change, not a figure
        ("培训200人次", "2023年12月前"),
    ],
)
def test_a_name_whose_figure_agrees_or_cannot_be_compared_passes(name, value):
    assert findings(with_row(clean_filing(), "服务企业数量", name=name, value=value), "name_number_mismatch") == []


# Rule 19


@pytest.mark.parametrize("value", ["≥120%", ">100%", "=101%", "120%"])
def test_a_rate_above_100_percent_is_an_error_of_its_own_rule_only(value):
    filing = with_row(clean_filing(), "补贴发放准确率", value=value)
    [finding] = findings(filing, "rate_above_100")
    assert (finding.severity, finding.row) == ("error", 2)
    assert "“补贴发放准确率”是比率" in finding.message
    assert findings(filing, "value_readable") == []  # one error for one mistake


@pytest.mark.parametrize("name", ["补贴发放覆盖率%", "本地企业占比", "电子化办理比例（%）"])
def test_rates_are_known_by_their_ending_whatever_follows_it(name):
    assert findings(with_row(clean_filing(), "补贴发放准确率", name=name, value="≥110%"), "rate_above_100")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("补贴发放准确率", "≥100%"),
        ("补贴发放准确率", "=100%"),
        ("补贴发放准确率", "≤120%"),  # a ceiling above 100 % is odd but no target above it
        ("网上办理量增长率", "≥150%"),
        ("办件量同比增幅", "≥120%"),
        ("线上办理率提升", "≥120%"),
        ("补贴发放准确率", "较上年提升120%"),
        ("补贴发放准确率", "≥120分"),
    ],
)
def test_a_rate_within_100_percent_a_growth_or_a_score_passes(name, value):
    assert findings(with_row(clean_filing(), "补贴发放准确率", name=name, value=value), "rate_above_100") == []


def test_a_growth_above_100_percent_is_no_longer_an_error_of_rule_5_either():
    filing = with_row(clean_filing(), "补贴发放准确率", name="网上办理量增长率", value="≥150%")
    assert findings(filing, "value_readable") == []


def test_a_percentage_above_100_that_names_no_rate_is_still_rule_5s():
    filing = with_row(clean_filing(), "补贴发放准确率", name="补贴发放覆盖范围", value="≥120%")
    assert [f.rule_id for f in run_rules(filing)] == ["value_readable"]


def test_a_cost_control_rate_above_100_percent_is_left_to_the_cost_rule():
    filing = with_row(clean_filing(), "项目总成本", name="成本控制率", value="=120%")
    assert findings(filing, "rate_above_100") == [] and findings(filing, "cost_target")


def test_rates_above_100_percent_are_found_on_every_kind_of_form():
    spoiled = with_row(clean_overall(), "补贴发放准确率", value="≥120%")
    assert [f.rule_id for f in run_rules(spoiled)] == ["rate_above_100"]


# Rule 21


def basis(text, current="1069.86", **changes):
    amount = Decimal(current) * 10000
    return clean_filing(calculation_basis=text, current_amount=amount, amount_unit="万元", **changes)


def test_a_build_up_of_computed_items_that_does_not_come_to_the_amount_is_a_warning_in_the_filings_unit():
    text = "一、设备购置：3台×5万元=15万元；二、运维服务：12个月×2万元=24万元。"
    [finding] = findings(basis(text, current="45"), "basis_adds_up")
    assert (finding.severity, finding.field, finding.subject) == ("warning", "calculation_basis", "测算依据")
    assert "各项金额相加为39万元（15万元＋24万元），与本年度项目金额45万元不符" in finding.message


def test_a_list_of_amounts_and_its_stated_total_that_miss_the_amount_are_both_named():
    text = "1.物业管理费31.49万元；2.空调维护费1.92万元；3.保洁服务费6.36万元。合计39.77万元。"
    [finding] = findings(basis(text, current="45.79"), "basis_adds_up")
    assert (
        "各项金额相加为39.77万元" in finding.message
        and "写明的合计39.77万元也与本年度项目金额45.79万元不符" in finding.message
    )


@pytest.mark.parametrize(
    ("text", "current"),
    [
        ("一、设备购置：3台×5万元=15万元；二、运维服务：12个月×2万元=24万元。", "39"),
        ("一、设备购置：3台*50000元=150000元；二、运维服务：12个月*20000元=240000元。", "39.1"),  # within 0.5 %
        ("文明城市创建公益宣传广告5万、设施修缮3万、创文专题宣传14万。", "22"),
        # A heading that adds up its parts stands for them.
        ("一、行政服务经费54.26万元 1.平台运营维护费40.8万元 2.义工服务经费13.46万元 二、系统维护124万元", "178.26"),
        # The text names the year's amount.
        ("1.物业管理费31.49万元；2.空调维护费1.92万元；本年度申请45.79万元。", "45.79"),
    ],
)
def test_a_build_up_that_comes_to_the_amount_passes(text, current):
    assert findings(basis(text, current=current), "basis_adds_up") == []


def test_a_build_up_of_the_projects_total_rather_than_the_years_passes():
    # 项目总金额 33.41万元 over the 实施期限, 10万元 of it this year.
    text = "1.物业管理费31.49万元；2.空调维护费1.92万元。"
    assert findings(basis(text, current="10", total_amount=Decimal(334100)), "basis_adds_up") == []
    assert findings(basis(text, current="10"), "basis_adds_up")


@pytest.mark.parametrize(
    "text",
    [
        "根据公开招标中标书金额376.7万元，用于支付员工报酬。",  # one amount
        "按每月印章量2768套/月*312元/套*11个月=949.98万元。",  # one item
        "合同总额98.8万元，截止2023年已支付69.16万元，2024年支付29.64万元。",  # a payment schedule
        "项目原预算费用168万，现削减至140万，2024年预算为98万。",  # a cut
        "一、后勤保障经费198万元，44元/人/日*171人*22日*12个月=198万元。二、分厅38.2万元。",  # items and results mixed
        "服务企业4万家，每家补贴300元。",  # no amount but a price
    ],
)
def test_a_build_up_the_rule_cannot_read_without_doubt_is_left_alone(text):
    assert findings(basis(text, current="1"), "basis_adds_up") == []


def test_a_filing_without_a_basis_or_an_amount_gets_nothing():
    text = "设备3台×5万元=15万元；运维12个月×2万元=24万元。"
    assert findings(basis(""), "basis_adds_up") == []
    assert findings(basis(text, current="0"), "basis_adds_up") == []
    assert findings(replace(basis(text), current_amount=None), "basis_adds_up") == []


def test_the_build_up_tells_factors_prices_results_totals_and_plain_amounts_apart():
    build_up = read_build_up("办公用品9万元、单价40000元*10=40万元，每月7500元，150元/人，合计49万元")
    assert build_up.results == (Decimal(400000),)
    assert build_up.plain == (Decimal(90000),)
    assert build_up.totals == (Decimal(490000),)


def test_a_result_computed_on_counts_once_as_its_last_step():
    build_up = read_build_up("10台×5000元=5万元×3年=15万元；运维12个月×1万元=12万元")
    assert build_up.results == (Decimal(150000), Decimal(120000))


def test_a_build_up_in_full_width_characters_is_read_too():
    build_up = read_build_up("设备３台＊５万元＝１５万元；运维１２个月＊２万元＝２４万元")
    assert build_up.results == (Decimal(150000), Decimal(240000))


def test_of_the_sample_filings_only_the_audit_service_gets_a_build_up_warning():
    # 002 年度审计服务 (440313241211501200028): 审计 约4.7万元 and 驻场 约10.4万元 make 15万元/年, while the
    # year's amount is 90,000.00元 and the text says nothing of the difference.
    warned = [
        filing.code for filing in sample_forms().values() for f in run_rules(filing) if f.rule_id == "basis_adds_up"
    ]
    assert warned == ["440313241211501200028"]


def test_no_sample_filing_has_placeholders_contradicting_figures_or_rates_above_100_percent():
    new_rules = {"placeholder_residue", "name_number_mismatch", "rate_above_100", "weights_total"}
    assert [f for filing in sample_forms().values() for f in run_rules(filing) if f.rule_id in new_rules] == []


def test_the_clean_filing_with_a_basis_in_words_keeps_passing_every_rule():
    assert run_rules(clean_filing(calculation_basis="按每套公章补贴标准乘以预计刻章数量测算")) == []

"""Findings on named sample filings, each checked against the printed form (quoted in the comments).

The filings are read from ``samples/`` and checked as plain data, without the database.
"""

from collections import Counter
from decimal import Decimal

import pytest

from checks.engine import run_rules
from checks.filing import Filing
from tests.helpers.plain_filings import sample_filings, sample_forms
from tests.helpers.samples import BAOAN_OVERALL, DAPENG


def pinned(code: str, *, without_explanations: bool = False) -> list[tuple[str, str, str]]:
    return pinned_filing(sample_filings()[code], without_explanations=without_explanations)


def pinned_filing(filing: Filing, *, without_explanations: bool = False) -> list[tuple[str, str, str]]:
    findings = run_rules(filing)
    if without_explanations:
        findings = [f for f in findings if not (f.rule_id == "row_complete" and f.severity == "warning")]
    return [(f.rule_id, f.severity, f.subject) for f in findings]


def explanation_warnings(code: str) -> int:
    findings = run_rules(sample_filings()[code])
    return sum(1 for f in findings if f.rule_id == "row_complete" and f.severity == "warning")


def test_the_three_sample_files_of_二级_forms_hold_100_filings():
    assert len(sample_filings()) == 100
    assert {filing.kind for filing in sample_filings().values()} == {"project"}


def test_the_five_sample_files_hold_109_filings_of_three_kinds():
    assert Counter(filing.kind for filing in sample_forms().values()) == {"project": 100, "program": 7, "overall": 2}


def test_baoan_seal_subsidy_caps_its_quantity_and_costs_more_than_its_budget():
    # 000 新开办企业刻制公章补贴经费: 服务企业数量 ≤4万家; 项目总成本 ≤1500万元 against 本年度 10,698,600.00元;
    # 社会效益 显著; 年度目标 and 长期目标 the same text over a 4-year 实施期限.
    assert pinned("440306210601500000540") == [
        ("cost_target", "error", "产出/成本 · 项目总成本"),
        ("row_complete", "warning", "效益/社会效益 · 政府营商环境提升程度"),  # 考察本项目对政府营商环境提升程度。
        ("row_complete", "warning", "满意度/服务对象满意度 · 补贴对象满意度"),  # 考察本项目补贴对象满意度。
        ("quantity_upper_bound", "warning", "产出/数量 · 服务企业数量"),
        ("vague_value", "warning", "效益/社会效益 · 政府营商环境提升程度"),
        ("goals_copied", "warning", "长期目标"),
    ]


def test_baoan_property_services_leaves_satisfaction_not_applicable():
    # 000 政府购买服务(物业后勤类): 服务对象满意度 不适用; 物业服务面积 ≤758.79平方米; 质量 同比上升1% and
    # 成本 机关物业管理费控制率 ≤100% are fine.
    assert pinned("440306231271504305003") == [
        ("required_categories", "error", "满意度/服务对象满意度"),
        ("row_complete", "warning", "效益/社会效益 · 对办公环境的改善"),
        ("quantity_upper_bound", "warning", "产出/数量 · 物业服务面积"),
        ("vague_value", "warning", "效益/社会效益 · 对办公环境的改善"),
        ("goals_copied", "warning", "长期目标"),
    ]


def test_baoan_utilities_misspells_not_applicable_and_costs_14_wan_against_13_1_wan():
    # 000 水电费: 满意度 rows 不适应; 项目总成本 ≦14万元 against 本年度 131,000.00元; its goals differ
    # (本年度水电费 / 年度水电费), and ≧728.79m² and ≧90% read as values.
    assert pinned("440306221271500300004") == [
        ("required_categories", "error", "满意度/服务对象满意度"),
        ("cost_target", "error", "产出/成本 · 项目总成本"),
        ("row_complete", "warning", "产出/质量 · 水电费缴纳完成率"),
        ("row_complete", "warning", "产出/时效 · 水电供应及时性"),
        ("row_complete", "warning", "效益/社会效益 · 对保障各项业务工作正常开展的影响程度"),
        ("vague_value", "warning", "效益/社会效益 · 对保障各项业务工作正常开展的影响程度"),
    ]


def test_futian_epidemic_control_has_no_budget_and_a_spending_rate_as_its_cost():
    # 001 疫情防控 (政务服务数据管理局): 本年度 0.00; 成本 支出进度达标率 > 90%; 时效 及时; 社会效益 有效 twice.
    assert pinned("440304221061500500012", without_explanations=True) == [
        ("cost_target", "error", "产出/成本 · 支出进度达标率"),
        ("amounts_and_duration", "warning", "本年度项目金额"),
        ("timeliness", "warning", "产出/时效 · 疫情防控补贴发放及时性"),
        ("vague_value", "warning", "效益/社会效益 · 降低潜在病例进一步传染的风险"),
        ("vague_value", "warning", "效益/社会效益 · 提升防疫人员工作效率"),
        ("input_measure", "warning", "产出/成本 · 支出进度达标率"),
        ("goals_copied", "warning", "长期目标"),
    ]
    # Every one of its seven explanations reads 该指标主要考察……是否……
    assert explanation_warnings("440304221061500500012") == 7


def test_futian_quick_response_lists_the_same_social_benefit_twice():
    # 001 民意速办: 畅通民生诉求渠道，解决民生问题 appears as the first and the third 社会效益 row.
    findings = pinned("440304221061500600011", without_explanations=True)
    assert findings[:2] == [
        ("cost_target", "error", "产出/成本 · 支出进度达标率"),
        ("duplicate_names", "error", "效益/社会效益 · 畅通民生诉求渠道，解决民生问题"),
    ]
    assert ("timeliness", "warning", "产出/时效 · 城区治理平台分拨及时性") in findings


def test_futian_grid_management_writes_two_targets_in_one_value():
    # 001 网格信息管理: 培训天数或线上培训时长 2天或16小时; 数量 rows 安装完成率 100%, 宣传工作完成率 100%.
    assert pinned("440304221061500600010", without_explanations=True) == [
        ("value_readable", "error", "产出/数量 · 网格管理人员培训天数或线上培训时长"),
        ("cost_target", "error", "产出/成本 · 支出进度达标率"),
        ("quantity_rate", "warning", "产出/数量 · PDA工作终端及配套设备安装完成率"),
        ("quantity_rate", "warning", "产出/数量 · 网格管理相关宣传工作完成率"),
        ("vague_value", "warning", "效益/社会效益 · 保障社区网格员基础信息采集工作的顺利开展"),
        ("vague_value", "warning", "效益/社会效益 · 提高网格管理人员业务水平"),
        ("vague_value", "warning", "效益/社会效益 · 保障网格管理工作顺利开展"),
        ("input_measure", "warning", "产出/成本 · 支出进度达标率"),
    ]


def test_futian_service_centre_reserve_files_its_benefit_under_ecology():
    # 001 预算准备金 (政务服务中心): 社会效益 不适用, 提高行政工作效率 有效 under 生态效益; 成本 支付进度达标率 100%.
    assert pinned("440304221061500100028", without_explanations=True) == [
        ("required_categories", "error", "效益/社会效益"),
        ("cost_target", "error", "产出/成本 · 支付进度达标率"),
        ("quantity_rate", "warning", "产出/数量 · 预算准备金工作完成率"),
        ("timeliness", "warning", "产出/时效 · 完成预算准备金相关工作及时性"),
        ("vague_value", "warning", "效益/生态效益 · 提高行政工作效率"),
        ("input_measure", "warning", "产出/成本 · 支付进度达标率"),
        ("goals_copied", "warning", "长期目标"),
    ]


def test_futian_purchases_measure_satisfaction_as_comfort_and_usage_at_100_percent():
    # 001 购置费: 满意度 row 服务对象使用的舒适度和使用率 100%.
    findings = pinned("440304221061500000027", without_explanations=True)
    assert findings.count(("satisfaction", "warning", "满意度/服务对象满意度 · 服务对象使用的舒适度和使用率")) == 2


@pytest.mark.parametrize(
    ("code", "rows"),
    [
        # 深汕特别合作区网络链路租赁服务项目: 网络链路数量 ≥33, 服务质量考核 ≥90, 满意度 ≥90.
        (
            "440313231211500705030",
            [
                "产出/数量 · 网络链路数量",
                "产出/质量 · 服务质量考核",
                "满意度/服务对象满意度 · 智建中心对运维服务效果的满意度",
            ],
        ),
        # 深汕特别合作区信息化机房运维保障服务: 服务质量考核 ≥90, 满意度 ≥90 (运维机柜数量 80个 has its unit).
        (
            "440313231211500805020",
            ["产出/质量 · 服务质量考核", "满意度/服务对象满意度 · 智建中心对运维服务效果的满意度"],
        ),
        # 智慧城市综合运维人员服务采购项目: 运维人员数量 ≥20, 服务质量考核 ≥90, 满意度 ≥90.
        (
            "440313231211500705026",
            [
                "产出/数量 · 运维人员数量",
                "产出/质量 · 服务质量考核",
                "满意度/服务对象满意度 · 智建中心对运维服务效果的满意度",
            ],
        ),
    ],
)
def test_shenshan_projects_write_90_without_a_unit(code, rows):
    assert [subject for rule, _, subject in pinned(code) if rule == "value_readable"] == rows


def test_shenshan_network_cabling_caps_a_count_without_a_unit():
    # 002 管委会园区网络综合建设项目: 布放的网线数量 ≤800; 满意度 ≥90.
    assert pinned("440313231211500705002") == [
        ("value_readable", "error", "产出/数量 · 布放的网线数量"),
        ("value_readable", "error", "满意度/服务对象满意度 · 智建中心对运维服务效果的满意度"),
        ("row_complete", "warning", "产出/数量 · 布放的网线数量"),  # 反映年度布放网线的数量
        ("quantity_upper_bound", "warning", "产出/数量 · 布放的网线数量"),
    ]


def test_shenshan_big_data_uses_one_name_for_a_quantity_and_a_quality_row():
    # 002 深汕特别合作区大数据融合创新服务: 应用场景服务 5项 under 数量 and 100% under 质量.
    assert pinned("440313241211501000019") == [
        ("duplicate_names", "error", "产出/质量 · 应用场景服务"),
        ("row_complete", "warning", "产出/数量 · 应用场景服务"),  # 反映完成的应用场景服务数量。
    ]


def test_shenshan_mapping_writes_resolutions_as_sentences():
    # 002 基础地理信息数据采集服务: 完成成果数量 3; 空间分辨率优于0.1m; 空间分辨率优于1m; 响应时间 100%.
    assert pinned("440313231211501005023") == [
        ("value_readable", "error", "产出/数量 · 完成成果数量"),
        ("value_readable", "error", "产出/质量 · 无人机正射影像"),
        ("value_readable", "error", "产出/质量 · 高分辨率卫星影像"),
        ("row_complete", "warning", "产出/数量 · 完成成果数量"),  # 反映完成成果数量
        ("timeliness", "warning", "产出/时效 · 响应时间"),
        ("goals_copied", "warning", "长期目标"),
    ]


def test_shenshan_portal_measures_satisfaction_as_monthly_active_users():
    # 002 i深圳平台深汕区级门户（二期）: 业务办理便利性 ≥1; 满意度 月活跃用户数占区常住人口数比率 5次及以上≥5%.
    assert pinned("440313241211500800027") == [
        ("value_readable", "error", "效益/社会效益 · 业务办理便利性"),
        ("value_readable", "error", "满意度/服务对象满意度 · 月活跃用户数占区常住人口数比率"),
        ("satisfaction", "warning", "满意度/服务对象满意度 · 月活跃用户数占区常住人口数比率"),
    ]


def test_shenshan_video_production_is_a_clean_one_year_filing():
    # 002 典型应用场景视频制作服务: 实施期限 1, 视频数量 5个, ≥90% / ≥95% / ≤100% / ≥60% / ≥90%.
    assert pinned("440313241211501100018") == []


def test_baoan_overall_form_adds_up_its_tasks_and_calls_two_benefits_notable():
    # 004 部门整体支出绩效目标表 (2023 年度, 单位：万元): twelve 年度主要任务 whose 总额 add up to the 金额合计
    # 5665.36; 社会效益 群众咨询、投诉…处理提升程度 and 对信息化项目评审工作效率提升程度 both 显著.
    filing = sample_forms()[BAOAN_OVERALL.name, 509]
    assert (filing.kind, filing.fiscal_year, filing.amount_unit, len(filing.tasks)) == ("overall", 2023, "万元", 12)
    assert filing.task_totals["total_amount"] == sum(task.total_amount or 0 for task in filing.tasks)
    assert filing.task_totals == {
        "total_amount": Decimal("56653600"),
        "fiscal_amount": Decimal("56653600"),
        "other_amount": Decimal("0"),
    }
    assert pinned_filing(filing) == [
        ("vague_value", "warning", "效益/社会效益 · 群众咨询、投诉，提出意见和建议处理提升程度"),
        ("vague_value", "warning", "效益/社会效益 · 对信息化项目评审工作效率提升程度"),
    ]


def test_dapeng_poverty_relief_program_aims_at_full_satisfaction():
    # 003 一级项目 新区对口支援专项资金 (2021 年度): 接受精准扶贫人员满意度 100%; 帮扶村民脱贫率 提升. No code,
    # 实施期限 or 指标解释 on this form, so the rules about those stay silent.
    filing = sample_forms()[DAPENG.name, 763]
    assert (filing.kind, filing.name, filing.fiscal_year) == ("program", "新区对口支援专项资金", 2021)
    assert pinned_filing(filing) == [
        ("satisfaction", "warning", "满意度/服务对象满意度 · 接受精准扶贫人员满意度"),
        ("vague_value", "warning", "效益/社会效益 · 帮扶村民脱贫率"),
    ]


def test_dapeng_government_services_program_writes_two_targets_in_one_value():
    # 003 一级项目 政务服务事务: “秒批”事项数量 ≥50 个秒批/70 个秒报; 驻场工作时间 7x24 小时不间断电话支持服务.
    filing = sample_forms()[DAPENG.name, 578]
    assert [subject for rule, _, subject in pinned_filing(filing) if rule == "value_readable"] == [
        "产出/数量 · “秒批”事项数量",
        "产出/时效 · 政府网站运行维护专职工程师驻场工作时间",
    ]


def test_no_rule_crashes_on_any_sample_and_every_finding_names_what_it_is_about():
    for filing in sample_forms().values():
        for finding in run_rules(filing):
            assert finding.subject and finding.message

"""The rules' plain data from a layout that splits the target over 指标性质 · 指标值 · 度量单位 and weighs
its rows: read from a parsed form, from a stored one, and the two provincial forms of shared/provinces
read and checked end to end."""

from decimal import Decimal

import pytest

from checks.engine import run_rules
from checks.filing import read_weight
from checks.services import findings_for
from checks.sources import filing_from_parsed
from indicators.models import FormTemplate, Indicator, Level2Category
from indicators.taxonomy import GANSU_2023, PROJECT_LAYOUTS, SICHUAN_2023
from projects.models import Department
from projects.parsers.filing import Layout, ParsedFiling, ParsedIndicator
from projects.parsers.text import parse_text


def parsed_row(name, value, **extras) -> ParsedIndicator:
    return ParsedIndicator("产出", "数量", name, value, "", False, 1, extras=extras)


def parsed_filing(*rows: ParsedIndicator, **values) -> ParsedFiling:
    header = {"code": "511124230000000000001", "name": "村组干部报酬", "current_amount": Decimal("3309840.00")}
    return ParsedFiling("project", 1, {**header, **values}, "元", list(rows))


@pytest.mark.parametrize(
    ("text", "weight"),
    [
        ("10", Decimal(10)),
        (" 12.5 ", Decimal("12.5")),
        ("１０", Decimal(10)),
        ("10%", Decimal(10)),
        ("10分", Decimal(10)),
    ],
)
def test_a_weight_is_read_tolerantly(text, weight):
    assert read_weight(text) == weight


@pytest.mark.parametrize("text", ["", "  ", "十", "10-20", "NaN", "Infinity"])
def test_a_blank_weight_or_one_that_is_no_number_reads_as_none(text):
    assert read_weight(text) is None


def test_a_parsed_rows_value_is_the_whole_target_and_its_parts_and_weight_are_kept():
    row = parsed_row("村组干部230人", "230", nature="≥", measure="个", weight="10", direction="正向指标")
    [plain] = filing_from_parsed(parsed_filing(row), template=SICHUAN_2023).rows
    assert (plain.value, plain.nature, plain.measure) == ("≥230个", "≥", "个")
    assert (plain.weight, plain.weight_text) == (Decimal(10), "10")
    assert (plain.parsed.comparator, plain.parsed.number, plain.parsed.unit) == ("≥", Decimal(230), "个")


def test_a_qualitative_target_and_a_layout_without_extra_columns_read_as_written():
    qualitative, plain = parsed_row("社会影响", "显著", nature="定性"), parsed_row("开放天数", "=300天")
    rows = filing_from_parsed(parsed_filing(qualitative, plain), template=GANSU_2023).rows
    assert [(row.value, row.weight, row.weight_text) for row in rows] == [("显著", None, ""), ("=300天", None, "")]


def test_a_weight_that_is_no_number_is_kept_as_written_for_rule_20():
    [plain] = filing_from_parsed(parsed_filing(parsed_row("人数", "230", weight="十")), template=SICHUAN_2023).rows
    assert (plain.weight, plain.weight_text) == (None, "十")


def test_a_parsed_filing_is_labelled_and_read_as_its_layout_prints_it():
    filing = filing_from_parsed(
        parsed_filing(calculation_basis="按230人×1200元/月×12个月测算", project_type="专项工作经费"),
        template=GANSU_2023,
    )
    assert filing.labels["project_type"] == "项目分类"
    assert filing.calculation_basis == ""  # 甘肃 has no 测算依据
    assert filing.project_type == "专项工作经费"
    sichuan = filing_from_parsed(parsed_filing(total_amount=Decimal(1)), template=SICHUAN_2023)
    assert "total_amount" not in sichuan.labels and sichuan.total_amount is None


# A stored filing in the 四川 layout


@pytest.fixture
def sichuan_filing(make_filing):
    department = Department.objects.create(name="井研县马踏镇人民政府")
    filing = make_filing(department, year=2023, code="511124230000000000001")
    filing.template = FormTemplate.objects.get(code=SICHUAN_2023.code)
    filing.save()
    filing.indicators.all().delete()
    rows = [
        ("效益", "社会效益", "维护社会稳定", "≥", "95", "%", "10"),
        ("产出", "时效", "维持时效", "≥", "1", "年", "20"),
        ("产出", "质量", "按时发放", "≥", "1", "人/年", "10"),
        ("效益", "经济效益", "促进村集体经济发展", "≥", "95", "%", "10"),
        ("产出", "数量", "村组干部230人", "≥", "230", "个", "10"),
        ("效益", "生态效益", "保护生态环境卫生", "≥", "95", "%", "10"),
        ("效益", "可持续影响", "项目维持时效", "≥", "95", "%", "10"),
        ("满意度", "服务对象满意度", "人民群众满意度", "≥", "95", "%", "10"),
    ]
    Indicator.objects.bulk_create(
        Indicator(
            filing=filing,
            category=Level2Category.objects.get(parent__template=filing.template, parent__name=level1, name=level2),
            position=position,
            name=name,
            nature=nature,
            value=value,
            measure=measure,
            weight=Decimal(weight),
        )
        for position, (level1, level2, name, nature, value, measure, weight) in enumerate(rows, start=1)
    )
    return filing


def test_a_stored_sichuan_filing_weighing_90_passes_every_rule(sichuan_filing):
    assert findings_for(sichuan_filing) == []


def test_a_stored_sichuan_filing_weighing_100_is_refused_with_the_note(sichuan_filing):
    sichuan_filing.indicators.filter(name="维持时效").update(weight=Decimal(30))
    [finding] = findings_for(sichuan_filing)
    assert (finding.rule_id, finding.severity) == ("weights_total", "error")
    assert "权重合计为100，应为90（另 10 分为预算执行率）" in finding.message


def test_a_stored_split_target_is_checked_as_one_value(sichuan_filing):
    sichuan_filing.indicators.filter(name="村组干部230人").update(value="200", measure="人")
    sichuan_filing.indicators.filter(name="人民群众满意度").update(value="120")
    found = {(f.rule_id, f.subject): f.message for f in findings_for(sichuan_filing)}
    assert "指标值却是“≥200人”" in found["name_number_mismatch", "产出/数量 · 村组干部230人"]
    assert "“≥120%”超出0–100%" in found["value_readable", "满意度/服务对象满意度 · 人民群众满意度"]


# The two provincial forms, read in the layout they fit best and checked

GANSU_FORM = """二级项目支出绩效目标申报表

省级部门预算项目支出绩效目标表(2023年度)

项目编码:\t620200230000000000001\t项目名称:\t博物馆纪念馆市级免费开放补助资金
一级项目名称:\t文化事业发展专项资金
申请单位:\t嘉峪关城市博物馆\t一级预算单位:\t嘉峪关市文化和旅游局
项目类型:\t新增项目\t项目分类:\t专项工作经费
资金用途:\t业务类项目
项目开始日期:\t2023-01-01\t项目完成日期:\t2023-12-31
项目总金额（中期规划，万元）:\t20万元\t本年度项目金额（万元）:\t20万元
中央补助安排:\t0\t省级财政安排:\t0
其他资金:\t20万元\t资金性质:\t一般公共预算
基本情况:\t保障博物馆正常运转
政策依据:\t甘财科[2022]78号
年度目标:\t进一步提高博物馆纪念馆运行效率和免费开放服务水平
一级指标\t二级指标\t三级指标\t指标值
产出指标\t数量指标\t免费开放天数\t=300天
\t质量指标\t博物馆绩效考核指标完成率\t=100百分比
\t时效指标\t各项工作完成及时率%\t=99百分比
成本指标\t经济成本指标\t资金使用效率\t=100百分比
\t社会成本指标\t对当地文物保护、文化传承影响\t长远
\t生态环境成本指标\t提升博物馆绿化水平\t提升
效益指标\t经济效益指标\t为当地提供就业岗位\t增加岗位
\t社会效益指标\t免费开放接待观众人数\t=30000人次
\t生态效益指标\t历史文化传承环保意识时限\t长远
满意度指标\t服务对象满意度\t服务对象满意度%\t=99百分比
"""

SICHUAN_FORM = """二级项目支出绩效目标申报表

部门预算项目绩效目标申报表(2023年度)
金额单位:元

项目编码:\t511124230000000000001\t项目名称:\t村组干部报酬
申请单位:\t820001-井研县马踏镇人民政府\t一级预算单位:\t820-马踏镇部门
部门预算数（元）:\t8,827,620.53
本年度项目金额（元）:\t3,309,840.00
年度目标:\t按时发放村组干部报酬
一级指标\t二级指标\t三级指标\t指标性质\t指标值\t度量单位\t权重\t指标方向性
效益指标\t社会效益指标\t维护社会稳定\t≥\t95\t%\t10\t正向指标
产出指标\t时效指标\t维持时效\t≥\t1\t年\t20\t正向指标
产出指标\t质量指标\t按时发放\t≥\t1\t人/年\t10\t正向指标
效益指标\t经济效益指标\t促进村集体经济发展\t≥\t95\t%\t10\t正向指标
产出指标\t数量指标\t村组干部230人\t≥\t230\t个\t10\t正向指标
效益指标\t生态效益指标\t保护生态环境卫生\t≥\t95\t%\t10\t正向指标
效益指标\t可持续影响指标\t项目维持时效\t≥\t95\t%\t10\t正向指标
满意度指标\t服务对象满意度指标\t人民群众满意度\t≥\t95\t%\t10\t正向指标
"""


def checked(text: str) -> list[tuple[str, str, str]]:
    layouts = {"project": [Layout.of("project", spec) for spec in PROJECT_LAYOUTS]}
    [parsed] = parse_text(text, layouts=layouts).filings
    spec = next(spec for spec in PROJECT_LAYOUTS if spec.code == parsed.template)
    filing = filing_from_parsed(parsed, template=spec, fiscal_year=2023)
    return [(f.rule_id, f.severity, f.subject) for f in run_rules(filing)]


def test_the_gansu_form_gets_its_cost_satisfaction_and_vague_findings_only():
    assert checked(GANSU_FORM) == [
        ("cost_target", "error", "成本/经济成本 · 资金使用效率"),  # =100百分比 is no amount
        ("satisfaction", "warning", "满意度/服务对象满意度 · 服务对象满意度%"),  # =99% above the usual 95 %
        ("vague_value", "warning", "成本/社会成本 · 对当地文物保护、文化传承影响"),  # 长远
        ("vague_value", "warning", "成本/生态环境成本 · 提升博物馆绿化水平"),  # 提升
        ("vague_value", "warning", "效益/生态效益 · 历史文化传承环保意识时限"),  # 长远
    ]


def test_the_sichuan_form_weighing_90_passes_every_rule():
    assert checked(SICHUAN_FORM) == []


def test_the_sichuan_form_weighing_100_is_refused():
    spoiled = SICHUAN_FORM.replace("维持时效\t≥\t1\t年\t20", "维持时效\t≥\t1\t年\t30")
    assert checked(spoiled) == [("weights_total", "error", "权重合计")]

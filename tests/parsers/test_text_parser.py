from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.taxonomy import SHENZHEN_2020, SHENZHEN_2020_OVERALL, SHENZHEN_2020_PROGRAM, Vocabulary
from projects.kinds import kind_named
from projects.parsers.text import FilingParseError, ParsedFiling, infer_fiscal_year, parse_filings, parse_text

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
BAOAN, FUTIAN, SHENSHAN = "000_7eb1ee1bd71f2e66.txt", "001_f24da8b7715a7516.txt", "002_a5ac6881a5caf555.txt"
DAPENG, BAOAN_OVERALL = "003_15669124a94b334e.txt", "004_4e22398a020d32fe.txt"  # 一级 and 部门整体 forms
# Each kind's categories, as the import reads every file: a file of 二级 forms holds no other kind.
VOCABULARIES = {
    "project": Vocabulary.from_spec(SHENZHEN_2020),
    "program": Vocabulary.from_spec(SHENZHEN_2020_PROGRAM),
    "overall": Vocabulary.from_spec(SHENZHEN_2020_OVERALL),
}
NA = ("不适用", "不适用", "不适用")

# A small well-formed form; the bad-input tests break one line of it at a time.
FORM = "\n".join(
    [
        "## 二级项目支出绩效目标申报表",  # line 1
        "项目编码:\t440306210601500000540\t项目名称:\t测试项目",
        "申请单位:\t甲单位\t一级预算单位:\t甲单位",
        "实施期限:\t3\t项目类型:\t15 其他经费",
        "是否新增项目:\t是\t分配方式:\t项目法",
        "项目总金额(中期规划,元):\t1,000.50\t本年度项目金额(元):\t500.00",  # line 6
        "政策依据:\t依据",
        "一级指标\t二级指标\t三级指标\t指标值\t指标解释",
        "产出\t*数量\t服务次数\t≥3次\t考察次数",  # line 9
        "\t*时效\t完成时间\t2025年12月前\t按时完成",
        "满意度\t*服务对象满意度\t群众满意度\t≥90%\t问卷调查",  # line 11: every form ends with 满意度
    ]
)


@cache
def sample_text(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


@cache
def filings_of(name: str) -> list[ParsedFiling]:
    return parse_filings(sample_text(name), vocabularies=VOCABULARIES)


def filing(name: str, code: str) -> ParsedFiling:
    (found,) = [f for f in filings_of(name) if f.code == code]
    return found


def filing_at(name: str, line: int) -> ParsedFiling:
    (found,) = [f for f in filings_of(name) if f.line == line]
    return found


def header(parsed: ParsedFiling) -> tuple:
    """The form's header fields, from 项目编码 to 本年度项目金额, in the form's order."""
    assert parsed.kind == "project"
    first = ("code", "name", "department", "top_unit", "duration_years", "project_type", "is_new", "allocation")
    return (
        *(parsed.values[name] for name in first),
        parsed.amount_unit,
        parsed.values["total_amount"],
        parsed.values["current_amount"],
    )


def rows(parsed: ParsedFiling) -> list[tuple]:
    return [(r.level1, r.level2, r.name, r.value, r.explanation) for r in parsed.indicators]


def parse(text: str) -> list[ParsedFiling]:
    return parse_filings(text, vocabularies=VOCABULARIES)


def error_of(text: str) -> FilingParseError:
    with pytest.raises(FilingParseError) as caught:
        parse(text)
    return caught.value


def with_line(text: str, number: int, replacement: str) -> str:
    lines = text.split("\n")
    lines[number - 1] = replacement
    return "\n".join(lines)


# --- every form of every sample -------------------------------------------------------------


def test_it_reads_every_form_of_the_baoan_file_with_its_indicator_rows():
    assert len(filings_of(BAOAN)) == 21
    assert sum(len(f.indicators) for f in filings_of(BAOAN)) == 210


def test_it_reads_every_form_of_the_futian_file_with_its_indicator_rows():
    assert len(filings_of(FUTIAN)) == 41
    assert sum(len(f.indicators) for f in filings_of(FUTIAN)) == 522


def test_it_reads_every_form_of_the_shenshan_file_with_its_indicator_rows():
    assert len(filings_of(SHENSHAN)) == 38
    assert sum(len(f.indicators) for f in filings_of(SHENSHAN)) == 385


@pytest.mark.parametrize("name", [BAOAN, FUTIAN, SHENSHAN])
def test_every_form_has_a_code_and_only_canonical_categories(name):
    canonical = {(level1.name, level2.name) for level1 in SHENZHEN_2020.levels for level2 in level1.children}
    for parsed in filings_of(name):
        assert len(parsed.code) == 21 and parsed.code.isdigit()
        assert parsed.kind == "project"
        assert parsed.name and parsed.department and parsed.values["top_unit"] and parsed.values["annual_goal"]
        assert {(r.level1, r.level2) for r in parsed.indicators} <= canonical


# --- 宝安 (元, ## titles, half- and full-width labels) ---------------------------------------------

BAOAN_UNIT = "深圳市宝安区政务服务数据管理局(本级)"


def test_it_reads_the_first_baoan_form_field_by_field():
    parsed = filing(BAOAN, "440306210601500000540")
    assert parsed.line == 3
    assert header(parsed) == (
        "440306210601500000540",
        "新开办企业刻制公章补贴经费",
        BAOAN_UNIT,
        BAOAN_UNIT,
        4,
        "15 其他经费",
        False,
        "因素法和项目法",
        "元",
        Decimal("49235800.00"),
        Decimal("10698600.00"),
    )
    assert parsed.labels["policy_basis"] == "政策依据"
    assert parsed.values["policy_basis"].startswith("根据《深圳市人民政府办公厅关于印发新开办企业免费刻制公章的通知》")
    assert parsed.values["calculation_basis"].startswith("包括三个项目: 一、按每月新开办企业印章量2768套/月")
    assert (
        parsed.values["annual_goal"]
        == parsed.values["long_term_goal"]
        == (
            "进一步优化宝安区营商环境,持续提升企业开办便利度,切实减轻企业负担,吸引更多企业到宝安安家落户,"
            "助力宝安经济发展。"
        )
    )
    assert len(parsed.indicators) == 10
    assert rows(parsed)[2] == (
        "产出",
        "时效",
        "经费发放及时性",
        "2023年12月前",
        "考察本项目经费发放的及时性,根据年度来发放。",
    )


def test_it_reads_the_baoan_utilities_form_with_every_indicator_row():
    parsed = filing(BAOAN, "440306221271500300004")
    assert parsed.line == 210
    assert header(parsed) == (
        "440306221271500300004",
        "水电费",
        BAOAN_UNIT,
        BAOAN_UNIT,
        4,
        "15 其他经费",
        False,
        "因素法和项目法",
        "元",
        Decimal("460905.20"),
        Decimal("131000.00"),
    )
    assert parsed.values["policy_basis"] == (
        "本项目用于支付本年度水电费,确保单位内部的水电正常使用,同时保证现有办公场地各工作正常开展。"
    )
    assert parsed.values["calculation_basis"] == (
        "包括2个项目: 一、电费12万元(1.2元/度、预计100000度/年) 二、水费1.1万元(5.5元/吨、预计2000吨/年)"
    )
    assert (
        parsed.values["annual_goal"]
        == "通过支付本年度水电费,确保单位内部的水电正常使用,同时保证现有办公场地各工作正常开展。"
    )
    assert (
        parsed.values["long_term_goal"]
        == "通过支付年度水电费,确保单位内部的水电正常使用,同时保证现有办公场地各工作正常开展。"
    )
    misspelt = ("不适应", "不适应", "不适应")
    impact = "对保障各项业务工作正常开展的影响程度"
    assert rows(parsed) == [
        ("产出", "数量", "水电供应保障面积", "≧728.79m²", "考察本项目保障的面积数值,根据合同取值。"),
        ("产出", "质量", "水电费缴纳完成率", "≧90%", "考察本项目资金缴费完成率。"),
        ("产出", "时效", "水电供应及时性", "24小时", "考察本项目供应的及时性。"),
        ("产出", "成本", "项目总成本", "≦14万元", "考察本项目所产生的总成本,根据年初预算安排设置。"),
        ("效益", "经济效益", *misspelt),
        ("效益", "社会效益", impact, "显著", f"考察本项目{impact}。"),
        ("效益", "生态效益", *misspelt),
        ("效益", "可持续影响", *misspelt),
        ("满意度", "服务对象满意度", *misspelt),
        ("满意度", "其他满意度", *misspelt),
    ]
    assert [r.not_applicable for r in parsed.indicators] == [False] * 4 + [True, False] + [True] * 4
    assert [r.line for r in parsed.indicators] == list(range(222, 232))


def test_it_reads_a_baoan_form_under_a_bold_title():
    parsed = filing(BAOAN, "440306210601500012445")
    assert parsed.line == 233
    assert header(parsed) == (
        "440306210601500012445",
        "政府购买服务(专业技术服务类)-采购",
        BAOAN_UNIT,
        BAOAN_UNIT,
        4,
        "15 其他经费",
        False,
        "因素法和项目法",
        "元",
        Decimal("10151100.00"),
        Decimal("2132600.00"),
    )
    assert parsed.values["policy_basis"].startswith(
        "根据区政务服务数据管理局的“三定”方案,负责以下工作:(1)统筹政务服务体系"
    )
    assert parsed.values["calculation_basis"].startswith(
        "包括四个事项,依据合同签订及上年度支出测算: 一、行政服务经费54.26万元"
    )
    assert parsed.values["annual_goal"] == parsed.values["long_term_goal"]
    assert parsed.values["annual_goal"].startswith("通过保障微信平台建设运营、营业执照自助领证运营")
    assert rows(parsed)[-2] == ("满意度", "服务对象满意度", "群众办事满意度", "≥90%", "考察本项目群众办事满意度。")


def test_it_reads_a_baoan_form_with_full_width_brackets_in_its_labels():
    parsed = filing(BAOAN, "440306231271500205014")
    unit = "深圳市宝安区政务服务数据管理局（本级）"
    assert header(parsed) == (
        "440306231271500205014",
        "政府购买服务（专业技术服务类）",
        unit,
        unit,
        3,
        "15 其他经费",
        False,
        "因素法和项目法",
        "元",
        Decimal("11301000.00"),
        Decimal("3767000.00"),
    )
    assert parsed.values["policy_basis"].startswith(
        "项目依据“三定”方案工作职责、《国务院办公厅关于进一步优化地方政务服务"
    )
    assert parsed.values["calculation_basis"].startswith("根据公开招标中标书金额376.7万元")
    assert (
        parsed.values["annual_goal"]
        == parsed.values["long_term_goal"]
        == ("保障深圳市12345政务服务便民热线涉及宝安区事项的转办、督促检查工作等各项工作的正常开展。")
    )
    assert rows(parsed)[0] == (
        "产出",
        "数量",
        "每年日均(工作日) 诉求处理量",
        "≥300件",
        "考察本项目的工作量，根据工作任务及历史标准取值。",
    )


def test_it_reads_the_last_row_of_a_file_that_ends_without_a_newline():
    parsed = filing(BAOAN, "440306231271525605019")
    assert not sample_text(BAOAN).endswith("\n")
    assert (parsed.indicators[-1].line, rows(parsed)[-1]) == (484, ("满意度", "其他满意度", *NA))


# --- 福田 (万元, 项目概况, bullets, merged and shifted cells) -------------------------------------

FUTIAN_BUREAU = "深圳市福田区政务服务数据管理局（本级）"


def test_it_reads_a_futian_form_with_shifted_rows_and_several_rows_under_one_category():
    parsed = filing(FUTIAN, "440304221061500600011")
    assert parsed.line == 27
    assert header(parsed) == (
        "440304221061500600011",
        "民意速办",
        FUTIAN_BUREAU,
        FUTIAN_BUREAU,
        3,
        "15 履职类项目",
        False,
        "因素法和项目法",
        "万元",
        Decimal("849.00"),
        Decimal("283.00"),
    )
    assert parsed.labels["policy_basis"] == "项目概况"
    assert parsed.values["policy_basis"].startswith("组织全区各有关单位业务骨干开展业务培训。 请市12345系统开发公司")
    assert "calculation_basis" not in parsed.values  # the form has no 测算依据
    assert parsed.values["annual_goal"].startswith("通过本项目的实施，进一步提升我区事件分拨业务水平。")
    assert parsed.values["long_term_goal"] == parsed.values["annual_goal"]
    channel = "畅通民生诉求渠道，解决民生问题"
    examines = "该指标主要考察"
    assert rows(parsed) == [
        ("产出", "数量", "驻场技术人数", "4人", f"{examines}驻场技术人数情况，是否达到目标人数"),
        ("产出", "数量", "驻场服务人数", "16人", f"{examines}发驻场服务人数情况，是否达到目标人数"),
        ("产出", "质量", "12345事件分拨完成合格率", "100%", f"{examines}12345事件分拨完成是否合格"),
        (
            "产出",
            "质量",
            "城区治理平台平台事件分拨完成合格率",
            "≥95%",
            f"{examines}城区治理平台平台事件分拨完成是否合格",
        ),
        ("产出", "质量", "平台事件分拨完成合格率", "100%", f"{examines}平台事件分拨完成是否合格"),
        ("产出", "时效", "12345业务工作分拨及时率", "100%", f"{examines}12345业务工作分拨是否及时"),
        ("产出", "时效", "城区治理平台分拨及时性", "及时", f"{examines}城区治理平台分拨是否及时"),
        ("产出", "时效", "平台事件分拨及时率", "100%", f"{examines}平台事件分拨是否及时"),
        ("产出", "成本", "支出进度达标率", "> 90%", f"{examines}支出进度是否达标"),
        ("效益", "经济效益", "不适用", "不适用", ""),  # \t效益\t经济效益\t不适用\t不适用
        ("效益", "社会效益", channel, "有效", f"{examines}本项目的实施是否{channel}"),  # *社会效益\t\t…
        ("效益", "社会效益", "提升城区治理水平", "有效", f"{examines}本项目的实施是否提升城区治理水平"),
        ("效益", "社会效益", channel, "有效", f"{examines}本项目的实施是否{channel}"),
        ("效益", "生态效益", *NA),  # 生态效益\t\t不适用\t不适用\t不适用
        ("效益", "可持续影响", *NA),  # 可持续影响\t不适用\t不适用\t不适用\t
        ("满意度", "服务对象满意度", "工作人员满意度", "≥90%", f"{examines}工作人员的满意程度"),
        ("满意度", "其他满意度", *NA),
    ]
    assert [r.line for r in parsed.indicators] == list(range(37, 54))


def test_it_reads_futian_rows_whose_category_or_name_sits_in_another_column():
    parsed = filing(FUTIAN, "440304221061500600008")
    assert header(parsed) == (
        "440304221061500600008",
        "数据规划管理",
        FUTIAN_BUREAU,
        FUTIAN_BUREAU,
        3,
        "15 履职类项目",
        False,
        "因素法和项目法",
        "万元",
        Decimal("2351.10"),
        Decimal("783.70"),
    )
    assert parsed.values["policy_basis"].startswith("利用现代化信息技术，实行现代化的管理方法和措施")
    assert parsed.values["annual_goal"] == parsed.values["long_term_goal"]
    assert parsed.values["annual_goal"].startswith("通过本项目的实施，完成以下年度目标： （一）提供使用场地及管理。")
    assert [(r.line, r.level1, r.level2, r.name, r.value) for r in parsed.indicators[16:24]] == [
        (154, "效益", "经济效益", "不适用", "不适用"),
        (155, "效益", "社会效益", "中心安全生产事故发生数", "0起"),  # \t\t*社会效益\t…
        (156, "效益", "社会效益", "保障福田区智慧城市指挥中心正常运营", "有效"),  # name\t\t\t有效\t…
        (157, "效益", "社会效益", "保障新型智慧城区系统的正常运行。", "有效"),
        (158, "效益", "社会效益", "中心信息安全事故发生数", "0起"),
        (159, "效益", "社会效益", "提升智慧福田宣传覆盖率", "有效"),  # name\t\t有效\t…\t\t
        (160, "效益", "生态效益", "不适用", "不适用"),
        (161, "效益", "可持续影响", "不适用", "不适用"),
    ]
    assert parsed.indicators[18].explanation == "该指标主要考察本项目的实施是否保障福田区智慧城市指挥中心正常运营"
    assert len(parsed.indicators) == 28


def test_it_reads_a_futian_form_whose_required_marks_are_bullets():
    parsed = filing(FUTIAN, "440304221061500000006")
    assert header(parsed) == (
        "440304221061500000006",
        "委托业务",
        FUTIAN_BUREAU,
        FUTIAN_BUREAU,
        3,
        "15 履职类项目",
        False,
        "因素法和项目法",
        "万元",
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert parsed.values["policy_basis"] == "主要用于委托业务。"
    assert (
        parsed.values["annual_goal"]
        == parsed.values["long_term_goal"]
        == "通过本项目的实施，保障本年度机关办公室正常委托业务工作开展。"
    )
    assert [(r.level1, r.level2) for r in parsed.indicators[:4]] == [
        ("产出", "数量"),
        ("产出", "质量"),
        ("产出", "时效"),
        ("产出", "成本"),  # •数量, •质量…
    ]
    assert rows(parsed)[0] == ("产出", "数量", "委托业务工作完成率", "100%", "该指标主要考察委托业务工作是否完成")


def test_it_reads_a_futian_form_of_a_subordinate_unit():
    parsed = filing(FUTIAN, "440304221061500300035")
    assert header(parsed) == (
        "440304221061500300035",
        "网络和信息安全运行维护（其他商品和服务支出）",
        "深圳市福田区数据管理中心",
        FUTIAN_BUREAU,
        3,
        "15 履职类项目",
        False,
        "因素法",
        "万元",
        Decimal("1412.65"),
        Decimal("470.88"),
    )
    assert parsed.values["policy_basis"].startswith(
        "1.项目背景：为维护我区的网络和信息安全运行，保障正常工作，特实施此项目。"
    )
    assert parsed.values["long_term_goal"].startswith("通过本项目的实施，保证福田区电子政务外网运行的网络设备")
    assert [(r.line, r.level2, r.name) for r in parsed.indicators[9:13]] == [
        (846, "经济效益", "不适用"),  # \t效益\t经济效益\t不适用\t不适用
        (847, "社会效益", "信息安全保障有效性"),  # *社会效益\t\t…
        (848, "社会效益", "提高信息安全意识"),
        (849, "生态效益", "不适用"),  # 生态效益\t\t不适用…
    ]


def test_it_keeps_angle_brackets_used_as_title_marks_and_an_empty_policy_text():
    parsed = filing(FUTIAN, "440304221061500600010")
    assert (parsed.labels["policy_basis"], parsed.values["policy_basis"]) == ("项目概况", "")
    assert "办公厅<关于全面推进社会建设“织网工程”的实施方案(试行)>的通知》" in parsed.values["annual_goal"]


# --- 深汕 (项目编号, 产出指标 labels, HTML, multi-line text) ---------------------------------------

SHENSHAN_UNIT = "深圳市深汕特别合作区智慧城市建设管理服务中心（本级）"


def test_it_reads_the_first_shenshan_form_filed_under_a_project_number():
    parsed = filing(SHENSHAN, "440313231211501105025")
    assert parsed.line == 3
    assert header(parsed) == (
        "440313231211501105025",
        "2023年度深汕新型智慧城市项目技术审核和造价咨询服务采购项目",
        SHENSHAN_UNIT,
        SHENSHAN_UNIT,
        2,
        "15 履职类(运转)项目",
        False,
        "项目法",
        "元",
        Decimal("1544174.00"),
        Decimal("1080384.76"),
    )
    assert parsed.values["policy_basis"] == (
        "根据《国务院办公厅关于印发〈国家政务信息化项目建设管理办法〉的通知》（国办发〔2019〕57号），"
        "需要对相关项目进行造价审核与咨询服务。"
    )
    assert parsed.values["calculation_basis"].startswith(
        "本项目已招采，并签订了合同，根据合同规定，本项目预算最高价格为"
    )
    assert parsed.values["annual_goal"].endswith(
        "2. 及时提供高质量的项目造价咨询服务(造价审核报告与市场行情偏差不超过 20%)。"
    )
    assert parsed.values["long_term_goal"].startswith("根据深圳市深汕特别合作区长期工作规划")
    cost_rate = "考察项目成本是否控制在预算范围内，项目成本控制率(%)=实际使用的项目成本金额/项目预计成本金额*100%"
    assert rows(parsed) == [
        (
            "产出",
            "数量",
            "技术审核或造价咨询文件数量",
            "≥2",
            "反映成果提交完成度，已完成的技术审核或造价咨询文件数量。",
        ),
        (
            "产出",
            "质量",
            "技术审核或造价咨询文件采纳率",
            "≥90%",
            "考核是否及时提供高质量的项目造价咨询服务技术审核或造价咨询。 "
            "文件采纳率=已采纳的技术审核或造价咨询文件/服务单位提交的技术审核或造价咨询文件总数",
        ),
        (
            "产出",
            "时效",
            "技术驻场支撑",
            "100%",
            "提供2名驻场人员，按工作日工作时间随时提供支撑服务，24小时驻场支撑，"
            "全部工作完成时间控制在2024年12月31日以前。",
        ),
        ("产出", "成本", "成本控制率", "≤100%", cost_rate),
        ("效益", "经济效益", *NA),
        (
            "效益",
            "社会效益",
            "提高技术保障率",
            "≥80%",
            "促进全区信息化项目的技术可行性和价格合理性，为全区信息化技术人才赋能，反映提升信息化技术人员技术素养，"
            "保障信息化项目建设。技术培训出勤率=智建中心技术人员参加培训人数/智建中心技术人员总数*100%",
        ),
        ("效益", "生态效益", *NA),
        ("效益", "可持续影响", *NA),
        (
            "满意度",
            "服务对象满意度",
            "服务满意度",
            "≥90%",
            "考察服务整体质量，以合同约定的考评表考核结果为准，考核总分/满分*100%",
        ),
        ("满意度", "其他满意度", *NA),
    ]


def test_it_keeps_two_shenshan_rows_under_the_same_category_in_order():
    parsed = filing(SHENSHAN, "440313241211501000019")
    unit = "深圳市深汕特别合作区智慧城市建设管理服务中心(本级)"
    assert header(parsed) == (
        "440313241211501000019",
        "深汕特别合作区大数据融合创新服务",
        unit,
        unit,
        2,
        "15 履职类(运转)项目",
        True,
        "项目法",
        "元",
        Decimal("1400000.00"),
        Decimal("980000.00"),
    )
    assert parsed.values["policy_basis"].startswith(
        "根据《深圳市数字政府和智慧城市“十四五”发展规划》要求,十四五期间主要目标为:"
    )
    assert parsed.values["calculation_basis"].startswith("项目预算费用为:168万,主要内容如下:")
    assert parsed.values["calculation_basis"].endswith("2024年预算为98万,2025年预算为42万。")
    assert parsed.values["annual_goal"].startswith(
        "根据深圳市深汕特别合作区长期工作规划和单位区域建设和管理和履职工作需要"
    )
    assert parsed.values["long_term_goal"].endswith("拓展政务数据、社会数据在数字政府建设的应用场景。")
    assert [(r.level2, r.name, r.value) for r in parsed.indicators[:4]] == [
        ("数量", "数据运营服务", "1项"),
        ("数量", "应用场景服务", "5项"),
        ("质量", "应用场景服务", "100%"),
        ("时效", "合同签订时间", "2024年10月前签订合同"),
    ]


def test_it_joins_free_text_spread_over_several_lines():
    parsed = filing(SHENSHAN, "440313231211500705026")
    assert header(parsed) == (
        "440313231211500705026",
        "智慧城市综合运维人员服务采购项目",
        SHENSHAN_UNIT,
        SHENSHAN_UNIT,
        5,
        "15 履职类(运转)项目",
        False,
        "项目法",
        "元",
        Decimal("27895990.00"),
        Decimal("4809500.00"),
    )
    assert parsed.values["policy_basis"].split("\n") == [
        "根据深圳市深汕特别合作区预算中期规划和区域建设、经济和发展规划，单位长期工作计划和年度履职工作任务，"
        "参考历年预算编制和执行情况，结合预算绩效管理考核和整改反馈情况，单位年度工作预算报批和请示。",
        "一、2022年合作区园区网络与桌面运维技术服务项目采购合同",
        "二、2023年合作区园区网络与桌面运维技术服务项目采购合同",
        "三、2023年度智慧城市驻场运维服务项目采购合同",
        "四、深汕特别合作区群众诉求服务软件运维合同",
        "五、深圳市深汕特别合作区2023年度OA系统运维服务合同",
        "六、深汕特别合作区招生与学籍系统运维服务合同",
    ]
    assert len(parsed.values["calculation_basis"].split("\n")) == 6
    assert parsed.values["calculation_basis"].endswith(
        "5. 根据深汕特别合作区招生与学籍系统运维服务合同，每年运维费为6万元。"
    )
    assert parsed.values["annual_goal"] == parsed.values["long_term_goal"]
    assert parsed.values["annual_goal"].startswith("智慧城市运维服务是落实智慧城市统一运维的重要举措之一")
    assert len(parsed.indicators) == 10


def test_it_keeps_a_second_policy_text_when_a_form_has_two():
    parsed = filing(SHENSHAN, "440313221210201305002")
    assert header(parsed) == (
        "440313221210201305002",
        "2022年财政部农村综合改革转移支付预算",
        SHENSHAN_UNIT,
        SHENSHAN_UNIT,
        5,
        "02 政府投资项目",
        False,
        "项目法",
        "元",
        Decimal("39180701.20"),
        Decimal("360150.00"),
    )
    assert parsed.labels["policy_basis"] == "政策依据"
    assert parsed.values["policy_basis"].startswith("根据深圳市深汕特别合作区2022年第4次党工委会议纪要")
    assert list(parsed.other_bases) == ["项目申报依据"]
    assert parsed.other_bases["项目申报依据"].startswith(
        "(1) 本项目软件开发费用测算参照《软件工程软件开发成本度量规范》"
    )
    assert parsed.values["annual_goal"] == "完成数字乡村项目商用密码安全评估及安全测评全部测评，并支付对应合同尾款。"


# --- 大鹏 (a 部门整体 form and 7 一级 forms, 2021) and 宝安's 部门整体 form (2023) ----------------------

DAPENG_UNIT = "深圳市大鹏新区政务服务数据管理局"


def test_a_file_of_二级_forms_holds_no_other_kind_and_nothing_outside_its_forms():
    for name in (BAOAN, FUTIAN, SHENSHAN):
        parsed = parse_text(sample_text(name), vocabularies=VOCABULARIES)
        assert {f.kind for f in parsed.filings} == {"project"}
        assert (parsed.skipped_lines, parsed.skipped_headings) == (0, [])


def test_it_reads_the_overall_form_and_the_seven_program_forms_of_the_dapeng_file():
    filings = filings_of(DAPENG)
    programs = [(533, "一般管理事务", "524.11"), (578, "政务服务事务", "612.92"), (621, "科学技术管理事务", "78.00"),
                (650, "大厅运营事务", "637.54"), (701, "信息事务", "1096.88"), (733, "政府投资项目", "1425.00"),
                (763, "新区对口支援专项资金", "15.00")]  # fmt: skip
    assert [(f.kind, f.line) for f in filings] == [("overall", 468)] + [("program", line) for line, _, _ in programs]
    assert [(f.line, f.name, f.values["total_amount"]) for f in filings[1:]] == [
        (line, name, Decimal(amount)) for line, name, amount in programs
    ]
    # Each form prints its year ((2021 年度)) and its unit (资金总额（万元）, 单位：万元).
    assert {(f.department, f.fiscal_year, f.amount_unit) for f in filings} == {(DAPENG_UNIT, 2021, "万元")}
    assert infer_fiscal_year(filings) == 2021


def test_it_skips_the_budget_publication_around_the_forms_and_counts_what_it_skipped():
    parsed = parse_text(sample_text(DAPENG), vocabularies=VOCABULARIES)
    assert parsed.skipped_headings[:2] == ["深圳市大鹏新区政务服务数据管理局 2021 年部门预算", "目 录"]
    assert "部门预算绩效管理项目情况表" in parsed.skipped_headings
    assert parsed.skipped_lines >= len(parsed.skipped_headings) > 0
    assert parsed.filings == filings_of(DAPENG)


def test_it_reads_a_program_form_field_by_field():
    parsed = filing_at(DAPENG, 763)
    assert parsed.values == {
        "name": "新区对口支援专项资金",
        "department": DAPENG_UNIT,
        "total_amount": Decimal("15.00"),
        "fiscal_amount": Decimal("15.00"),
        "other_amount": Decimal("0.00"),
        "goal": "规范扶贫资金专项管理，提高接受精准扶贫人员满意度，帮助更多贫困人员脱贫。",
    }
    assert (parsed.kind, parsed.code, parsed.amount_unit, parsed.fiscal_year) == ("program", "", "万元", 2021)
    # 投入指标 | 测算明细 holds the cost build-up and no value; 工作时效 is 时效; 服务对象满意度指标 sits in the
    # first column.
    assert [(r.level1, r.level2, r.name, r.value) for r in parsed.indicators] == [
        ("投入", "测算明细", "上村村精准帮扶项目资金总额为 180 万元，新区 12 个单位分摊，每个单位承担 15 万元。", ""),
        ("产出", "数量", "精准扶贫工作完成率", "100%"),
        ("产出", "质量", "专项资金到位率", "100%"),
        ("产出", "质量", "专项资金发放准确率", "100%"),
        ("产出", "时效", "专项资金拨付时间", "2021 年 11 月前"),
        ("效益", "经济效益", "受帮扶村民收入水平", "提高"),
        ("效益", "社会效益", "帮扶村民脱贫率", "提升"),
        ("效益", "生态效益", "不适用", "不适用"),
        ("效益", "可持续影响", "扶贫资金专项管理规范化", "规范"),
        ("满意度", "服务对象满意度", "接受精准扶贫人员满意度", "100%"),
    ]
    assert [r.line for r in parsed.indicators] == list(range(771, 781))
    assert [r.not_applicable for r in parsed.indicators] == [False] * 7 + [True, False, False]


def test_it_reads_the_tasks_of_the_dapeng_overall_form_across_page_breaks():
    parsed = filing_at(DAPENG, 468)
    assert (parsed.kind, parsed.department, parsed.values["competent_unit"]) == ("overall", DAPENG_UNIT, DAPENG_UNIT)
    assert [(t.line, t.name, t.total_amount, t.fiscal_amount, t.other_amount) for t in parsed.tasks] == [
        (line, name, Decimal(amount), Decimal(amount), Decimal(0))
        for line, name, amount in [
            (480, "一般管理事务", "524"),
            (481, "科学技术管理事务", "78"),
            (484, "政务服务事务", "613"),
            (485, "大厅运营事务", "638"),
            (487, "信息事务", "1097"),  # written without the blank first cell
            (488, "财政专项资金", "15"),
            (489, "机构运行保障", "892"),
            (490, "政府投资项目", "1425"),  # 1,425
        ]
    ]
    # A page break cut these two; their text goes on after it.
    assert parsed.tasks[1].content.endswith("3.完成 1 个探索智慧城市的调研课题。")
    assert parsed.tasks[7].content.endswith("中的三级、二级等保要求。")
    # The 合计 row, kept as printed.
    totals = (parsed.values["total_amount"], parsed.values["fiscal_amount"], parsed.values["other_amount"])
    assert totals == (Decimal("5282"), Decimal("5282"), Decimal("0"))
    assert parsed.values["goals"].startswith("目标 1：贯彻执行国家、省、市关于政务服务、电子政务、政务数据管理")
    assert rows(parsed)[7:9] == [
        ("产出", "数量", "开展宣传活动场次", "≥4 次", ""),  # after a blank line, its value a cell further left
        ("产出", "数量", "固定资产盘点次数", "≥1 次", ""),
    ]


def test_it_reads_the_baoan_overall_form_field_by_field():
    (parsed,) = filings_of(BAOAN_OVERALL)
    assert (parsed.kind, parsed.line, parsed.fiscal_year, parsed.amount_unit) == ("overall", 509, 2023, "万元")
    assert (parsed.department, parsed.values["competent_unit"]) == (
        "深圳市宝安区政务服务数据管理局（本级）",
        "深圳市宝安区政务服务数据管理局",
    )
    # <p><u>目标 1: …</u></p> <p><u>目标 2: …: one goal to a line.
    goals = parsed.values["goals"].split("\n")
    assert [goal.split(":")[0] for goal in goals] == [f"目标 {number}" for number in range(1, 11)]
    assert goals[8] == "目标 9: 通过全年服务 1 个党代表工作室, 较好发挥党代表及党代表工作室作用, 创造浓厚党建氛围。"
    amounts = ["892.70", "13.10", "67.82", "221.90", "2216.94", "1124.86", "100.00", "266.26", "376.70", "358.08",
               "22.00", "5.00"]  # fmt: skip
    assert [t.total_amount for t in parsed.tasks] == [Decimal(amount) for amount in amounts]
    assert [t.other_amount for t in parsed.tasks] == [Decimal(0)] * 12
    assert (parsed.tasks[0].name, parsed.tasks[0].content) == (
        "基本支出",
        "本项目用于支付日常活动所发生的费用，包括人员工资、办公费等支出。",
    )
    assert parsed.tasks[8].name == "12345 分拨中心服务费"
    # 金额合计 | | 5665.36 | 5665.36 | 0
    totals = (parsed.values["total_amount"], parsed.values["fiscal_amount"], parsed.values["other_amount"])
    assert totals == (Decimal("5665.36"), Decimal("5665.36"), Decimal("0"))
    # 年度绩效指标: 三级指标 and 目标值, no 指标解释; cells shifted left on the rows after the first.
    assert [(r.level1, r.level2, r.name, r.value) for r in parsed.indicators] == [
        ("产出", "数量", "服务党代表工作室数量", "1 个"),
        ("产出", "数量", "每年日均(工作日) 诉求处理量", "≥300 件"),
        ("产出", "数量", "系统维护完成率", "100%"),
        ("产出", "数量", "召开专家评审会数量", "≤ 46 场"),
        ("产出", "质量", "诉求处理完成率", "≥90%"),
        ("产出", "质量", "信息化项目评审完成率", "≥ 90%"),
        ("产出", "时效", "办公设备维修及时性", "2 个工作日内"),
        ("产出", "成本", "项目总成本", "≤ 5666 万元"),
        ("效益", "经济效益", "不适用", "不适用"),
        ("效益", "社会效益", "群众咨询、投诉，提出意见和建议处理提升程度", "显著"),
        ("效益", "社会效益", "对信息化项目评审工作效率提升程度", "显著"),
        ("效益", "生态效益", "不适用", "不适用"),
        ("效益", "可持续影响", "不适用", "不适用"),
        ("满意度", "服务对象满意度", "补贴对象满意度", "≥90%"),
        ("满意度", "其他满意度", "不适用", "不适用"),
    ]
    assert {r.explanation for r in parsed.indicators} == {""}


# --- a small form ------------------------------------------------------------------------------


def test_it_reads_amounts_exactly_and_a_new_project_from_a_small_form():
    (parsed,) = parse(FORM)
    assert header(parsed) == (
        "440306210601500000540",
        "测试项目",
        "甲单位",
        "甲单位",
        3,
        "15 其他经费",
        True,
        "项目法",
        "元",
        Decimal("1000.50"),
        Decimal("500.00"),
    )
    assert (parsed.labels["policy_basis"], parsed.values["policy_basis"]) == ("政策依据", "依据")
    assert "calculation_basis" not in parsed.values
    assert rows(parsed) == [
        ("产出", "数量", "服务次数", "≥3次", "考察次数"),
        ("产出", "时效", "完成时间", "2025年12月前", "按时完成"),
        ("满意度", "服务对象满意度", "群众满意度", "≥90%", "问卷调查"),
    ]


def test_it_reads_a_form_written_with_full_width_colons_and_a_project_number():
    text = FORM.replace(":", "：").replace("项目编码", "项目编号").replace("(", "（").replace(")", "）")
    (parsed,) = parse(text)
    assert (parsed.code, parsed.amount_unit, parsed.values["total_amount"]) == (
        "440306210601500000540",
        "元",
        Decimal("1000.50"),
    )


# --- HTML and extraction debris ---------------------------------------------------------------


def test_it_turns_html_paragraphs_into_lines():
    basis = filing(SHENSHAN, "440313231211501100001").values["calculation_basis"]
    lines = basis.split("\n")
    assert len(lines) == 6
    assert lines[0].startswith("依据已签订合同，本项目为签一续二工单合同")
    assert lines[-1] == "注：其他类新增金额调减40%，2024年核减后预算为211.53375万元。"
    assert "<" not in basis


def test_it_writes_a_superscript_after_a_unit():
    assert (
        filing(BAOAN, "440306210601500000538")
        .values["calculation_basis"]
        .startswith("一、管道煤气费:3.7元/m³ ,根据上年度支出标准")
    )
    assert filing(BAOAN, "440306221271525600003").indicators[0].value == "≤728.79m²"


def test_it_strips_other_tags_and_unescapes_entities():
    text = FORM.replace("政策依据:\t依据", "政策依据:\t<b>依据</b> A&amp;B &lt;关于&gt;<br/>第二段")
    assert parse(text)[0].values["policy_basis"] == "依据 A&B <关于>\n第二段"


def test_it_unquotes_a_cell_exported_as_a_csv_string():
    assert (
        filing(BAOAN, "440306210601500015622").values["policy_basis"].startswith("本项目支出主要用于本单位日常管理事务")
    )


def test_it_ignores_notes_headings_and_contents_lines_around_forms():
    text = "\n".join(
        ["目录", "二级项目支出绩效目标申报表", "一、项目支出绩效目标", FORM, "备注：置灰信息无需录入。", "第 2 页"]
    )
    (parsed,) = parse(text)
    assert parsed.line == 4
    assert [r.name for r in parsed.indicators] == ["服务次数", "完成时间", "群众满意度"]


def test_it_reads_a_table_whose_header_row_is_missing():
    (parsed,) = parse(with_line(FORM, 8, ""))
    assert len(parsed.indicators) == 3


# --- bad input ---------------------------------------------------------------------------------


def test_a_text_without_any_form_is_refused():
    error = error_of("预算说明\n一、收支总表\t1\n")
    assert error.line is None
    assert str(error) == (
        "文本中没有找到申报表（二级项目支出绩效目标申报表、一级项目支出绩效目标申报表、部门（单位）整体支出绩效目标表）"
    )


def test_an_empty_text_is_refused():
    assert error_of("").line is None


def test_a_form_without_a_code_is_refused_at_its_title():
    error = error_of(with_line(FORM, 2, "项目名称:\t测试项目"))
    assert error.line == 1
    assert str(error) == "第1行：申报表缺少项目编码"


def test_a_code_that_is_not_21_digits_is_refused_at_its_line():
    error = error_of(with_line(FORM, 2, "项目编号：\t44030621060150000054\t项目名称：\t测试项目"))
    assert error.line == 2
    assert str(error) == "第2行：项目编码「44030621060150000054」应为21位数字"


def test_a_code_with_letters_is_refused():
    assert error_of(FORM.replace("440306210601500000540", "44030621060150000054O")).line == 2


def test_an_amount_that_is_not_a_number_is_refused_at_its_line():
    error = error_of(FORM.replace("1,000.50", "一千元"))
    assert error.line == 6
    assert str(error) == "第6行：项目总金额「一千元」不是数字"


def test_an_indicator_row_with_an_unknown_category_is_refused_at_its_line():
    error = error_of(with_line(FORM, 9, "产出\t*数目\t服务次数\t≥3次\t考察次数"))
    assert error.line == 9
    assert "无法识别的指标类别「*数目」" in str(error)


def test_a_first_indicator_row_without_a_category_is_refused():
    error = error_of(with_line(FORM, 9, "\t\t服务次数\t≥3次\t考察次数"))
    assert error.line == 9
    assert "无法识别该行的指标类别" in str(error)


def test_a_row_whose_categories_contradict_each_other_is_refused():
    error = error_of(with_line(FORM, 9, "产出\t社会效益\t服务次数\t≥3次\t考察次数"))
    assert (error.line, error.message) == (9, "一级指标「产出」与二级指标「社会效益」不符")


def test_a_new_first_level_category_without_its_second_level_is_refused():
    assert error_of(FORM + "\n效益\t\t满意率\t≥90%\t解释").line == 12


def test_two_forms_run_together_without_a_title_are_refused():
    second_header = "\n".join(FORM.split("\n")[1:3])
    error = error_of(FORM + "\n" + second_header)
    assert error.line == 12
    assert "表头字段「项目编码」" in str(error)


def test_a_bad_line_deep_in_a_sample_is_named_by_its_line_in_the_file():
    text = with_line(sample_text(FUTIAN), 846, "*社会效益\t*服务对象满意度\t信息安全保障有效性\t有效\t解释")
    error = error_of(text)
    assert error.line == 846
    assert str(error).startswith("第846行：")


def test_an_error_is_a_value_error_with_a_chinese_message():
    error = error_of(FORM.replace("500.00", "五百"))
    assert isinstance(error, ValueError)
    assert str(error) == "第6行：本年度项目金额「五百」不是数字"


# --- fiscal year ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "year"), [(BAOAN, 2023), (FUTIAN, 2022), (SHENSHAN, 2024)])
def test_it_infers_the_fiscal_year_of_each_sample(name, year):
    assert infer_fiscal_year(filings_of(name)) == year


def test_the_most_common_deadline_year_wins_over_an_odd_filing():
    odd = FORM.replace("2025年12月前", "2023年12月31日前")
    filings = parse("\n".join([FORM, FORM, odd]))
    assert infer_fiscal_year(filings) == 2025


def test_without_deadlines_the_latest_project_code_year_is_taken():
    text = FORM.replace("2025年12月前", "及时")
    newer = text.replace("440306210601500000540", "440306231271500205014")
    assert infer_fiscal_year(parse(text + "\n" + newer)) == 2023


def test_nothing_suggests_a_year_for_no_filings():
    assert infer_fiscal_year([]) is None


# --- arbitrary input -----------------------------------------------------------------------------

FRAGMENTS = [
    "\n",
    "\t",
    " ",
    "## ",
    "**",
    "二级项目支出绩效目标申报表",
    "项目编码:",
    "项目编号：",
    "项目名称:",
    "项目总金额（中期规划，万元）:",
    "本年度项目金额(元):",
    "实施期限:",
    "政策依据:",
    "一级指标",
    "产出",
    "*数量",
    "•质量",
    "效益",
    "社会效益指标",
    "满意度",
    "不适用",
    "不适应",
    "备注：",
    "440306210601500000540",
    "1,234.50",
    "2023年12月前",
    "<p>",
    "</p>",
    "<sup>2</sup>",
    "&amp;",
    '"',
    "9" * 30,
    # The 一级 and 部门整体 forms.
    "一级项目支出绩效目标申报表",
    "部门（单位）整体支出绩效目标表",
    "(2021 年度)",
    "单位：万元",
    "项目单位",
    "资金总额（万元）",
    "其中：财政拨款",
    "项目绩效目标",
    "部门名称",
    "主管部门",
    "年度总体目标",
    "目标 1：",
    "任务名称",
    "年度主要任务",
    "合计",
    "绩效指标",
    "投入指标",
    "测算明细",
    "1.",
    "（",
    "）",
]


def assert_well_formed(filings: list[ParsedFiling]) -> None:
    """What every form a parse returns has: its kind's identity (a 21-digit 项目编码, a 一级 project's name, a
    unit); and the year the filings suggest can be asked for."""
    for parsed in filings:
        assert parsed.kind in VOCABULARIES
        assert all(parsed.values.get(name) for name in kind_named(parsed.kind).identity)
        if parsed.kind == "project":
            assert len(parsed.code) == 21
    infer_fiscal_year(filings)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=6), max_size=60).map("".join))
def test_arbitrary_text_either_parses_or_raises_a_filing_parse_error(text):
    try:
        filings = parse(text)
    except FilingParseError as error:
        assert error.line is None or 1 <= error.line <= text.count("\n") + 1
    else:
        assert_well_formed(filings)


def mutate(lines: list[str], position: int, kind: str, text: str) -> None:
    """Damage of the kind extraction does to one line: lost, doubled, overwritten, cells shifted."""
    index = position % len(lines)
    if kind == "lose":
        del lines[index]
    elif kind == "double":
        lines.insert(index, lines[index])
    elif kind == "overwrite":
        cut = position % (len(lines[index]) + 1)
        lines[index] = lines[index][:cut] + text + lines[index][cut + len(text) :]
    else:
        lines[index] = "\t" + lines[index]


MUTATIONS = st.tuples(
    st.integers(0, 10_000), st.sampled_from(["lose", "double", "overwrite", "shift"]), st.text(max_size=8)
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([BAOAN, FUTIAN, SHENSHAN, DAPENG, BAOAN_OVERALL]), st.lists(MUTATIONS, min_size=1, max_size=6))
def test_mutated_sample_text_either_parses_or_raises_a_filing_parse_error(name, mutations):
    lines = sample_text(name).split("\n")
    for mutation in mutations:
        mutate(lines, *mutation)
    try:
        filings = parse("\n".join(lines))
    except FilingParseError as error:
        assert error.line is None or 1 <= error.line <= len(lines)
    else:
        assert_well_formed(filings)

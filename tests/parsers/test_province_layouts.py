"""Forms from other provinces are read in their own layout, found from the form itself.

The fixtures are real published forms re-laid in the text layout (see samples/provinces/*.md and
``../shared/provinces``): 甘肃 2023 (成本 as a 一级指标, added header fields), 四川 2023 (split target
columns, weights, units with their code) and 湖南 岳阳县 2022, a layout no template describes.
"""

from decimal import Decimal
from pathlib import Path

import pytest

from indicators.taxonomy import PROJECT_LAYOUTS, SHENZHEN_2020_OVERALL, SHENZHEN_2020_PROGRAM
from indicators.values import combined_target, parse_value
from projects.parsers.filing import Layout
from projects.parsers.text import FilingParseError, ParsedFiling, parse_text
from tests.helpers.provinces import GANSU_EXTRA_FIELDS

FIXTURES = Path(__file__).resolve().parents[2] / "samples" / "provinces"
SAMPLES = Path(__file__).resolve().parents[2] / "samples"
# Every layout the application seeds, Shenzhen's (the default) first, as the import passes them.
LAYOUTS = {
    "project": [Layout.of("project", spec) for spec in PROJECT_LAYOUTS],
    "program": [Layout.of("program", SHENZHEN_2020_PROGRAM)],
    "overall": [Layout.of("overall", SHENZHEN_2020_OVERALL)],
}


def read(name: str) -> ParsedFiling:
    (filing,) = parse_text((FIXTURES / name).read_text(encoding="utf-8"), layouts=LAYOUTS).filings
    return filing


def rows(filing: ParsedFiling) -> list[tuple]:
    return [(row.level1, row.level2, row.name, row.value, row.extras) for row in filing.indicators]


def test_the_gansu_form_is_read_in_its_layout_field_by_field():
    filing = read("gansu_jiayuguan_2023.txt")
    assert filing.template == "gs-2023"
    assert filing.amount_unit == "万元"
    assert filing.values == {
        "code": "620200230000000000001",
        "name": "博物馆纪念馆市级免费开放补助资金",
        "program": "文化事业发展专项资金",
        "department": "嘉峪关城市博物馆",
        "top_unit": "嘉峪关市文化和旅游局",
        "is_new": True,  # 项目类型: 新增项目
        "project_type": "专项工作经费",  # 项目分类
        "total_amount": Decimal("20"),
        "current_amount": Decimal("20"),
        "policy_basis": "甘财科[2022]78号",
        "annual_goal": "进一步提高博物馆纪念馆运行效率和免费开放服务水平",
    }
    assert filing.extra_fields == GANSU_EXTRA_FIELDS
    assert rows(filing) == [
        ("产出", "数量", "免费开放天数", "=300天", {}),
        ("产出", "质量", "博物馆绩效考核指标完成率", "=100百分比", {}),
        ("产出", "时效", "各项工作完成及时率%", "=99百分比", {}),
        ("成本", "经济成本", "资金使用效率", "=100百分比", {}),
        ("成本", "社会成本", "对当地文物保护、文化传承影响", "长远", {}),
        ("成本", "生态环境成本", "提升博物馆绿化水平", "提升", {}),
        ("效益", "经济效益", "为当地提供就业岗位", "增加岗位", {}),
        ("效益", "社会效益", "免费开放接待观众人数", "=30000人次", {}),
        ("效益", "生态效益", "历史文化传承环保意识时限", "长远", {}),
        ("满意度", "服务对象满意度", "服务对象满意度%", "=99百分比", {}),
    ]


def test_the_sichuan_form_is_read_in_its_layout_with_its_split_columns():
    filing = read("sichuan_jingyan_2023.txt")
    assert filing.template == "sc-2023"
    assert filing.amount_unit == "元"
    assert filing.values == {
        "code": "511124230000000000001",
        "name": "村组干部报酬",
        "department": "井研县马踏镇人民政府",
        "top_unit": "马踏镇部门",
        "current_amount": Decimal("3309840.00"),
        "annual_goal": "按时发放村组干部报酬",
    }
    assert filing.unit_codes == {"井研县马踏镇人民政府": "820001", "马踏镇部门": "820"}
    assert filing.extra_fields == {"部门预算数": "8,827,620.53"}
    positive = "正向指标"
    assert rows(filing) == [
        (
            "效益",
            "社会效益",
            "维护社会稳定",
            "95",
            {"nature": "≥", "measure": "%", "weight": "10", "direction": positive},
        ),
        ("产出", "时效", "维持时效", "1", {"nature": "≥", "measure": "年", "weight": "20", "direction": positive}),
        ("产出", "质量", "按时发放", "1", {"nature": "≥", "measure": "人/年", "weight": "10", "direction": positive}),
        (
            "效益",
            "经济效益",
            "促进村集体经济发展",
            "95",
            {"nature": "≥", "measure": "%", "weight": "10", "direction": positive},
        ),
        (
            "产出",
            "数量",
            "村组干部230人",
            "230",
            {"nature": "≥", "measure": "个", "weight": "10", "direction": positive},
        ),
        (
            "效益",
            "生态效益",
            "保护生态环境卫生",
            "95",
            {"nature": "≥", "measure": "%", "weight": "10", "direction": positive},
        ),
        (
            "效益",
            "可持续影响",
            "项目维持时效",
            "95",
            {"nature": "≥", "measure": "%", "weight": "10", "direction": positive},
        ),
        (
            "满意度",
            "服务对象满意度",
            "人民群众满意度",
            "95",
            {"nature": "≥", "measure": "%", "weight": "10", "direction": positive},
        ),
    ]


def test_columns_are_found_by_their_headings_not_their_places():
    text = (FIXTURES / "sichuan_jingyan_2023.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    start = next(index for index, line in enumerate(lines) if line.startswith("一级指标"))
    # 权重 and 指标方向性 first, then 度量单位 before 指标值, and 计量单位 for 度量单位.
    order = [0, 1, 6, 7, 2, 5, 4, 3]
    moved = ["\t".join(line.split("\t")[i] for i in order) for line in lines[start:] if line]
    moved[0] = moved[0].replace("度量单位", "计量单位")
    (filing,) = parse_text("\n".join(lines[:start] + moved), layouts=LAYOUTS).filings
    assert filing.template == "sc-2023"
    assert rows(filing) == rows(read("sichuan_jingyan_2023.txt"))


def test_a_form_in_a_layout_no_template_describes_keeps_every_row_and_header_value():
    filing = read("hunan_yueyang_2022.txt")
    assert filing.values == {
        "code": "430621220000000000001",
        "name": "岳阳县2022年高标准农田建设项目",
        "top_unit": "岳阳县农业农村局",  # 主管部门
        "department": "农田建设服务中心",  # 实施单位
        "current_amount": Decimal("854"),  # 年度资金总额: 854万(…)
        "annual_goal": "完成项目主体工程70%",
    }
    assert filing.amount_unit == "万元"
    assert filing.extra_fields == {
        "项目负责人及电话": "彭兵",
        "资金情况（万元）": "",
        "本年度项目金额（原文）": "854万(高标准农田建设400万元,示范建设295万元,畅通工程159万元)",
        "其中：财政拨款": "854万854万(高标准农田建设400万元,示范建设295万元,畅通工程159万元)",
        "其他资金": "",
        "总体目标": "",
    }
    assert len(filing.indicators) == 12
    assert rows(filing)[4] == ("产出", "成本", "财政资金补助", "1600元/亩", {})
    assert rows(filing)[-1] == ("满意度", "服务对象满意度", "受益脱贫(监测)户满意度", "≥95%", {})


def test_the_samples_stay_in_the_shenzhen_layout_with_nothing_extra():
    for path in sorted(SAMPLES.glob("*.txt")):
        for filing in parse_text(path.read_text(encoding="utf-8-sig"), layouts=LAYOUTS).filings:
            assert filing.template in ("sz-2020", "sz-2020-program", "sz-2020-overall"), (path.name, filing.line)
            assert filing.extra_fields == {}, (path.name, filing.line)


FORM = "\n".join(
    [
        "二级项目支出绩效目标申报表",  # line 1
        "项目编码:\t511124230000000000001\t项目名称:\t村组干部报酬",
        "申请单位:\t甲单位\t一级预算单位:\t甲单位",
        "本年度项目金额（元）:\t3,309,840.00",  # line 4
        "年度目标:\t按时发放",
        "一级指标\t二级指标\t三级指标\t指标性质\t指标值\t度量单位\t权重\t指标方向性",  # line 6
        "产出指标\t数量指标\t发放人数\t≥\t230\t人\t40\t正向指标",  # line 7
        "满意度指标\t服务对象满意度指标\t人民群众满意度\t≥\t95\t%\t50\t正向指标",
    ]
)


def test_the_small_form_reads():
    (filing,) = parse_text(FORM, layouts=LAYOUTS).filings
    assert filing.template == "sc-2023"
    assert [row.extras["weight"] for row in filing.indicators] == ["40", "50"]


@pytest.mark.parametrize(
    ("line", "replacement", "message"),
    [
        (
            6,
            "一级指标\t二级指标\t三级指标\t指标性质\t指标值\t度量单位\t权重\t考核方式",
            "第6行：指标表的栏目「考核方式」无法识别",
        ),
        (7, "产出指标\t数量指标\t发放人数\t≥\t230\t人\t四十\t正向指标", "第7行：权重「四十」不是数字"),
        (7, "产出指标\t数量指标\t发放人数\t≥\t230\t人\t40\t正向指标\t多余", "第7行：该行多出单元格「多余」"),
        (7, "产出指标\t产量指标\t发放人数\t≥\t230\t人\t40\t正向指标", "第7行：无法识别的二级指标「产量指标」"),
        (4, "本年度项目金额（元）:\t330万元", "第4行：本年度项目金额「330万元」的单位与申报表的金额单位（元）不一致"),
        (
            4,
            "本年度项目金额（元）:\t300万元或330万元",
            "第4行：本年度项目金额「300万元或330万元」不是一个金额：请只写一个金额（可带“元”或“万元”），说明放在括号内",
        ),
    ],
)
def test_bad_input_is_refused_at_its_line(line, replacement, message):
    lines = FORM.split("\n")
    lines[line - 1] = replacement
    with pytest.raises(FilingParseError) as raised:
        parse_text("\n".join(lines), layouts=LAYOUTS)
    assert str(raised.value) == message


def test_a_label_no_layout_knows_is_kept_with_the_form():
    lines = FORM.split("\n")
    lines.insert(4, "联系人:\t张三\t资金来源:\t一般公共预算")
    (filing,) = parse_text("\n".join(lines), layouts=LAYOUTS).filings
    assert filing.extra_fields == {"联系人": "张三", "资金来源": "一般公共预算"}
    assert filing.values["annual_goal"] == "按时发放"


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("约3309840元", "不是一个金额"),
        ("99999999999999999999", "超出可保存的范围"),
        ("3309840.123", "最多保留 2 位小数"),
    ],
)
def test_an_amount_that_cannot_be_one_stored_amount_is_refused_at_its_line(written, message):
    lines = FORM.split("\n")
    lines[3] = f"本年度项目金额（元）:\t{written}"
    with pytest.raises(FilingParseError) as raised:
        parse_text("\n".join(lines), layouts=LAYOUTS)
    assert raised.value.line == 4 and message in raised.value.message


@pytest.mark.parametrize("written", ["￥3,309,840", "3309840元整"])
def test_an_amount_with_a_currency_sign_or_zheng_is_read(written):
    lines = FORM.split("\n")
    lines[3] = f"本年度项目金额（元）:\t{written}"
    (filing,) = parse_text("\n".join(lines), layouts=LAYOUTS).filings
    assert filing.values["current_amount"] == Decimal("3309840")


def test_amounts_that_name_different_units_with_none_in_their_labels_are_refused():
    lines = NATIONAL.split("\n")
    lines[3] = "本年度项目金额:\t3000元"
    lines.insert(3, "项目总金额:\t20万元")
    with pytest.raises(FilingParseError) as raised:
        parse_text("\n".join(lines), layouts=LAYOUTS)
    assert str(raised.value) == "第5行：项目总金额与本年度项目金额写的金额单位不一致（元和万元），请统一"


def test_amount_labels_that_name_different_units_are_refused_at_the_second():
    lines = NATIONAL.split("\n")
    lines.insert(3, "项目总金额（元）:\t200000")
    with pytest.raises(FilingParseError) as raised:
        parse_text("\n".join(lines), layouts=LAYOUTS)
    assert str(raised.value) == "第5行：项目总金额与本年度项目金额的单位不一致（一个是元，一个是万元）"


def test_an_amount_in_prose_is_read_when_it_has_one_figure():
    lines = FORM.split("\n")
    lines[3] = "本年度项目金额（元）:\t3309840(其中报酬3000000元,保险309840元)"
    (filing,) = parse_text("\n".join(lines), layouts=LAYOUTS).filings
    assert filing.values["current_amount"] == Decimal("3309840")
    assert filing.extra_fields["本年度项目金额（原文）"] == "3309840(其中报酬3000000元,保险309840元)"


@pytest.mark.parametrize(
    ("nature", "value", "measure", "target"),
    [
        ("≥", "95", "%", "≥95%"),
        (">=", "1", "人/年", "≥1人/年"),
        ("=", "100", "百分比", "=100百分比"),
        ("定性", "显著", "", "显著"),
        ("≤", "≤20", "万元", "≤20万元"),  # a value that already carries its comparator
        ("", "95%", "%", "95%"),  # and its unit
        ("≥", "", "%", ""),
    ],
)
def test_split_columns_make_one_target(nature, value, measure, target):
    assert combined_target(nature, value, measure) == target


def test_percent_spelled_out_is_a_percentage():
    parsed = parse_value("=100百分比")
    assert (parsed.comparator, parsed.number, parsed.unit) == ("=", Decimal(100), "%")


def test_a_layout_decides_the_shape_of_its_project_codes():
    (filing,) = parse_text(FORM.replace("511124230000000000001", "51092324T000010263357"), layouts=LAYOUTS).filings
    assert (filing.template, filing.code) == ("sc-2023", "51092324T000010263357")
    shenzhen = (SAMPLES / "000_7eb1ee1bd71f2e66.txt").read_text(encoding="utf-8-sig")
    code = next(line.split("\t")[1] for line in shenzhen.split("\n") if line.startswith("项目编码"))
    with pytest.raises(FilingParseError, match="应为21位数字"):
        parse_text(shenzhen.replace(code, code[:8] + "T" + code[9:], 1), layouts=LAYOUTS)


NATIONAL = "\n".join(
    [
        "二级项目支出绩效目标申报表",
        "项目编码:\t51092324T000010263357\t项目名称:\t农村公路养护",
        "申请单位:\t大英县交通运输局\t一级预算单位:\t大英县交通运输局",
        "本年度项目金额（万元）:\t120",
        "年度目标:\t完成农村公路日常养护",
        "一级指标\t二级指标\t三级指标\t指标性质\t指标值\t度量单位\t指标解释\t指标值设定依据\t权重",
        "产出指标\t数量指标\t养护里程\t≥\t300\t公里\t年度养护里程\t计划标准\t30",
        "\t时效指标\t完成时间\t≤\t12\t月\t\t计划标准\t20",
        "成本指标\t经济成本指标\t养护成本\t≤\t120\t万元\t\t历史标准\t20",
        "\t社会成本指标\t对交通的影响\t定性\t轻微\t\t\t其他标准\t10",
        "效益指标\t社会效益指标\t公路优良路率\t≥\t80\t%\t\t行业标准\t10",
        "满意度指标\t服务对象满意度指标\t群众满意度\t≥\t90\t%\t问卷调查\t历史标准\t10",
    ]
)


def test_a_form_of_the_national_layout_is_read_in_it_with_cost_as_a_first_level_category():
    (filing,) = parse_text(NATIONAL, layouts=LAYOUTS).filings
    assert filing.template == "cn-2021"
    assert [(row.level1, row.level2) for row in filing.indicators] == [
        ("产出", "数量"),
        ("产出", "时效"),
        ("成本", "经济成本"),
        ("成本", "社会成本"),
        ("效益", "社会效益"),
        ("满意度", "服务对象满意度"),
    ]
    social = filing.indicators[3]
    # A blank cell stays blank: 定性 has no unit, and the next columns stay in their places.
    assert social.extras == {"nature": "定性", "measure": "", "basis": "其他标准", "weight": "10"}
    assert social.value == "轻微" and social.explanation == ""
    assert combined_target("定性", social.value, "") == "轻微"


def test_a_column_no_layout_lists_is_still_read_and_kept():
    # 重庆's 分值 column and 湖南's 备注 column, in a form otherwise of the Shenzhen layout.
    lines = [
        "二级项目支出绩效目标申报表",
        "项目编码:\t500236230000000000001\t项目名称:\t道路养护",
        "申请单位:\t奉节县交通局\t一级预算单位:\t奉节县交通局",
        "一级指标\t二级指标\t三级指标\t指标值\t分值(0-20)\t指标解释\t备注",
        "产出指标\t数量指标\t养护里程\t≥300公里\t20\t年度养护里程\t按季度考核",
        "满意度指标\t服务对象满意度指标\t群众满意度\t≥90%\t10\t问卷调查\t",
    ]
    (filing,) = parse_text("\n".join(lines), layouts=LAYOUTS).filings
    assert filing.template == "sz-2020"
    first, last = filing.indicators
    assert (first.name, first.value, first.explanation) == ("养护里程", "≥300公里", "年度养护里程")
    assert first.extras == {"score": "20", "remark": "按季度考核"}
    assert last.extras == {"score": "10", "remark": ""}


def test_a_form_with_more_other_labels_than_any_layout_has_is_refused_at_the_line():
    lines = FORM.split("\n")
    lines[4:4] = [f"栏目{'甲乙丙丁戊己庚辛壬癸'[n // 10]}{'甲乙丙丁戊己庚辛壬癸'[n % 10]}:\t值" for n in range(41)]
    with pytest.raises(FilingParseError) as raised:
        parse_text("\n".join(lines), layouts=LAYOUTS)
    assert str(raised.value) == "第45行：表头栏目过多：表样以外的栏目超过 40 个，请核对文件是否为申报表"


def test_a_label_written_twice_keeps_both_texts_within_the_length_limit():
    lines = FORM.split("\n")
    lines[4:4] = ["联系人:\t张三", "联系人:\t李四"]
    (filing,) = parse_text("\n".join(lines), layouts=LAYOUTS).filings
    assert filing.extra_fields == {"联系人": "张三\n李四"}
    lines[4:6] = ["说明:\t" + "甲" * 3000, "说明:\t" + "乙" * 3000]
    with pytest.raises(FilingParseError, match="第6行：说明超过 5000 个字"):
        parse_text("\n".join(lines), layouts=LAYOUTS)


def test_an_amount_a_layout_adds_is_kept_as_written_but_must_be_one_amount():
    lines = FORM.split("\n")
    lines.insert(3, "部门预算数（元）:\t8,827,620.53")
    (filing,) = parse_text("\n".join(lines), layouts=LAYOUTS).filings
    assert filing.extra_fields == {"部门预算数": "8,827,620.53"}
    lines[3] = "部门预算数（元）:\t很多钱"
    with pytest.raises(FilingParseError) as raised:
        parse_text("\n".join(lines), layouts=LAYOUTS)
    assert str(raised.value) == "第4行：部门预算数「很多钱」不是一个金额，请只填写一个数字（可带“元”或“万元”）"


def _first_sample_form() -> tuple[list[str], int]:
    """The first form of sample 000 as lines, and the index of its first indicator row."""
    text = (SAMPLES / "000_7eb1ee1bd71f2e66.txt").read_text(encoding="utf-8-sig")
    lines = text.split("\n")
    heading = next(index for index, line in enumerate(lines) if line.lstrip().startswith("一级指标"))
    return lines, heading + 1


def test_a_shenzhen_row_with_a_cell_too_many_is_refused_not_read_in_a_wider_layout():
    lines, row = _first_sample_form()
    lines[row] = lines[row] + "\t多出的单元格"
    with pytest.raises(FilingParseError) as raised:
        parse_text("\n".join(lines), layouts=LAYOUTS)
    assert raised.value.line == row + 1 and "该行多出单元格" in raised.value.message


def test_columns_read_cell_by_cell_follow_the_headings_order():
    lines = FORM_SHENZHEN.split("\n")
    lines[7] = "一级指标\t二级指标\t三级指标\t指标解释\t指标值"
    lines[8] = "产出\t*数量\t服务次数\t考察次数\t≥3次"
    (filing,) = parse_text("\n".join(lines), layouts=LAYOUTS).filings
    first = filing.indicators[0]
    assert (first.name, first.value, first.explanation) == ("服务次数", "≥3次", "考察次数")


FORM_SHENZHEN = "\n".join(
    [
        "## 二级项目支出绩效目标申报表",
        "项目编码:\t440306210601500000540\t项目名称:\t测试项目",
        "申请单位:\t甲单位\t一级预算单位:\t甲单位",
        "实施期限:\t3\t项目类型:\t15 其他经费",
        "是否新增项目:\t是\t分配方式:\t项目法",
        "项目总金额(中期规划,元):\t1,000.50\t本年度项目金额(元):\t500.00",
        "政策依据:\t依据",
        "一级指标\t二级指标\t三级指标\t指标值\t指标解释",
        "产出\t*数量\t服务次数\t≥3次\t考察次数",
        "\t*时效\t完成时间\t2025年12月前\t按时完成",
        "满意度\t*服务对象满意度\t群众满意度\t≥90%\t问卷调查",
    ]
)


def test_a_column_no_layout_lists_is_bounded_too():
    lines = [
        "二级项目支出绩效目标申报表",
        "项目编码:\t500236230000000000001\t项目名称:\t道路养护",
        "申请单位:\t奉节县交通局\t一级预算单位:\t奉节县交通局",
        "一级指标\t二级指标\t三级指标\t指标值\t指标解释\t备注",
        f"产出指标\t数量指标\t养护里程\t≥300公里\t年度养护里程\t{'长' * 201}",
        "满意度指标\t服务对象满意度指标\t群众满意度\t≥90%\t问卷调查\t",
    ]
    with pytest.raises(FilingParseError) as raised:
        parse_text("\n".join(lines), layouts=LAYOUTS)
    assert str(raised.value) == "第5行：备注超过 200 个字（201 个字）"


def test_a_label_and_its_value_in_one_cell_are_kept():
    lines = FORM.split("\n")
    lines[4:4] = ["联系人：张三\t13800000000", "经办人：李四\t电话:\t0833-1234567"]
    (filing,) = parse_text("\n".join(lines), layouts=LAYOUTS).filings
    assert filing.extra_fields == {"联系人": "张三 13800000000", "经办人": "李四", "电话": "0833-1234567"}
    assert filing.values["annual_goal"] == "按时发放"


@pytest.mark.parametrize(
    ("fixture", "year"),
    [("gansu_jiayuguan_2023.txt", 2023), ("sichuan_jingyan_2023.txt", 2023), ("hunan_yueyang_2022.txt", 2022)],
)
def test_the_year_a_forms_own_title_prints_is_its_year(fixture, year):
    assert read(fixture).fiscal_year == year

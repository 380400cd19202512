import itertools
from decimal import Decimal

import pytest

from indicators.models import Indicator, Level2Category
from projects.models import Filing
from projects.printing.form import form_context, format_amount, header_rows, indicator_levels, template_categories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "printed"),
    [
        (Decimal("49235800.00"), "49,235,800.00"),
        (Decimal("283"), "283.00"),
        (Decimal("108.038476"), "108.038476"),
        (Decimal("0"), "0.00"),
        (None, ""),
    ],
)
def test_amounts_get_thousands_separators_and_keep_every_significant_decimal(amount, printed):
    assert format_amount(amount) == printed


def _pairs(row) -> list[tuple[str, str]]:
    return [(cell.label, cell.value) for cell in row]


def test_amounts_print_in_the_unit_the_filing_used(samples):
    project = Filing.objects.get(code="440304221061500600011")
    rows, _, _ = header_rows(project)
    assert _pairs(rows[-1]) == [("项目总金额（中期规划，万元）", "849.00"), ("本年度项目金额（万元）", "283.00")]
    project = Filing.objects.get(code="440306210601500000540")
    rows, _, _ = header_rows(project)
    assert _pairs(rows[-1]) == [
        ("项目总金额（中期规划，元）", "49,235,800.00"),
        ("本年度项目金额（元）", "10,698,600.00"),
    ]


def test_the_project_header_prints_two_pairs_a_row_then_its_long_texts(samples):
    project = Filing.objects.get(code="440306210601500000540")
    rows, texts, pairs = header_rows(project)
    assert pairs == 2
    assert [_pairs(row) for row in rows[:4]] == [
        [("项目编码", "440306210601500000540"), ("项目名称", "新开办企业刻制公章补贴经费")],
        [
            ("申请单位", "深圳市宝安区政务服务数据管理局(本级)"),
            ("一级预算单位", "深圳市宝安区政务服务数据管理局(本级)"),
        ],
        [("实施期限", "4年"), ("项目类型", "15 其他经费")],
        [("是否新增项目", "否"), ("分配方式", "因素法和项目法")],
    ]
    assert all(cell.span == 1 for row in rows for cell in row)
    assert [cell.label for cell in texts] == ["政策依据", "测算依据", "年度目标", "长期目标（跨度多年的项目需填）"]
    assert texts[2].value == project.project_header.annual_goal


def test_the_policy_basis_row_uses_the_label_the_filing_used(samples):
    _, texts, _ = header_rows(Filing.objects.get(code="440304221061500600011"))
    assert texts[0].label == "项目概况"


def test_the_program_header_prints_three_pairs_a_row_the_shorter_rows_widening_their_last_value(samples):
    program = Filing.objects.get(kind="program", name="大厅运营事务")
    rows, texts, pairs = header_rows(program)
    assert pairs == 3
    assert _pairs(rows[0]) == [("项目名称", "大厅运营事务"), ("项目单位", "深圳市大鹏新区政务服务数据管理局")]
    assert [cell.span for cell in rows[0]] == [1, 3]
    assert _pairs(rows[1]) == [("资金总额（万元）", "637.54"), ("其中：财政拨款", "637.54"), ("其他资金", "0.00")]
    assert [cell.span for cell in rows[1]] == [1, 1, 1]
    assert [cell.label for cell in rows[2]] == ["填报人", "联系电话"]
    assert [cell.label for cell in texts] == ["项目绩效目标"]
    assert texts[0].value.startswith("1、为企业群众提供一门式一窗式政务服务")


def test_the_overall_form_prints_its_units_and_goals_and_its_tasks_with_their_total(samples):
    overall = Filing.objects.get(kind="overall", fiscal_year=2023)
    rows, texts, pairs = header_rows(overall)
    assert pairs == 2
    assert [_pairs(row) for row in rows] == [
        [("部门（单位）名称", "深圳市宝安区政务服务数据管理局(本级)"), ("主管部门", "深圳市宝安区政务服务数据管理局")]
    ]
    assert [cell.label for cell in texts] == ["年度总体目标"]
    assert "目标 1" in texts[0].value and "目标 10" in texts[0].value
    context = form_context(overall, levels=[])
    tasks = context["tasks"]
    assert tasks["unit"] == "万元"
    assert [column.label for column in tasks["columns"]] == [
        "任务名称",
        "主要内容",
        "总额",
        "其中：财政拨款",
        "其中：其他资金",
    ]
    assert len(tasks["rows"]) == 12
    assert tasks["rows"][0][0] == "基本支出" and tasks["rows"][0][2:] == ["892.70", "892.70", "0.00"]
    assert tasks["rows"][-1][0] == "党代表工作室运行经费"
    assert tasks["totals"] == ["5,665.36", "5,665.36", "0.00"]


def test_only_the_overall_form_has_a_task_table(samples):
    for kind in ("project", "program"):
        assert form_context(Filing.objects.filter(kind=kind).earliest("pk"), levels=[])["tasks"] is None


def test_every_category_of_the_template_is_printed_in_order_with_a_blank_row_when_missing(samples):
    project = Filing.objects.get(code="440306210601500000540")
    economic = Level2Category.objects.get(parent__template=project.template, name="经济效益")
    Indicator.objects.filter(filing=project, category=economic).delete()
    levels = indicator_levels(project.indicators.all(), template_categories(project.template_id))
    assert [level.label for level in levels] == ["产出", "效益", "满意度"]
    assert [group.label for group in levels[1].groups] == ["经济效益", "*社会效益", "生态效益", "可持续影响"]
    [blank] = levels[1].groups[0].rows
    assert (blank.name, blank.value, blank.explanation) == ("", "", "")
    assert levels[0].groups[0].rows[0].name == "服务企业数量"


def test_the_program_forms_categories_are_its_own_templates(samples):
    program = Filing.objects.get(kind="program", name="大厅运营事务")
    levels = indicator_levels(program.indicators.all(), template_categories(program.template_id))
    assert [level.label for level in levels][:2] == ["投入", "产出"]
    [calculation] = levels[0].groups
    assert calculation.label.lstrip("*") == "测算明细"
    assert calculation.rows[0].name.startswith("1.综合窗口岗位人员购买服务经费 164.4 万元")
    assert sum(len(group.rows) for level in levels for group in level.groups) >= program.indicators.count()


@pytest.mark.django_db
def test_two_level1_categories_of_one_order_keep_their_own_level2_together(samples):
    project = Filing.objects.filter(kind="project").first()
    first, second = project.template.level1_categories.order_by("order")[:2]
    second.order = first.order
    second.save()
    labels = [category.level1 for category in template_categories(project.template_id).values()]
    runs = [label for label, _ in itertools.groupby(labels)]
    assert len(runs) == len(set(labels)) == 3  # each 一级 once, with its 二级 in one run

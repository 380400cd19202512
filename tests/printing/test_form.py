from decimal import Decimal

import pytest

from indicators.models import Indicator, Level2Category
from projects.models import Project
from projects.printing.form import format_amount, header_rows, indicator_levels, template_categories

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


def test_amounts_print_in_the_unit_the_filing_used(samples):
    project = Project.objects.get(code="440304221061500600011")
    pairs, _ = header_rows(project)
    assert pairs[-1] == ("项目总金额（中期规划，万元）", "849.00", "本年度项目金额（万元）", "283.00")
    project = Project.objects.get(code="440306210601500000540")
    pairs, _ = header_rows(project)
    assert pairs[-1] == ("项目总金额（中期规划，元）", "49,235,800.00", "本年度项目金额（元）", "10,698,600.00")


def test_the_policy_basis_row_uses_the_label_the_filing_used(samples):
    _, texts = header_rows(Project.objects.get(code="440304221061500600011"))
    assert texts[0][0] == "项目概况"


def test_every_category_of_the_template_is_printed_in_order_with_a_blank_row_when_missing(samples):
    project = Project.objects.get(code="440306210601500000540")
    economic = Level2Category.objects.get(parent__template=project.template, name="经济效益")
    Indicator.objects.filter(project=project, category=economic).delete()
    levels = indicator_levels(project.indicators.all(), template_categories(project.template_id))
    assert [level.label for level in levels] == ["产出", "效益", "满意度"]
    assert [group.label for group in levels[1].groups] == ["经济效益", "*社会效益", "生态效益", "可持续影响"]
    [blank] = levels[1].groups[0].rows
    assert (blank.name, blank.value, blank.explanation) == ("", "", "")
    assert levels[0].groups[0].rows[0].name == "服务企业数量"

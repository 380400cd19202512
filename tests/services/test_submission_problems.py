import pytest

from indicators.models import Indicator
from projects.services.review import submission_problems

pytestmark = pytest.mark.django_db


def _messages(project):
    return [problem.message for problem in submission_problems(project)]


def test_a_complete_filing_has_no_problems(people, make_filing):
    assert submission_problems(make_filing(people.unit_a)) == []


def test_each_missing_header_field_is_named_in_chinese_and_tied_to_its_field(people, make_filing):
    project = make_filing(
        people.unit_a,
        project_type="",
        is_new=None,
        allocation="",
        current_amount=None,
        policy_basis="  ",
        calculation_basis="",
        annual_goal="",
    )
    problems = {problem.field: problem.message for problem in submission_problems(project)}
    assert problems == {
        "project_type": "项目类型：未填写",
        "is_new": "是否新增项目：未选择",
        "allocation": "分配方式：未选择",
        "current_amount": "本年度项目金额（元）：未填写",
        "policy_basis": "政策依据：未填写",
        "calculation_basis": "测算依据：未填写",
        "annual_goal": "年度目标：未填写",
    }


def test_the_long_term_goal_is_required_only_for_a_project_spanning_several_years(people, make_filing):
    multi_year = make_filing(people.unit_a, duration_years=3, long_term_goal="")
    one_year = make_filing(people.unit_a, duration_years=1, long_term_goal="")
    assert _messages(multi_year) == ["长期目标：实施期限为3年，跨度多年的项目需填写"]
    assert _messages(one_year) == []


def test_a_required_category_without_a_real_row_is_listed_under_that_category(people, make_filing):
    project = make_filing(people.unit_a)
    quantity = project.indicators.get(category__name="数量")
    quality = project.indicators.get(category__name="质量")
    quantity.delete()
    Indicator.objects.filter(pk=quality.pk).update(not_applicable=True, name="不适用", value="不适用")
    problems = submission_problems(project)
    assert [(p.category_id, p.message) for p in problems] == [
        (quantity.category_id, "产出指标 / 数量指标（必填）：至少填写一条三级指标"),
        (quality.category_id, "产出指标 / 质量指标（必填）：不能填“不适用”"),
    ]


def test_an_optional_category_left_empty_is_not_a_problem(people, make_filing):
    project = make_filing(people.unit_a, with_optional_rows=False)
    assert submission_problems(project) == []


def test_a_row_missing_its_value_or_explanation_is_listed_against_that_row(people, make_filing):
    project = make_filing(people.unit_a)
    row = project.indicators.get(category__name="时效")
    Indicator.objects.filter(pk=row.pk).update(value="", explanation=" ")
    unnamed = project.indicators.get(category__name="成本")
    Indicator.objects.filter(pk=unnamed.pk).update(name="")
    problems = submission_problems(project)
    assert [(p.indicator_id, p.message) for p in problems] == [
        (row.pk, "产出指标 / 时效指标 “时效指标1”：缺少指标值、指标解释"),
        (unnamed.pk, "产出指标 / 成本指标 第1行：缺少三级指标名称"),
    ]

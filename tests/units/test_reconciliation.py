"""Matching a 部门整体 form's tasks with the unit's projects, on plain data."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from projects.reconciliation import Link, Project, Task, match_key, reconcile

D = Decimal


def _project(pk, name, amount, *, kind="project", program=None):
    return Project(pk, kind, name, D(amount), program)


def test_names_match_whatever_their_width_and_spacing():
    assert match_key("１２３４５ 分拨中心服务费") == match_key("12345分拨中心服务费")
    assert match_key("行政服务管理经费（非政府购买服务类）") != match_key("行政服务管理经费")


def test_a_task_and_its_project_of_the_same_amount_agree():
    result = reconcile(tasks=[Task("水电费", D("131000"))], projects=[_project(1, "水电费", "131000")], unit="万元")
    [match] = result.matches
    assert [p.filing_id for p in match.projects] == [1]
    assert match.difference is None and result.differences == []


def test_a_different_amount_is_a_difference_in_the_forms_unit():
    result = reconcile(
        tasks=[Task("新开办企业刻制公章补贴经费", D("11248600"))],
        projects=[_project(7, "新开办企业刻制公章补贴经费", "10698600")],
        unit="万元",
    )
    [difference] = result.differences
    assert (difference.expected, difference.found, difference.gap) == (D("11248600"), D("10698600"), D("550000"))
    assert "1,124.86万元" in difference.message and "1,069.86万元" in difference.message
    assert "相差55.00万元" in difference.message


def test_amounts_are_compared_at_the_precision_the_form_printed():
    tasks = [Task("一般管理事务", D("5240000"))]  # 524 万元, printed as a whole number
    programs = [_project(1, "一般管理事务", "5241100", kind="program")]  # 524.11 万元
    assert reconcile(tasks=tasks, projects=programs, unit="万元", places=0).differences == []
    assert len(reconcile(tasks=tasks, projects=programs, unit="万元", places=2).differences) == 1
    # Rounded, 524.6 would print as 525: a difference even at whole 万元.
    further = [_project(1, "一般管理事务", "5246000", kind="program")]
    assert len(reconcile(tasks=tasks, projects=further, unit="万元", places=0).differences) == 1


def test_a_task_without_a_project_is_shown_not_flagged():
    result = reconcile(tasks=[Task("基本支出", D("8927000"))], projects=[_project(1, "水电费", "131000")])
    [match] = result.matches
    assert match.projects == [] and match.difference is None
    assert [p.name for p in result.unmatched] == ["水电费"]


def test_a_task_named_like_a_program_answers_to_it_and_its_projects_through_it():
    projects = [
        _project(1, "信息事务", "10968800", kind="program"),
        _project(2, "信息事务", "500000", program=1),  # a 二级 project of the same name, under it
        _project(3, "电子证照服务", "150000", program=1),
    ]
    result = reconcile(tasks=[Task("信息事务", D("10970000"))], projects=projects, unit="万元", places=0)
    assert [p.filing_id for p in result.matches[0].projects] == [1]
    assert result.unmatched == []


def test_a_program_whose_projects_add_up_to_another_amount_is_a_difference():
    projects = [
        _project(1, "信息事务", "1000000", kind="program"),
        _project(2, "电子证照服务", "600000", program=1),
        _project(3, "网络出口费", "300000", program=1),
    ]
    result = reconcile(tasks=[], projects=projects, unit="万元")
    [difference] = result.differences
    assert difference.subject == "一级项目 · 信息事务"
    assert (difference.expected, difference.found) == (D("1000000"), D("900000"))


def test_links_by_hand_add_and_remove_projects():
    projects = [_project(1, "信息化建设管理费", "1000000"), _project(2, "信息化建设管理经费", "400000")]
    tasks = [Task("信息化建设管理经费", D("1000000"))]
    links = [Link(match_key("信息化建设管理经费"), 1, True), Link(match_key("信息化建设管理经费"), 2, False)]
    [match] = reconcile(tasks=tasks, projects=projects, links=links).matches
    assert [p.filing_id for p in match.projects] == [1]
    assert match.linked == {1} and [p.filing_id for p in match.unlinked] == [2]
    assert match.difference is None


def test_several_projects_of_one_task_are_added_up():
    projects = [_project(1, "政府购买服务(物业后勤类)", "1218000"), _project(2, "政府购买服务（物业后勤类）", "457900")]
    [match] = reconcile(tasks=[Task("政府购买服务(物业后勤类)", D("1675900"))], projects=projects).matches
    assert match.project_amount == D("1675900") and match.difference is None


def test_links_to_filings_that_are_gone_are_ignored():
    result = reconcile(tasks=[Task("水电费", D("1"))], projects=[], links=[Link(match_key("水电费"), 99, True)])
    assert result.matches[0].projects == []


@given(
    amounts=st.lists(st.decimals(min_value=0, max_value=10**9, places=2), min_size=1, max_size=6),
    places=st.integers(min_value=0, max_value=2),
)
def test_a_task_always_agrees_with_projects_adding_up_to_its_amount(amounts, places):
    projects = [_project(n, "同名项目", amount) for n, amount in enumerate(amounts, start=1)]
    total = sum(amounts, D(0))
    result = reconcile(tasks=[Task("同名项目", total)], projects=projects, unit="万元", places=places)
    assert result.differences == []
    changed = reconcile(tasks=[Task("同名项目", total + 100)], projects=projects, unit="元", places=2)
    assert len(changed.differences) == 1

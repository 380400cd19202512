import pytest

from projects import selectors
from projects.models import Department, Role

pytestmark = pytest.mark.django_db


def test_roles_come_from_assignments_and_the_administrator_group(people):
    assert selectors.roles_of(people.owner) == {Role.FILER}
    assert selectors.roles_of(people.reviewer) == {Role.REVIEWER}
    assert selectors.roles_of(people.outsider) == set()
    assert selectors.roles_of(people.administrator) == {Role.FILER, Role.REVIEWER, "admin"}


def test_a_filer_files_for_their_unit_and_the_units_under_it_only(people):
    assert set(selectors.filing_departments_for(people.owner)) == {people.unit_a, people.unit_a_child}
    assert not selectors.filing_departments_for(people.reviewer).exists()


def test_a_reviewer_can_review_but_not_file_for_their_units(people, make_filing):
    project = make_filing(people.unit_a_child)
    assert selectors.can_review(people.reviewer, project)
    assert not selectors.can_file_for(people.reviewer, project)
    assert not selectors.can_review(people.other_reviewer, project)


def test_a_departments_projects_include_those_of_the_units_under_it_after_its_own(people, make_filing):
    info_centre = Department.objects.create(name="深圳市宝安区测试信息中心", parent=people.unit_a)
    child = make_filing(people.unit_a_child, year=2024)
    own_first = make_filing(people.unit_a, year=2024)
    archived = make_filing(info_centre, year=2024)
    own_second = make_filing(people.unit_a, year=2024)
    make_filing(people.unit_a, year=2023)
    make_filing(people.unit_b, year=2024)

    projects = list(selectors.department_projects(people.unit_a, year=2024))

    # Its own by code, then 深圳市宝安区测试信息中心 before 深圳市宝安区测试服务中心.
    assert projects == [own_first, own_second, archived, child]
    assert list(selectors.department_projects(people.unit_a_child, year=2024)) == [child]
    assert len(selectors.department_projects(people.unit_a)) == 5


def test_a_departments_projects_are_only_those_the_user_may_see(people, make_filing):
    make_filing(people.unit_a_child, year=2024)
    assert selectors.department_projects(people.unit_a, user=people.owner).count() == 1
    assert not selectors.department_projects(people.unit_a, user=people.colleague).exists()


def test_a_unit_may_be_exported_when_it_or_a_unit_under_it_has_a_visible_project(people, make_filing):
    make_filing(people.unit_a_child, year=2024)
    assert set(selectors.exporting_departments_for(people.owner)) == {people.unit_a, people.unit_a_child}
    assert not selectors.exporting_departments_for(people.colleague).exists()


def test_a_command_names_a_unit_by_id_full_name_either_brackets_or_a_part_only_it_has(people):
    assert selectors.department_named(str(people.unit_a.pk)) == people.unit_a
    assert selectors.department_named("深圳市宝安区测试数据管理局(本级)") == people.unit_a
    assert selectors.department_named("测试服务中心") == people.unit_a_child
    with pytest.raises(selectors.UnknownDepartment, match="没有编号为 99999 的预算单位"):
        selectors.department_named("99999")
    with pytest.raises(selectors.UnknownDepartment, match="没有预算单位“罗湖区”"):
        selectors.department_named("罗湖区")
    with pytest.raises(
        selectors.UnknownDepartment,
        match="“宝安区测试”对应多个预算单位：深圳市宝安区测试数据管理局（本级）、深圳市宝安区测试服务中心；请写出单位全称",
    ):
        selectors.department_named("宝安区测试")

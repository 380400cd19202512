import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects import selectors
from projects.models import Department, Role
from projects.services.accounts import assignment_grant
from tests.helpers.filings import make_overall, make_program

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
    filing = make_filing(people.unit_a_child)
    assert selectors.can_review(people.reviewer, filing)
    assert not selectors.can_file_for(people.reviewer, filing)
    assert not selectors.can_review(people.other_reviewer, filing)
    assert selectors.can_file_for(people.owner, filing)


def test_a_departments_filings_include_those_of_the_units_under_it_after_its_own(people, make_filing):
    info_centre = Department.objects.create(name="深圳市宝安区测试信息中心", parent=people.unit_a)
    child = make_filing(people.unit_a_child, year=2024)
    own_first = make_filing(people.unit_a, year=2024)
    archived = make_filing(info_centre, year=2024)
    own_second = make_filing(people.unit_a, year=2024)
    make_filing(people.unit_a, year=2023)
    make_filing(people.unit_b, year=2024)

    filings = list(selectors.department_filings(people.unit_a, year=2024))

    # Its own by code, then 深圳市宝安区测试信息中心 before 深圳市宝安区测试服务中心.
    assert filings == [own_first, own_second, archived, child]
    assert list(selectors.department_filings(people.unit_a_child, year=2024)) == [child]
    assert len(selectors.department_filings(people.unit_a)) == 5


def test_within_a_unit_the_overall_form_comes_first_then_the_program_forms_then_the_projects(people, make_filing):
    project = make_filing(people.unit_a, year=2024)
    second_program = make_program(people.unit_a, name="测试一级项目2", year=2024)
    first_program = make_program(people.unit_a, name="测试一级项目1", year=2024)
    overall = make_overall(people.unit_a, year=2024)
    child_overall = make_overall(people.unit_a_child, year=2024)

    assert list(selectors.department_filings(people.unit_a, year=2024)) == [
        overall,
        first_program,
        second_program,
        project,
        child_overall,
    ]
    assert list(selectors.department_filings(people.unit_a, year=2024, kind="program")) == [
        first_program,
        second_program,
    ]


def test_a_departments_filings_are_only_those_the_user_may_see(people, make_filing):
    make_filing(people.unit_a_child, year=2024)
    assert selectors.department_filings(people.unit_a, user=people.owner).count() == 1
    assert not selectors.department_filings(people.unit_a, user=people.colleague).exists()


def test_a_users_filings_are_those_of_their_units_of_every_kind_or_of_one(people, make_filing):
    project, program = make_filing(people.unit_a_child), make_program(people.unit_a)
    overall, theirs = make_overall(people.unit_a), make_filing(people.unit_b)
    assert set(selectors.filings_for(people.owner)) == {project, program, overall}
    assert set(selectors.filings_for(people.owner, kind="program")) == {program}
    assert set(selectors.filings_for(people.reviewer, role=Role.REVIEWER)) == {project, program, overall}
    assert not selectors.filings_for(people.reviewer, role=Role.FILER).exists()
    assert set(selectors.filings_for(people.colleague)) == {theirs}
    assert not selectors.filings_for(people.outsider).exists()


def test_a_unit_may_be_exported_when_it_or_a_unit_under_it_has_a_visible_filing(people, make_filing):
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


def test_a_role_granted_to_a_user_counts_at_once_for_the_same_user_object(people):
    assert selectors.roles_of(people.outsider) == set()  # remembered on the object
    assignment_grant(user=people.outsider, department=people.unit_b, role=Role.REVIEWER)
    assert selectors.roles_of(people.outsider) == {Role.REVIEWER}
    assert selectors.department_ids_for(people.outsider) == [people.unit_b.pk]


@pytest.mark.parametrize(
    ("kind", "unit_field"), [("project", "top_unit"), ("program", None), ("overall", "competent_unit")]
)
def test_a_filing_is_read_with_its_header_and_the_units_the_header_names(
    people, make_filing, django_assert_num_queries, kind, unit_field
):
    made = {"project": make_filing, "program": make_program, "overall": make_overall}[kind](people.unit_a_child)
    selectors.department_ids_for(people.owner)  # the scope, read once per request
    with django_assert_num_queries(2):  # the filing, then its header with its units
        filing = selectors.filing_for(people.owner, made.pk)
        assert filing.department == people.unit_a_child and filing.template.kind == kind
        assert filing.header.filing is filing and filing.header.pk == made.header.pk
        if unit_field:
            assert getattr(filing.header, unit_field).name


def test_a_filing_without_its_header_row_yet_is_read_with_none(people, make_filing, django_assert_num_queries):
    made = make_filing(people.unit_a)
    made.header.delete()
    filing = selectors.filing_for(people.owner, made.pk)
    with django_assert_num_queries(0):
        assert filing.header is None and filing.value("total_amount") is None


@pytest.mark.parametrize("kind", ["project", "program", "overall"])
def test_the_header_is_read_without_reading_the_filing_again(people, make_filing, kind):
    made = {"project": make_filing, "program": make_program, "overall": make_overall}[kind](people.unit_a)
    selectors.department_ids_for(people.owner)
    with CaptureQueriesContext(connection) as captured:
        selectors.filing_for(people.owner, made.pk)
    header_query = captured.captured_queries[-1]["sql"]
    assert '"projects_filing"' not in header_query and '"indicators_formtemplate"' not in header_query

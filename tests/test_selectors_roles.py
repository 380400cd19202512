import pytest

from projects import selectors
from projects.models import Role

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

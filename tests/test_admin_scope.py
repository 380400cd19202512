"""The admin gets projects through the same selectors: a staff member who is not a superuser
sees only the projects of their departments."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_reviewer(people):
    """The reviewer of unit A, given admin access with permission to view projects."""
    user = people.reviewer
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_project", "change_project"]))
    return user


def test_a_staff_reviewers_changelist_lists_only_their_units_projects(client, people, make_filing, staff_reviewer):
    mine, child, theirs = make_filing(people.unit_a), make_filing(people.unit_a_child), make_filing(people.unit_b)
    client.force_login(staff_reviewer)
    response = client.get(reverse("admin:projects_project_changelist"))
    assert response.status_code == 200
    assert {p.pk for p in response.context["cl"].result_list} == {mine.pk, child.pk}
    assert theirs.code not in response.content.decode()


def test_another_units_project_is_unreachable_in_the_admin_including_its_history(
    client, people, make_filing, staff_reviewer
):
    theirs = make_filing(people.unit_b)
    client.force_login(staff_reviewer)
    change = client.get(reverse("admin:projects_project_change", args=[theirs.pk]))
    assert change.status_code == 302 and change.url == reverse("admin:index")
    assert client.get(reverse("admin:projects_project_history", args=[theirs.pk])).status_code == 404
    client.post(reverse("admin:projects_project_change", args=[theirs.pk]), {"name": "改"})
    theirs.refresh_from_db()
    assert theirs.name == "测试项目"


def test_the_administrator_group_manages_every_unit_in_the_admin(client, empty_database, people, make_filing):
    people.administrator.is_staff = True
    people.administrator.save()
    projects = {make_filing(people.unit_a).pk, make_filing(people.unit_b).pk}
    client.force_login(people.administrator)
    response = client.get(reverse("admin:projects_project_changelist"))
    assert {p.pk for p in response.context["cl"].result_list} == projects
    assert client.get(reverse("admin:projects_assignment_changelist")).status_code == 200


def test_a_non_superuser_administrator_cannot_make_anyone_a_superuser(client, people, admin_user):
    people.administrator.is_staff = True
    people.administrator.save()
    client.force_login(people.administrator)
    page = client.get(reverse("admin:auth_user_change", args=[people.owner.pk]))
    assert "is_superuser" not in page.context["adminform"].form.fields
    assert client.get(reverse("admin:auth_user_change", args=[admin_user.pk])).status_code == 302


def test_an_admin_save_moves_the_version_on_so_an_open_filing_page_notices(admin_client, people, make_filing):
    project = make_filing(people.unit_a)
    page = admin_client.get(reverse("admin:projects_project_change", args=[project.pk]))
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["name"] = "管理员修改"
    inline = page.context["inline_admin_formsets"][0].formset
    data.update({f"{inline.prefix}-TOTAL_FORMS": 0, f"{inline.prefix}-INITIAL_FORMS": 0})
    response = admin_client.post(reverse("admin:projects_project_change", args=[project.pk]), data)
    assert response.status_code == 302
    project = Project.objects.get(pk=project.pk)
    assert (project.name, project.version) == ("管理员修改", 2)

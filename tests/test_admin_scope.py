"""The admin gets filings through the same selectors: a staff member who is not a superuser
sees only the filings of their departments, on each kind's pages."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from projects.models import Filing
from tests.helpers.filings import make_overall, make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_reviewer(people):
    """The reviewer of unit A, given admin access with permission to view and change filings of every kind."""
    user = people.reviewer
    user.is_staff = True
    user.save()
    codenames = [
        f"{action}_{kind}filing" for action in ("view", "change") for kind in ("project", "program", "overall")
    ]
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="projects", codename__in=codenames))
    assert user.user_permissions.count() == 6
    return user


def test_a_staff_reviewers_changelist_lists_only_their_units_projects(client, people, make_filing, staff_reviewer):
    mine, child, theirs = make_filing(people.unit_a), make_filing(people.unit_a_child), make_filing(people.unit_b)
    client.force_login(staff_reviewer)
    response = client.get(reverse("admin:projects_projectfiling_changelist"))
    assert response.status_code == 200
    assert {p.pk for p in response.context["cl"].result_list} == {mine.pk, child.pk}
    assert theirs.code not in response.content.decode()


@pytest.mark.parametrize("kind, make", [("program", make_program), ("overall", make_overall)])
def test_a_staff_reviewers_changelists_of_the_other_kinds_list_only_their_units_forms(
    client, people, make_filing, staff_reviewer, kind, make
):
    mine, child, theirs = make(people.unit_a), make(people.unit_a_child), make(people.unit_b)
    make_filing(people.unit_a)  # a 二级 form: not on this kind's page
    client.force_login(staff_reviewer)
    response = client.get(reverse(f"admin:projects_{kind}filing_changelist"))
    assert response.status_code == 200
    assert {p.pk for p in response.context["cl"].result_list} == {mine.pk, child.pk}
    change = client.get(reverse(f"admin:projects_{kind}filing_change", args=[theirs.pk]))
    assert change.status_code == 302 and change.url == reverse("admin:index")
    assert client.get(reverse(f"admin:projects_{kind}filing_change", args=[mine.pk])).status_code == 200


def test_another_units_project_is_unreachable_in_the_admin_including_its_history(
    client, people, make_filing, staff_reviewer
):
    theirs = make_filing(people.unit_b)
    client.force_login(staff_reviewer)
    change = client.get(reverse("admin:projects_projectfiling_change", args=[theirs.pk]))
    assert change.status_code == 302 and change.url == reverse("admin:index")
    assert client.get(reverse("admin:projects_projectfiling_history", args=[theirs.pk])).status_code == 404
    client.post(reverse("admin:projects_projectfiling_change", args=[theirs.pk]), {"name": "改"})
    theirs.refresh_from_db()
    assert theirs.name == "测试项目"


def test_a_form_of_another_kind_is_not_on_this_kinds_pages(admin_client, people, make_filing):
    program = make_program(people.unit_a)
    assert admin_client.get(reverse("admin:projects_programfiling_change", args=[program.pk])).status_code == 200
    change = admin_client.get(reverse("admin:projects_projectfiling_change", args=[program.pk]))
    assert change.status_code == 302 and change.url == reverse("admin:index")


def test_the_administrator_group_manages_every_unit_in_the_admin(client, empty_database, people, make_filing):
    people.administrator.is_staff = True
    people.administrator.save()
    filings = {
        "project": {make_filing(people.unit_a).pk, make_filing(people.unit_b).pk},
        "program": {make_program(people.unit_a).pk, make_program(people.unit_b).pk},
        "overall": {make_overall(people.unit_a).pk, make_overall(people.unit_b).pk},
    }
    client.force_login(people.administrator)
    for kind, pks in filings.items():
        response = client.get(reverse(f"admin:projects_{kind}filing_changelist"))
        assert response.status_code == 200, f"{kind}: {response.status_code}"
        assert {p.pk for p in response.context["cl"].result_list} == pks
    assert client.get(reverse("admin:projects_assignment_changelist")).status_code == 200


def test_the_administrator_group_edits_a_filing_with_its_header_in_the_admin(client, people, make_filing):
    people.administrator.is_staff = True
    people.administrator.save()
    project = make_filing(people.unit_b)
    client.force_login(people.administrator)
    url = reverse("admin:projects_projectfiling_change", args=[project.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = _page_data(page.context)
    data["project_header-0-annual_goal"] = "管理员改写的年度目标"
    response = client.post(url, {**data, "name": "管理员修改"})
    assert response.status_code == 302
    project = Filing.objects.select_related("project_header").get(pk=project.pk)
    assert (project.name, project.project_header.annual_goal) == ("管理员修改", "管理员改写的年度目标")


def test_a_non_superuser_administrator_cannot_make_anyone_a_superuser(client, people, admin_user):
    people.administrator.is_staff = True
    people.administrator.save()
    client.force_login(people.administrator)
    page = client.get(reverse("admin:auth_user_change", args=[people.owner.pk]))
    assert "is_superuser" not in page.context["adminform"].form.fields
    assert client.get(reverse("admin:auth_user_change", args=[admin_user.pk])).status_code == 302


def test_an_admin_save_moves_the_version_on_so_an_open_filing_page_notices(admin_client, people, make_filing):
    project = make_filing(people.unit_a)
    url = reverse("admin:projects_projectfiling_change", args=[project.pk])
    data = _page_data(admin_client.get(url).context)
    response = admin_client.post(url, {**data, "name": "管理员修改"})
    assert response.status_code == 302
    project = Filing.objects.get(pk=project.pk)
    assert (project.name, project.version) == ("管理员修改", 2)

    # A second save of the page as it was opened (version 1) is refused and changes nothing.
    response = admin_client.post(url, {**data, "name": "过时的修改"})
    assert response.status_code == 200
    assert "现为第 2 版" in response.content.decode()
    project = Filing.objects.get(pk=project.pk)
    assert (project.name, project.version) == ("管理员修改", 2)


def _page_data(page) -> dict:
    """What the change page would post back unchanged: the filing's form and every inline."""
    forms = [page["adminform"].form]
    for inline in page["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:
                data[form.add_prefix(name)] = value
    return data

"""Every URL of the filing and review pages, for every kind of user.

Unit A's project belongs to the owner (its 填报人) and is reviewed by the reviewer; the colleague
files for unit B, the other reviewer reviews unit B, the outsider holds no role. Whoever is outside
a project's scope gets 404, exactly as for a project that does not exist.
"""

import pytest
from django.urls import reverse

from projects.models import Project, Status
from projects.services import review

pytestmark = pytest.mark.django_db

USERS = ["owner", "colleague", "outsider", "reviewer", "other_reviewer", "administrator"]


def _expect(allowed: dict, default: int) -> list:
    return [(user, allowed.get(user, default)) for user in USERS]


@pytest.fixture
def project_a(people, make_filing):
    return make_filing(people.unit_a)


@pytest.fixture
def submitted_a(people, project_a):
    return review.project_submit(project=project_a, user=people.owner)


def _client(client, people, who):
    client.force_login(getattr(people, who))
    return client


PAGES = [
    ("projects:project_list", None, _expect({}, 200)),
    ("projects:review_queue", None, _expect({"reviewer": 200, "other_reviewer": 200, "administrator": 200}, 403)),
    ("projects:project_create", None, _expect({"owner": 200, "colleague": 200, "administrator": 200}, 403)),
    ("projects:project_detail", "project_a", _expect({"owner": 200, "reviewer": 200, "administrator": 200}, 404)),
    ("projects:project_edit", "project_a", _expect({"owner": 200, "administrator": 200}, 404)),
    ("projects:project_review", "submitted_a", _expect({"reviewer": 200, "administrator": 200}, 404)),
]


@pytest.mark.parametrize(
    "name, target, who, status",
    [(name, target, who, status) for name, target, expected in PAGES for who, status in expected],
)
def test_each_page_answers_each_kind_of_user_as_its_scope_says(request, client, people, name, target, who, status):
    args = [request.getfixturevalue(target).pk] if target else []
    response = _client(client, people, who).get(reverse(name, args=args))
    assert response.status_code == status


ACTIONS = [
    # url name, fixture, post data, who may, status the project ends in when allowed
    ("projects:project_submit", "project_a", {}, ["owner", "administrator"], Status.SUBMITTED),
    ("projects:project_withdraw", "submitted_a", {}, ["owner", "administrator"], Status.DRAFT),
    ("projects:project_approve", "submitted_a", {}, ["reviewer", "administrator"], Status.APPROVED),
    ("projects:project_return", "submitted_a", {"reason": "请补充"}, ["reviewer", "administrator"], Status.RETURNED),
]


@pytest.mark.parametrize(
    "name, target, data, allowed, result, who", [(*action, who) for action in ACTIONS for who in USERS]
)
def test_each_action_is_performed_only_by_those_in_scope(
    request, client, people, name, target, data, allowed, result, who
):
    project = request.getfixturevalue(target)
    before = Project.objects.get(pk=project.pk).status
    response = _client(client, people, who).post(reverse(name, args=[project.pk]), data)
    project.refresh_from_db()
    if who in allowed:
        assert response.status_code == 302
        assert project.status == result
    else:
        assert response.status_code == 404
        assert project.status == before


@pytest.mark.parametrize("name", ["projects:project_list", "projects:review_queue", "projects:project_create"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["projects:project_detail", "projects:project_edit", "projects:project_review"])
def test_an_anonymous_visitor_reaches_no_project_page(client, project_a, name):
    response = client.get(reverse(name, args=[project_a.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "name, target",
    [
        ("projects:project_edit", "project_a"),
        ("projects:project_submit", "project_a"),
        ("projects:project_withdraw", "submitted_a"),
        ("projects:project_approve", "submitted_a"),
        ("projects:project_return", "submitted_a"),
        ("projects:batch_submit", "project_a"),
        ("projects:batch_approve", "submitted_a"),
        ("projects:project_create", None),
    ],
)
def test_an_anonymous_visitor_changes_nothing(request, client, name, target):
    project = request.getfixturevalue(target) if target else None
    args = [project.pk] if project and name not in ("projects:batch_submit", "projects:batch_approve") else []
    data = {"selected": [project.pk] if project else [], "reason": "x", "name": "匿名修改"}
    response = client.post(reverse(name, args=args), data)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    if project:
        after = Project.objects.get(pk=project.pk)
        assert (after.status, after.name, after.version) == (project.status, project.name, project.version)
    assert not Project.objects.filter(name="匿名修改").exists()


def test_reading_another_departments_project_by_id_is_a_404_like_a_missing_one(client, people, project_a):
    client.force_login(people.colleague)
    missing = Project.objects.order_by("-pk").first().pk + 1000
    for pk in (project_a.pk, missing):
        assert client.get(reverse("projects:project_detail", args=[pk])).status_code == 404
        assert client.get(reverse("projects:project_edit", args=[pk])).status_code == 404
        assert client.get(reverse("projects:project_review", args=[pk])).status_code == 404


def test_writing_another_departments_project_by_id_is_a_404_and_changes_nothing(client, people, project_a):
    client.force_login(people.colleague)
    response = client.post(
        reverse("projects:project_edit", args=[project_a.pk]),
        {
            "code": project_a.code,
            "name": "被篡改",
            "fiscal_year": 2024,
            "applicant": people.unit_b.pk,
            "version": project_a.version,
            "amount_unit": "元",
            "rows-TOTAL_FORMS": 0,
            "rows-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 404
    project_a.refresh_from_db()
    assert project_a.name == "测试项目" and project_a.applicant == people.unit_a and project_a.version == 1


def test_a_batch_cannot_reach_projects_outside_the_users_scope(client, people, project_a):
    client.force_login(people.colleague)
    response = client.post(reverse("projects:batch_submit"), {"selected": [project_a.pk]}, follow=True)
    project_a.refresh_from_db()
    assert project_a.status == Status.DRAFT
    assert f"编号 {project_a.pk}：没有找到该项目，或您无权操作" in response.content.decode()
    review.project_submit(project=project_a, user=people.owner)
    client.force_login(people.other_reviewer)
    client.post(reverse("projects:batch_approve"), {"selected": [project_a.pk]})
    project_a.refresh_from_db()
    assert project_a.status == Status.SUBMITTED


def test_the_project_list_shows_each_user_only_their_departments(client, empty_database, people, make_filing):
    mine = make_filing(people.unit_a, name="甲单位项目")
    child = make_filing(people.unit_a_child, name="下属单位项目")
    theirs = make_filing(people.unit_b, name="乙单位项目")
    seen = {}
    for who in USERS:
        client.force_login(getattr(people, who))
        page = client.get(reverse("projects:project_list")).context["page"]
        seen[who] = {project.pk for project in page.object_list}
    assert seen["owner"] == seen["reviewer"] == {mine.pk, child.pk}
    assert seen["colleague"] == seen["other_reviewer"] == {theirs.pk}
    assert seen["outsider"] == set()
    assert seen["administrator"] == {mine.pk, child.pk, theirs.pk}


def test_a_filer_cannot_create_a_project_for_another_unit(client, people):
    client.force_login(people.owner)
    response = client.post(
        reverse("projects:project_create"),
        {
            "code": "440306000000000000009",
            "name": "越权项目",
            "fiscal_year": 2025,
            "applicant": people.unit_b.pk,
            "amount_unit": "元",
            "rows-TOTAL_FORMS": 0,
            "rows-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "applicant" in response.context["form"].errors
    assert not Project.objects.filter(name="越权项目").exists()

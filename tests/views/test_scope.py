"""Every URL of the filing and review pages, for every kind of user.

Unit A's filing belongs to the owner (its 填报人) and is reviewed by the reviewer; the colleague
files for unit B, the other reviewer reviews unit B, the outsider holds no role. Whoever is outside
a filing's scope gets 404, exactly as for a filing that does not exist.
"""

import pytest
from django.urls import reverse

from projects.models import Filing, Status
from projects.services import review
from tests.helpers.filings import make_overall

pytestmark = pytest.mark.django_db

USERS = ["owner", "colleague", "outsider", "reviewer", "other_reviewer", "administrator"]


def _expect(allowed: dict, default: int) -> list:
    return [(user, allowed.get(user, default)) for user in USERS]


@pytest.fixture
def filing_a(people, make_filing):
    return make_filing(people.unit_a)


@pytest.fixture
def submitted_a(people, filing_a):
    return review.filing_submit(filing=filing_a, user=people.owner)


@pytest.fixture
def overall_a(people):
    return make_overall(people.unit_a)


def _client(client, people, who):
    client.force_login(getattr(people, who))
    return client


PAGES = [
    # The bare site root sends a reviewer who does not file on to 待我审核 (projects/views/lists.py).
    ("projects:filing_list", None, _expect({"reviewer": 302, "other_reviewer": 302}, 200)),
    ("projects:review_queue", None, _expect({"reviewer": 200, "other_reviewer": 200, "administrator": 200}, 403)),
    ("projects:filing_create", "project", _expect({"owner": 200, "colleague": 200, "administrator": 200}, 403)),
    ("projects:filing_create", "program", _expect({"owner": 200, "colleague": 200, "administrator": 200}, 403)),
    ("projects:filing_create", "overall", _expect({"owner": 200, "colleague": 200, "administrator": 200}, 403)),
    ("projects:filing_detail", "filing_a", _expect({"owner": 200, "reviewer": 200, "administrator": 200}, 404)),
    ("projects:filing_edit", "filing_a", _expect({"owner": 200, "administrator": 200}, 404)),
    ("projects:filing_review", "submitted_a", _expect({"reviewer": 200, "administrator": 200}, 404)),
    ("projects:filing_detail", "overall_a", _expect({"owner": 200, "reviewer": 200, "administrator": 200}, 404)),
    ("projects:filing_edit", "overall_a", _expect({"owner": 200, "administrator": 200}, 404)),
]
KINDS = {"project", "program", "overall"}


def _args(request, target) -> dict:
    if target is None:
        return {}
    if target in KINDS:
        return {"kind": target}
    return {"pk": request.getfixturevalue(target).pk}


@pytest.mark.parametrize(
    "name, target, who, status",
    [(name, target, who, status) for name, target, expected in PAGES for who, status in expected],
)
def test_each_page_answers_each_kind_of_user_as_its_scope_says(request, client, people, name, target, who, status):
    response = _client(client, people, who).get(reverse(name, kwargs=_args(request, target)))
    assert response.status_code == status


ACTIONS = [
    # url name, fixture, post data, who may, status the filing ends in when allowed
    ("projects:filing_submit", "filing_a", {}, ["owner", "administrator"], Status.SUBMITTED),
    ("projects:filing_withdraw", "submitted_a", {}, ["owner", "administrator"], Status.DRAFT),
    ("projects:filing_approve", "submitted_a", {}, ["reviewer", "administrator"], Status.APPROVED),
    ("projects:filing_return", "submitted_a", {"reason": "请补充"}, ["reviewer", "administrator"], Status.RETURNED),
    ("projects:filing_submit", "overall_a", {}, ["owner", "administrator"], Status.SUBMITTED),
]


@pytest.mark.parametrize(
    "name, target, data, allowed, result, who", [(*action, who) for action in ACTIONS for who in USERS]
)
def test_each_action_is_performed_only_by_those_in_scope(
    request, client, people, name, target, data, allowed, result, who
):
    filing = request.getfixturevalue(target)
    before = Filing.objects.get(pk=filing.pk).status
    response = _client(client, people, who).post(reverse(name, args=[filing.pk]), data)
    filing.refresh_from_db()
    if who in allowed:
        assert response.status_code == 302
        assert filing.status == result
    else:
        assert response.status_code == 404
        assert filing.status == before


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("projects:filing_list", {}),
        ("projects:review_queue", {}),
        ("projects:filing_create", {"kind": "project"}),
        ("projects:filing_create", {"kind": "overall"}),
    ],
)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "name",
    [
        "projects:filing_detail",
        "projects:filing_edit",
        "projects:filing_review",
        "projects:filing_pdf",
        "projects:filing_xlsx",
    ],
)
def test_an_anonymous_visitor_reaches_no_filing_page(client, filing_a, name):
    response = client.get(reverse(name, args=[filing_a.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "name, target",
    [
        ("projects:filing_edit", "filing_a"),
        ("projects:filing_submit", "filing_a"),
        ("projects:filing_withdraw", "submitted_a"),
        ("projects:filing_approve", "submitted_a"),
        ("projects:filing_return", "submitted_a"),
        ("projects:batch_submit", "filing_a"),
        ("projects:batch_approve", "submitted_a"),
        ("projects:filing_create", "project"),
        ("projects:filing_create", "program"),
    ],
)
def test_an_anonymous_visitor_changes_nothing(request, client, name, target):
    filing = request.getfixturevalue(target) if target not in KINDS else None
    if filing is None:
        kwargs = {"kind": target}
    elif name in ("projects:batch_submit", "projects:batch_approve"):
        kwargs = {}
    else:
        kwargs = {"pk": filing.pk}
    data = {"selected": [filing.pk] if filing else [], "reason": "x", "name": "匿名修改"}
    response = client.post(reverse(name, kwargs=kwargs), data)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    if filing:
        after = Filing.objects.get(pk=filing.pk)
        assert (after.status, after.name, after.version) == (filing.status, filing.name, filing.version)
    assert not Filing.objects.filter(name="匿名修改").exists()


def test_reading_another_departments_filing_by_id_is_a_404_like_a_missing_one(client, people, filing_a, overall_a):
    client.force_login(people.colleague)
    missing = Filing.objects.latest("pk").pk + 1000
    for pk in (filing_a.pk, overall_a.pk, missing):
        for name in ("filing_detail", "filing_edit", "filing_review", "filing_pdf", "filing_xlsx"):
            assert client.get(reverse(f"projects:{name}", args=[pk])).status_code == 404


def test_writing_another_departments_filing_by_id_is_a_404_and_changes_nothing(client, people, filing_a):
    client.force_login(people.colleague)
    response = client.post(
        reverse("projects:filing_edit", args=[filing_a.pk]),
        {
            "code": filing_a.code,
            "name": "被篡改",
            "fiscal_year": 2024,
            "department": people.unit_b.pk,
            "version": filing_a.version,
            "amount_unit": "元",
            "rows-TOTAL_FORMS": 0,
            "rows-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 404
    filing_a.refresh_from_db()
    assert filing_a.name == "测试项目" and filing_a.department == people.unit_a and filing_a.version == 1


def test_a_batch_cannot_reach_filings_outside_the_users_scope(client, people, filing_a):
    client.force_login(people.colleague)
    response = client.post(reverse("projects:batch_submit"), {"selected": [filing_a.pk]}, follow=True)
    filing_a.refresh_from_db()
    assert filing_a.status == Status.DRAFT
    assert f"编号 {filing_a.pk}：没有找到该申报表，或您无权操作" in response.content.decode()
    review.filing_submit(filing=filing_a, user=people.owner)
    client.force_login(people.other_reviewer)
    client.post(reverse("projects:batch_approve"), {"selected": [filing_a.pk]})
    filing_a.refresh_from_db()
    assert filing_a.status == Status.SUBMITTED


def test_the_filing_list_shows_each_user_only_their_departments(client, empty_database, people, make_filing):
    mine = make_filing(people.unit_a, name="甲单位项目")
    child = make_filing(people.unit_a_child, name="下属单位项目")
    theirs = make_filing(people.unit_b, name="乙单位项目")
    seen = {}
    for who in USERS:
        client.force_login(getattr(people, who))
        page = client.get(reverse("projects:filing_list"), {"kind": "project"}).context["page"]
        seen[who] = {filing.pk for filing in page.object_list}
    assert seen["owner"] == seen["reviewer"] == {mine.pk, child.pk}
    assert seen["colleague"] == seen["other_reviewer"] == {theirs.pk}
    assert seen["outsider"] == set()
    assert seen["administrator"] == {mine.pk, child.pk, theirs.pk}


def test_a_filer_cannot_create_a_filing_for_another_unit(client, people):
    client.force_login(people.owner)
    response = client.post(
        reverse("projects:filing_create", kwargs={"kind": "project"}),
        {
            "code": "440306000000000000009",
            "name": "越权项目",
            "fiscal_year": 2025,
            "department": people.unit_b.pk,
            "amount_unit": "元",
            "rows-TOTAL_FORMS": 0,
            "rows-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    assert not Filing.objects.filter(name="越权项目").exists()


def test_a_filer_cannot_create_an_overall_filing_for_another_unit(client, people):
    client.force_login(people.owner)
    response = client.post(
        reverse("projects:filing_create", kwargs={"kind": "overall"}),
        {
            "fiscal_year": 2025,
            "department": people.unit_b.pk,
            "competent_unit": people.unit_b.pk,
            "amount_unit": "元",
            "rows-TOTAL_FORMS": 0,
            "rows-INITIAL_FORMS": 0,
            "tasks-TOTAL_FORMS": 0,
            "tasks-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    assert not Filing.objects.filter(kind="overall", department=people.unit_b).exists()


def test_the_other_kinds_tabs_show_each_user_only_their_departments(client, empty_database, people):
    mine, theirs = make_overall(people.unit_a), make_overall(people.unit_b)
    seen = {}
    for who in USERS:
        client.force_login(getattr(people, who))
        page = client.get(reverse("projects:filing_list"), {"kind": "overall"}).context["page"]
        seen[who] = {filing.pk for filing in page.object_list}
    assert seen["owner"] == seen["reviewer"] == {mine.pk}
    assert seen["colleague"] == seen["other_reviewer"] == {theirs.pk}
    assert seen["outsider"] == set()
    assert seen["administrator"] == {mine.pk, theirs.pk}

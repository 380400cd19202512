"""The navigation shows how many filings wait in 待我审核 and how many notices are unread, for at most
two queries a page, none for an anonymous visitor, however many there are."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notices.context_processors import NavCounts
from notices.models import Notice, NoticeKind
from projects import selectors
from projects.models import Role
from projects.services import review
from projects.services.accounts import assignment_grant

pytestmark = pytest.mark.django_db

PROCESSOR = "notices.context_processors.nav_counts"


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _without_counts(settings):
    """The same pages with no counts in the navigation."""
    engine = settings.TEMPLATES[0]
    processors = [p for p in engine["OPTIONS"]["context_processors"] if p != PROCESSOR]
    settings.TEMPLATES = [{**engine, "OPTIONS": {**engine["OPTIONS"], "context_processors": processors}}]


def _notify(people, filing, count):
    Notice.objects.bulk_create(
        Notice(recipient=people.reviewer, filing=filing, kind=NoticeKind.APPROVED, message=f"通知{n}")
        for n in range(count)
    )


@pytest.fixture
def both_roles(people, make_filing):
    """The reviewer of unit A also files for it, so the navigation shows both counts; two filings wait."""
    assignment_grant(user=people.reviewer, department=people.unit_a, role=Role.FILER)
    for name in ("甲", "乙"):
        review.filing_submit(filing=make_filing(people.unit_a, name=name), user=people.owner)
    return people.reviewer


def test_the_navigation_shows_the_waiting_filings_and_the_unread_notices(client, people, both_roles, make_filing):
    _notify(people, make_filing(people.unit_a), 3)
    client.force_login(both_roles)
    html = client.get(reverse("projects:filing_list") + "?kind=project").content.decode()
    assert '待我审核 <span class="nav-count" title="2 张申报表等待审核">2' in html
    assert '通知 <span class="nav-count" title="3 条未读通知">3' in html
    assert selectors.review_queue_for(both_roles).count() == 2


def test_no_count_shows_when_nothing_waits(client, people):
    client.force_login(people.reviewer)
    html = client.get(reverse("projects:review_queue")).content.decode()
    assert ">待我审核</a>" in html and ">通知</a>" in html and "nav-count" not in html


def test_a_filer_who_does_not_review_has_no_queue_link(client, people, make_filing):
    review.filing_submit(filing=make_filing(people.unit_a), user=people.owner)
    client.force_login(people.owner)
    assert "待我审核" not in client.get(reverse("notices:list")).content.decode()


def test_the_counts_cost_a_few_queries_a_page_and_as_many_for_30_notices_as_for_3(
    client, settings, people, both_roles, make_filing
):
    filing = make_filing(people.unit_a)
    client.force_login(both_roles)
    pages = [
        reverse("notices:list"),
        reverse("projects:filing_list") + "?kind=project",
        reverse("projects:review_queue"),
        reverse("checks:report"),
    ]
    _notify(people, filing, 3)
    few = [_queries(client, url) for url in pages]
    _notify(people, filing, 27)
    many = [_queries(client, url) for url in pages]
    _without_counts(settings)
    without = [_queries(client, url) for url in pages]
    assert few == many
    # The queue's count needs the units the reviewer reviews: read on every page anyway, with the roles
    # the menu shows.
    assert [counted - plain for counted, plain in zip(many, without, strict=True)] == [2, 2, 2, 2]


def test_a_filer_pays_one_query_for_the_unread_count(client, settings, people):
    client.force_login(people.owner)
    url = reverse("projects:filing_list") + "?kind=project"
    counted = _queries(client, url)
    _without_counts(settings)
    assert counted - _queries(client, url) == 1


def test_an_anonymous_visitor_costs_no_query(client, settings, django_assert_num_queries):
    counted = _queries(client, reverse("login"))
    _without_counts(settings)
    assert counted == _queries(client, reverse("login"))
    counts = NavCounts(AnonymousUser())
    with django_assert_num_queries(0):
        assert (counts.review_queue, counts.unread_notices) == (0, 0)


def test_each_count_is_one_query_read_once(people, both_roles, django_assert_num_queries):
    selectors.is_administrator(both_roles)  # the menu settles this, and the units reviewed, first
    counts = NavCounts(both_roles)
    with django_assert_num_queries(2):  # the queue, the unread notices
        assert (counts.review_queue, counts.unread_notices) == (2, 0)
        assert (counts.review_queue, counts.unread_notices) == (2, 0)

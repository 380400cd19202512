from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from projects.models import Assignment, Filing, Role, Status, Transition
from projects.services.pdf import printed_reviews
from projects.services.review import filing_approve, filing_return

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def reviewer(samples):
    user = User.objects.create(username="li", first_name="丽", last_name="李")
    for unit in {filing.department for filing in Filing.objects.select_related("department")}:
        Assignment.objects.create(user=user, department=unit, role=Role.REVIEWER)
    return user


def _submitted(code):
    Filing.objects.filter(code=code).update(status=Status.SUBMITTED)
    return Filing.objects.get(code=code)


def _decided_on(filing, when):
    latest = Transition.objects.filter(filing=filing).order_by("-at", "-pk").first()
    assert latest is not None
    Transition.objects.filter(pk=latest.pk).update(at=when)


def test_an_approved_project_prints_the_approving_reviewers_opinion_and_date(reviewer):
    filing = filing_approve(filing=_submitted("440306210601500000540"), user=reviewer, comment="同意申报。")
    _decided_on(filing, datetime(2024, 3, 5, 10, 30, tzinfo=SHANGHAI))
    review = printed_reviews([filing])[filing.pk]
    assert (review.comment, review.user, review.created_at) == (
        "同意申报。",
        reviewer,
        datetime(2024, 3, 5, 10, 30, tzinfo=SHANGHAI),
    )


def test_a_project_returned_twice_prints_the_latest_reason(reviewer):
    filing = filing_return(filing=_submitted("440306210601500000540"), user=reviewer, reason="成本指标缺少单位。")
    _decided_on(filing, datetime(2024, 3, 1, tzinfo=SHANGHAI))
    filing = filing_return(filing=_submitted("440306210601500000540"), user=reviewer, reason="数量指标应写下限。")
    assert printed_reviews([filing])[filing.pk].comment == "数量指标应写下限。"


def test_a_returned_project_resubmitted_since_prints_no_review(reviewer):
    filing = filing_return(filing=_submitted("440306210601500000540"), user=reviewer, reason="成本指标缺少单位。")
    filing = _submitted(filing.code)
    assert printed_reviews([filing]) == {}


def test_drafts_and_submitted_projects_print_no_review(samples):
    assert printed_reviews(Filing.objects.all()) == {}


def test_the_reviews_of_a_whole_department_are_read_in_one_query(reviewer, django_assert_num_queries):
    codes = list(Filing.objects.filter(kind="project").order_by("code").values_list("code", flat=True)[:12])
    assert len(codes) == 12
    for index, code in enumerate(codes):
        step = filing_approve if index % 2 else filing_return
        keyword = "comment" if index % 2 else "reason"
        step(filing=_submitted(code), user=reviewer, **{keyword: f"意见{index}"})
    filings = list(Filing.objects.filter(code__in=codes).order_by("code"))
    with django_assert_num_queries(1):
        reviews = printed_reviews(filings)
        names = {getattr(review.user, "username", None) for review in reviews.values()}
    assert [reviews[filing.pk].comment for filing in filings] == [f"意见{index}" for index in range(12)]
    assert names == {"li"}

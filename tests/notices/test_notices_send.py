"""Every return and approval tells the filers of the filing's unit and its submitter, and nobody else."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notices.models import Notice, NoticeKind
from projects.models import Role, Status
from projects.services import review
from projects.services.accounts import assignment_grant

pytestmark = pytest.mark.django_db


def _told(filing) -> dict[str, str]:
    return {notice.recipient.username: notice.kind for notice in Notice.objects.filter(filing=filing)}


@pytest.fixture
def submitted(people, make_filing):
    filing = make_filing(people.unit_a, name="大厅运行保障")
    review.filing_submit(filing=filing, user=people.owner)
    return filing


def test_returning_a_filing_tells_its_filer_why(people, submitted):
    review.filing_return(filing=submitted, user=people.reviewer, reason="服务人次目标偏低")
    notice = Notice.objects.get(filing=submitted)
    assert (notice.recipient, notice.kind, notice.read_at) == (people.owner, NoticeKind.RETURNED, None)
    assert notice.message == f"孙审核退回了“{submitted.title}”\n退回原因：服务人次目标偏低"
    assert notice.created_at == submitted.transitions.get(to_status=Status.RETURNED).at


def test_approving_a_filing_tells_its_filer_with_the_reviewers_comment(people, submitted):
    review.filing_approve(filing=submitted, user=people.reviewer, comment="同意")
    notice = Notice.objects.get(filing=submitted)
    assert (notice.recipient, notice.kind) == (people.owner, NoticeKind.APPROVED)
    assert (notice.headline, notice.details) == (f"孙审核审核通过了“{submitted.title}”", "审核意见：同意")


def test_an_approval_without_a_comment_is_one_line(people, submitted):
    review.filing_approve(filing=submitted, user=people.reviewer)
    assert Notice.objects.get(filing=submitted).details == ""


def test_other_units_filers_reviewers_and_outsiders_hear_nothing(people, submitted, make_filing):
    theirs = make_filing(people.unit_b)
    review.filing_submit(filing=theirs, user=people.colleague)
    review.filing_return(filing=submitted, user=people.reviewer, reason="请补充")
    review.filing_approve(filing=theirs, user=people.other_reviewer)
    assert _told(submitted) == {"owner": NoticeKind.RETURNED}
    assert _told(theirs) == {"colleague": NoticeKind.APPROVED}


def test_every_filer_of_the_unit_and_of_the_unit_above_it_is_told(people, make_filing):
    """A 填报人 of a unit also files for the units directly under it."""
    filing = make_filing(people.unit_a_child)
    child_filer = type(people.owner).objects.create(username="child_filer")
    assignment_grant(user=child_filer, department=people.unit_a_child, role=Role.FILER)
    review.filing_submit(filing=filing, user=child_filer)
    review.filing_approve(filing=filing, user=people.reviewer)
    assert _told(filing) == {"owner": NoticeKind.APPROVED, "child_filer": NoticeKind.APPROVED}


def test_whoever_submitted_is_told_even_without_a_filer_assignment(people, make_filing):
    filing = make_filing(people.unit_a)
    review.filing_submit(filing=filing, user=people.administrator)
    review.filing_return(filing=filing, user=people.reviewer, reason="请补充")
    assert _told(filing) == {"owner": NoticeKind.RETURNED, "administrator": NoticeKind.RETURNED}


def test_the_reviewer_is_not_told_of_their_own_decision_though_they_also_file(people, make_filing):
    assignment_grant(user=people.reviewer, department=people.unit_a, role=Role.FILER)
    filing = make_filing(people.unit_a)
    review.filing_submit(filing=filing, user=people.reviewer)
    review.filing_approve(filing=filing, user=people.reviewer)
    assert _told(filing) == {"owner": NoticeKind.APPROVED}


def test_an_inactive_filer_is_not_told(people, submitted):
    people.owner.is_active = False
    people.owner.save()
    review.filing_approve(filing=submitted, user=people.reviewer)
    assert _told(submitted) == {}


def test_submitting_withdrawing_and_reopening_tell_nobody(people, make_filing):
    filing = make_filing(people.unit_a)
    review.filing_submit(filing=filing, user=people.owner)
    review.filing_withdraw(filing=filing, user=people.owner)
    review.filing_submit(filing=filing, user=people.owner)
    review.filing_return(filing=filing, user=people.reviewer, reason="请补充")
    review.filing_reopen(filing=filing, user=people.owner)
    assert list(Notice.objects.filter(filing=filing).values_list("kind", flat=True)) == [NoticeKind.RETURNED]


def test_a_refused_step_leaves_no_notice(people, make_filing):
    draft = make_filing(people.unit_a)
    with pytest.raises(review.TransitionError):
        review.filing_approve(filing=draft, user=people.reviewer)
    assert not Notice.objects.exists()


def test_the_notices_of_a_step_are_written_in_one_insert_however_many_are_told(people, submitted):
    for number in range(12):
        filer = type(people.owner).objects.create(username=f"filer{number}")
        assignment_grant(user=filer, department=people.unit_a, role=Role.FILER)
    with CaptureQueriesContext(connection) as captured:
        review.filing_return(filing=submitted, user=people.reviewer, reason="请补充")
    inserts = [q["sql"] for q in captured if q["sql"].startswith('INSERT INTO "notices_notice"')]
    assert len(inserts) == 1
    assert Notice.objects.filter(filing=submitted).count() == 13


def test_the_batch_approval_tells_the_filers_of_each_filing(people, make_filing):
    ours, theirs = make_filing(people.unit_a, name="甲"), make_filing(people.unit_a_child, name="乙")
    for filing in (ours, theirs):
        review.filing_submit(filing=filing, user=people.owner)
    result = review.filings_approve(filing_ids=[ours.pk, theirs.pk], user=people.reviewer)
    assert len(result.succeeded) == 2
    assert _told(ours) == _told(theirs) == {"owner": NoticeKind.APPROVED}

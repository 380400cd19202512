import pytest

from indicators.models import Indicator
from projects.models import Status, Transition
from projects.services import review
from projects.services.review import TransitionError

pytestmark = pytest.mark.django_db


def _steps(project):
    return list(
        project.transitions.order_by("at", "pk").values_list("from_status", "to_status", "user__username", "comment")
    )


def test_a_filer_submits_a_complete_draft_and_the_step_is_recorded(people, make_filing):
    project = make_filing(people.unit_a)
    review.filing_submit(filing=project, user=people.owner)
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED
    transition = project.transitions.get()
    assert (transition.from_status, transition.to_status, transition.user) == ("draft", "submitted", people.owner)
    assert transition.at is not None
    assert [row["name"] for row in transition.snapshot["rows"]][:2] == ["数量指标1", "质量指标1"]


def test_an_incomplete_draft_is_refused_with_the_list_of_what_is_missing(people, make_filing):
    project = make_filing(people.unit_a, name="缺项目", annual_goal="", allocation="")
    with pytest.raises(TransitionError) as refused:
        review.filing_submit(filing=project, user=people.owner)
    assert refused.value.message == "申报表还有 2 处需要补充，不能送审"
    assert [p.message for p in refused.value.problems] == ["分配方式：未选择", "年度目标：未填写"]
    project.refresh_from_db()
    assert project.status == Status.DRAFT and not project.transitions.exists()


@pytest.mark.parametrize("who", ["colleague", "outsider", "reviewer"])
def test_only_a_filer_of_the_unit_can_submit(people, make_filing, who):
    project = make_filing(people.unit_a)
    with pytest.raises(TransitionError, match="不是该申报表申请单位的填报人"):
        review.filing_submit(filing=project, user=getattr(people, who))
    assert Transition.objects.count() == 0


def test_a_filer_of_the_parent_unit_can_submit_for_a_unit_under_it(people, make_filing):
    project = make_filing(people.unit_a_child)
    review.filing_submit(filing=project, user=people.owner)
    assert project.status == Status.SUBMITTED


def test_the_filer_can_withdraw_a_submission_nobody_has_reviewed(people, make_filing):
    project = make_filing(people.unit_a)
    review.filing_submit(filing=project, user=people.owner)
    review.filing_withdraw(filing=project, user=people.owner)
    assert project.status == Status.DRAFT
    assert _steps(project)[-1] == ("submitted", "draft", "owner", "填报人撤回")


def test_a_reviewed_submission_can_no_longer_be_withdrawn(people, make_filing):
    project = make_filing(people.unit_a)
    review.filing_submit(filing=project, user=people.owner)
    review.filing_approve(filing=project, user=people.reviewer)
    with pytest.raises(TransitionError, match="当前状态为“审核通过”"):
        review.filing_withdraw(filing=project, user=people.owner)
    project.refresh_from_db()
    assert project.status == Status.APPROVED
    assert list(project.transitions.values_list("to_status", flat=True)) == [Status.SUBMITTED, Status.APPROVED]


def test_the_reviewer_approves_a_submission_with_a_comment(people, make_filing):
    project = make_filing(people.unit_a)
    review.filing_submit(filing=project, user=people.owner)
    review.filing_approve(filing=project, user=people.reviewer, comment=" 同意 ")
    assert project.status == Status.APPROVED
    assert _steps(project)[-1] == ("submitted", "approved", "reviewer", "同意")


@pytest.mark.parametrize("who", ["owner", "other_reviewer", "outsider"])
def test_only_a_reviewer_of_the_unit_can_approve_or_return(people, make_filing, who):
    project = make_filing(people.unit_a)
    review.filing_submit(filing=project, user=people.owner)
    with pytest.raises(TransitionError, match="不是该申报表申请单位的审核人"):
        review.filing_approve(filing=project, user=getattr(people, who))
    with pytest.raises(TransitionError, match="不是该申报表申请单位的审核人"):
        review.filing_return(filing=project, user=getattr(people, who), reason="不行")
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED


def test_a_draft_cannot_be_approved_or_returned(people, make_filing):
    project = make_filing(people.unit_a)
    with pytest.raises(TransitionError, match="当前状态为“草稿”"):
        review.filing_approve(filing=project, user=people.reviewer)
    with pytest.raises(TransitionError, match="当前状态为“草稿”"):
        review.filing_return(filing=project, user=people.reviewer, reason="x")


def test_returning_requires_a_reason(people, make_filing):
    project = make_filing(people.unit_a)
    review.filing_submit(filing=project, user=people.owner)
    with pytest.raises(TransitionError, match="退回必须填写退回原因"):
        review.filing_return(filing=project, user=people.reviewer, reason="   ")
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED


def test_a_returned_filing_goes_back_through_draft_when_resubmitted(people, make_filing):
    project = make_filing(people.unit_a)
    review.filing_submit(filing=project, user=people.owner)
    review.filing_return(filing=project, user=people.reviewer, reason="成本指标与预算不符")
    assert project.status == Status.RETURNED
    review.filing_submit(filing=project, user=people.owner)
    assert project.status == Status.SUBMITTED
    assert _steps(project) == [
        ("draft", "submitted", "owner", ""),
        ("submitted", "returned", "reviewer", "成本指标与预算不符"),
        ("returned", "draft", "owner", "退回后修改"),
        ("draft", "submitted", "owner", ""),
    ]


def test_an_approved_filing_cannot_be_submitted_again(people, make_filing):
    project = make_filing(people.unit_a)
    review.filing_submit(filing=project, user=people.owner)
    review.filing_approve(filing=project, user=people.reviewer)
    with pytest.raises(TransitionError, match="不能送审"):
        review.filing_submit(filing=project, user=people.owner)
    project.refresh_from_db()
    assert project.status == Status.APPROVED and project.transitions.count() == 2


def test_of_two_reviewers_acting_on_one_submission_only_the_first_succeeds(people, make_filing):
    project = make_filing(people.unit_a)
    review.filing_submit(filing=project, user=people.owner)
    stale_copy = type(project).objects.get(pk=project.pk)
    review.filing_approve(filing=project, user=people.reviewer)
    with pytest.raises(TransitionError, match="当前状态为“审核通过”"):
        review.filing_return(filing=stale_copy, user=people.administrator, reason="迟到的退回")
    assert _steps(project)[-1][1] == "approved"


def test_a_submission_of_a_version_that_changed_meanwhile_is_refused(people, make_filing):
    project = make_filing(people.unit_a)
    stale_copy = type(project).objects.get(pk=project.pk)
    type(project).objects.filter(pk=project.pk).update(version=project.version + 1)
    with pytest.raises(TransitionError, match="刚被他人修改"):
        review.filing_submit(filing=stale_copy, user=people.owner)
    project.refresh_from_db()
    assert project.status == Status.DRAFT and not project.transitions.exists()


def test_batch_submission_checks_each_project_and_says_which_failed_and_why(people, make_filing):
    ready = make_filing(people.unit_a, name="完整项目")
    incomplete = make_filing(people.unit_a, name="缺目标", annual_goal="")
    foreign = make_filing(people.unit_b, name="外单位项目")
    result = review.filings_submit(filing_ids=[ready.pk, incomplete.pk, foreign.pk, "x"], user=people.owner)
    assert [p.pk for p in result.succeeded] == [ready.pk]
    assert result.failed == [
        (f"{incomplete.code} 缺目标", "申报表还有 1 处需要补充，不能送审（年度目标：未填写）"),
        (f"编号 {foreign.pk}", "没有找到该申报表，或您无权操作"),
    ]
    foreign.refresh_from_db()
    incomplete.refresh_from_db()
    assert (foreign.status, incomplete.status) == (Status.DRAFT, Status.DRAFT)


def test_batch_approval_approves_the_submitted_and_reports_the_rest(people, make_filing):
    first, second, draft = (make_filing(people.unit_a, name=n) for n in ("一", "二", "草稿"))
    for project in (first, second):
        review.filing_submit(filing=project, user=people.owner)
    result = review.filings_approve(filing_ids=[first.pk, second.pk, draft.pk], user=people.reviewer)
    assert [p.pk for p in result.succeeded] == [first.pk, second.pk]
    assert result.failed == [(f"{draft.code} 草稿", "申报表当前状态为“草稿”，不能执行此操作")]


def test_submission_is_checked_against_the_rows_as_stored(people, make_filing):
    project = make_filing(people.unit_a)
    Indicator.objects.filter(filing=project, category__name="服务对象满意度").delete()
    with pytest.raises(TransitionError) as refused:
        review.filing_submit(filing=project, user=people.owner)
    assert refused.value.problems[0].message == "满意度指标 / 服务对象满意度指标（必填）：至少填写一条三级指标"

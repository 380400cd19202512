from dataclasses import replace
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Status, Transition
from projects.services import review
from projects.services.filing import filing_update
from projects.services.rows import RowInput
from tests.helpers.filings import make_overall, row_inputs, task_inputs

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer_client(client, people):
    client.force_login(people.reviewer)
    return client


def test_the_queue_lists_submitted_filings_of_the_reviewers_units_oldest_first(reviewer_client, people, make_filing):
    late, early, draft = (make_filing(people.unit_a, name=n) for n in ("后送审", "先送审", "草稿"))
    foreign = make_filing(people.unit_b, name="乙单位")
    for filing in (late, early, foreign):
        review.filing_submit(filing=filing, user=people.administrator)
    Transition.objects.filter(filing=early).update(at=timezone.now() - timedelta(days=2))
    response = reviewer_client.get(reverse("projects:review_queue"))
    assert [p.name for p in response.context["page"].object_list] == ["先送审", "后送审"]


def test_the_review_page_shows_what_changed_since_the_return(reviewer_client, people, make_filing):
    filing = make_filing(people.unit_a)
    review.filing_submit(filing=filing, user=people.owner)
    review.filing_return(filing=filing, user=people.reviewer, reason="成本指标请写明金额")
    rows = row_inputs(filing)
    cost = next(row for row in rows if row.name == "成本指标1")
    rows[rows.index(cost)] = RowInput(
        id=cost.id, category_id=cost.category_id, name="项目总成本", value="≤80万元", explanation=cost.explanation
    )
    filing_update(
        filing=filing, user=people.owner, header={"calculation_basis": "100 万元"}, rows=rows, version=filing.version
    )
    review.filing_submit(filing=filing, user=people.owner)

    response = reviewer_client.get(reverse("projects:filing_review", args=[filing.pk]))
    diff = response.context["diff"]
    assert [(c.label, c.before, c.after) for c in diff.fields] == [("测算依据", "10 万元 × 10 项", "100 万元")]
    assert [(r.kind, r.before["name"], r.after["name"], r.columns) for r in diff.rows] == [
        ("changed", "成本指标1", "项目总成本", ["三级指标", "指标值"])
    ]
    html = response.content.decode()
    assert "当时的退回原因：成本指标请写明金额" in html and "≤80万元" in html


def test_a_first_submission_has_no_changes_section(reviewer_client, people, make_filing):
    filing = make_filing(people.unit_a)
    review.filing_submit(filing=filing, user=people.owner)
    response = reviewer_client.get(reverse("projects:filing_review", args=[filing.pk]))
    assert response.context["diff"] is None
    assert "退回以来的修改" not in response.content.decode()


def test_returning_without_a_reason_is_refused_on_the_page(reviewer_client, people, make_filing):
    filing = make_filing(people.unit_a)
    review.filing_submit(filing=filing, user=people.owner)
    response = reviewer_client.post(reverse("projects:filing_return", args=[filing.pk]), {"reason": "  "})
    assert response.status_code == 400
    assert "退回必须填写退回原因" in response.content.decode()
    filing.refresh_from_db()
    assert filing.status == Status.SUBMITTED


def test_the_filer_sees_the_return_reason_on_the_filing_page(client, people, make_filing):
    filing = make_filing(people.unit_a)
    review.filing_submit(filing=filing, user=people.owner)
    review.filing_return(filing=filing, user=people.reviewer, reason="请补充满意度指标的调查方式")
    client.force_login(people.owner)
    html = client.get(reverse("projects:filing_detail", args=[filing.pk])).content.decode()
    assert "审核人 孙审核 于" in html and "退回原因：请补充满意度指标的调查方式" in html


def test_batch_approval_reports_which_succeeded_and_why_the_others_did_not(reviewer_client, people, make_filing):
    submitted = make_filing(people.unit_a, name="已送审")
    review.filing_submit(filing=submitted, user=people.owner)
    draft = make_filing(people.unit_a, name="还是草稿")
    response = reviewer_client.post(
        reverse("projects:batch_approve"), {"selected": [submitted.pk, draft.pk]}, follow=True
    )
    html = response.content.decode()
    assert f"审核通过 1 张申报表：{submitted.code} 已送审" in html
    assert f"{draft.code} 还是草稿：申报表当前状态为“草稿”，不能执行此操作" in html
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED


def test_an_approved_filing_shows_no_edit_or_submit_action(client, people, make_filing):
    filing = make_filing(people.unit_a)
    review.filing_submit(filing=filing, user=people.owner)
    review.filing_approve(filing=filing, user=people.reviewer)
    client.force_login(people.owner)
    html = client.get(reverse("projects:filing_detail", args=[filing.pk])).content.decode()
    assert reverse("projects:filing_edit", args=[filing.pk]) not in html
    assert reverse("projects:filing_submit", args=[filing.pk]) not in html


def test_the_review_page_of_an_overall_filing_shows_its_tasks_and_their_changes_since_the_return(
    reviewer_client, people
):
    filing = make_overall(people.unit_a)
    review.filing_submit(filing=filing, user=people.owner)
    review.filing_return(filing=filing, user=people.reviewer, reason="任务内容请写具体")
    tasks = task_inputs(filing)
    tasks[0] = replace(tasks[0], content="人员工资和日常公用经费")
    filing_update(
        filing=filing, user=people.owner, header={}, rows=row_inputs(filing), tasks=tasks, version=filing.version
    )
    review.filing_submit(filing=filing, user=people.owner)

    response = reviewer_client.get(reverse("projects:filing_review", args=[filing.pk]))
    assert response.context["can_decide"]
    assert [(t.kind, t.columns) for t in response.context["diff"].tasks] == [("changed", ["主要内容"])]
    html = response.content.decode()
    assert "部门（单位）整体支出绩效目标表" in html and "信息化建设" in html  # the form with its tasks
    changes = html[html.index('id="changes"') : html.index("</section>", html.index('id="changes"'))]
    assert "当时的退回原因：任务内容请写具体" in changes
    assert "基本支出的内容" in changes and "人员工资和日常公用经费" in changes  # the task as it was and is

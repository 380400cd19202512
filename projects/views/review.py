"""Workflow actions: submit, withdraw, the review page (approve or return), and batch variants."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from projects import selectors
from projects.forms import ApproveForm, ReturnForm
from projects.models import Role, Status
from projects.services import review
from projects.services.snapshots import filing_diff, filing_snapshot
from projects.views.detail import filing_context


def _back(request, default: str):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


def _report(request, result: review.BatchResult, done: str) -> None:
    if result.succeeded:
        messages.success(
            request,
            f"{done} {len(result.succeeded)} 张申报表：" + "、".join(filing.title for filing in result.succeeded),
        )
    for which, why in result.failed:
        if (pk := result.failed_ids.get(which)) is not None:
            link = reverse("projects:filing_detail", args=[pk])
            messages.error(request, format_html('{}：{} <a href="{}">打开该申报表</a>', which, why, link))
        else:
            messages.error(request, f"{which}：{why}")
    if not result.succeeded and not result.failed:
        messages.warning(request, "请先勾选申报表")


@login_required
@require_POST
def filing_submit_view(request, pk):
    filing = selectors.filing_for(request.user, pk, role=Role.FILER)
    try:
        review.filing_submit(filing=filing, user=request.user)
    except review.TransitionError as error:
        messages.error(request, f"未能送审：{error.message}")
        if error.problems:
            return redirect(reverse("projects:filing_edit", args=[filing.pk]) + "?check=1")
    else:
        messages.success(request, "已送审，等待审核")
    return redirect("projects:filing_detail", pk=filing.pk)


@login_required
@require_POST
def filing_withdraw_view(request, pk):
    filing = selectors.filing_for(request.user, pk, role=Role.FILER)
    try:
        review.filing_withdraw(filing=filing, user=request.user)
    except review.TransitionError as error:
        messages.error(request, f"未能撤回：{error.message}")
    else:
        messages.success(request, "已撤回，申报表回到草稿状态，可以继续修改")
    return redirect("projects:filing_detail", pk=filing.pk)


def changes_since_return(filing, *, rows=None, tasks=None):
    """What the filer changed between the last return and now; None if it was never returned.
    ``rows`` and ``tasks`` are the filing's as stored, when they have been read already."""
    returned = filing.transitions.filter(to_status=Status.RETURNED).order_by("-at", "-pk").first()
    if returned is None:
        return None, None
    return returned, filing_diff(returned.snapshot, filing_snapshot(filing, rows, tasks), kind=filing.form_kind)


def _review_page(request, filing, *, return_form=None, approve_form=None, status=200):
    context = filing_context(filing)
    returned, diff = changes_since_return(filing, rows=context["indicators"], tasks=context["tasks"])
    context.update(
        {
            "returned": returned,
            "diff": diff,
            "return_form": return_form or ReturnForm(),
            "approve_form": approve_form or ApproveForm(),
            "can_decide": filing.status == Status.SUBMITTED,
        }
    )
    return render(request, "projects/filing_review.html", context, status=status)


def _decide(request, filing, step, *, failed: str, done: str, **details):
    """A reviewer's decision: back to the queue when it is taken, to the filing when it is refused."""
    try:
        step(filing=filing, user=request.user, **details)
    except review.TransitionError as error:
        messages.error(request, f"{failed}：{error.message}")
        return redirect("projects:filing_detail", pk=filing.pk)
    messages.success(request, f"{filing.title}：{done}")
    return redirect("projects:review_queue")


@login_required
def filing_review_view(request, pk):
    filing = selectors.filing_for(request.user, pk, role=Role.REVIEWER)
    return _review_page(request, filing)


@login_required
@require_POST
def filing_approve_view(request, pk):
    filing = selectors.filing_for(request.user, pk, role=Role.REVIEWER)
    form = ApproveForm(request.POST)
    form.is_valid()
    return _decide(
        request,
        filing,
        review.filing_approve,
        comment=form.cleaned_data.get("comment", ""),
        failed="未能审核通过",
        done="审核通过",
    )


@login_required
@require_POST
def filing_return_view(request, pk):
    filing = selectors.filing_for(request.user, pk, role=Role.REVIEWER)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, "未能退回：请填写退回原因")
        return _review_page(request, filing, return_form=form, status=400)
    return _decide(
        request,
        filing,
        review.filing_return,
        reason=form.cleaned_data["reason"],
        failed="未能退回",
        done="已退回填报人修改",
    )


@login_required
@require_POST
def batch_submit_view(request):
    result = review.filings_submit(filing_ids=request.POST.getlist("selected"), user=request.user)
    _report(request, result, "已送审")
    return _back(request, reverse("projects:filing_list"))


@login_required
@require_POST
def batch_approve_view(request):
    result = review.filings_approve(
        filing_ids=request.POST.getlist("selected"), user=request.user, comment=request.POST.get("comment", "")
    )
    _report(request, result, "审核通过")
    return _back(request, reverse("projects:review_queue"))

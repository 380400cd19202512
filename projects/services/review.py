"""The review workflow: 草稿 → 已送审 → 审核通过, or 已送审 → 已退回 → 草稿 → 已送审 again.

Every step is one function that checks the user's role and the filing's current state, changes
the state with a conditional update (so two people acting at once cannot both succeed), and records
a ``Transition``: who, when, from which state to which, the comment, and a snapshot of the filing.
The filers of the unit hear of every return and approval through ``notices.services.notices_send``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from checks.services import blocking_findings
from indicators.models import Indicator, Level2Category
from notices.services import notices_send
from projects import selectors
from projects.kinds.base import Choice, Unit, YesNo
from projects.models import EDITABLE_STATUSES, Filing, Role, Status, Transition
from projects.services.prerender import prerender_after_commit
from projects.services.snapshots import filing_snapshot
from projects.typing import AnyUser


class TransitionError(Exception):
    """Why a step was refused, in Chinese; ``problems`` lists what a submission still lacks."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = problems or []


@dataclass(frozen=True)
class Problem:
    """One thing missing before a filing can be submitted, attached to where it shows on the form."""

    message: str
    field: str | None = None  # a header field name
    indicator_id: int | None = None
    category_id: int | None = None  # a 二级指标 with no usable row
    severity: str = "error"
    # Where the checks name the same place: 一级/二级 of a category problem (产出/数量).
    subject: str = ""
    # The row's index in what a refused save sent, when the refusal saved nothing (no indicator_id then).
    row: int | None = None


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_problems(filing: Filing) -> list[Problem]:
    """The fields the kind requires that are blank, in the order of the form, and the kind's other
    requirements (a project of several years states its 长期目标)."""
    kind = filing.form_kind
    problems = []
    for header_field in kind.required_fields:
        if _is_blank(filing.value(header_field.name)):
            what = "未选择" if isinstance(header_field.type, Unit | YesNo | Choice) else "未填写"
            problems.append(Problem(f"{header_field.label_for('元')}：{what}", field=header_field.name))
    if kind.extra_requirements is not None:
        problems += [Problem(message, field=name) for name, message in kind.extra_requirements(filing.value)]
    return problems


def _indicator_problems(filing: Filing) -> list[Problem]:
    table = filing.form_kind.indicators
    problems = []
    rows_by_category: dict[int, list[Indicator]] = {}
    for row in filing.indicators.order_by("position", "pk"):
        rows_by_category.setdefault(row.category_id, []).append(row)
    categories = Level2Category.objects.filter(parent__template_id=filing.template_id).select_related("parent")
    for category in categories:
        label = f"{category.parent.name}指标 / {category.name}指标"
        rows = rows_by_category.get(category.pk, [])
        real = [row for row in rows if not row.not_applicable]
        if category.required and not real:
            reason = "不能填“不适用”" if rows else "至少填写一条三级指标"
            subject = f"{category.parent.name}/{category.name}"
            problems.append(Problem(f"{label}（必填）：{reason}", category_id=category.pk, subject=subject))
        columns = table.columns[:1] if category.name in table.content_only else table.columns
        for number, row in enumerate(real, start=1):
            missing = [
                column.label + ("名称" if column.name == "name" and column.label.endswith("指标") else "")
                for column in columns
                if column.required and _is_blank(getattr(row, column.name))
            ]
            if missing:
                where = f"“{row.name}”" if row.name.strip() else f"第{number}行"
                problems.append(Problem(f"{label} {where}：缺少{'、'.join(missing)}", indicator_id=row.pk))
    return problems


# The check rules that say again what the submission already lists as missing (rules 1, 2 and 4).
_RESTATE_MISSING = frozenset({"required_categories", "header_complete", "row_complete"})


def submission_problems(filing: Filing) -> list[Problem]:
    """What keeps the filing from 送审, field by field and row by row; empty when it may go.

    One list, so that the filer fixes everything in one round: what is missing, then the errors the
    filing checks find in what was filled in (a code of another district, a cost above the budget,
    …). A check error that restates a place already listed as missing is left out. Warnings never
    block.
    """
    missing = _header_problems(filing) + _indicator_problems(filing)
    places: set[str | int] = {problem.field for problem in missing if problem.field}
    places |= {problem.indicator_id for problem in missing if problem.indicator_id is not None}
    places |= {problem.subject for problem in missing if problem.category_id is not None}
    return missing + [
        Problem(
            f"{finding.subject}：{finding.message}" if finding.subject else finding.message,
            field=finding.field,
            indicator_id=finding.indicator_id,
        )
        for finding in blocking_findings(filing)
        if not (
            finding.rule_id in _RESTATE_MISSING and (finding.field or finding.indicator_id or finding.subject) in places
        )
    ]


def _move(
    *,
    filing: Filing,
    user: User,
    to_status: str,
    from_statuses: Collection[str],
    comment: str = "",
    version: int | None = None,
) -> Filing:
    """Changes the state only if it is still one of ``from_statuses``, and records the step."""
    now = timezone.now()
    with transaction.atomic():
        candidates = Filing.objects.filter(pk=filing.pk, status__in=list(from_statuses))
        if version is not None:
            candidates = candidates.filter(version=version)
        from_status = candidates.values_list("status", flat=True).first()
        if from_status is None or not candidates.filter(status=from_status).update(
            status=to_status, version=F("version") + 1, updated_at=now
        ):
            current = Filing.objects.filter(pk=filing.pk).values_list("status", flat=True).first()
            if current is not None and current in from_statuses:
                raise TransitionError("申报表刚被他人修改，请刷新页面核对后再操作")
            label = Status(current).label if current else "已删除"
            raise TransitionError(f"申报表当前状态为“{label}”，不能执行此操作")
        filing.refresh_from_db(fields=["status", "version", "updated_at"])
        step = Transition.objects.create(
            filing=filing,
            user=user,
            at=now,
            from_status=from_status,
            to_status=to_status,
            comment=comment,
            snapshot=filing_snapshot(filing),
        )
        notices_send(step=step)
        prerender_after_commit(filings=[filing])
    return filing


def _unit_label(filing: Filing) -> str:
    return filing.form_kind.field("department").label


def _require_filer(user: AnyUser, filing: Filing) -> None:
    if not selectors.can_file_for(user, filing):
        raise TransitionError(f"您不是该申报表{_unit_label(filing)}的填报人")


def _require_reviewer(user: AnyUser, filing: Filing) -> None:
    if not selectors.can_review(user, filing):
        raise TransitionError(f"您不是该申报表{_unit_label(filing)}的审核人")


def filing_reopen(*, filing: Filing, user: User) -> Filing:
    """已退回 → 草稿: the filer takes a returned filing back to fix it."""
    _require_filer(user, filing)
    return _move(
        filing=filing, user=user, to_status=Status.DRAFT, from_statuses=[Status.RETURNED], comment="退回后修改"
    )


def filing_submit(*, filing: Filing, user: User, comment: str = "") -> Filing:
    """草稿 → 已送审, only when the filing is complete. A returned filing is reopened first."""
    _require_filer(user, filing)
    if filing.status not in EDITABLE_STATUSES:
        raise TransitionError(f"申报表当前状态为“{filing.get_status_display()}”，不能送审")
    problems = submission_problems(filing)
    if problems:
        raise TransitionError(f"申报表还有 {len(problems)} 处需要补充，不能送审", problems)
    with transaction.atomic():
        if filing.status == Status.RETURNED:
            filing_reopen(filing=filing, user=user)
        return _move(
            filing=filing,
            user=user,
            to_status=Status.SUBMITTED,
            from_statuses=[Status.DRAFT],
            comment=comment,
            version=filing.version,
        )


def filing_withdraw(*, filing: Filing, user: User) -> Filing:
    """已送审 → 草稿, while no reviewer has acted on it yet."""
    _require_filer(user, filing)
    return _move(
        filing=filing, user=user, to_status=Status.DRAFT, from_statuses=[Status.SUBMITTED], comment="填报人撤回"
    )


def filing_approve(*, filing: Filing, user: User, comment: str = "") -> Filing:
    _require_reviewer(user, filing)
    return _move(
        filing=filing, user=user, to_status=Status.APPROVED, from_statuses=[Status.SUBMITTED], comment=comment.strip()
    )


def filing_return(*, filing: Filing, user: User, reason: str) -> Filing:
    _require_reviewer(user, filing)
    if not reason or not reason.strip():
        raise TransitionError("退回必须填写退回原因")
    return _move(
        filing=filing, user=user, to_status=Status.RETURNED, from_statuses=[Status.SUBMITTED], comment=reason.strip()
    )


@dataclass
class BatchResult:
    succeeded: list[Filing] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (which filing, why)
    failed_ids: dict[str, int] = field(default_factory=dict)  # which → id, for the refused filings the user sees


def _batch(
    *, user: AnyUser, filing_ids: Iterable[str | int], role: str, step: Callable[[Filing], Filing]
) -> BatchResult:
    """Each selected filing on its own: one refusal does not undo or block the others."""
    filings, missing = _selected(user, filing_ids, role)
    result = BatchResult()
    for filing in filings:
        try:
            with transaction.atomic():
                result.succeeded.append(step(filing))
        except TransitionError as error:
            detail = error.message
            if error.problems:
                listed = "；".join(problem.message for problem in error.problems[:3])
                more = " 等" if len(error.problems) > 3 else ""
                detail = f"{detail}（{listed}{more}）"
            result.failed.append((filing.title, detail))
            result.failed_ids[filing.title] = filing.pk
    result.failed += missing
    return result


def _selected(user: AnyUser, ids: Iterable[str | int], role: str) -> tuple[list[Filing], list[tuple[str, str]]]:
    """The selected filings the user may act on; ids they cannot see are reported, not revealed."""
    wanted = []
    for raw in ids:
        try:
            wanted.append(int(raw))
        except (TypeError, ValueError):
            continue
    found = {f.pk: f for f in selectors.filings_for(user, role=role).select_related("department").filter(pk__in=wanted)}
    missing = [(f"编号 {pk}", "没有找到该申报表，或您无权操作") for pk in wanted if pk not in found]
    return [found[pk] for pk in wanted if pk in found], missing


def filings_submit(*, filing_ids: Iterable[str | int], user: User) -> BatchResult:
    return _batch(
        user=user,
        filing_ids=filing_ids,
        role=Role.FILER,
        step=lambda filing: filing_submit(filing=filing, user=user),
    )


def filings_approve(*, filing_ids: Iterable[str | int], user: User, comment: str = "") -> BatchResult:
    return _batch(
        user=user,
        filing_ids=filing_ids,
        role=Role.REVIEWER,
        step=lambda filing: filing_approve(filing=filing, user=user, comment=comment),
    )

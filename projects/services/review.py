"""The review workflow: 草稿 → 已送审 → 审核通过, or 已送审 → 已退回 → 草稿 → 已送审 again.

Every step is one function that checks the user's role and the project's current state, changes
the state with a conditional update (so two people acting at once cannot both succeed), and records
a ``Transition``: who, when, from which state to which, the comment, and a snapshot of the filing.
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
from projects import selectors
from projects.models import Project, Role, Status, Transition, field_label
from projects.services.prerender import prerender_after_commit
from projects.services.snapshots import filing_snapshot
from projects.typing import AnyUser

EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)


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
    field: str | None = None  # a Project field name
    indicator_id: int | None = None
    category_id: int | None = None  # a 二级指标 with no usable row
    severity: str = "error"


# Header fields a complete filing fills in, in the order of the official form.
REQUIRED_HEADER_FIELDS = [
    "code",
    "name",
    "applicant",
    "top_unit",
    "duration_years",
    "project_type",
    "is_new",
    "allocation",
    "total_amount",
    "current_amount",
    "policy_basis",
    "calculation_basis",
    "annual_goal",
]


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_problems(project: Project) -> list[Problem]:
    problems = []
    for name in REQUIRED_HEADER_FIELDS:
        label = field_label(Project, name)
        if _is_blank(getattr(project, f"{name}_id" if name in ("applicant", "top_unit") else name)):
            what = "未选择" if name in ("applicant", "top_unit", "is_new", "allocation") else "未填写"
            problems.append(Problem(f"{label}：{what}", field=name))
    if project.duration_years and project.duration_years > 1 and _is_blank(project.long_term_goal):
        problems.append(
            Problem(f"长期目标：实施期限为{project.duration_years}年，跨度多年的项目需填写", field="long_term_goal")
        )
    return problems


def _indicator_problems(project: Project) -> list[Problem]:
    problems = []
    rows_by_category: dict[int, list[Indicator]] = {}
    for row in project.indicators.order_by("position", "pk"):
        rows_by_category.setdefault(row.category_id, []).append(row)
    categories = Level2Category.objects.filter(parent__template_id=project.template_id).select_related("parent")
    for category in categories:
        label = f"{category.parent.name}指标 / {category.name}指标"
        rows = rows_by_category.get(category.pk, [])
        real = [row for row in rows if not row.not_applicable]
        if category.required and not real:
            reason = "不能填“不适用”" if rows else "至少填写一条三级指标"
            problems.append(Problem(f"{label}（必填）：{reason}", category_id=category.pk))
        for number, row in enumerate(real, start=1):
            missing = [
                column
                for column, value in (("三级指标名称", row.name), ("指标值", row.value), ("指标解释", row.explanation))
                if _is_blank(value)
            ]
            if missing:
                where = f"“{row.name}”" if row.name.strip() else f"第{number}行"
                problems.append(Problem(f"{label} {where}：缺少{'、'.join(missing)}", indicator_id=row.pk))
    return problems


def submission_problems(project: Project) -> list[Problem]:
    """What keeps the filing from 送审, field by field and row by row; empty when it may go.

    First what is missing; once the filing is complete, the errors the filing checks find in
    what was filled in (a code of another district, a cost above the budget, …). Warnings never
    block.
    """
    missing = _header_problems(project) + _indicator_problems(project)
    if missing:
        return missing
    return [
        Problem(
            f"{finding.subject}：{finding.message}" if finding.subject else finding.message,
            field=finding.field,
            indicator_id=finding.indicator_id,
        )
        for finding in blocking_findings(project)
    ]


def _move(
    *,
    project: Project,
    user: User,
    to_status: str,
    from_statuses: Collection[str],
    comment: str = "",
    version: int | None = None,
) -> Project:
    """Changes the state only if it is still one of ``from_statuses``, and records the step."""
    now = timezone.now()
    with transaction.atomic():
        candidates = Project.objects.filter(pk=project.pk, status__in=list(from_statuses))
        if version is not None:
            candidates = candidates.filter(version=version)
        from_status = candidates.values_list("status", flat=True).first()
        if from_status is None or not candidates.filter(status=from_status).update(
            status=to_status, version=F("version") + 1, updated_at=now
        ):
            current = Project.objects.filter(pk=project.pk).values_list("status", flat=True).first()
            if current is not None and current in from_statuses:
                raise TransitionError("申报表刚被他人修改，请刷新页面核对后再操作")
            label = Status(current).label if current else "已删除"
            raise TransitionError(f"项目当前状态为“{label}”，不能执行此操作")
        project.refresh_from_db(fields=["status", "version", "updated_at"])
        Transition.objects.create(
            project=project,
            user=user,
            at=now,
            from_status=from_status,
            to_status=to_status,
            comment=comment,
            snapshot=filing_snapshot(project),
        )
        prerender_after_commit(projects=[project])
    return project


def _require_filer(user: AnyUser, project: Project) -> None:
    if not selectors.can_file_for(user, project):
        raise TransitionError("您不是该项目申请单位的填报人")


def _require_reviewer(user: AnyUser, project: Project) -> None:
    if not selectors.can_review(user, project):
        raise TransitionError("您不是该项目申请单位的审核人")


def project_reopen(*, project: Project, user: User) -> Project:
    """已退回 → 草稿: the filer takes a returned filing back to fix it."""
    _require_filer(user, project)
    return _move(
        project=project, user=user, to_status=Status.DRAFT, from_statuses=[Status.RETURNED], comment="退回后修改"
    )


def project_submit(*, project: Project, user: User, comment: str = "") -> Project:
    """草稿 → 已送审, only when the filing is complete. A returned filing is reopened first."""
    _require_filer(user, project)
    if project.status not in EDITABLE_STATUSES:
        raise TransitionError(f"项目当前状态为“{project.get_status_display()}”，不能送审")
    problems = submission_problems(project)
    if problems:
        raise TransitionError(f"申报表还有 {len(problems)} 处需要补充，不能送审", problems)
    with transaction.atomic():
        if project.status == Status.RETURNED:
            project_reopen(project=project, user=user)
        return _move(
            project=project,
            user=user,
            to_status=Status.SUBMITTED,
            from_statuses=[Status.DRAFT],
            comment=comment,
            version=project.version,
        )


def project_withdraw(*, project: Project, user: User) -> Project:
    """已送审 → 草稿, while no reviewer has acted on it yet."""
    _require_filer(user, project)
    return _move(
        project=project, user=user, to_status=Status.DRAFT, from_statuses=[Status.SUBMITTED], comment="填报人撤回"
    )


def project_approve(*, project: Project, user: User, comment: str = "") -> Project:
    _require_reviewer(user, project)
    return _move(
        project=project, user=user, to_status=Status.APPROVED, from_statuses=[Status.SUBMITTED], comment=comment.strip()
    )


def project_return(*, project: Project, user: User, reason: str) -> Project:
    _require_reviewer(user, project)
    if not reason or not reason.strip():
        raise TransitionError("退回必须填写退回原因")
    return _move(
        project=project, user=user, to_status=Status.RETURNED, from_statuses=[Status.SUBMITTED], comment=reason.strip()
    )


@dataclass
class BatchResult:
    succeeded: list[Project] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (which project, why)


def _batch(
    *, user: AnyUser, project_ids: Iterable[str | int], role: str, step: Callable[[Project], Project]
) -> BatchResult:
    """Each selected project on its own: one refusal does not undo or block the others."""
    projects, missing = _selected(user, project_ids, role)
    result = BatchResult()
    for project in projects:
        try:
            with transaction.atomic():
                result.succeeded.append(step(project))
        except TransitionError as error:
            detail = error.message
            if error.problems:
                listed = "；".join(problem.message for problem in error.problems[:3])
                more = " 等" if len(error.problems) > 3 else ""
                detail = f"{detail}（{listed}{more}）"
            result.failed.append((f"{project.code} {project.name}", detail))
    result.failed += missing
    return result


def _selected(user: AnyUser, ids: Iterable[str | int], role: str) -> tuple[list[Project], list[tuple[str, str]]]:
    """The selected projects the user may act on; ids they cannot see are reported, not revealed."""
    wanted = []
    for raw in ids:
        try:
            wanted.append(int(raw))
        except (TypeError, ValueError):
            continue
    found = {p.pk: p for p in selectors.projects_for(user, role=role).filter(pk__in=wanted)}
    missing = [(f"编号 {pk}", "没有找到该项目，或您无权操作") for pk in wanted if pk not in found]
    return [found[pk] for pk in wanted if pk in found], missing


def projects_submit(*, project_ids: Iterable[str | int], user: User) -> BatchResult:
    return _batch(
        user=user,
        project_ids=project_ids,
        role=Role.FILER,
        step=lambda project: project_submit(project=project, user=user),
    )


def projects_approve(*, project_ids: Iterable[str | int], user: User, comment: str = "") -> BatchResult:
    return _batch(
        user=user,
        project_ids=project_ids,
        role=Role.REVIEWER,
        step=lambda project: project_approve(project=project, user=user, comment=comment),
    )

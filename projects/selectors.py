"""Reads scoped to what a user may see: the one place that decides department access.

Every view, export and admin page gets its projects and departments from here, so that a
project of another department answers 404 however its id is guessed.
"""

from collections.abc import Iterable

from django.db.models import Case, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404

from projects.models import Assignment, Department, Project, Role, Status, Transition, normalise_unit_name
from projects.typing import AnyUser

ADMIN_GROUP = "管理员"
FILER_GROUP = "填报人"
REVIEWER_GROUP = "审核人"
# Where is_administrator remembers its answer on the user object, an attribute no user type declares.
REMEMBERED_ADMINISTRATOR = "_is_administrator"


def is_administrator(user: AnyUser) -> bool:
    # Asked several times per page; remembered on the user object, which lives for one request.
    if not hasattr(user, REMEMBERED_ADMINISTRATOR):
        setattr(user, REMEMBERED_ADMINISTRATOR, user.is_superuser or user.groups.filter(name=ADMIN_GROUP).exists())
    return bool(getattr(user, REMEMBERED_ADMINISTRATOR))


def departments_for(user: AnyUser, *, role: str | None = None) -> QuerySet[Department]:
    """Departments the user holds a role over, with the units directly under them."""
    if not user.is_authenticated:
        return Department.objects.none()
    if is_administrator(user):
        return Department.objects.all()
    assignments = Assignment.objects.filter(user=user)
    if role:
        assignments = assignments.filter(role=role)
    assigned = assignments.values("department")
    return Department.objects.filter(Q(pk__in=assigned) | Q(parent__in=assigned))


def projects_for(user: AnyUser, *, role: str | None = None) -> QuerySet[Project]:
    return Project.objects.filter(applicant__in=departments_for(user, role=role))


def project_for(user: AnyUser, pk: int | str, *, role: str | None = None) -> Project:
    """The project if the user may see it; 404 otherwise, whether it exists or not."""
    try:
        return projects_for(user, role=role).get(pk=pk)
    except (Project.DoesNotExist, ValueError):
        raise Http404("没有找到该项目，或您无权查看") from None


def can_file_for(user: AnyUser, project: Project) -> bool:
    return departments_for(user, role=Role.FILER).filter(pk=project.applicant_id).exists()


def can_review(user: AnyUser, project: Project) -> bool:
    return departments_for(user, role=Role.REVIEWER).filter(pk=project.applicant_id).exists()


def department_projects(
    department: Department, *, year: int | None = None, user: AnyUser | None = None
) -> QuerySet[Project]:
    """What a department's exports and reports hold: its own projects, then those that name it as their
    一级预算单位 (its subordinate units' projects) by unit name; within a unit, by code. Only what
    ``user`` may see; all of them without a user (commands)."""
    visible = projects_for(user) if user is not None else Project.objects.all()
    projects = visible.filter(Q(applicant=department) | Q(top_unit=department))
    if year is not None:
        projects = projects.filter(fiscal_year=year)
    own_first = Case(When(applicant=department, then=Value(0)), default=Value(1))
    return projects.order_by(own_first, "applicant__name", "code")


class UnknownDepartment(LookupError):
    """No unit, or more than one, answers to what a command was given; the message says which."""


def department_named(given: str) -> Department:
    """For commands: the unit by id, by full name (full-width or half-width brackets), or by a part
    of the name that only one unit has."""
    if given.isdecimal():
        found = Department.objects.filter(pk=int(given)).first()
        if found is None:
            raise UnknownDepartment(f"没有编号为 {given} 的预算单位")
        return found
    wanted = normalise_unit_name(given)
    exact = Department.objects.filter(normalised_name=wanted).first()
    if exact:
        return exact
    matches = list(Department.objects.filter(normalised_name__contains=wanted).order_by("name")[:11])
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UnknownDepartment(f"没有预算单位“{given}”：请用 admin 中“预算单位”列表里的单位名称")
    listed = "、".join(unit.name for unit in matches[:10]) + ("等" if len(matches) > 10 else "")
    raise UnknownDepartment(f"“{given}”对应多个预算单位：{listed}；请写出单位全称")


def exporting_departments_for(user: AnyUser) -> QuerySet[Department]:
    """Departments the user may export, among those with a project they can see."""
    visible = projects_for(user)
    return departments_for(user).filter(Q(pk__in=visible.values("applicant")) | Q(pk__in=visible.values("top_unit")))


def roles_of(user: AnyUser) -> set[str]:
    """What the user may do somewhere: ``filer``, ``reviewer`` (by assignment) and ``admin``."""
    if not user.is_authenticated:
        return set()
    if is_administrator(user):
        return {Role.FILER, Role.REVIEWER, "admin"}
    return set(Assignment.objects.filter(user=user).values_list("role", flat=True).distinct())


def filing_departments_for(user: AnyUser) -> QuerySet[Department]:
    """Units the user may create and edit projects for."""
    return departments_for(user, role=Role.FILER)


# How a reviewer may narrow the queue by the filing checks' stored counts.
QUEUE_CHECK_FILTERS = {
    "errors": Q(filing_check__errors__gt=0),
    "warnings": Q(filing_check__errors=0, filing_check__warnings__gt=0),
    "clean": Q(filing_check__errors=0, filing_check__warnings=0),
}


def review_queue_for(user: AnyUser, *, most_findings_first: bool = False, check: str = "") -> QuerySet[Project]:
    """Submitted projects awaiting this reviewer, the longest-waiting first.

    ``most_findings_first`` puts the filings with the most check errors (then warnings) on top;
    ``check`` keeps only those with errors, with warnings only, or clean ones.
    """
    last_submitted = (
        Transition.objects.filter(project=OuterRef("pk"), to_status=Status.SUBMITTED).order_by("-at").values("at")[:1]
    )
    queue = (
        projects_for(user, role=Role.REVIEWER)
        .filter(status=Status.SUBMITTED)
        .annotate(submitted_at=Subquery(last_submitted))
        .select_related("applicant", "filing_check")
    )
    if check in QUEUE_CHECK_FILTERS:
        queue = queue.filter(QUEUE_CHECK_FILTERS[check])
    if most_findings_first:
        # Never-checked filings have no counts; they go last rather than first (PostgreSQL's default).
        return queue.order_by(
            F("filing_check__errors").desc(nulls_last=True),
            F("filing_check__warnings").desc(nulls_last=True),
            "submitted_at",
            "pk",
        )
    return queue.order_by("submitted_at", "pk")


def visible_projects(queryset: QuerySet[Project], user: AnyUser, *, role: str | None = None) -> QuerySet[Project]:
    """Narrows any project queryset (the admin's, with its own joins) to what the user may see."""
    return queryset.filter(applicant__in=departments_for(user, role=role))


def deciding_transitions(projects: Iterable[Project]) -> dict[int, Transition]:
    """For each approved or returned project among ``projects``, the step that approved or returned it.

    One query whatever the number of projects. A project that was returned and has been resubmitted
    since has none: its current filing has not been reviewed.
    """
    decided = {
        project.pk: project.status for project in projects if project.status in (Status.APPROVED, Status.RETURNED)
    }
    latest: dict[int, Transition] = {}
    steps = (
        Transition.objects.filter(project_id__in=decided, to_status__in=[Status.APPROVED, Status.RETURNED])
        .select_related("user")
        .defer("snapshot")
        .order_by("at", "pk")
    )
    for step in steps:
        latest[step.project_id] = step
    return {pk: step for pk, step in latest.items() if step.to_status == decided[pk]}

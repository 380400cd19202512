"""Reads scoped to what a user may see: the one place that decides department access.

Every view, export and admin page gets its filings and departments from here, so that a filing of
another department answers 404 however its id is guessed.
"""

from collections.abc import Iterable
from typing import TypeVar

from django.contrib.auth.models import User
from django.db.models import Case, Exists, F, Model, OneToOneRel, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404

from projects.kinds import all_kinds, header_model, header_relation, header_relations, header_units
from projects.models import Department, Filing, Role, Status, Transition, normalise_unit_name
from projects.typing import AnyUser

ADMIN_GROUP = "管理员"
FILER_GROUP = "填报人"
REVIEWER_GROUP = "审核人"
# Where is_administrator and department_ids_for remember their answers on the user object (which
# lives for one request), attributes no user type declares.
REMEMBERED_ADMINISTRATOR = "_is_administrator"
REMEMBERED_DEPARTMENTS = "_department_ids"
T = TypeVar("T", bound=Model)


def is_administrator(user: AnyUser) -> bool:
    # Asked several times per page; remembered on the user object, which lives for one request.
    if user.is_superuser:
        return True
    if not hasattr(user, REMEMBERED_ADMINISTRATOR):
        _read_scope(user)
    return bool(getattr(user, REMEMBERED_ADMINISTRATOR))


def department_ids_for(user: AnyUser, *, role: str | None = None) -> list[int] | None:
    """The ids of the departments the user holds a role over, with the units directly under them;
    None for an administrator, who sees every unit.

    Read once, as a list: the filings are then narrowed by ``department_id IN (…)``, which
    PostgreSQL answers from the index on the department. Narrowed by a subquery with its ``OR``
    instead, it reads every filing of the city.
    """
    if not user.is_authenticated:
        return []
    if is_administrator(user):
        return None
    units = _units_by_role(user)
    wanted = units.get(role, set()) if role else set().union(*units.values())
    return sorted(wanted)


def _units_by_role(user: AnyUser) -> dict[str, set[int]]:
    """For each role the user holds, the units assigned to them and those directly under them."""
    if not hasattr(user, REMEMBERED_DEPARTMENTS):
        _read_scope(user)
    return getattr(user, REMEMBERED_DEPARTMENTS)


def _read_scope(user: AnyUser) -> None:
    """Whether the user is an administrator, and the units of each role they hold: one query for
    both, asked by every page, remembered on the user object (which lives for one request)."""
    in_admin_group = Exists(User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=ADMIN_GROUP))
    assigned = ("assignments__role", "assignments__department", "assignments__department__children")
    people = User.objects.filter(pk=user.pk) if user.is_authenticated else User.objects.none()
    rows = people.annotate(admin=in_admin_group).values_list("admin", *assigned)
    administrator, units = bool(user.is_superuser), dict[str, set[int]]()
    for in_group, role, department, child in rows:
        administrator = administrator or in_group
        if role is not None:
            units.setdefault(role, set()).update(pk for pk in (department, child) if pk is not None)
    setattr(user, REMEMBERED_ADMINISTRATOR, administrator)
    setattr(user, REMEMBERED_DEPARTMENTS, units)


def departments_for(user: AnyUser, *, role: str | None = None) -> QuerySet[Department]:
    """Departments the user holds a role over, with the units directly under them."""
    ids = department_ids_for(user, role=role)
    return Department.objects.all() if ids is None else Department.objects.filter(pk__in=ids)


def department_for(user: AnyUser, pk: int | str) -> Department:
    """A unit the user holds a role over (or one directly under it); 404 otherwise."""
    try:
        return departments_for(user).get(pk=pk)
    except (Department.DoesNotExist, ValueError):
        raise Http404("没有找到该单位，或您无权查看") from None


def people_holding(role: str, department_id: int) -> QuerySet[User]:
    """Who holds ``role`` over the unit: by an assignment to it, or to the unit directly above it,
    which covers its units (the reverse of ``departments_for``)."""
    units = Department.objects.filter(Q(pk=department_id) | Q(children=department_id))
    return User.objects.filter(assignments__role=role, assignments__department__in=units).distinct()


def filings_for(user: AnyUser, *, role: str | None = None, kind: str | None = None) -> QuerySet[Filing]:
    """Filings of every kind (or of ``kind``) of the units the user holds a role over."""
    filings = visible_filings(Filing.objects.all(), user, role=role)
    return filings.filter(kind=kind) if kind else filings


def filing_for(user: AnyUser, pk: int | str, *, role: str | None = None) -> Filing:
    """The filing with its header row, if the user may see it; 404 otherwise, whether it exists or not."""
    try:
        filing = filings_for(user, role=role).select_related("department", "template").get(pk=pk)
    except (Filing.DoesNotExist, ValueError):
        raise Http404("没有找到该申报表，或您无权查看") from None
    # The header and the units it names in a second query, once the kind is known: joined to the filing
    # (every kind's header, as the kind is not known before), PostgreSQL spent 0.6 ms planning the one
    # query, four times as long as planning both.
    code = filing.kind
    units, headers = header_units(code), header_model(code)._default_manager.filter(filing=filing)
    # Only the units: select_related() with no names would join every foreign key, the filing's again.
    header = (headers.select_related(*units) if units else headers).first()
    if header is not None:
        setattr(filing, header_relation(code), header)
    else:  # remembered as missing, as the joined read did: ``filing.header`` is None without a query
        relation = Filing._meta.get_field(header_relation(code))
        assert isinstance(relation, OneToOneRel)
        relation.set_cached_value(filing, None)
    return filing


def may_file_for(user: AnyUser, department: Department | int | None) -> bool:
    """Whether the user may create and change filings of the unit: the one check every write path asks."""
    if department is None:
        return False
    return _holds(user, Role.FILER, department if isinstance(department, int) else department.pk)


def can_file_for(user: AnyUser, filing: Filing) -> bool:
    return may_file_for(user, filing.department_id)


def can_review(user: AnyUser, filing: Filing) -> bool:
    return _holds(user, Role.REVIEWER, filing.department_id)


def _holds(user: AnyUser, role: str, department_id: int) -> bool:
    """Whether the user holds ``role`` over the unit: from the units remembered for the request; an
    administrator holds every role over every unit that exists."""
    ids = department_ids_for(user, role=role)
    if ids is None:
        return Department.objects.filter(pk=department_id).exists()
    return department_id in ids


def department_filings(
    department: Department, *, year: int | None = None, user: AnyUser | None = None, kind: str | None = None
) -> QuerySet[Filing]:
    """What a department's exports and reports hold: its own filings, then those of the units under it
    (whose 二级 forms name it as their 一级预算单位) by unit name; within a unit, the 部门整体 form, the
    一级 forms, then the 二级 forms, each by code and name. Only what ``user`` may see; all of them
    without a user (commands)."""
    visible = filings_for(user) if user is not None else Filing.objects.all()
    filings = visible.filter(
        Q(department=department) | Q(department__parent=department) | Q(project_header__top_unit=department)
    )
    if year is not None:
        filings = filings.filter(fiscal_year=year)
    if kind is not None:
        filings = filings.filter(kind=kind)
    own_first = Case(When(department=department, then=Value(0)), default=Value(1))
    return filings.order_by(own_first, "department__name", kind_order(), "code", "name", "pk")


def kind_order() -> Case:
    """Sorts filings as a unit's forms are printed: 部门整体, then 一级, then 二级."""
    return Case(*(When(kind=kind.code, then=Value(kind.print_order)) for kind in all_kinds()), default=Value(99))


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
    """Departments the user may export, among those with a filing they can see."""
    visible = filings_for(user)
    return departments_for(user).filter(
        Q(pk__in=visible.values("department"))
        | Q(pk__in=visible.values("department__parent"))
        | Q(pk__in=visible.values("project_header__top_unit"))
    )


def roles_of(user: AnyUser) -> set[str]:
    """What the user may do somewhere: ``filer``, ``reviewer`` (by assignment) and ``admin``."""
    if not user.is_authenticated:
        return set()
    if is_administrator(user):
        return {Role.FILER, Role.REVIEWER, "admin"}
    return set(_units_by_role(user))  # every role of an assignment, read once per request


def filing_departments_for(user: AnyUser) -> QuerySet[Department]:
    """Units the user may create and change filings for."""
    return departments_for(user, role=Role.FILER)


# How a reviewer may narrow the queue by the filing checks' stored counts.
QUEUE_CHECK_FILTERS = {
    "errors": Q(filing_check__errors__gt=0),
    "warnings": Q(filing_check__errors=0, filing_check__warnings__gt=0),
    "clean": Q(filing_check__errors=0, filing_check__warnings=0),
}


def review_queue_for(user: AnyUser, *, most_findings_first: bool = False, check: str = "") -> QuerySet[Filing]:
    """Submitted filings of every kind awaiting this reviewer, the longest-waiting first.

    ``most_findings_first`` puts the filings with the most check errors (then warnings) on top;
    ``check`` keeps only those with errors, with warnings only, or clean ones. A page of it is best
    read in two steps (``projects.paging``): its ids, sorted, then ``review_queue_rows`` of them.
    """
    queue = review_queue_rows(filings_for(user, role=Role.REVIEWER).filter(status=Status.SUBMITTED))
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


def review_queue_rows(filings: QuerySet[Filing]) -> QuerySet[Filing]:
    """What a row of the queue shows: when the filing was last submitted (the index on transitions
    by filing, status and time answers it), its unit, header and check counts, without the findings."""
    last_submitted = (
        Transition.objects.filter(filing=OuterRef("pk"), to_status=Status.SUBMITTED).order_by("-at").values("at")[:1]
    )
    return (
        filings.annotate(submitted_at=Subquery(last_submitted))
        .select_related("department", "filing_check", *header_relations())
        .defer("filing_check__findings")
    )


def visible_filings(queryset: QuerySet[Filing], user: AnyUser, *, role: str | None = None) -> QuerySet[Filing]:
    """Narrows any filing queryset (the admin's, with its own joins) to what the user may see."""
    ids = department_ids_for(user, role=role)
    return queryset if ids is None else queryset.filter(department_id__in=ids)


def visible_filing_rows(rows: QuerySet[T], user: AnyUser) -> QuerySet[T]:
    """Narrows what belongs to filings (三级指标 rows, review steps, stored checks) to what the user may
    see, by the units' ids as ``visible_filings`` does: asked as ``filing IN (every filing)``, an
    administrator's list would read every filing of the city first."""
    ids = department_ids_for(user)
    return rows if ids is None else rows.filter(filing__department_id__in=ids)


def deciding_transitions(filings: Iterable[Filing]) -> dict[int, Transition]:
    """For each approved or returned filing among ``filings``, the step that approved or returned it.

    One query whatever the number of filings. A filing that was returned and has been resubmitted
    since has none: its current contents have not been reviewed.
    """
    decided = {filing.pk: filing.status for filing in filings if filing.status in (Status.APPROVED, Status.RETURNED)}
    latest: dict[int, Transition] = {}
    steps = (
        Transition.objects.filter(filing_id__in=decided, to_status__in=[Status.APPROVED, Status.RETURNED])
        .select_related("user")
        .defer("snapshot")
        .order_by("at", "pk")
    )
    for step in steps:
        latest[step.filing_id] = step
    return {pk: step for pk, step in latest.items() if step.to_status == decided[pk]}

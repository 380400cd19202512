"""The 部门整体 form of a unit and year against the projects the unit filed (``projects.reconciliation``),
read from the database in a fixed number of queries however many unit-years are asked for, and the
manual links a person makes between a task and a project."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import prefetch_related_objects

from projects import selectors
from projects.models import Filing, TaskLink
from projects.reconciliation import Link, Project, Reconciliation, Task, match_key, reconcile
from projects.services.writing import FilingError

UnitYear = tuple[int, int]  # (department id, fiscal year)


def _project(filing: Filing) -> Project:
    if filing.kind == "program":
        return Project(filing.pk, "program", filing.name, filing.program_header.total_amount)
    header = filing.project_header
    return Project(filing.pk, "project", filing.name, header.current_amount, header.program_id, filing.code)


_PROJECT_FIELDS = (
    "kind",
    "department_id",
    "fiscal_year",
    "code",
    "name",
    "program_header__total_amount",
    "project_header__current_amount",
    "project_header__program_id",
)


def _near(keys: set[UnitYear]) -> dict[str, set[int]]:
    """A filter that holds every key (and a few more, dropped after): units and years separately."""
    return {"department_id__in": {d for d, _ in keys}, "fiscal_year__in": {y for _, y in keys}}


def reconciliations_for(
    keys: Iterable[UnitYear], *, read: Iterable[Filing] | None = None
) -> dict[UnitYear, Reconciliation]:
    """The reconciliation of each unit-year that has a 部门整体 form (four queries at most).

    ``read``: every filing of the unit-years, already read with their headers (the unit-year page has
    them), which are then not read again: the tasks and the links are (two queries).
    """
    wanted = set(keys)
    if not wanted:
        return {}
    given = None if read is None else list(read)
    if given is None:
        overall_rows = Filing.objects.filter(kind="overall", **_near(wanted)).select_related("overall_header")
        rows = list(overall_rows.defer("overall_header__goals").prefetch_related("tasks"))
    else:
        rows = [f for f in given if f.kind == "overall"]
        prefetch_related_objects(rows, "tasks")
    overalls = {(f.department_id, f.fiscal_year): f for f in rows}
    overalls = {key: f for key, f in overalls.items() if key in wanted}
    if not overalls:
        return {}
    keys = set(overalls)
    if given is None:
        # Only what a Project holds: the headers' long texts would be most of what is read.
        project_rows = Filing.objects.filter(kind__in=["program", "project"], **_near(keys))
        filings = list(project_rows.select_related("program_header", "project_header").only(*_PROJECT_FIELDS))
    else:
        filings = [f for f in given if f.kind in ("program", "project")]
    projects: dict[UnitYear, list[Project]] = defaultdict(list)
    # Sorted here, not by the database, whose collation may order names otherwise: the same projects
    # in the same order however they were read.
    for filing in sorted(filings, key=lambda f: (f.kind, f.code, f.name, f.pk)):
        if (filing.department_id, filing.fiscal_year) in keys:
            projects[(filing.department_id, filing.fiscal_year)].append(_project(filing))
    links: dict[UnitYear, list[Link]] = defaultdict(list)
    for link in TaskLink.objects.filter(**_near(keys)):
        links[(link.department_id, link.fiscal_year)].append(Link(link.task_key, link.filing_id, link.linked))
    found = {}
    for key, overall in overalls.items():
        header = overall.overall_header
        found[key] = reconcile(
            tasks=[Task(t.name, t.total_amount, t.position) for t in overall.tasks.all()],
            projects=projects[key],
            links=links[key],
            unit=overall.amount_unit,
            places=2 if header.amount_places is None else header.amount_places,
            task_total=header.total_amount,
        )
    return found


def task_link_set(*, user: User, overall: Filing, task_name: str, filing: Filing, linked: bool | None) -> None:
    """Records that the 整体 form's task answers (``linked``) or does not answer to ``filing``; None
    forgets the decision, so that the names decide again. Checked again at once."""
    from projects.services.changes import filings_changed  # changes → checks → this module

    if overall.kind != "overall" or filing.kind not in ("program", "project"):
        raise FilingError("只能把部门整体表的年度主要任务与一级、二级项目对应")
    if (filing.department_id, filing.fiscal_year) != (overall.department_id, overall.fiscal_year):
        raise FilingError("只能对应同一单位、同一年度的项目")
    if not selectors.can_file_for(user, overall):
        raise FilingError("您不是该单位的填报人，不能修改任务与项目的对应")
    if not overall.tasks.filter(name=task_name).exists():
        raise FilingError(f"部门整体表中没有年度主要任务“{task_name}”")
    lookup = {
        "department_id": overall.department_id,
        "fiscal_year": overall.fiscal_year,
        "task_key": match_key(task_name),
        "filing": filing,
    }
    with transaction.atomic():
        if linked is None:
            for link in TaskLink.objects.filter(**lookup):
                link._history_user = user  # type: ignore[attr-defined]
                link.delete()
        else:
            link = TaskLink.objects.filter(**lookup).first() or TaskLink(**lookup)
            link.linked, link.created_by = linked, user
            link._history_user = user  # type: ignore[attr-defined]
            link.save()
        filings_changed(filings=[overall])

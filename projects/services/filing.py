"""Creating and saving a filing from the browser: header fields plus its 三级指标 rows.

Saves are guarded by ``Project.version``: the form carries the version it was opened on, and a save
against an older version is refused, so two people editing at once never overwrite each other.
All rows and the header of one save share one history timestamp, which lets the project page show
a save as one entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby, pairwise
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, router, transaction
from django.db.models import F
from django.db.models.deletion import Collector
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from indicators.models import FormTemplate, Indicator, Level2Category
from indicators.taxonomy import is_not_applicable
from indicators.values import value_parts
from projects import selectors
from projects.models import Department, Project, Status
from projects.services.changes import filings_changed
from projects.services.prerender import exported_under
from projects.services.review import EDITABLE_STATUSES, project_reopen

# The header fields a filer edits; top_unit follows from the applicant.
HEADER_FIELDS = [
    "code",
    "name",
    "fiscal_year",
    "applicant",
    "duration_years",
    "project_type",
    "is_new",
    "allocation",
    "total_amount",
    "current_amount",
    "amount_unit",
    "policy_basis",
    "calculation_basis",
    "annual_goal",
    "long_term_goal",
]
ROW_FIELDS = [
    "category",
    "position",
    "name",
    "value",
    "explanation",
    "not_applicable",
    "value_kind",
    "comparator",
    "number",
    "unit",
    "deadline",
]
VISIBLE_ROW_FIELDS = ["position", "name", "value", "explanation", "not_applicable"]
NOT_APPLICABLE = "不适用"


class FilingError(Exception):
    """A save that was refused; the message says why, in Chinese. Nothing was written."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class StaleFilingError(FilingError):
    """Someone else saved the project after this form was opened."""

    def __init__(self, message: str, current_version: int):
        super().__init__(message)
        self.current_version = current_version


@dataclass(frozen=True)
class RowInput:
    """One 三级指标 row as entered; ``id`` is set for a row that already exists."""

    category_id: int
    name: str = ""
    value: str = ""
    explanation: str = ""
    not_applicable: bool = False
    id: int | None = None

    def is_empty(self) -> bool:
        return not (self.not_applicable or self.name.strip() or self.value.strip() or self.explanation.strip())


def top_unit_of(department: Department) -> Department:
    """The 一级预算单位 a unit files under: its topmost parent, or itself."""
    seen = {department.pk}
    # A unit without a parent gives None for it, without a query.
    while department.parent_id not in seen and (parent := department.parent) is not None:
        department = parent
        seen.add(department.pk)
    return department


def _row_values(row: RowInput, category: Level2Category, position: int) -> dict[str, Any]:
    not_applicable = row.not_applicable or is_not_applicable(row.name)
    if not_applicable:
        # As printed on the official form: 不适用 in every column of the row.
        name = value = explanation = NOT_APPLICABLE
    else:
        name, value, explanation = row.name.strip(), row.value.strip(), row.explanation.strip()
    return {
        "category": category,
        "position": position,
        "name": name,
        "value": value,
        "explanation": explanation,
        "not_applicable": not_applicable,
        **value_parts(value, not_applicable=not_applicable),
    }


def _ordered_rows(rows: list[RowInput], categories: dict[int, Level2Category]) -> list[tuple[RowInput, Level2Category]]:
    """Rows in form order: by 一级 and 二级 category, keeping the given order inside a category."""
    kept: list[tuple[RowInput, Level2Category]] = []
    for row in rows:
        if row.is_empty():
            continue
        category = categories.get(row.category_id)
        if category is None:
            raise FilingError("指标表中有不属于本申报表模板的二级指标，请刷新页面后重新填写")
        kept.append((row, category))
    return sorted(kept, key=lambda item: (item[1].parent.order, item[1].order))


def _positions(rows: list[tuple[RowInput, Level2Category]], existing: dict[int, Indicator]) -> list[int]:
    """Positions for the rows of one save, counted within each 二级指标 (the table is ordered by category
    first). A category whose rows kept their order keeps its positions, so the history shows 顺序
    changed only for rows that really moved."""
    positions: list[int] = []
    for _, group in groupby(rows, key=lambda item: item[1].pk):
        positions += _category_positions([row for row, _ in group], existing)
    return positions


def _category_positions(rows: list[RowInput], existing: dict[int, Indicator]) -> list[int]:
    old = [existing[row.id].position if row.id in existing else None for row in rows]
    known = [position for position in old if position is not None]
    appended_only = all(position is None for position in old[len(known) :])
    if appended_only and all(a < b for a, b in pairwise(known)):
        last = known[-1] if known else 0
        return known + list(range(last + 1, last + 1 + len(rows) - len(known)))
    return list(range(1, len(rows) + 1))


def _save_rows(*, project: Project, rows: list[RowInput], user: User, when: datetime) -> None:
    categories = {
        c.pk: c for c in Level2Category.objects.select_related("parent").filter(parent__template=project.template_id)
    }
    existing = {row.pk: row for row in project.indicators.all()}
    ordered = _ordered_rows(rows, categories)
    created: list[Indicator] = []
    updated: list[Indicator] = []
    kept: set[int] = set()
    for position, (row, category) in zip(_positions(ordered, existing), ordered, strict=True):
        values = _row_values(row, category, position)
        # An id that is not one of this project's rows is treated as a new row, never followed.
        indicator = existing.get(row.id) if row.id is not None else None
        if indicator is None or indicator.pk in kept:
            created.append(Indicator(project=project, **values))
            continue
        kept.add(indicator.pk)
        # Only what the filer sees counts as a change; the parsed parts follow the value.
        changed = indicator.category_id != category.pk or any(
            getattr(indicator, name) != values[name] for name in VISIBLE_ROW_FIELDS
        )
        if changed:
            for name, value in values.items():
                setattr(indicator, name, value)
            updated.append(indicator)
    delete_rows_with_history(
        [indicator for indicator in existing.values() if indicator.pk not in kept], user=user, when=when
    )
    if updated:
        bulk_update_with_history(updated, Indicator, ROW_FIELDS, default_user=user, default_date=when)
    if created:
        bulk_create_with_history(created, Indicator, default_user=user, default_date=when)


def delete_rows_with_history(rows: list[Indicator], *, user: User | None, when: datetime) -> None:
    """Deletes the rows in one statement; the history record of each names ``user`` and ``when``, so
    that the project page shows the deletion with the rest of the change."""
    if not rows:
        return
    for row in rows:
        row._history_user, row._history_date = user, when
    # The collector sends the deletion signals for these very objects, which carry user and time;
    # a queryset's delete() would load fresh ones.
    collector = Collector(using=router.db_for_write(Indicator))
    collector.collect(rows)
    collector.delete()


def _apply_header(project: Project, header: dict[str, Any]) -> None:
    for name in HEADER_FIELDS:
        if name in header:
            setattr(project, name, header[name])
    if project.applicant_id:
        project.top_unit = top_unit_of(project.applicant)


def _save(project: Project, *, user: User, when: datetime) -> None:
    project._history_user, project._history_date = user, when
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError as error:
        raise FilingError(
            f"预算年度 {project.fiscal_year} 已有项目编码为 {project.code} 的项目，请核对项目编码"
        ) from error


def project_create(
    *, user: User, header: dict[str, Any], rows: list[RowInput], template: FormTemplate | None = None
) -> Project:
    """A new draft. Only the identity fields are required: a draft may be saved incomplete."""
    applicant = header.get("applicant")
    if applicant is None or not selectors.filing_departments_for(user).filter(pk=applicant.pk).exists():
        raise FilingError("您不是所选申请单位的填报人，不能为其新建项目")
    project = Project(template=template or FormTemplate.default(), status=Status.DRAFT)
    _apply_header(project, header)
    when = timezone.now()
    with transaction.atomic():
        _save(project, user=user, when=when)
        _save_rows(project=project, rows=rows, user=user, when=when)
        filings_changed(projects=[project])
    return project


def _stale_message(project: Project) -> tuple[str, int]:
    latest = project.history.select_related("history_user").order_by("-history_date").first()
    current = Project.objects.values_list("version", flat=True).get(pk=project.pk)
    who = ""
    if latest is not None:
        name = latest.history_user.get_full_name() or latest.history_user.username if latest.history_user else "他人"
        who = f"{name}于{timezone.localtime(latest.history_date):%Y-%m-%d %H:%M}"
    message = (
        f"保存失败：在您打开本页之后，{who or '他人'}已保存了该项目（现为第 {current} 版）。"
        "您的修改没有保存，仍保留在本页；请在新窗口查看最新版本，核对后再保存。"
    )
    return message, current


def project_update(
    *, project: Project, user: User, header: dict[str, Any], rows: list[RowInput], version: int
) -> Project:
    """Saves the header and replaces the rows, if nobody saved since ``version`` was read.

    Saving a returned filing takes it back to 草稿 (a recorded transition).
    """
    if not selectors.can_file_for(user, project):
        raise FilingError("您不是该项目申请单位的填报人，不能修改")
    if project.status not in EDITABLE_STATUSES:
        raise FilingError(f"项目当前状态为“{project.get_status_display()}”，不能修改")
    applicant = header.get("applicant")
    if (
        applicant is not None
        and applicant.pk != project.applicant_id
        and not selectors.filing_departments_for(user).filter(pk=applicant.pk).exists()
    ):
        raise FilingError("您不是所选申请单位的填报人")
    when = timezone.now()
    with transaction.atomic():
        # The check and the bump are one statement, so of two concurrent saves exactly one wins.
        claimed = Project.objects.filter(pk=project.pk, version=version, status__in=list(EDITABLE_STATUSES)).update(
            version=F("version") + 1
        )
        if not claimed:
            current = Project.objects.filter(pk=project.pk).values_list("status", flat=True).first()
            if current not in EDITABLE_STATUSES:
                raise FilingError("项目已送审或审核通过，不能修改")
            message, current_version = _stale_message(project)
            raise StaleFilingError(message, current_version)
        project.version = version + 1
        was_under = exported_under(project)
        _apply_header(project, header)
        _save(project, user=user, when=when)
        _save_rows(project=project, rows=rows, user=user, when=when)
        filings_changed(projects=[project], previously=was_under)
        if project.status == Status.RETURNED:
            project_reopen(project=project, user=user)
    return project

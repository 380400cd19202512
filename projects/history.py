"""A project's full history as one timeline: saves (header fields and 三级指标 rows) and transitions.

Header changes come from the project's simple-history records, row changes from the indicators'
records; the filing service gives all records of one save the same timestamp, so they are shown
together as one entry. A fixed number of queries, however long the history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User

from indicators.models import Indicator
from projects.models import Department, Project, Status, field_label

TRACKED_FIELDS = [
    "code",
    "name",
    "fiscal_year",
    "applicant_id",
    "top_unit_id",
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
ROW_COLUMNS = {
    "category_id": "二级指标",
    "name": "三级指标",
    "value": "指标值",
    "explanation": "指标解释",
    "not_applicable": "不适用",
    "position": "顺序",
}


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class RowEvent:
    kind: str  # 新增, 修改, 删除
    category: str
    name: str
    changes: list[Change] = field(default_factory=list)
    summary: str = ""  # what an added or removed row holds


@dataclass
class Event:
    at: datetime
    user: User | None
    title: str
    kind: str  # save, transition
    comment: str = ""
    fields: list[Change] = field(default_factory=list)
    rows: list[RowEvent] = field(default_factory=list)
    to_status: str = ""
    user_label: str = ""  # who, as the timeline names them


def _user_label(user: User | None) -> str:
    if user is None:
        return "系统"
    return user.get_full_name() or user.username


def _show(name: str, value, departments: dict[int, str]) -> str:
    if value is None or value == "":
        return "（空）"
    if name in ("applicant_id", "top_unit_id"):
        return departments.get(value, str(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if name in ("total_amount", "current_amount"):
        return f"{value:,.2f} 元"
    return str(value)


def _field_label(name: str) -> str:
    return field_label(Project, name.removesuffix("_id"))


def _header_events(project: Project) -> dict[datetime, Event]:
    records = list(project.history.select_related("history_user").order_by("history_date", "history_id"))
    department_ids = {getattr(r, name) for r in records for name in ("applicant_id", "top_unit_id")}
    departments = dict(Department.objects.filter(pk__in=department_ids).values_list("pk", "name"))
    events: dict[datetime, Event] = {}
    previous = None
    for record in records:
        if previous is None:
            title = f"导入（{record.source_file}）" if record.source_file else "新建申报表"
            changes: list[Change] = []
        else:
            title = "保存修改"
            changes = [
                Change(
                    _field_label(name),
                    _show(name, getattr(previous, name), departments),
                    _show(name, getattr(record, name), departments),
                )
                for name in TRACKED_FIELDS
                if getattr(previous, name) != getattr(record, name)
            ]
        events[record.history_date] = Event(record.history_date, record.history_user, title, "save", fields=changes)
        previous = record
    return events


def _summary(record) -> str:
    if record.not_applicable:
        return "不适用"
    return f"指标值：{record.value or '（空）'}；指标解释：{record.explanation or '（空）'}"


def _row_events(project: Project, categories: dict[int, str]) -> list[tuple[datetime, User | None, RowEvent]]:
    records = (
        Indicator.history.filter(project_id=project.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    found: list[tuple[datetime, User | None, RowEvent]] = []
    # simple-history makes its record models at run time; they have no static type.
    previous: Any = None
    for record in records:
        before = previous if previous is not None and previous.id == record.id else None
        category = categories.get(record.category_id, "")
        if record.history_type == "-":
            event = RowEvent("删除", category, record.name, summary=_summary(record))
        elif record.history_type == "+" or before is None:
            # A row first seen in a change was written without a history record: show what it now holds.
            event = RowEvent(
                "新增" if record.history_type == "+" else "修改", category, record.name, summary=_summary(record)
            )
        else:
            event = RowEvent(
                "修改",
                category,
                record.name,
                [
                    Change(
                        label,
                        _show_row(key, getattr(before, key), categories),
                        _show_row(key, getattr(record, key), categories),
                    )
                    for key, label in ROW_COLUMNS.items()
                    if getattr(before, key) != getattr(record, key)
                ],
            )
        found.append((record.history_date, record.history_user, event))
        previous = record
    return found


def _show_row(key: str, value, categories: dict[int, str]) -> str:
    if key == "category_id":
        return categories.get(value, "")
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else str(value)


def project_timeline(project: Project, categories: dict[int, str]) -> list[Event]:
    """Newest first. ``categories`` maps 二级指标 ids to their labels (already loaded by the page)."""
    events = _header_events(project)
    for at, user, row_event in _row_events(project, categories):
        event = events.get(at)
        if event is None:
            event = events[at] = Event(at, user, "保存修改", "save")
        event.rows.append(row_event)
    for event in events.values():
        if event.title == "保存修改" and not (event.fields or event.rows):
            event.title = "保存（内容无变化）"
    timeline = list(events.values())
    for transition in project.transitions.select_related("user"):
        title = f"{Status(transition.from_status).label} → {Status(transition.to_status).label}"
        timeline.append(
            Event(
                transition.at,
                transition.user,
                title,
                "transition",
                comment=transition.comment,
                to_status=transition.to_status,
            )
        )
    timeline.sort(key=lambda event: event.at, reverse=True)
    for event in timeline:
        event.user_label = _user_label(event.user)
    return timeline

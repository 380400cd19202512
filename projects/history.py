"""A filing's full history as one timeline: every recorded change, and every review step.

The history records of the filing, its header row, its indicator rows and its tasks are replayed in
time order; the writers give all records of one change the same time, so each time is one entry.
After each entry the filing is rebuilt as a snapshot (``services.snapshots``) and compared with
the one before by the same diff engine the review page uses, in the filing's layout: a change of a
header field the layout adds, of a label no layout knows, or of a row's 权重 or 指标性质 shows as any
other. A fixed number of queries, however long the history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from itertools import groupby
from typing import Any

from django.contrib.auth.models import User
from django.db.models import ForeignKey

from indicators.models import Indicator
from indicators.taxonomy import EXTRA_COLUMNS
from projects.kinds import header_model
from projects.kinds.base import FilingLink, Unit
from projects.kinds.overall import OverallTask
from projects.models import FILING_FIELDS, Department, Filing, Status
from projects.printing.form import Category, template_categories
from projects.services.snapshots import (
    CATEGORY,
    ORDER,
    TASK_COLUMNS,
    RowChange,
    Snapshot,
    TaskChange,
    filing_diff,
    header_snapshot,
    row_columns,
    row_snapshot,
    show,
)


@cache
def _records_of(model: type) -> Any:
    """The history model that records ``model``'s changes. Each read of ``Model.history`` builds a
    manager class anew (simple-history's descriptor, about 0.3 ms), and the replay asks once per record."""
    return model.history.model  # type: ignore[attr-defined]


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class RowEvent:
    kind: str  # 新增, 修改, 移动, 删除
    category: str
    name: str
    changes: list[Change] = field(default_factory=list)
    summary: str = ""  # what an added or removed row holds


@dataclass
class Event:
    at: datetime
    user: Any
    title: str
    kind: str  # save, transition
    comment: str = ""
    fields: list[Change] = field(default_factory=list)
    rows: list[RowEvent] = field(default_factory=list)
    tasks: list[RowEvent] = field(default_factory=list)
    to_status: str = ""
    user_label: str = ""


def user_label(user: Any) -> str:
    if user is None:
        return "系统"
    return user.get_full_name() or user.username


def _summary(row: dict[str, Any], columns: dict[str, str], own: Iterable[str] = ()) -> str:
    """What a row holds: the layout's columns (``own``; all of ``columns`` when not given), blank or not,
    and the others it fills."""
    if row.get("not_applicable"):
        return "不适用"
    own = set(own) or set(columns)
    shown = [
        f"{label}：{row.get(name) or '（空）'}"
        for name, label in columns.items()
        if name not in ("name", "not_applicable") and (name in own or row.get(name))
    ]
    return "；".join(shown)


class _Replay:
    """The filing as its history records build it up, one recorded change at a time."""

    def __init__(self, filing: Filing, categories: dict[int, Category]):
        self.filing = filing
        self.kind = filing.form_kind
        # Each 二级 category's name and its place in the official order.
        self.categories = {
            pk: (f"{category.level1} / {category.level2}", place)
            for place, (pk, category) in enumerate(categories.items())
        }
        self.own: dict[str, Any] = {}
        self.header: dict[str, Any] = {}
        self.rows: dict[int, Any] = {}
        self.tasks: dict[int, Any] = {}
        self.names: dict[tuple[str, Any], str] = {}

    def load_names(self, records: list[Any]) -> None:
        """The names of the units and linked filings the records point at. Those the filing points at
        now were read with it (``selectors.filing_for``); any other, once a record points elsewhere, is
        read here (a query for units, one for filings)."""
        unit_fields = [f.name for f in self.kind.header if isinstance(f.type, Unit)]
        link_fields = [f.name for f in self.kind.header if isinstance(f.type, FilingLink)]
        self._name_current(unit_fields, link_fields)
        units = {getattr(r, f"{name}_id", None) for r in records for name in unit_fields} - {None}
        links = {getattr(r, f"{name}_id", None) for r in records for name in link_fields} - {None}
        if units := {pk for pk in units if ("unit", pk) not in self.names}:
            named = Department.objects.filter(pk__in=units).order_by().values_list("pk", "name")
            self.names.update({("unit", pk): name for pk, name in named})
        if links := {pk for pk in links if ("filing", pk) not in self.names}:
            linked = Filing.objects.filter(pk__in=links).order_by().values_list("pk", "name")
            self.names.update({("filing", pk): name for pk, name in linked})

    def _name_current(self, unit_fields: list[str], link_fields: list[str]) -> None:
        """The names of what the filing points at now, from the rows read with it (no query: a field
        whose row was not read with it is left to ``load_names``' queries)."""
        filing, header = self.filing, self.filing.header
        for names, fields in (("unit", unit_fields), ("filing", link_fields)):
            for name in fields:
                owner = filing if name in FILING_FIELDS else header
                link = None if owner is None else owner._meta.get_field(name)
                if not isinstance(link, ForeignKey) or not link.is_cached(owner):
                    continue
                if (target := getattr(owner, name)) is not None:
                    self.names[(names, target.pk)] = target.name

    def value(self, name: str) -> Any:
        header_field = self.kind.field(name) if self.kind.has_field(name) else None
        # The filing's own fields (its unit among them, recorded as ``department_id``), or the header's.
        source = self.own if name in self.own or f"{name}_id" in self.own else self.header
        if header_field is not None and isinstance(header_field.type, Unit):
            pk = source.get(f"{name}_id")
            return self.names.get(("unit", pk), "" if pk is None else str(pk))
        if header_field is not None and isinstance(header_field.type, FilingLink):
            pk = source.get(f"{name}_id")
            return self.names.get(("filing", pk), "" if pk is None else str(pk))
        return source.get(name)

    def apply(self, record: Any) -> None:
        # The fields the history records (``tracked_fields``), not every column: updated_at is not kept.
        values = {f.attname: getattr(record, f.attname) for f in record.tracked_fields}
        if isinstance(record, _records_of(Filing)):
            self.own = values
        elif isinstance(record, _records_of(Indicator)):
            self._apply_to(self.rows, record, values)
        elif isinstance(record, _records_of(OverallTask)):
            self._apply_to(self.tasks, record, values)
        else:
            self.header = values

    def _apply_to(self, rows: dict[int, Any], record: Any, values: dict[str, Any]) -> None:
        if record.history_type == "-":
            rows.pop(values["id"], None)
        else:
            rows[values["id"]] = values

    def snapshot(self) -> Snapshot:
        rows = sorted(
            self.rows.values(),
            key=lambda row: (
                self.categories.get(row["category_id"], ("", len(self.categories)))[1],
                row["position"],
                row["id"],
            ),
        )
        return {
            "kind": self.kind.code,
            "fields": header_snapshot(self.kind, self.value),
            # Records made before filings kept these have none: then nothing is compared.
            "extra_fields": dict(self.own.get("extra_fields") or {}),
            "rows": [row_snapshot(_Row(row), self.categories.get(row["category_id"], ("", None))[0]) for row in rows],
            "tasks": [
                {"id": task["id"], **{name: show(task[name]) for name in TASK_COLUMNS}}
                for task in sorted(self.tasks.values(), key=lambda task: (task["position"], task["id"]))
            ],
        }


class _Row:
    """A row's recorded values, read the way ``row_snapshot`` reads a row."""

    def __init__(self, values: dict[str, Any]):
        self.pk = values["id"]
        self.category_id = values["category_id"]
        self.name, self.value, self.explanation = values["name"], values["value"], values["explanation"]
        self.not_applicable = values["not_applicable"]
        # Records made before rows kept these columns have none: blank.
        for name in EXTRA_COLUMNS:
            setattr(self, name, values.get(name))


def _place(places: tuple[int, int] | None, side: int) -> str:
    return f"第 {places[side]} 条" if places else ""


def _moves(change: RowChange | TaskChange) -> list[Change]:
    """Where a paired row went: another 二级 category, or another place among its own."""
    before, after = change.before or {}, change.after or {}
    moves = []
    if CATEGORY in change.columns:
        moves.append(Change(CATEGORY, before.get("category", ""), after.get("category", "")))
    if ORDER in change.columns:
        moves.append(Change(ORDER, _place(change.places, 0), _place(change.places, 1)))
    return moves


def _row_events(
    changes: list[RowChange], columns: dict[str, str], unrecorded: set[int], own: Iterable[str] = ()
) -> list[RowEvent]:
    events = []
    for change in changes:
        row = change.row
        if change.after is not None and change.after["id"] in unrecorded:
            # A row first seen in a change was written without a history record: show what it now holds
            # (and, if its content paired it with a row this change removed, that removal).
            if (gone := change.before) is not None:
                events.append(RowEvent("删除", gone["category"], gone["name"], summary=_summary(gone, columns, own)))
            events.append(RowEvent("修改", change.category, row["name"], summary=_summary(row, columns, own)))
        elif change.kind in ("changed", "moved"):
            assert change.before is not None and change.after is not None
            details = _moves(change) + [
                Change(label, show(change.before.get(name)), show(change.after.get(name)))
                for name, label in columns.items()
                if label in change.columns
            ]
            events.append(RowEvent(change.kind_label, change.category, row["name"], details))
        else:
            summary = _summary(row, columns, own)
            events.append(RowEvent(change.kind_label, change.category, row["name"], summary=summary))
    return events


def _task_events(changes: list[TaskChange]) -> list[RowEvent]:
    return [
        RowEvent(
            change.kind_label,
            "年度主要任务",
            (change.after or change.before or {}).get("name", ""),
            _moves(change)
            + [
                Change(label, (change.before or {}).get(name, ""), (change.after or {}).get(name, ""))
                for name, label in TASK_COLUMNS.items()
                if label in change.columns
            ],
            summary=_summary(change.after or change.before or {}, TASK_COLUMNS),
        )
        for change in changes
    ]


def filing_timeline(filing: Filing, *, categories: dict[int, Category] | None = None) -> list[Event]:
    """Newest first: every change with what it changed, and every review step. ``categories``: the
    template's 二级 categories (``template_categories``), when the caller has read them already."""
    kind = filing.form_kind
    replay = _Replay(filing, template_categories(filing.template_id) if categories is None else categories)
    # Unordered in the query: the records of every model are sorted together here.
    records: list[Any] = list(_records_of(Filing).objects.filter(id=filing.pk).order_by())
    for model in (header_model(kind.code), Indicator) + ((OverallTask,) if kind.tasks is not None else ()):
        records += _records_of(model).objects.filter(filing_id=filing.pk).order_by()
    records.sort(key=lambda record: (record.history_date, record.history_id))
    # Unordered in the query too: sorting a handful of steps here costs less than compiling an ORDER BY.
    steps = sorted(filing.transitions.defer("snapshot").order_by(), key=lambda step: (step.at, step.pk))
    # Who made the changes and the steps, in one query: joined to every record instead, each of the rows
    # read a copy of its user (the history took a quarter longer).
    people = User.objects.in_bulk({r.history_user_id for r in records} | {s.user_id for s in steps})
    replay.load_names(records)
    # Every column of the catalogue (the replayed rows record them all); summaries show the layout's
    # columns and any other a row fills.
    columns, own = row_columns(kind, []), [column.name for column in kind.indicators.columns]
    timeline: list[Event] = []
    previous: Snapshot | None = None
    seen_rows: set[int] = set()
    for at, group in groupby(records, key=lambda record: record.history_date):
        batch = list(group)
        unrecorded = set()
        for record in batch:
            if isinstance(record, _records_of(Indicator)) and record.history_type == "~" and record.id not in seen_rows:
                unrecorded.add(record.id)
            if isinstance(record, _records_of(Indicator)):
                seen_rows.add(record.id)
            replay.apply(record)
        current = replay.snapshot()
        user = next((people[r.history_user_id] for r in batch if r.history_user_id in people), None)
        if previous is None:
            source = replay.own.get("source_file") or ""
            event = Event(at, user, f"导入（{source}）" if source else "新建申报表", "save")
            event.rows = [
                RowEvent("新增", row["category"], row["name"], summary=_summary(row, columns, own))
                for row in current["rows"]
            ]
        else:
            diff = filing_diff(previous, current, kind=kind)
            event = Event(at, user, "保存修改", "save")
            event.fields = [Change(change.label, change.before, change.after) for change in diff.fields]
            event.rows = _row_events(diff.rows, columns, unrecorded, own)
            event.tasks = _task_events(diff.tasks)
            if not (event.fields or event.rows or event.tasks):
                event.title = "保存（内容无变化）"
        timeline.append(event)
        previous = current
    # Not the snapshot each step keeps (the whole filing, for the review page to compare with).
    for transition in steps:
        title = f"{Status(transition.from_status).label} → {Status(transition.to_status).label}"
        timeline.append(
            Event(
                transition.at,
                people.get(transition.user_id),
                title,
                "transition",
                comment=transition.comment,
                to_status=transition.to_status,
            )
        )
    timeline.sort(key=lambda event: event.at, reverse=True)
    for event in timeline:
        event.user_label = user_label(event.user)
    return timeline

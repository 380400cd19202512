"""A filing as plain data at one moment, and what changed between two such moments: the one diff engine.

Transitions store a snapshot, so a reviewer sees what a resubmission changed since the return,
field by field and row by row. The workbook upload's preview compares a stored filing with the
snapshot of the uploaded sheet, whose rows have no ids yet. The history (``projects.history``)
rebuilds the snapshot after every recorded change and compares each with the one before.

A snapshot holds each header field of the filing's kind as displayed, its indicator rows and, for
the 部门整体 form, its tasks. Snapshots stored before a field was added lack it; such a field is
left out of the comparison rather than shown as changed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from projects.kinds import kind_named
from projects.kinds.base import FilingLink, FormKind, Unit
from projects.models import Filing, normalise_unit_name

Snapshot = dict[str, Any]
ROW_CONTENT = ("name", "value", "explanation")
TASK_COLUMNS = {
    "name": "任务名称",
    "content": "主要内容",
    "total_amount": "总额",
    "fiscal_amount": "其中：财政拨款",
    "other_amount": "其中：其他资金",
}


def show(value: Any) -> str:
    """A stored value as a snapshot shows it: amounts in 元 with separators, 是/否, names of units."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return f"{value:,.2f} 元"
    return str(getattr(value, "name", value))


def header_snapshot(kind: FormKind, value: Any) -> dict[str, str]:
    """The kind's header fields (and the labels some forms vary), each as displayed."""
    fields = {}
    for header_field in kind.header:
        fields[header_field.name] = show(value(header_field.name))
        if header_field.label_field:
            fields[header_field.label_field] = show(value(header_field.label_field))
    fields["amount_unit"] = show(value("amount_unit"))
    return fields


def row_snapshot(row: Any, category_label: str) -> dict[str, Any]:
    return {
        "id": row.pk,
        "category_id": row.category_id,
        "category": category_label,
        "name": row.name,
        "value": row.value,
        "explanation": row.explanation,
        "not_applicable": row.not_applicable,
    }


def task_snapshot(task: Any) -> dict[str, Any]:
    return {"id": task.pk, **{name: show(getattr(task, name)) for name in TASK_COLUMNS}}


def filing_snapshot(
    filing: Filing, rows: Iterable[Any] | None = None, tasks: Iterable[Any] | None = None, *, header: Any = None
) -> Snapshot:
    """The filing's header fields as displayed, its rows in form order and its tasks.

    ``rows`` and ``tasks`` default to the stored ones (a query each); an import preview passes the
    unsaved rows it would store, which have no ids, and the unsaved ``header``.
    """
    kind = filing.form_kind
    head = header if header is not None else filing.header

    def value(name: str) -> Any:
        return getattr(filing, name) if hasattr(Filing, name) else getattr(head, name, None)

    if rows is None:
        rows = filing.indicators.select_related("category__parent").order_by(
            "category__parent__order", "category__order", "position", "pk"
        )
    if tasks is None:
        tasks = filing.tasks.order_by("position", "pk") if kind.tasks is not None else []
    return {
        "version": filing.version,
        "kind": kind.code,
        "fields": header_snapshot(kind, value),
        "rows": [row_snapshot(row, f"{row.category.parent.name} / {row.category.name}") for row in rows],
        "tasks": [task_snapshot(task) for task in tasks],
    }


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class RowChange:
    kind: str  # added, removed, changed, moved
    category: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    columns: list[str] = field(default_factory=list)  # labels of the columns that changed

    @property
    def kind_label(self) -> str:
        return {"added": "新增", "removed": "删除", "changed": "修改"}[self.kind]

    @property
    def row(self) -> dict[str, Any]:
        return self.after or self.before or {}


@dataclass
class TaskChange:
    kind: str  # added, removed, changed
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    columns: list[str] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return {"added": "新增", "removed": "删除", "changed": "修改"}[self.kind]


@dataclass
class FilingDiff:
    fields: list[FieldChange]
    rows: list[RowChange]
    tasks: list[TaskChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.rows or self.tasks)


def _labels(kind: FormKind) -> dict[str, str]:
    labels = {header_field.name: header_field.label_for("元") for header_field in kind.header}
    for header_field in kind.header:
        if header_field.label_field:
            labels[header_field.label_field] = f"{header_field.plain_label}栏目名称"
    return {**labels, "amount_unit": "填报金额单位"}


def _unit_fields(kind: FormKind) -> set[str]:
    return {f.name for f in kind.header if isinstance(f.type, Unit | FilingLink)}


def _differs(name: str, before: str, after: str, units: set[str]) -> bool:
    # Unit names compare normalised: （本级） and (本级) are the same unit.
    if name in units:
        return normalise_unit_name(before) != normalise_unit_name(after)
    return before != after


def row_columns(kind: FormKind) -> dict[str, str]:
    """The row attributes a person sees, with the kind's headings, and 不适用."""
    return {**{column.name: column.label for column in kind.indicators.columns}, "not_applicable": "不适用"}


def filing_diff(before: Snapshot, after: Snapshot) -> FilingDiff:
    """Rows and tasks are matched by id when both sides have ids (the filing service keeps a row's id
    when it is edited in place); otherwise rows are paired by order within their 二级 category."""
    kind = kind_named(after.get("kind") or before.get("kind") or "project")
    old, new = before["fields"], after["fields"]
    labels, units = _labels(kind), _unit_fields(kind)
    names = [*labels, *(name for name in new if name not in labels)]
    fields = [
        FieldChange(labels.get(name, name), old[name], new[name])
        for name in names
        if name in old and name in new and _differs(name, old[name], new[name], units)
    ]
    columns = row_columns(kind)
    if all(row["id"] is not None for row in before["rows"] + after["rows"]):
        rows = _rows_by_id(before["rows"], after["rows"], columns)
    else:
        rows = _rows_by_order(before["rows"], after["rows"], columns)
    tasks = _tasks(before.get("tasks", []), after.get("tasks", []))
    return FilingDiff(fields, rows, tasks)


def _changed_columns(old: Mapping[str, Any], new: Mapping[str, Any], columns: Mapping[str, str]) -> list[str]:
    return [label for key, label in columns.items() if old.get(key) != new.get(key)]


def _rows_by_id(
    before: list[dict[str, Any]], after: list[dict[str, Any]], columns: Mapping[str, str]
) -> list[RowChange]:
    old_rows = {row["id"]: row for row in before}
    new_ids = {row["id"] for row in after}
    rows = []
    for row in after:
        old = old_rows.get(row["id"])
        if old is None:
            rows.append(RowChange("added", row["category"], None, row))
            continue
        changed = _changed_columns(old, row, columns)
        if old["category_id"] != row["category_id"]:
            changed.insert(0, "二级指标")
        if changed:
            rows.append(RowChange("changed", row["category"], old, row, changed))
    rows += [RowChange("removed", row["category"], row, None) for row in before if row["id"] not in new_ids]
    return rows


def _rows_by_order(
    before: list[dict[str, Any]], after: list[dict[str, Any]], columns: Mapping[str, str]
) -> list[RowChange]:
    """Within each category, identical rows stay matched; the rows between them pair up in order."""
    categories: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {}
    for side, rows in enumerate((before, after)):
        for row in rows:
            categories.setdefault(row["category"], ([], []))[side].append(row)
    changes: list[RowChange] = []
    for category, (olds, news) in categories.items():
        contents = [[tuple(row.get(key) for key in columns) for row in rows] for rows in (olds, news)]
        matcher = difflib.SequenceMatcher(a=contents[0], b=contents[1], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            removed, added = olds[i1:i2], news[j1:j2]
            paired = min(len(removed), len(added))
            changes += [
                RowChange("changed", category, a, b, _changed_columns(a, b, columns))
                for a, b in zip(removed[:paired], added[:paired], strict=True)
            ]
            changes += [RowChange("removed", category, a, None) for a in removed[paired:]]
            changes += [RowChange("added", category, None, b) for b in added[paired:]]
    return changes


def _tasks(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[TaskChange]:
    """Tasks by id when both sides have ids, otherwise by position."""
    if all(task["id"] is not None for task in before + after):
        old = {task["id"]: task for task in before}
        new_ids = {task["id"] for task in after}
        pairs = [(old.get(task["id"]), task) for task in after]
        removed = [task for task in before if task["id"] not in new_ids]
    else:
        pairs = [(before[i] if i < len(before) else None, task) for i, task in enumerate(after)]
        removed = before[len(after) :]
    changes = []
    for old_task, new_task in pairs:
        if old_task is None:
            changes.append(TaskChange("added", None, new_task))
        elif changed := _changed_columns(old_task, new_task, TASK_COLUMNS):
            changes.append(TaskChange("changed", old_task, new_task, changed))
    changes += [TaskChange("removed", task, None) for task in removed]
    return changes

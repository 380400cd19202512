"""A filing as plain data at one moment, and what changed between two such moments.

Transitions store a snapshot, so a reviewer sees what a resubmission changed since the return,
field by field and row by row, whatever happened to the rows in between. The Excel upload preview
compares a stored project with the snapshot of the uploaded sheet, whose rows have no ids yet.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from indicators.models import Indicator
from projects.models import Project, field_label, normalise_unit_name

# The header fields compared, in the order of the official form. Snapshots stored before a field
# was added here lack it; such a field is left out of the comparison rather than shown as changed.
SNAPSHOT_FIELDS = [
    "code",
    "name",
    "fiscal_year",
    "applicant",
    "top_unit",
    "duration_years",
    "project_type",
    "is_new",
    "allocation",
    "total_amount",
    "current_amount",
    "amount_unit",
    "policy_basis_label",
    "policy_basis",
    "calculation_basis",
    "annual_goal",
    "long_term_goal",
]
UNIT_FIELDS = {"applicant", "top_unit"}
ROW_COLUMNS = {"name": "三级指标", "value": "指标值", "explanation": "指标解释", "not_applicable": "不适用"}


def _display(project: Project, name: str) -> str:
    value = getattr(project, name)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if name in ("total_amount", "current_amount"):
        return f"{value:,.2f} 元"
    return str(value)


def _row(indicator: Indicator) -> dict[str, Any]:
    return {
        "id": indicator.pk,
        "category_id": indicator.category_id,
        "category": f"{indicator.category.parent.name} / {indicator.category.name}",
        "name": indicator.name,
        "value": indicator.value,
        "explanation": indicator.explanation,
        "not_applicable": indicator.not_applicable,
    }


def filing_snapshot(project: Project, rows: Iterable[Indicator] | None = None) -> dict[str, Any]:
    """Header fields as displayed and indicator rows in form order.

    ``rows`` defaults to the project's stored rows (two queries); an import preview passes the
    unsaved rows it would store, which have no ids.
    """
    if rows is None:
        rows = project.indicators.select_related("category__parent").order_by(
            "category__parent__order", "category__order", "position", "pk"
        )
    return {
        "version": project.version,
        "fields": {name: _display(project, name) for name in SNAPSHOT_FIELDS},
        "rows": [_row(row) for row in rows],
    }


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class RowChange:
    kind: str  # added, removed, changed
    category: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    columns: list[str] = field(default_factory=list)  # labels of the columns that changed

    @property
    def kind_label(self) -> str:
        return {"added": "新增", "removed": "删除", "changed": "修改"}[self.kind]


@dataclass
class FilingDiff:
    fields: list[FieldChange]
    rows: list[RowChange]

    def __bool__(self) -> bool:
        return bool(self.fields or self.rows)


def _field_label(name: str) -> str:
    return field_label(Project, name)


def _differs(name: str, before: str, after: str) -> bool:
    # Department names compare normalised: （本级） and (本级) are the same unit.
    if name in UNIT_FIELDS:
        return normalise_unit_name(before) != normalise_unit_name(after)
    return before != after


def filing_diff(before: dict[str, Any], after: dict[str, Any]) -> FilingDiff:
    """Rows are matched by id when both sides have ids (the filing service keeps a row's id when it
    is edited in place); otherwise they are paired by order within their 二级 category."""
    old, new = before["fields"], after["fields"]
    fields = [
        FieldChange(_field_label(name), old[name], new[name])
        for name in SNAPSHOT_FIELDS
        if name in old and name in new and _differs(name, old[name], new[name])
    ]
    if all(row["id"] is not None for row in before["rows"] + after["rows"]):
        rows = _rows_by_id(before["rows"], after["rows"])
    else:
        rows = _rows_by_order(before["rows"], after["rows"])
    return FilingDiff(fields, rows)


def _changed_columns(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [label for key, label in ROW_COLUMNS.items() if old[key] != new[key]]


def _rows_by_id(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[RowChange]:
    old_rows = {row["id"]: row for row in before}
    new_ids = {row["id"] for row in after}
    rows = []
    for row in after:
        old = old_rows.get(row["id"])
        if old is None:
            rows.append(RowChange("added", row["category"], None, row))
            continue
        columns = _changed_columns(old, row)
        if old["category_id"] != row["category_id"]:
            columns.insert(0, "二级指标")
        if columns:
            rows.append(RowChange("changed", row["category"], old, row, columns))
    rows += [RowChange("removed", row["category"], row, None) for row in before if row["id"] not in new_ids]
    return rows


def _contents(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The columns the filer sees of each row, as tuples to compare."""
    return [tuple(row[key] for key in ROW_COLUMNS) for row in rows]


def _rows_by_order(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[RowChange]:
    """Within each category, identical rows stay matched; the rows between them pair up in order."""
    categories: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {}
    for side, rows in enumerate((before, after)):
        for row in rows:
            categories.setdefault(row["category"], ([], []))[side].append(row)
    changes: list[RowChange] = []
    for category, (olds, news) in categories.items():
        matcher = difflib.SequenceMatcher(None, _contents(olds), _contents(news), autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            removed, added = olds[i1:i2], news[j1:j2]
            paired = min(len(removed), len(added))
            changes += [
                RowChange("changed", category, a, b, _changed_columns(a, b))
                for a, b in zip(removed[:paired], added[:paired], strict=True)
            ]
            changes += [RowChange("removed", category, a, None) for a in removed[paired:]]
            changes += [RowChange("added", category, None, b) for b in added[paired:]]
    return changes

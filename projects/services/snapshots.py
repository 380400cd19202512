"""A filing as plain data at one moment, and what changed between two such moments.

Transitions store a snapshot, so a reviewer sees what a resubmission changed since the return,
field by field and row by row, whatever happened to the rows in between.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from projects.models import Project

# The header fields a reviewer compares, in the order of the official form.
SNAPSHOT_FIELDS = [
    "code", "name", "fiscal_year", "applicant", "top_unit", "duration_years", "project_type", "is_new",
    "allocation", "total_amount", "current_amount", "amount_unit", "policy_basis", "calculation_basis",
    "annual_goal", "long_term_goal",
]
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


def filing_snapshot(project: Project) -> dict:
    """Header fields as displayed and indicator rows in form order (two queries)."""
    rows = [
        {
            "id": row.pk,
            "category_id": row.category_id,
            "category": f"{row.category.parent.name} / {row.category.name}",
            "name": row.name,
            "value": row.value,
            "explanation": row.explanation,
            "not_applicable": row.not_applicable,
        }
        for row in project.indicators.select_related("category__parent").order_by(
            "category__parent__order", "category__order", "position", "pk"
        )
    ]
    return {
        "version": project.version,
        "fields": {name: _display(project, name) for name in SNAPSHOT_FIELDS},
        "rows": rows,
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
    before: dict | None
    after: dict | None
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
    return str(Project._meta.get_field(name).verbose_name)


def filing_diff(before: dict, after: dict) -> FilingDiff:
    """Rows are matched by id: the filing service keeps a row's id when it is edited in place."""
    fields = [
        FieldChange(_field_label(name), before["fields"].get(name, ""), after["fields"].get(name, ""))
        for name in SNAPSHOT_FIELDS
        if before["fields"].get(name, "") != after["fields"].get(name, "")
    ]
    old_rows = {row["id"]: row for row in before["rows"]}
    new_ids = {row["id"] for row in after["rows"]}
    rows = []
    for row in after["rows"]:
        old = old_rows.get(row["id"])
        if old is None:
            rows.append(RowChange("added", row["category"], None, row))
            continue
        columns = [label for key, label in ROW_COLUMNS.items() if old[key] != row[key]]
        if old["category_id"] != row["category_id"]:
            columns.insert(0, "二级指标")
        if columns:
            rows.append(RowChange("changed", row["category"], old, row, columns))
    rows += [
        RowChange("removed", row["category"], row, None) for row in before["rows"] if row["id"] not in new_ids
    ]
    return FilingDiff(fields, rows)

"""A filing as plain data at one moment, and what changed between two such moments: the one diff engine.

Transitions store a snapshot, so a reviewer sees what a resubmission changed since the return,
field by field and row by row. The workbook upload's preview compares a stored filing with the
snapshot of the uploaded sheet, whose rows have no ids yet. The history (``projects.history``)
rebuilds the snapshot after every recorded change and compares each with the one before.

A snapshot holds each header field of the filing's kind as displayed, the header fields its layout
adds and the labels no layout knows (``extra_fields``, by label), its indicator rows with every column
of the catalogue (指标性质, 度量单位, 权重… beside 三级指标 · 指标值 · 指标解释) and, for the 部门整体
form, its tasks. Snapshots stored before a field or a column was added lack it; such a field or column
is left out of the comparison rather than shown as changed.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from indicators.taxonomy import EXTRA_COLUMNS, INDICATOR_COLUMNS
from projects.kinds import kind_named
from projects.kinds.base import FilingLink, FormKind, Unit
from projects.kinds.layouts import is_extra
from projects.models import Filing, normalise_unit_name
from projects.services.rows import weight_text

Snapshot = dict[str, Any]
ROW_CONTENT = ("name", "value", "explanation")
# A snapshot's rows: in the official order of their categories, then in their place among them.
ROW_ORDER = ("category__parent__order", "category__order", "position", "pk")
TASK_COLUMNS = {
    "name": "任务名称",
    "content": "主要内容",
    "total_amount": "总额",
    "fiscal_amount": "其中：财政拨款",
    "other_amount": "其中：其他资金",
}


def row_order(row: Any) -> tuple[Any, ...]:
    """``ROW_ORDER`` for a row read with its category and that category's 一级."""
    return (row.category.parent.order, row.category.order, row.position, row.pk)


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
    """The kind's header fields (and the labels some forms vary), each as displayed. The fields a layout
    adds are in the snapshot's ``extra_fields``, by label."""
    fields = {}
    for header_field in kind.header:
        if is_extra(header_field.name):
            continue
        found = value(header_field.name)
        # A yes/no in the layout's own words (甘肃's 项目类型: 新增项目 / 延续项目).
        fields[header_field.name] = header_field.show(found, "") if isinstance(found, bool) else show(found)
        if header_field.label_field:
            fields[header_field.label_field] = show(value(header_field.label_field))
    fields["amount_unit"] = show(value("amount_unit"))
    return fields


def row_snapshot(row: Any, category_label: str) -> dict[str, Any]:
    """A row as displayed: every column of the catalogue (blank where the row has none), 不适用."""
    return {
        "id": row.pk,
        "category_id": row.category_id,
        "category": category_label,
        "name": row.name,
        "value": row.value,
        "explanation": row.explanation,
        "not_applicable": row.not_applicable,
        **{name: getattr(row, name, "") or "" for name in EXTRA_COLUMNS if name != "weight"},
        "weight": weight_text(getattr(row, "weight", None)),
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
        rows = filing.indicators.select_related("category__parent").order_by(*ROW_ORDER)
    if tasks is None:
        tasks = filing.tasks.order_by("position", "pk") if kind.tasks is not None else []
    return {
        "version": filing.version,
        "kind": kind.code,
        "fields": header_snapshot(kind, value),
        "extra_fields": {label: str(text) for label, text in (filing.extra_fields or {}).items()},
        "rows": [row_snapshot(row, f"{row.category.parent.name} / {row.category.name}") for row in rows],
        "tasks": [task_snapshot(task) for task in tasks],
    }


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


# What a row or task change is called, and the two ways a row moves without its content changing.
KIND_LABELS = {"added": "新增", "removed": "删除", "changed": "修改", "moved": "移动"}
ORDER = "顺序"
CATEGORY = "二级指标"


@dataclass
class RowChange:
    kind: str  # added, removed, changed, moved
    category: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    columns: list[str] = field(default_factory=list)  # labels of what changed: columns, 二级指标, 顺序
    # Where a paired row stood within its 二级 category, counted from 1, before and after.
    places: tuple[int, int] | None = None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def row(self) -> dict[str, Any]:
        return self.after or self.before or {}


@dataclass
class TaskChange:
    kind: str  # added, removed, changed, moved
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    columns: list[str] = field(default_factory=list)
    places: tuple[int, int] | None = None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass
class FilingDiff:
    fields: list[FieldChange]
    rows: list[RowChange]
    tasks: list[TaskChange] = field(default_factory=list)
    # The row columns the changes show, (key, heading): the layout's, then any other a changed row fills.
    columns: list[tuple[str, str]] = field(default_factory=list)

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


def row_columns(kind: FormKind, rows: list[dict[str, Any]] | None = None) -> dict[str, str]:
    """The row attributes a person sees, with the kind's headings, and 不适用. Given ``rows`` (snapshot
    rows), every column of the catalogue that they all record, the kind's first: a snapshot stored
    before a column was added lacks it, and the column is left out rather than shown as changed."""
    own = {column.name: column.label for column in kind.indicators.columns}
    if rows is None:
        return {**own, "not_applicable": "不适用"}
    catalogue = {**own, **{name: heading for name, (heading, _) in INDICATOR_COLUMNS.items() if name not in own}}
    recorded = {name: label for name, label in catalogue.items() if all(name in row for row in rows)}
    return {**recorded, "not_applicable": "不适用"}


def _shown_row_columns(
    columns: Mapping[str, str], own: Mapping[str, str], rows: list[RowChange]
) -> list[tuple[str, str]]:
    """The columns a table of row changes shows: the layout's, and any other that a changed row fills."""
    items = [row for change in rows for row in (change.before, change.after) if row]
    return [
        (name, label)
        for name, label in columns.items()
        if name != "not_applicable" and (name in own or any(item.get(name) for item in items))
    ]


def _extra_changes(before: Snapshot, after: Snapshot) -> list[FieldChange]:
    """The header fields kept by label (those a layout adds, those no layout knows), when both snapshots
    record them: a label only one side has is blank on the other."""
    if "extra_fields" not in before or "extra_fields" not in after:
        return []
    old, new = before["extra_fields"] or {}, after["extra_fields"] or {}
    labels = [*new, *(label for label in old if label not in new)]
    return [
        FieldChange(label, str(old.get(label, "")), str(new.get(label, "")))
        for label in labels
        if str(old.get(label, "")) != str(new.get(label, ""))
    ]


def filing_diff(before: Snapshot, after: Snapshot, *, kind: FormKind | None = None) -> FilingDiff:
    """What changed from ``before`` to ``after``: the header fields, the rows and the tasks.

    Rows are paired as a person reading both forms would pair them (``_pairs``): by id where a row
    kept it (the filing service updates a row in place), otherwise by content within its 二级
    category. So the rows an import replaced with new ids, or an upload's rows that have no ids yet,
    pair with the stored rows they repeat, and only what really changed is listed. A paired row out
    of its order, or under another 二级 category, is a move. Tasks are paired the same way.

    ``kind`` is the filing's kind as its layout has it (``Filing.form_kind``), for the labels and the
    columns; by default the kind the snapshots name.
    """
    kind = kind or kind_named(after.get("kind") or before.get("kind") or "project")
    old, new = before["fields"], after["fields"]
    labels, units = _labels(kind), _unit_fields(kind)
    names = [*labels, *(name for name in new if name not in labels)]
    fields = [
        FieldChange(labels.get(name, name), old[name], new[name])
        for name in names
        if name in old and name in new and _differs(name, old[name], new[name], units)
    ]
    fields += _extra_changes(before, after)
    columns = row_columns(kind, [*before["rows"], *after["rows"]])
    rows = [
        RowChange(change.kind, _category(change.after or change.before or {}), *change.parts)
        for change in _changes(before["rows"], after["rows"], columns, _category)
    ]
    tasks = [
        TaskChange(change.kind, *change.parts)
        for change in _changes(before.get("tasks", []), after.get("tasks", []), TASK_COLUMNS, lambda task: "")
    ]
    own = {column.name: column.label for column in kind.indicators.columns}
    return FilingDiff(fields, rows, tasks, _shown_row_columns(columns, own, rows))


Item = dict[str, Any]
Group = Callable[[Item], str]


def _category(row: Item) -> str:
    return str(row.get("category", ""))


@dataclass
class _Change:
    kind: str
    before: Item | None
    after: Item | None
    columns: list[str] = field(default_factory=list)
    places: tuple[int, int] | None = None

    @property
    def parts(self) -> tuple[Item | None, Item | None, list[str], tuple[int, int] | None]:
        return self.before, self.after, self.columns, self.places


def _changed_columns(old: Mapping[str, Any], new: Mapping[str, Any], columns: Mapping[str, str]) -> list[str]:
    return [label for key, label in columns.items() if old.get(key) != new.get(key)]


def _content(item: Item, columns: Mapping[str, str]) -> tuple[Any, ...]:
    return tuple(item.get(key) for key in columns)


def _pairs(before: list[Item], after: list[Item], columns: Mapping[str, str], group: Group) -> dict[int, int]:
    """Which row of ``before`` each row of ``after`` is (by index), tried in this order:

    the same id; the same content in the same group, in order as far as it goes, then anywhere in
    the group; the same content (not 不适用) in another group; the same name in the same group.
    Rows left over are paired later, in order, where they stand between paired rows (``_changes``).
    """
    pairs: dict[int, int] = {}
    taken: set[int] = set()

    def pair(j: int, i: int) -> None:
        pairs[j] = i
        taken.add(i)

    ids = {item["id"]: i for i, item in enumerate(before) if item.get("id") is not None}
    for j, item in enumerate(after):
        if item.get("id") is not None and item["id"] in ids:
            pair(j, ids[item["id"]])
    for olds, news in _by_group(before, after, group, skip=(taken, pairs)).values():
        matcher = difflib.SequenceMatcher(
            a=[_content(before[i], columns) for i in olds],
            b=[_content(after[j], columns) for j in news],
            autojunk=False,
        )
        for block in matcher.get_matching_blocks():
            for k in range(block.size):
                pair(news[block.b + k], olds[block.a + k])
    keys: list[Callable[[Item], Any]] = [
        lambda item: (group(item), _content(item, columns)),
        # 不适用 reads the same under every category: it says nothing of where a row went.
        lambda item: None if item.get("not_applicable") else _content(item, columns),
        lambda item: (group(item), item["name"]) if item.get("name") else None,
    ]
    for key in keys:
        waiting: dict[Any, list[int]] = defaultdict(list)
        for i, item in enumerate(before):
            if i not in taken and (found := key(item)) is not None:
                waiting[found].append(i)
        for j, item in enumerate(after):
            if j not in pairs and waiting.get(found := key(item)):
                pair(j, waiting[found].pop(0))
    return pairs


def _by_group(
    before: list[Item], after: list[Item], group: Group, skip: tuple[Iterable[int], Iterable[int]] = ((), ())
) -> dict[str, tuple[list[int], list[int]]]:
    """The indexes of each group's rows on either side, the groups in form order, without ``skip``."""
    skip_before, skip_after = set(skip[0]), set(skip[1])
    order = list(dict.fromkeys(group(item) for item in after))
    previous: str | None = None
    for name in dict.fromkeys(group(item) for item in before):
        # A group only ``before`` has goes where it stood: after the group it followed there.
        if name not in order:
            order.insert(order.index(previous) + 1 if previous is not None else 0, name)
        previous = name
    groups: dict[str, tuple[list[int], list[int]]] = {name: ([], []) for name in order}
    for i, item in enumerate(before):
        if i not in skip_before:
            groups[group(item)][0].append(i)
    for j, item in enumerate(after):
        if j not in skip_after:
            groups[group(item)][1].append(j)
    return groups


def _changes(before: list[Item], after: list[Item], columns: Mapping[str, str], group: Group) -> list[_Change]:
    """Group by group in form order: each row as it stands now (changed, moved or added), then the
    rows removed from the group."""
    pairs = _pairs(before, after, columns, group)
    paired = set(pairs.values())
    changes: list[_Change] = []
    for olds, news in _by_group(before, after, group).values():
        # A row paired within the group is one token on both sides; difflib keeps the longest runs of
        # them in place, and the paired rows outside those runs are the ones that moved.
        own = {j: pairs[j] for j in news if j in pairs and group(before[pairs[j]]) == group(after[j])}
        own_before = set(own.values())
        tokens_before = [("row", i) if i in own_before else ("before", i) for i in olds]
        tokens_after = [("row", own[j]) if j in own else ("after", j) for j in news]
        matcher = difflib.SequenceMatcher(a=tokens_before, b=tokens_after, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                for i, j in zip(olds[i1:i2], news[j1:j2], strict=True):
                    changes += _paired(before, after, i, j, columns, group, [])
                continue
            # Rows paired with nothing yet pair in order within the stretch they stand in.
            loose = [i for i in olds[i1:i2] if i not in paired]
            for j in news[j1:j2]:
                if j in own:
                    changes += _paired(before, after, own[j], j, columns, group, [ORDER])
                elif j in pairs:
                    changes += _paired(before, after, pairs[j], j, columns, group, [CATEGORY])
                elif loose:
                    changes += _paired(before, after, loose.pop(0), j, columns, group, [])
                else:
                    changes.append(_Change("added", None, after[j]))
            changes += [_Change("removed", before[i], None) for i in loose]
    return changes


def _paired(
    before: list[Item], after: list[Item], i: int, j: int, columns: Mapping[str, str], group: Group, moves: list[str]
) -> list[_Change]:
    old, new = before[i], after[j]
    changed = _changed_columns(old, new, columns)
    if not (changed or moves):
        return []
    places = (_place(before, i, group), _place(after, j, group))
    return [_Change("changed" if changed else "moved", old, new, [*moves, *changed], places)]


def _place(items: list[Item], index: int, group: Group) -> int:
    """Where a row stands in its group, counted from 1."""
    name = group(items[index])
    return sum(1 for item in items[: index + 1] if group(item) == name)

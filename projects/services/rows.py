"""Saving a filing's indicator rows as a person arranged them, for every kind of form.

A save sends the rows it keeps, in the order the page shows them; rows it no longer sends are
deleted, rows with an id of this filing are updated in place (so the history shows a change, not a
deletion and an addition), the others are added. Positions are counted within each 二级指标.

Whatever sends them, rows are bounded as the kind's table says: at most ``max_rows`` rows with content,
each text at most its column's ``max_length``, each weight a number from 0 to 100; more is refused,
nothing is written.

A row keeps the columns its filing's layout has (``Filing.form_kind``) and any other column of the
catalogue (``indicators.taxonomy.INDICATOR_COLUMNS``) a row of the filing already fills: the pages
show those too (``shown_columns``), so what an import stored is neither hidden nor lost by a save.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import groupby, pairwise
from typing import TYPE_CHECKING, Any

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from indicators.models import Indicator, Level2Category
from indicators.taxonomy import EXTRA_COLUMNS, INDICATOR_COLUMNS, is_not_applicable
from indicators.values import combined_target, value_parts
from projects.kinds.base import Column, IndicatorTable, length_problem, weight_problem
from projects.kinds.layouts import catalogue_column
from projects.models import Filing
from projects.services.writing import FilingError, delete_with_history

if TYPE_CHECKING:
    from django.contrib.auth.models import User

NOT_APPLICABLE = "不适用"
ROW_FIELDS = [
    "category",
    "position",
    "name",
    "value",
    "explanation",
    "not_applicable",
    "nature",
    "measure",
    "weight",
    "direction",
    "basis",
    "score",
    "remark",
    "value_kind",
    "comparator",
    "number",
    "unit",
    "deadline",
]
CONTENT_FIELDS = ("name", "value", "explanation")
# The columns other layouts add that hold text (权重 is a number).
EXTRA_TEXT = tuple(name for name in EXTRA_COLUMNS if name != "weight")
VISIBLE_ROW_FIELDS = ["position", "name", "value", "explanation", "not_applicable", *EXTRA_COLUMNS]
# A weight is a share of the form's 100 points (四川 gives 90 to the rows, 10 to 预算执行率).


@dataclass(frozen=True)
class RowInput:
    """One indicator row as entered; ``id`` is set for a row that already exists."""

    category_id: int
    name: str = ""
    value: str = ""
    explanation: str = ""
    not_applicable: bool = False
    id: int | None = None
    # The columns other layouts add (indicators.taxonomy.EXTRA_COLUMNS), as typed.
    nature: str = ""
    measure: str = ""
    weight: Decimal | None = None
    direction: str = ""
    basis: str = ""
    score: str = ""
    remark: str = ""

    def is_empty(self) -> bool:
        texts = (self.name, self.value, self.explanation, *(getattr(self, name) for name in EXTRA_TEXT))
        return not (self.not_applicable or self.weight is not None or any(text.strip() for text in texts))


def shown_columns(columns: Sequence[Column], rows: Iterable[Any]) -> tuple[Column, ...]:
    """The columns of a layout's table, then any other column of the catalogue a row fills: what the
    pages and the printed form show of ``rows``, so that nothing a filing stores is hidden."""
    own = {column.name for column in columns}
    rows = list(rows)
    filled = [
        name
        for name in INDICATOR_COLUMNS
        if name not in own and any(_filled(getattr(row, name, None)) for row in rows if not row.not_applicable)
    ]
    return (*columns, *(catalogue_column(name) for name in filled))


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def row_values(row: RowInput, category: Level2Category, position: int, columns: tuple[str, ...]) -> dict[str, Any]:
    """What a row stores; ``columns`` are the ones the page shows (the others stay blank). The parsed
    parts are those of the whole target, where a layout splits it (≥ · 95 · % → ≥95%)."""
    not_applicable = row.not_applicable or is_not_applicable(row.name)
    texts = (*CONTENT_FIELDS, *EXTRA_TEXT)
    if not_applicable:
        # As printed on the official form: 不适用 in every column of the row that says what it measures.
        content = {name: NOT_APPLICABLE if name in columns and name in CONTENT_FIELDS else "" for name in texts}
        weight = None
    else:
        content = {name: getattr(row, name).strip() if name in columns else "" for name in texts}
        weight = row.weight if "weight" in columns else None
    target = combined_target(content["nature"], content["value"], content["measure"])
    return {
        "category": category,
        "position": position,
        **content,
        "weight": weight,
        "not_applicable": not_applicable,
        **value_parts(target, not_applicable=not_applicable),
    }


def weight_text(weight: Decimal | None) -> str:
    """A weight as the forms write it: 10, 12.5 (not 10.00)."""
    if weight is None:
        return ""
    return f"{weight.normalize():f}"


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


def check_rows(
    rows: list[tuple[RowInput, Level2Category]], table: IndicatorTable, columns: Sequence[Column] | None = None
) -> None:
    """Raises FilingError, naming the row and column, for rows the kind's table cannot hold; ``columns``
    are the ones the rows keep (by default the table's)."""
    if len(rows) > table.max_rows:
        raise FilingError(f"指标表最多 {table.max_rows} 行，本次保存有 {len(rows)} 行")
    for number, (row, category) in enumerate(rows, start=1):
        if row.not_applicable:
            continue  # stored as 不适用, whatever was typed
        for column in table.columns if columns is None else columns:
            if column.name == "weight":
                problem = weight_problem(row.weight)
            else:
                text = str(getattr(row, column.name, "") or "").strip()
                problem = length_problem(text, column.max_length, column.label)
            if problem:
                raise FilingError(f"指标表第 {number} 行（{category.name}指标）：{problem}")


def save_rows(*, filing: Filing, rows: list[RowInput], user: User | None, when: datetime) -> None:
    categories = {
        c.pk: c for c in Level2Category.objects.select_related("parent").filter(parent__template=filing.template_id)
    }
    table = filing.form_kind.indicators
    existing = {row.pk: row for row in filing.indicators.all()}
    kept_columns = shown_columns(table.columns, existing.values())
    columns = tuple(column.name for column in kept_columns)
    ordered = _ordered_rows(rows, categories)
    check_rows(ordered, table, kept_columns)
    created: list[Indicator] = []
    updated: list[Indicator] = []
    kept: set[int] = set()
    for position, (row, category) in zip(_positions(ordered, existing), ordered, strict=True):
        values = row_values(row, category, position, columns)
        # An id that is not one of this filing's rows is treated as a new row, never followed.
        indicator = existing.get(row.id) if row.id is not None else None
        if indicator is None or indicator.pk in kept:
            created.append(Indicator(filing=filing, **values))
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
    delete_with_history(
        [indicator for indicator in existing.values() if indicator.pk not in kept], user=user, when=when
    )
    if updated:
        bulk_update_with_history(updated, Indicator, ROW_FIELDS, default_user=user, default_date=when)
    if created:
        bulk_create_with_history(created, Indicator, default_user=user, default_date=when)

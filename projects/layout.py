"""The indicator table as the official form prints it: 一级/二级 cells merged over their rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from indicators.models import Indicator, Level1Category, Level2Category


@dataclass
class TableRow:
    level1: Level1Category
    level2: Level2Category
    indicator: Indicator | None  # None: the 二级 has no row yet
    level1_rowspan: int = 0  # > 0 on the first row of its 一级 (0: the cell is merged above)
    level2_rowspan: int = 0


def template_categories(template_id: int) -> list[Level1Category]:
    """The template's 一级 categories with their 二级 children prefetched (two queries)."""
    return list(Level1Category.objects.filter(template_id=template_id).prefetch_related("children"))


def indicator_table(levels: list[Level1Category], indicators: list[Indicator]) -> list[TableRow]:
    by_category: dict[int, list[Indicator]] = {}
    for indicator in sorted(indicators, key=lambda row: (row.position, row.pk or 0)):
        by_category.setdefault(indicator.category_id, []).append(indicator)
    table: list[TableRow] = []
    for level1 in levels:
        first_of_level1 = len(table)
        for level2 in level1.children.all():
            rows: Sequence[Indicator | None] = by_category.get(level2.pk) or [None]
            for index, row in enumerate(rows):
                table.append(TableRow(level1, level2, row, level2_rowspan=len(rows) if index == 0 else 0))
        if len(table) > first_of_level1:
            table[first_of_level1].level1_rowspan = len(table) - first_of_level1
    return table

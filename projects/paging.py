"""Pages of a long sorted list, each read in two steps whatever its place in the list.

Read as one query, a page of the filings list makes the database sort every visible filing with all
it shows (header texts, findings), and a deep page skips tens of thousands of them with OFFSET. So a
page first reads only the ids of its rows, sorted (a narrow sort, which an index often answers, and,
past the middle of the list, from its far end in the opposite order, so that the last page is as near
as the first); then the rows themselves by id, with what they show.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


class TwoStepPaginator(Paginator):
    """``object_list`` is the sorted queryset; ``rows`` makes the queryset that reads a page's rows
    (with their joins) from the filings of the page. ``count`` is known already (the 合计 row)."""

    def __init__(self, object_list: QuerySet, per_page: int, *, count: int, rows: Callable[[QuerySet], QuerySet]):
        super().__init__(object_list, per_page)
        self.count = count  # Paginator's count, known here
        self.queryset = object_list
        self.rows = rows

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ids = self._ids(bottom, top)
        found = {row.pk: row for row in self.rows(self.queryset.model.objects.filter(pk__in=ids))}
        return Page([found[pk] for pk in ids if pk in found], number, self)

    def _ids(self, bottom: int, top: int) -> list[int]:
        ids = self.queryset.values_list("pk", flat=True)
        if bottom <= self.count - top:
            return list(ids[bottom:top])
        # Past the middle: the same rows counted from the end, in the opposite order.
        return list(ids.reverse()[self.count - top : self.count - bottom])[::-1]

"""On PostgreSQL, a page of the filings list is read from the index in the list's own order
(``filing_list_order``), not sorted from every visible filing."""

from __future__ import annotations

import pytest
from django.db import connection

from projects.forms import FilingFilterForm
from projects.models import Filing

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's"),
]


def _plan(query) -> str:
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        # The test database is small enough to read whole and sort; asked not to, the planner shows that
        # the index answers the order, as it chooses to at a city's size (docs/scale.md).
        cursor.execute(f"ANALYZE {Filing._meta.db_table}")  # the statistics of the samples, not of an empty table
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_sort = off")  # (and incremental sorts): sorting a hundred rows is cheap
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_page_of_the_list_is_read_in_the_order_of_its_index(samples):
    ids = Filing.objects.filter(kind="project").order_by(*FilingFilterForm.LIST_ORDER).values_list("pk", flat=True)

    plan = _plan(ids[50:100])

    assert "filing_list_order" in plan and "Sort" not in plan, plan


def test_the_last_page_is_read_from_the_other_end_of_the_same_index(samples):
    ids = Filing.objects.filter(kind="project").order_by(*FilingFilterForm.LIST_ORDER).values_list("pk", flat=True)

    plan = _plan(ids.reverse()[0:50])

    assert "Backward using filing_list_order" in plan, plan
    assert "Sort" not in plan, plan

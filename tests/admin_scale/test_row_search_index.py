"""On PostgreSQL, the admin's search of 三级指标 by a fragment found in few rows is answered by the
rows' bigram index (indicators 0009), not by reading every row."""

from __future__ import annotations

import pytest
from django.db import connection

from indicators.models import Indicator
from projects.admin_filters import search_rows

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the bigram indexes are PostgreSQL's"),
]


def _plan(text: str) -> str:
    query = search_rows(Indicator.objects.all(), text).order_by().values("pk")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        # The test database is small enough to read whole; asked not to, the planner shows the indexes
        # can answer the query, as it chooses to at a city's size.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_database_cuts_a_rows_texts_as_the_application_does(samples):
    with connection.cursor() as cursor:
        cursor.execute("SELECT budgetperf_bigrams(budgetperf_search_text(%s, %s))", ["满意度", "≥90%"])
        (cut,) = cursor.fetchone()
    assert sorted(cut) == sorted({"满意", "意度", "度 ", " ≥", "≥9", "90", "0%"})


def test_a_rare_fragment_is_found_by_the_rows_bigram_index_and_its_filings_by_theirs(samples):
    # The filings named by the fragment were read first (by their index, tests/scale/test_search_index.py);
    # their rows are found by the index on the filing.
    plan = _plan("公章")
    assert "indicator_search_bigrams" in plan and "filing_id" in plan, plan

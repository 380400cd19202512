"""Search by a fragment of a code or name: the same filings on SQLite and PostgreSQL, and on
PostgreSQL the bigram index answers a fragment of two characters (projects/search.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from projects.models import Filing
from projects.search import bigrams, search_filings

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the bigram index is PostgreSQL's")


def _names(text: str) -> set[str]:
    return set(search_filings(Filing.objects.all(), text).values_list("name", flat=True))


def test_a_fragment_finds_the_filings_whose_name_or_code_contains_it(samples):
    assert _names("公章") == {"新开办企业刻制公章补贴经费"}
    assert _names("440306210601500000540") == {"新开办企业刻制公章补贴经费"}
    expected = set(Filing.objects.filter(name__contains="服务").values_list("name", flat=True))
    assert len(expected) > 5 and _names("服务") == expected
    assert _names("章公") == set()  # the same bigram count, not the same text
    assert _names("  ") == set(Filing.objects.values_list("name", flat=True))


def test_the_bigrams_of_a_text_are_its_two_character_pieces_once_each_in_upper_case():
    assert bigrams("公章公章") == ["公章", "章公"]
    assert bigrams("ab") == ["AB"] and bigrams("a") == []


@on_postgresql
def test_the_database_cuts_texts_as_the_application_does(samples):
    with connection.cursor() as cursor:
        cursor.execute("SELECT budgetperf_bigrams(budgetperf_search_text(%s, %s))", ["4403a", "刻制公章"])
        (cut,) = cursor.fetchone()
    assert sorted(cut) == bigrams("4403a 刻制公章")


@on_postgresql
def test_a_two_character_search_is_answered_by_the_bigram_index(samples):
    # Enough filings that reading them all costs more than the index (3,000 besides the samples, none
    # with 公章 in its name), as at a city's size; the planner chooses on its own, nothing is disabled.
    sample = samples[0]
    Filing.objects.bulk_create(
        Filing(
            kind="project",
            template_id=sample.template_id,
            department_id=sample.department_id,
            fiscal_year=2040,
            code=f"44030640{n:013d}",
            name=f"政务服务项目{n}",
        )
        for n in range(3000)
    )
    query = search_filings(Filing.objects.filter(kind="project"), "公章").order_by("pk").values("pk")[:50]
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Filing._meta.db_table}")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "filing_search_bigrams" in plan, plan

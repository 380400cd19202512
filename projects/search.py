"""Finding filings by a fragment of their code or name, as fast for two Chinese characters as for
ten, at a city's size.

A trigram index does not serve a fragment shorter than three characters, and 公章 or 服务 are two.
On PostgreSQL, every filing's code and name are indexed by their two-character pieces (bigrams):
``budgetperf_bigrams`` (migration 0013) cuts a text into them, and a GIN index holds those of each
filing. A search for a fragment asks for the filings that hold every bigram of it (the index
answers), then, for a fragment longer than two characters, keeps those whose code or name really
contains it (bigrams in another order match the index but not the text). A one-character search, and
every search on SQLite, compare the texts themselves.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import F, Func, Q, QuerySet, TextField, Value

from projects.models import Filing

BIGRAMS_FUNCTION = "budgetperf_bigrams"
SEARCH_TEXT_FUNCTION = "budgetperf_search_text"


def bigrams(text: str) -> list[str]:
    """The two-character pieces of ``text`` as the index holds them (upper case, each once)."""
    text = text.upper()
    return sorted({text[i : i + 2] for i in range(len(text) - 1)})


class _SearchText(Func):
    """Two texts a row is found by (a filing's code and name, a 三级指标 row's name and value), upper
    case, as the indexes hold them."""

    function = SEARCH_TEXT_FUNCTION
    output_field = TextField()


class _Bigrams(Func):
    function = BIGRAMS_FUNCTION
    output_field = ArrayField(TextField())


def indexed_bigrams(first: str, second: str) -> Func:
    """The bigrams of the fields ``first`` and ``second``, as the expression of their GIN index (the
    migrations projects 0013 and indicators 0009 index exactly this)."""
    return _Bigrams(_SearchText(F(first), F(second)))


def search_filings(filings: QuerySet[Filing], text: str) -> QuerySet[Filing]:
    """The filings whose code or name contains ``text`` (case aside)."""
    text = text.strip()
    if not text:
        return filings
    contains = Q(code__icontains=text) | Q(name__icontains=text)
    grams = bigrams(text)
    if connection.vendor != "postgresql" or not grams:
        return filings.filter(contains)
    indexed = indexed_bigrams("code", "name")
    found = filings.alias(search_bigrams=indexed).filter(search_bigrams__contains=Value(grams))
    # A text holds a two-character fragment exactly when it holds it as a bigram: no second look.
    return found if len(text) == 2 else found.filter(contains)

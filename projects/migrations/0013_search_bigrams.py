"""The bigram index that serves searches by a fragment of a filing's code or name (projects/search.py).
PostgreSQL only: on SQLite a search compares the texts."""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION budgetperf_search_text(code text, name text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN upper(coalesce(code, '') || ' ' || coalesce(name, ''));
CREATE OR REPLACE FUNCTION budgetperf_bigrams(t text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY(SELECT DISTINCT substr(t, i, 2) FROM generate_series(1, length(t) - 1) AS i);
"""
INDEX = """
CREATE INDEX IF NOT EXISTS filing_search_bigrams ON projects_filing
    USING gin (budgetperf_bigrams(budgetperf_search_text(code, name)));
"""
DROP = """
DROP INDEX IF EXISTS filing_search_bigrams;
DROP FUNCTION IF EXISTS budgetperf_bigrams(text);
DROP FUNCTION IF EXISTS budgetperf_search_text(text, text);
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTIONS)
        schema_editor.execute(INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("projects", "0012_text_length_limits")]

    operations = [migrations.RunPython(create, drop)]

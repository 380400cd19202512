"""The bigram index that serves the admin's search of 三级指标 by a fragment of their name or value
(projects/admin_filters.py), cut by the functions of projects 0013 as the filings' index is.
PostgreSQL only: on SQLite a search compares the texts."""

from django.db import migrations

INDEX = """
CREATE INDEX IF NOT EXISTS indicator_search_bigrams ON indicators_indicator
    USING gin (budgetperf_bigrams(budgetperf_search_text(name, value)));
ANALYZE indicators_indicator;
"""
DROP = "DROP INDEX IF EXISTS indicator_search_bigrams;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0008_text_length_limits"), ("projects", "0013_search_bigrams")]

    operations = [migrations.RunPython(create, drop)]

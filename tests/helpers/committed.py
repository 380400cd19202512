"""A fixture for the tests whose writes other processes must see (concurrent writers, gunicorn):
committed data that other connections see, and the database as it was once the test is over."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models import Max


@pytest.fixture
def committed(db):
    """A connection of the test's own, outside the test's transaction: what the test writes is
    committed at once, so that writers in other threads (each with its own connection) see it, as
    requests in several processes do. Every row the test added, in every table, is removed when it
    ends, so the next test finds the database as the session left it, sample filings included (a
    transactional test would empty it, and the samples would be imported again, for seconds).

    The test's transaction (``db``) stays open, and empty, on the connection this one stands in for.
    """
    stood_in_for = connections[DEFAULT_DB_ALIAS]
    own = connections.create_connection(DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = own
    try:
        before = _tables()
        try:
            yield
        finally:
            _remove_rows_added_since(before)
    finally:
        own.close()
        connections[DEFAULT_DB_ALIAS] = stood_in_for


def _models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.db_table in _existing_tables()
    ]


def _existing_tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def _tables() -> dict[type[models.Model], int | set]:
    """Each table's highest id, or its keys where they are not counted (sessions)."""
    marks: dict[type[models.Model], int | set] = {}
    for model in _models():
        pk = model._meta.pk
        assert pk is not None
        if isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
            marks[model] = model._base_manager.aggregate(highest=Max(pk.attname))["highest"] or 0
        else:
            marks[model] = set(model._base_manager.values_list("pk", flat=True))
    return marks


def _remove_rows_added_since(marks: dict[type[models.Model], int | set]) -> None:
    # One statement a table, in one transaction: the foreign keys are checked at its end (deferred on
    # PostgreSQL; SQLite's test database does not enforce them), so the order of the tables is free.
    with transaction.atomic(), connection.cursor() as cursor:
        for model, mark in marks.items():
            table, pk = connection.ops.quote_name(model._meta.db_table), model._meta.pk
            assert pk is not None
            column = connection.ops.quote_name(pk.column)
            if isinstance(mark, set):
                rows = model._base_manager.exclude(pk__in=mark).values_list("pk", flat=True)
                added = list(rows)
                for start in range(0, len(added), 500):
                    chunk = added[start : start + 500]
                    marks_sql = ", ".join(["%s"] * len(chunk))
                    cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks_sql})", chunk)
            else:
                cursor.execute(f"DELETE FROM {table} WHERE {column} > %s", [mark])

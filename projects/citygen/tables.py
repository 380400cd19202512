"""Rows written in bulk with ids chosen here, in batches: COPY on PostgreSQL, batched inserts elsewhere.

Choosing the ids before writing lets a chunk's filings, rows, history and check results refer to one
another without reading anything back. The generator runs on a database holding no filings, so the
ids start after whatever the table holds and the sequences are moved past them at the end.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterable
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

BATCH_SIZE = 5000


class _Copier:
    """Runs the COPY statements in a thread of their own, so that the server stores one batch while
    the next is being generated (the wait for the server releases the interpreter). Only this thread
    uses the connection until ``drain``; a failure is raised again by the next ``put`` or ``drain``."""

    def __init__(self) -> None:
        self.queue: queue.Queue[tuple[str, list[list[Any]]] | None] = queue.Queue(maxsize=8)
        self.error: BaseException | None = None
        connection.ensure_connection()
        self.raw = connection.connection
        self.thread = threading.Thread(target=self._run, name="generate_city-copy", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.error is None:
                try:
                    statement, rows = item
                    with self.raw.cursor() as cursor, cursor.copy(statement) as copy:
                        for row in rows:
                            copy.write_row(row)
                except BaseException as error:  # raised again in the generating thread
                    self.error = error

    def put(self, statement: str, rows: list[list[Any]]) -> None:
        self._raise()
        self.queue.put((statement, rows))

    def drain(self) -> None:
        self.queue.put(None)
        self.thread.join()
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error


class Table:
    """One model's table: rows are dicts keyed by field attname; a missing field takes its default."""

    def __init__(self, model: type[models.Model], copier: _Copier | None = None):
        self.model = model
        self.copier = copier
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [field.attname for field in self.fields]
        self.json = {field.attname for field in self.fields if isinstance(field, models.JSONField)}
        self.defaults = {field.attname: field.get_default() for field in self.fields}
        pk = model._meta.pk
        assert pk is not None
        self.pk = pk.attname
        self.next_id = (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1
        self.pending: list[dict[str, Any]] = []
        self.written = 0
        self.seconds = 0.0  # spent writing

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def add(self, row: dict[str, Any]) -> dict[str, Any]:
        """Queues the row, giving it the next id when it has none; written by ``flush`` or when a batch is full."""
        if self.pk not in row:
            row[self.pk] = self.new_id()
        self.pending.append(row)
        if len(self.pending) >= BATCH_SIZE:
            self.flush()
        return row

    def flush(self) -> None:
        if not self.pending:
            return
        rows, self.pending = self.pending, []
        started = time.monotonic()
        if self.copier is not None:
            self._copy(rows)
        else:
            self._insert(rows)
        self.written += len(rows)
        self.seconds += time.monotonic() - started

    def _copy(self, rows: list[dict[str, Any]]) -> None:
        assert self.copier is not None
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in self.fields)
        statement = f"COPY {quote(self.model._meta.db_table)} ({columns}) FROM STDIN"
        defaults, json_names = self.defaults, self.json
        values = [
            [
                json.dumps(value, ensure_ascii=False) if name in json_names else value
                for name in self.attnames
                for value in (row.get(name, defaults[name]),)
            ]
            for row in rows
        ]
        self.copier.put(statement, values)

    def _insert(self, rows: list[dict[str, Any]]) -> None:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        statement = f"INSERT INTO {quote(self.model._meta.db_table)} ({columns}) VALUES ({marks})"
        values = [
            [
                field.get_db_prep_save(row.get(field.attname, self.defaults[field.attname]), connection)
                for field in self.fields
            ]
            for row in rows
        ]
        with connection.cursor() as cursor:
            cursor.executemany(statement, values)


class Tables:
    """The tables a generation writes, flushed in the order given (parents before children)."""

    def __init__(self, models_in_order: Iterable[type[models.Model]]):
        self.copier = _Copier() if connection.vendor == "postgresql" else None
        self.tables = {model: Table(model, self.copier) for model in models_in_order}

    def __getitem__(self, model: type[models.Model]) -> Table:
        return self.tables[model]

    def flush(self) -> None:
        for table in self.tables.values():
            table.flush()

    def finish(self) -> None:
        """Writes what is pending and waits until the server has it all; the connection is free again."""
        self.flush()
        if self.copier is not None:
            self.copier.drain()
            self.copier = None

    def reset_sequences(self) -> None:
        """Moves each table's id sequence past the ids written here (PostgreSQL; SQLite needs nothing)."""
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.tables))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

"""Writers racing for one version of a filing, each in its own thread with its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, connections

from projects.models import Filing

WRITERS = 4


@dataclass
class Outcome:
    result: Any = None
    error: BaseException | None = None


def race(writers: list[Callable[[], Any]]) -> list[Outcome]:
    """Runs the writers, each in a thread of its own, and returns what each returned or raised.

    On PostgreSQL they start together (they meet at a barrier) and run truly in parallel. SQLite lets
    one connection write at a time: the others would wait for its lock, or fail with "database is
    locked", rather than race; there they run one after another, each still prepared at the same
    version as all the others, which is what the version check decides on.
    """
    parallel = connection.vendor == "postgresql"
    barrier = threading.Barrier(len(writers))
    outcomes = [Outcome() for _ in writers]

    def run(index: int) -> None:
        try:
            if parallel:
                barrier.wait(timeout=30)
            outcomes[index].result = writers[index]()
        except BaseException as error:  # whatever it is, the test reports it
            outcomes[index].error = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(writers))]
    for thread in threads:
        thread.start()
        if not parallel:
            thread.join()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def versions_in_history(filing: Filing) -> list[int]:
    """The filing's version in each of its history records, oldest first."""
    records = Filing.history.filter(id=filing.pk).order_by("history_date", "history_id")
    return list(records.values_list("version", flat=True))

"""The app as it runs in production, for the tests of faults: gunicorn with this project's
``gunicorn.conf.py`` on the test database, its processes marked (``processes.py``)."""

from __future__ import annotations

import os
import signal
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings

from jobs.workers import database_url
from tests.operations.processes import GUNICORN, MARK, Gunicorn, free_port, processes_marked, wait_until


@pytest.fixture
def process_mark() -> Iterator[str]:
    """A mark for the processes a test starts; whatever still carries it at the end is killed."""
    mark = uuid.uuid4().hex
    yield mark
    for pid in processes_marked(mark):
        os.kill(pid, signal.SIGKILL)


@pytest.fixture
def gunicorn(transactional_db, process_mark, tmp_path) -> Iterator[Callable[..., Gunicorn]]:
    """Starts gunicorn as the Dockerfile does (``gunicorn budgetperf.wsgi``, the settings of
    gunicorn.conf.py) on a free port of 127.0.0.1 and the test database, with a PDF cache of its own."""
    started: list[Gunicorn] = []
    logs = []

    def start(*, workers: int = 2, settings_from_environment: dict[str, str] | None = None) -> Gunicorn:
        port = free_port()
        environment = {
            **os.environ,
            MARK: process_mark,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": database_url(),
            "BUDGETPERF_CACHE_DIR": str(tmp_path / "cache"),
            "BUDGETPERF_PDF_PRERENDER": "0",
            "WEB_CONCURRENCY": str(workers),
            **(settings_from_environment or {}),
        }
        log = tmp_path / f"gunicorn-{port}.log"
        logs.append(open(log, "wb"))  # noqa: SIM115 - closed at the end
        process = subprocess.Popen(
            [str(GUNICORN), "budgetperf.wsgi", "--bind", f"127.0.0.1:{port}"],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=logs[-1],
        )
        server = Gunicorn(port=port, process=process, mark=process_mark)
        started.append(server)
        wait_until(lambda: _answers(server, log), timeout=30, what="gunicorn serves the login page")
        wait_until(lambda: len(server.workers()) == workers, timeout=30, what=f"{workers} workers")
        return server

    yield start
    for server in started:
        if server.process.poll() is None:
            server.process.terminate()
            try:
                server.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()
    for log in logs:
        log.close()


def _answers(server: Gunicorn, log: Path) -> bool:
    assert server.process.poll() is None, "gunicorn stopped: " + log.read_text(errors="replace")[-3000:]
    try:
        # 200; in production mode a redirect to HTTPS, or 400 for a host other than the site's
        return server.get("/accounts/login/", timeout=5).status in (200, 301, 400)
    except OSError:
        return False

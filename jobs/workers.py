"""Starting ``db_worker`` processes of this project from Python: for the benchmark that measures a
batch on one and on two workers, and for the tests that run jobs on real workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

MANAGE = Path(settings.BASE_DIR) / "manage.py"


def database_url(settings_dict: Mapping[str, Any] | None = None) -> str:
    """The DATABASE_URL of the connection's database (a test database while tests run)."""
    db = settings_dict or connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_workers(count: int, *, env: Mapping[str, str] | None = None, interval: float = 0.1) -> list[subprocess.Popen]:
    """``count`` workers on this project's database, with ``env`` on top of this process's."""
    environment = {**os.environ, "DATABASE_URL": database_url(), **dict(env or {})}
    command = [
        sys.executable,
        str(MANAGE),
        "db_worker",
        "--interval",
        str(interval),
        "--no-startup-delay",
        "--no-reload",
    ]
    return [
        subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(count)
    ]


def stop_workers(workers: list[subprocess.Popen], *, kill: bool = False) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()

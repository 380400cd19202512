"""The settings the tests run with: the application's, plus a kind of form that only the tests know."""

import os

from budgetperf.settings import *  # noqa: F403
from budgetperf.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.pilot_kind"]

if "BUDGETPERF_TASKS_BACKEND" not in os.environ:
    # Tasks run where they are queued, inside the test's transaction. The tests of the workers
    # (tests/jobs/test_workers.py) start real ``db_worker`` processes on the database backend.
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: a worker process started by a test opens the same database. One per test
    # process (Django deletes it at the end), so that two test runs on one machine keep apart.
    (VAR_DIR / "test-databases").mkdir(parents=True, exist_ok=True)  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-databases" / f"test-{os.getpid()}.sqlite3")}  # noqa: F405

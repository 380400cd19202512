"""The 100 sample filings (``samples/``), which the test database holds from the start of each session.

Loading them takes most of a second, so ``conftest.django_db_setup`` imports them once per session
(once per xdist worker) instead of once per test. A test that changes them does so inside its own
transaction, which is rolled back; a transactional test empties the database when it ends, and the
``samples`` fixture imports them again for whoever needs them next.
"""

from __future__ import annotations

from pathlib import Path

from django.db import connection
from django.test import override_settings

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
BAOAN = SAMPLES / "000_7eb1ee1bd71f2e66.txt"
FUTIAN = SAMPLES / "001_f24da8b7715a7516.txt"
SHENSHAN = SAMPLES / "002_a5ac6881a5caf555.txt"
SAMPLE_FILES = [BAOAN, FUTIAN, SHENSHAN]
SAMPLE_COUNT = 100


def load_samples() -> None:
    """Imports the sample files as the README's demo does (without printing ahead: no test asked for it)."""
    from projects.services.imports import import_filings, read_source

    with override_settings(PDF_PRERENDER=False):
        import_filings(sources=[read_source(path) for path in SAMPLE_FILES])


def sample_projects():
    """The sample projects as stored now, in file and code order."""
    from projects.models import Project

    return Project.objects.filter(source_file__in=[path.name for path in SAMPLE_FILES]).order_by("source_file", "code")


def empty_filing_tables() -> None:
    """Removes every filing, unit and their history, leaving what the migrations write (templates,
    categories, groups). Raw statements, so that no signal records the removal as history; inside a
    test's transaction the rows are back when it is rolled back."""
    from django.apps import apps

    models = [
        "checks.FilingCheck", "indicators.HistoricalIndicator", "indicators.Indicator", "projects.Transition",
        "projects.HistoricalProject", "projects.Assignment", "projects.Project", "projects.Department",
    ]  # fmt: skip
    with connection.cursor() as cursor:
        for label in models:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(apps.get_model(label)._meta.db_table)}")

"""The sample filings (``samples/``), which the test database holds from the start of each session: the
100 二级 forms of 000–002, and the 7 一级 and 2 部门整体 forms of 003–004.

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
DAPENG = SAMPLES / "003_15669124a94b334e.txt"  # 大鹏 2021: a 部门整体 form and 7 一级 forms
BAOAN_OVERALL = SAMPLES / "004_4e22398a020d32fe.txt"  # 宝安 2023: its 部门整体 form
PROJECT_FILES = [BAOAN, FUTIAN, SHENSHAN]
SAMPLE_FILES = [*PROJECT_FILES, DAPENG, BAOAN_OVERALL]
SAMPLE_COUNT = 100  # 二级 forms
FILING_COUNT = 109  # forms of every kind


def load_samples() -> None:
    """Imports the sample files as the README's demo does (without printing ahead: no test asked for it)."""
    from projects.services.imports import import_filings, read_source

    with override_settings(PDF_PRERENDER=False):
        import_filings(sources=[read_source(path) for path in SAMPLE_FILES])


def sample_projects():
    """The 100 sample 二级 filings as stored now, in file and code order."""
    from projects.models import Filing

    names = [path.name for path in PROJECT_FILES]
    return (
        Filing.objects.filter(kind="project", source_file__in=names)
        .select_related("department", "project_header")
        .order_by("source_file", "code")
    )


def sample_filings():
    """Every sample filing as stored now."""
    from projects.models import Filing

    return Filing.objects.filter(source_file__in=[path.name for path in SAMPLE_FILES])


def empty_filing_tables() -> None:
    """Removes every filing, unit and their history, leaving what the migrations write (templates,
    categories, groups). Raw statements, so that no signal records the removal as history; inside a
    test's transaction the rows are back when it is rolled back."""
    from django.apps import apps

    models = [
        "checks.CheckTotal", "checks.RuleCount",
        "checks.FilingCheck", "indicators.HistoricalIndicator", "indicators.Indicator", "projects.Transition",
        "projects.HistoricalOverallTask", "projects.OverallTask", "projects.HistoricalProjectHeader",
        "projects.ProjectHeader", "projects.HistoricalProgramHeader", "projects.ProgramHeader",
        "projects.HistoricalOverallHeader", "projects.OverallHeader", "projects.HistoricalFiling",
        "projects.Assignment", "projects.Filing", "projects.Department",
    ]  # fmt: skip
    with connection.cursor() as cursor:
        for label in models:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(apps.get_model(label)._meta.db_table)}")

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.migrations.recorder import MigrationRecorder

from projects.models import Filing

pytestmark = pytest.mark.django_db

SAMPLE = str(Path(settings.BASE_DIR) / "samples" / "000_7eb1ee1bd71f2e66.txt")

# Every command that reads or writes the project's tables, with the arguments it requires.
DATABASE_COMMANDS = [
    ("load_demo",),
    ("import_filings", SAMPLE),
    ("export_pdf", "--department", "深圳市福田区政务服务中心", "--year", "2023"),
    ("render_form_images",),
    ("check_filings",),
    ("bench_pdf",),
    ("bench_import",),
    ("bench_excel",),
]


@pytest.fixture
def nothing_migrated(monkeypatch):
    """A database on which ``migrate`` has not run: no migration is recorded as applied."""
    monkeypatch.setattr(MigrationRecorder, "applied_migrations", lambda self: {})


@pytest.mark.parametrize("command", DATABASE_COMMANDS, ids=lambda command: command[0])
def test_a_command_on_an_unmigrated_database_says_to_migrate_and_does_nothing(
    empty_database, nothing_migrated, command
):
    with pytest.raises(CommandError, match=r"还有 \d+ 个迁移未执行：先运行 python manage.py migrate"):
        call_command(*command)
    assert not Filing.objects.exists()


def test_a_command_on_a_migrated_database_runs(empty_database):
    call_command("import_filings", SAMPLE)
    assert Filing.objects.filter(kind="project", source_file=Path(SAMPLE).name, fiscal_year=2023).count() == 21
    assert Filing.objects.count() == 21

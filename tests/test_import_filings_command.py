import pytest
from django.core.management import CommandError, call_command

from projects.models import Project
from tests.helpers.samples import BAOAN, FUTIAN

# Each test imports into a database without the session's sample filings.
pytestmark = pytest.mark.usefixtures("empty_database")


def test_it_prints_what_it_created_and_then_what_it_updated(capsys):
    call_command("import_filings", str(BAOAN), str(FUTIAN))
    first = capsys.readouterr().out
    assert "新建 62 个项目，更新 0 个项目" in first
    call_command("import_filings", str(BAOAN))
    assert "新建 0 个项目，更新 21 个项目" in capsys.readouterr().out
    assert Project.objects.count() == 62


def test_it_says_which_year_it_used_and_why(capsys):
    call_command("import_filings", "--year", "2024", str(BAOAN))
    assert "预算年度 2024（指定）" in capsys.readouterr().out


def test_it_fails_on_a_missing_file_and_writes_nothing(tmp_path):
    with pytest.raises(CommandError, match="missing.txt"):
        call_command("import_filings", str(BAOAN), str(tmp_path / "missing.txt"))
    assert Project.objects.count() == 0


def test_it_names_the_file_and_line_of_a_bad_form(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text(
        BAOAN.read_text(encoding="utf-8").replace("440306210601500000540", "4403062106", 1), encoding="utf-8"
    )
    with pytest.raises(CommandError, match=r"bad\.txt.*5"):
        call_command("import_filings", str(bad))
    assert Project.objects.count() == 0


def test_it_fails_on_a_file_that_is_not_text(tmp_path):
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(b"%PDF-1.7\xff\xfe\x00\x81")
    with pytest.raises(CommandError, match="scan.pdf"):
        call_command("import_filings", str(binary))
    assert not Project.objects.exists()

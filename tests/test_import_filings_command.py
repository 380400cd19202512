import pytest
from django.core.management import CommandError, call_command

from projects.models import Filing
from tests.helpers.samples import BAOAN, BAOAN_OVERALL, DAPENG, FUTIAN

# Each test imports into a database without the session's sample filings.
pytestmark = pytest.mark.usefixtures("empty_database")


def test_it_prints_what_it_created_and_then_what_it_updated(capsys):
    call_command("import_filings", str(BAOAN), str(FUTIAN))
    first = capsys.readouterr().out
    assert "新建 62 张二级项目，更新 0 张" in first
    call_command("import_filings", str(BAOAN))
    assert "新建 0 张，更新 21 张二级项目" in capsys.readouterr().out
    assert Filing.objects.filter(kind="project").count() == Filing.objects.count() == 62


def test_it_imports_the_overall_and_program_forms_of_a_budget_publication_and_says_what_it_skipped(capsys):
    call_command("import_filings", str(DAPENG), str(BAOAN_OVERALL))
    out = capsys.readouterr().out
    assert "新建 2 张部门整体、7 张一级项目，更新 0 张" in out
    assert f"{DAPENG.name}: 预算年度 2021（申报表填写）" in out
    assert f"{BAOAN_OVERALL.name}: 预算年度 2023（申报表填写）" in out
    assert set(Filing.objects.values_list("kind", "fiscal_year")) == {
        ("overall", 2021),
        ("overall", 2023),
        ("program", 2021),
    }
    assert Filing.objects.filter(kind="program").count() == 7
    assert Filing.objects.filter(kind="overall").count() == 2
    assert f"{DAPENG.name}: 跳过不是申报表的内容 322 行（49 个表格或标题）" in out
    assert f"{BAOAN_OVERALL.name}: 跳过不是申报表的内容 336 行（15 个表格或标题）" in out


def test_it_says_which_year_it_used_and_why(capsys):
    call_command("import_filings", "--year", "2024", str(BAOAN))
    assert "预算年度 2024（指定）" in capsys.readouterr().out


def test_it_fails_on_a_missing_file_and_writes_nothing(tmp_path):
    with pytest.raises(CommandError, match="missing.txt"):
        call_command("import_filings", str(BAOAN), str(tmp_path / "missing.txt"))
    assert Filing.objects.count() == 0


def test_it_names_the_file_and_line_of_a_bad_form(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text(
        BAOAN.read_text(encoding="utf-8").replace("440306210601500000540", "4403062106", 1), encoding="utf-8"
    )
    with pytest.raises(CommandError, match=r"bad\.txt.*5"):
        call_command("import_filings", str(bad))
    assert Filing.objects.count() == 0


def test_it_fails_on_a_file_that_is_not_text(tmp_path):
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(b"%PDF-1.7\xff\xfe\x00\x81")
    with pytest.raises(CommandError, match="scan.pdf"):
        call_command("import_filings", str(binary))
    assert not Filing.objects.exists()

import csv
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from checks.models import FilingCheck
from checks.registry import RULES
from tests.helpers.samples import FILING_COUNT

pytestmark = pytest.mark.django_db


def run(tmp_path, *args):
    from io import StringIO

    out = StringIO()
    path = tmp_path / "report.csv"
    call_command("check_filings", *args, "--csv", str(path), stdout=out)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return out.getvalue(), rows


def totals(output):
    """{rule number: (errors, warnings, filings)} from the printed table."""
    lines = re.findall(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+\S", output, flags=re.M)
    return {int(n): (int(e), int(w), int(p)) for n, e, w, p in lines}


def test_the_report_over_the_109_samples_prints_totals_by_rule_and_writes_every_finding(samples, tmp_path):
    output, rows = run(tmp_path)
    checks = list(FilingCheck.objects.all())
    assert len(checks) == FILING_COUNT
    assert f"共检查 {FILING_COUNT} 张申报表" in output
    by_rule = totals(output)
    assert sorted(by_rule) == [rule.number for rule in RULES]
    assert sum(e + w for e, w, _ in by_rule.values()) == len(rows) == sum(c.errors + c.warnings for c in checks)
    assert sum(e for e, _, _ in by_rule.values()) == sum(c.errors for c in checks)
    # Known findings: rule 6 on the seal subsidy, rules 8 and 12 on 福田 疫情防控, rule 5 in 深汕.
    assert any(r["项目编码"] == "440306210601500000540" and r["规则"] == "6" for r in rows)
    epidemic = {r["规则"] for r in rows if r["项目编码"] == "440304221061500500012"}
    assert {"8", "12"} <= epidemic
    assert sum(1 for r in rows if r["规则"] == "5" and r["项目编码"].startswith("440313") and "“≥90”" in r["说明"]) >= 3
    # The 一级 and 部门整体 forms are checked too, named by their kind and name or unit.
    assert {r["申报表"] for r in rows} == {"二级项目", "一级项目", "部门整体"}
    relief = [(r["项目编码"], r["规则"]) for r in rows if r["名称"] == "新区对口支援专项资金"]
    assert relief == [("", "10"), ("", "11")]
    assert (
        "\n深圳市大鹏新区政务服务数据管理局 部门整体（部门整体，深圳市大鹏新区政务服务数据管理局，2021年）\n" in output
    )


def test_the_csv_names_the_filing_the_rule_the_severity_and_the_place(samples, tmp_path):
    _, rows = run(tmp_path)
    row = next(r for r in rows if r["项目编码"] == "440306210601500000540" and r["规则"] == "8")
    assert row == {
        "预算年度": "2023",
        "申报表": "二级项目",
        "项目编码": "440306210601500000540",
        "名称": "新开办企业刻制公章补贴经费",
        "填报单位": "深圳市宝安区政务服务数据管理局(本级)",
        "规则": "8",
        "规则名称": "成本指标是金额并与预算一致",
        "严重程度": "错误",
        "位置": "产出/成本 · 项目总成本",
        "说明": row["说明"],
    }
    assert "高于本年度项目金额10,698,600元" in row["说明"]


def test_the_department_option_takes_the_unit_and_the_units_under_it(samples, tmp_path):
    output, rows = run(tmp_path, "--department", "深圳市福田区政务服务数据管理局（本级）")
    assert "共检查 41 张申报表" in output
    assert {r["项目编码"][:6] for r in rows} == {"440304"}
    output, _ = run(tmp_path, "--department", "福田区政务服务中心")
    assert "共检查 12 张申报表" in output


def test_the_year_option_limits_the_report_to_that_budget_year(samples, tmp_path):
    output, rows = run(tmp_path, "--year", "2024")
    assert "共检查 38 张申报表" in output
    assert {r["预算年度"] for r in rows} == {"2024"}
    # 大鹏's 2021 forms: its 部门整体 form and its seven 一级 forms.
    output, rows = run(tmp_path, "--year", "2021")
    assert "共检查 8 张申报表" in output
    assert {r["填报单位"] for r in rows} == {"深圳市大鹏新区政务服务数据管理局"}


def test_an_unknown_or_ambiguous_department_is_refused_with_a_clear_message(samples, tmp_path):
    with pytest.raises(CommandError, match="没有预算单位“罗湖区教育局”"):
        run(tmp_path, "--department", "罗湖区教育局")
    with pytest.raises(CommandError, match="对应多个预算单位"):
        run(tmp_path, "--department", "福田区")


def test_the_readme_quotes_the_totals_the_report_gives_over_the_samples(samples, tmp_path):
    from django.conf import settings

    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## 申报表检查") :]
    quoted = {
        int(n): (int(e), int(w), int(p))
        for n, e, w, p in re.findall(r"^\| (\d+) \S+ \| (\d+) \| (\d+) \| (\d+) \|$", section, flags=re.M)
    }
    output, _ = run(tmp_path)
    assert quoted == totals(output)


def test_the_summary_prints_the_totals_time_and_memory_and_writes_no_csv(samples, tmp_path):
    from io import StringIO

    out, path = StringIO(), tmp_path / "report.csv"
    call_command("check_filings", "--summary", "--csv", str(path), stdout=out)

    output = out.getvalue()
    assert f"共检查 {FILING_COUNT} 张申报表" in output and "规则  错误  提示" in output
    assert re.search(r"用时 \d+\.\d s，进程内存峰值 \d+ MB", output)
    assert "[错误]" not in output and not path.exists()


def test_filings_are_checked_a_chunk_at_a_time_with_the_same_totals(samples, tmp_path, monkeypatch):
    from checks.management.commands import check_filings

    whole, whole_rows = run(tmp_path)
    monkeypatch.setattr(check_filings, "CHUNK", 7)
    chunked, chunked_rows = run(tmp_path)

    assert totals(chunked) == totals(whole) and chunked_rows == whole_rows


def test_with_debug_on_the_run_keeps_no_more_queries_than_one_chunk_makes(samples, monkeypatch, settings):
    """DEBUG keeps each query's SQL: without letting it go after each chunk, a run over the city took 1 GB."""
    from django.db import connection

    from checks.management.commands import check_filings

    settings.DEBUG = True
    refresh, kept = check_filings.filing_check_refresh, []

    def counting(**options):
        kept.append(len(connection.queries))  # what the run holds as each chunk begins
        return refresh(**options)

    monkeypatch.setattr(check_filings, "filing_check_refresh", counting)
    monkeypatch.setattr(check_filings, "CHUNK", 5)
    call_command("check_filings", "--summary", stdout=StringIO())
    assert len(kept) == -(-FILING_COUNT // 5)
    assert max(kept) <= kept[0]  # nothing piles up from one chunk to the next

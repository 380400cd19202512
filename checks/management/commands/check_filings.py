import csv
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import reset_queries

from checks.registry import RULES_BY_ID
from checks.report import RunningTotals
from checks.services import filing_check_refresh
from projects.kinds import header_relations
from projects.management.database import DatabaseCommand
from projects.models import Filing
from projects.selectors import UnknownDepartment, department_filings, department_named
from projects.spreadsheet_text import as_text_cell

CSV_COLUMNS = ["预算年度", "申报表", "项目编码", "名称", "填报单位", "规则", "规则名称", "严重程度", "位置", "说明"]
# Filings checked and stored together: the run holds one chunk at a time (with its rows), so that its
# memory does not grow with the number of filings.
CHUNK = 500


class Command(DatabaseCommand):
    help = (
        "检查申报表（二级项目、一级项目、部门整体），打印每个问题和按规则的合计，并写出 CSV；"
        f"每次读取、检查并保存 {CHUNK} 张，内存不随申报表数量增长。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--department",
            help="只检查该预算单位及其下属单位的申报表（单位全称、能唯一确定单位的部分名称或编号，全角、半角括号均可）",
        )
        parser.add_argument("--year", type=int, help="只检查该预算年度的申报表")
        parser.add_argument(
            "--csv",
            dest="csv_path",
            type=Path,
            default=None,
            help="CSV 输出路径，缺省为 var/check_filings.csv（UTF-8，Excel 可直接打开）",
        )
        parser.add_argument("--summary", action="store_true", help="只打印合计，不逐条列出问题，也不写 CSV")

    def handle(self, *args, department, year, csv_path: Path | None, summary, **options):
        started = time.monotonic()
        filings = Filing.objects.all()
        if department:
            try:
                filings = department_filings(department_named(department))
            except UnknownDepartment as error:
                raise CommandError(str(error)) from None
        if year:
            filings = filings.filter(fiscal_year=year)
        order = ("fiscal_year", "department__name", "kind", "code", "name", "pk")
        ids = list(filings.order_by(*order).values_list("pk", flat=True))
        running, written = RunningTotals(), 0
        path = csv_path or Path(settings.VAR_DIR) / "check_filings.csv"
        with _csv_writer(None if summary else path) as write_row:
            for start in range(0, len(ids), CHUNK):
                chunk = (
                    Filing.objects.filter(pk__in=ids[start : start + CHUNK])
                    .select_related("department", "template", *header_relations())
                    .order_by(*order)
                )
                for check in filing_check_refresh(filings=chunk):
                    findings = check.finding_list()
                    running.add(findings)
                    if not summary:
                        self._print_findings(check.filing, findings)
                        for finding in findings:
                            write_row(_csv_row(check.filing, finding))
                            written += 1
                # With DEBUG on, Django keeps the last 9,000 queries' SQL, which for chunks of 500 filings
                # (their ids, their stored checks) grew a run over the city to 1 GB.
                reset_queries()
        self._write_totals(running)
        if not summary:
            self.stdout.write(self.style.SUCCESS(f"已写出 {written} 条检查结果：{path}"))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"用时 {time.monotonic() - started:.1f} s，进程内存峰值 {peak:.0f} MB")

    def _print_findings(self, filing: Filing, findings: list) -> None:
        if not findings:
            return
        kind = filing.kind_name
        self.stdout.write(f"\n{filing.title}（{kind}，{filing.department.name}，{filing.fiscal_year}年）")
        for finding in findings:
            rule = RULES_BY_ID[finding.rule_id]
            self.stdout.write(f"  [{finding.severity_label}] 规则{rule.number} {finding.subject}：{finding.message}")

    def _write_totals(self, running: RunningTotals) -> None:
        self.stdout.write(
            f"\n共检查 {running.filings} 张申报表：{running.with_errors} 张有错误，"
            f"错误 {running.errors} 条，提示 {running.warnings} 条。\n"
        )
        # Each Chinese character takes two columns in a terminal: the header is laid out by hand.
        self.stdout.write("规则  错误  提示  申报表数  规则名称")
        for total in running.totals:
            self.stdout.write(
                f"{total.rule.number:>4}{total.errors:>6}{total.warnings:>6}{total.filings:>10}  {total.rule.title}"
            )


def _csv_row(filing: Filing, finding: Any) -> list:
    rule = RULES_BY_ID[finding.rule_id]
    return [
        filing.fiscal_year,
        filing.kind_name,
        filing.code,
        filing.name,
        filing.department.name,
        rule.number,
        rule.title,
        finding.severity_label,
        finding.subject,
        finding.message,
    ]


@contextmanager
def _csv_writer(path: Path | None) -> Iterator[Any]:
    """A function writing one row to the CSV at ``path`` as it comes (nothing when None)."""
    if path is None:
        yield lambda row: None
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    # utf-8-sig so that Excel opens the Chinese text without asking for an encoding.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        yield lambda row: writer.writerow([as_text_cell(value) for value in row])

import csv
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from checks.registry import RULES_BY_ID
from checks.report import totals_by_rule
from checks.services import filing_check_refresh
from projects.kinds import header_relations
from projects.management.database import DatabaseCommand
from projects.models import Filing
from projects.selectors import UnknownDepartment, department_filings, department_named
from projects.spreadsheet_text import as_text_cell

CSV_COLUMNS = ["预算年度", "申报表", "项目编码", "名称", "填报单位", "规则", "规则名称", "严重程度", "位置", "说明"]


class Command(DatabaseCommand):
    help = "检查申报表（二级项目、一级项目、部门整体），打印每个问题和按规则的合计，并写出 CSV。"

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
        parser.add_argument("--summary", action="store_true", help="只打印合计，不逐条列出问题")

    def handle(self, *args, department, year, csv_path: Path | None, summary, **options):
        filings = Filing.objects.all()
        if department:
            try:
                filings = department_filings(department_named(department))
            except UnknownDepartment as error:
                raise CommandError(str(error)) from None
        if year:
            filings = filings.filter(fiscal_year=year)
        filings = filings.select_related("department", *header_relations()).order_by(
            "fiscal_year", "department__name", "kind", "code", "name"
        )
        checks = {check.filing.pk: check for check in filing_check_refresh(filings=filings)}
        rows = []
        for filing in filings:
            findings = checks[filing.pk].finding_list()
            if not summary and findings:
                kind = filing.form_kind.short_name
                header = f"{filing.title}（{kind}，{filing.department.name}，{filing.fiscal_year}年）"
                self.stdout.write(f"\n{header}")
            for finding in findings:
                rule = RULES_BY_ID[finding.rule_id]
                if not summary:
                    self.stdout.write(
                        f"  [{finding.severity_label}] 规则{rule.number} {finding.subject}：{finding.message}"
                    )
                rows.append(
                    [
                        filing.fiscal_year,
                        filing.form_kind.short_name,
                        filing.code,
                        filing.name,
                        filing.department.name,
                        rule.number,
                        rule.title,
                        finding.severity_label,
                        finding.subject,
                        finding.message,
                    ]
                )
        self._write_totals(checks.values())
        path = csv_path or Path(settings.VAR_DIR) / "check_filings.csv"
        _write_csv(path, rows)
        self.stdout.write(self.style.SUCCESS(f"已写出 {len(rows)} 条检查结果：{path}"))

    def _write_totals(self, checks):
        checks = list(checks)
        with_errors = sum(1 for check in checks if check.errors)
        self.stdout.write(
            f"\n共检查 {len(checks)} 张申报表：{with_errors} 张有错误，"
            f"错误 {sum(c.errors for c in checks)} 条，提示 {sum(c.warnings for c in checks)} 条。\n"
        )
        # Each Chinese character takes two columns in a terminal: the header is laid out by hand.
        self.stdout.write("规则  错误  提示  申报表数  规则名称")
        for total in totals_by_rule(check.finding_list() for check in checks):
            self.stdout.write(
                f"{total.rule.number:>4}{total.errors:>6}{total.warnings:>6}{total.filings:>10}  {total.rule.title}"
            )


def _write_csv(path: Path, rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # utf-8-sig so that Excel opens the Chinese text without asking for an encoding.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        writer.writerows([as_text_cell(value) for value in row] for row in rows)

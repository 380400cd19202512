from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from projects.management.database import DatabaseCommand
from projects.services.imports import FilingImportError, import_filings, read_source


class Command(DatabaseCommand):
    help = (
        "导入申报表（公开文本格式：二级项目、一级项目、部门整体支出绩效目标表），跳过部门预算中的其他表格和说明。"
        "任一文件有误则不写入任何数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument("--year", type=int, help="预算年度；缺省时由申报表推断，无法推断则取当前年度")

    def handle(self, *args, files, year, **options):
        try:
            result = import_filings(sources=[read_source(path) for path in files], year=year)
        except FilingImportError as error:
            raise CommandError(str(error)) from error
        for name, (file_year, how) in result.years.items():
            self.stdout.write(f"{name}: 预算年度 {file_year}（{how}）")
            lines, headings = result.skipped.get(name, (0, []))
            if lines:
                self.stdout.write(f"{name}: 跳过不是申报表的内容 {lines} 行（{len(headings)} 个表格或标题）")
        self.stdout.write(
            self.style.SUCCESS(f"新建 {result.count(result.created)}，更新 {result.count(result.updated)}")
        )
        if settings.PDF_PRERENDER:
            self.stdout.write("已排队预先生成这些申报表所在单位的 PDF，由后台任务进程（db_worker）完成")

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from projects.management.database import DatabaseCommand
from projects.services import prerender
from projects.services.imports import FilingImportError, import_filings, read_source


class Command(DatabaseCommand):
    help = "导入二级项目支出绩效目标申报表（公开文本格式）。任一文件有误则不写入任何数据。"

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
        self.stdout.write(self.style.SUCCESS(f"新建 {len(result.created)} 个项目，更新 {len(result.updated)} 个项目"))
        if settings.PDF_PRERENDER:
            self.stdout.write("正在预先生成这些项目所在单位的 PDF（导出时直接取用）……")
            prerender.wait()

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from projects.management.database import DatabaseCommand
from projects.selectors import UnknownDepartment, department_filings, department_named
from projects.services import pdf as pdf_services


class Command(DatabaseCommand):
    help = "导出一个预算单位某一年度的全部申报表：合并为一个 PDF（每张申报表分别编页码），或每张一个 PDF 的 zip。"

    def add_arguments(self, parser):
        parser.add_argument("--department", required=True, help="预算单位名称（全角、半角括号均可）或编号")
        parser.add_argument("--year", required=True, type=int, help="预算年度，如 2023")
        parser.add_argument("--zip", action="store_true", help="每张申报表一个 PDF，打包为 zip")
        parser.add_argument("--output", "-o", help="输出文件；默认为当前目录下以单位和年度命名的文件")
        parser.add_argument("--user", help="按该用户的权限范围导出；不指定则导出全部")

    def handle(self, *args, department, year, zip, output, user, **options):
        try:
            unit = department_named(department)
        except UnknownDepartment as error:
            raise CommandError(str(error)) from None
        viewer = None
        if user:
            try:
                viewer = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"没有用户“{user}”") from None
        filings = list(department_filings(unit, year=year, user=viewer))
        reviews = pdf_services.printed_reviews(filings)
        stem = f"{unit.name}_{year}年_绩效目标申报表"
        path = Path(output or f"{stem}.{'zip' if zip else 'pdf'}")
        try:
            if zip:
                content = pdf_services.filings_zip(filings=filings, reviews=reviews)
            else:
                content = pdf_services.filings_pdf(filings=filings, reviews=reviews, title=stem)
        except pdf_services.NothingToExport:
            raise CommandError(f"{unit.name}在{year}年度没有可导出的申报表") from None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        self.stdout.write(f"{len(filings)} 张申报表 → {path}（{len(content) / 1024 / 1024:.1f} MB）")

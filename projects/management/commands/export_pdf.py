from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from projects.management.database import DatabaseCommand
from projects.selectors import UnknownDepartment, department_named, department_projects
from projects.services import pdf as pdf_services


class Command(DatabaseCommand):
    help = "导出一个预算单位某一年度的全部申报表：合并为一个 PDF（每个项目分别编页码），或每个项目一个 PDF 的 zip。"

    def add_arguments(self, parser):
        parser.add_argument("--department", required=True, help="预算单位名称（全角、半角括号均可）或编号")
        parser.add_argument("--year", required=True, type=int, help="预算年度，如 2023")
        parser.add_argument("--zip", action="store_true", help="每个项目一个 PDF，打包为 zip")
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
        projects = list(department_projects(unit, year=year, user=viewer))
        reviews = pdf_services.printed_reviews(projects)
        stem = f"{unit.name}_{year}年_二级项目支出绩效目标申报表"
        path = Path(output or f"{stem}.{'zip' if zip else 'pdf'}")
        try:
            if zip:
                content = pdf_services.projects_zip(projects=projects, reviews=reviews)
            else:
                content = pdf_services.projects_pdf(projects=projects, reviews=reviews, title=stem)
        except pdf_services.NothingToExport:
            raise CommandError(f"{unit.name}在{year}年度没有可导出的项目") from None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        self.stdout.write(f"{len(projects)} 个项目 → {path}（{len(content) / 1024 / 1024:.1f} MB）")

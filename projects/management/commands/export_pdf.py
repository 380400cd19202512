from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from projects.models import Department, normalise_unit_name
from projects.selectors import department_projects
from projects.services import pdf as pdf_services


class Command(BaseCommand):
    help = "导出一个预算单位某一年度的全部申报表：合并为一个 PDF（每个项目分别编页码），或每个项目一个 PDF 的 zip。"

    def add_arguments(self, parser):
        parser.add_argument("--department", required=True, help="预算单位名称（全角、半角括号均可）或编号")
        parser.add_argument("--year", required=True, type=int, help="预算年度，如 2023")
        parser.add_argument("--zip", action="store_true", help="每个项目一个 PDF，打包为 zip")
        parser.add_argument("--output", "-o", help="输出文件；默认为当前目录下以单位和年度命名的文件")
        parser.add_argument("--user", help="按该用户的权限范围导出；不指定则导出全部")

    def handle(self, *args, department, year, zip, output, user, **options):
        unit = self._department(department)
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

    def _department(self, given: str) -> Department:
        """By id, by full name, or by a part of the name that only one unit has."""
        if given.isdigit():
            found = Department.objects.filter(pk=int(given)).first()
            if found is None:
                raise CommandError(f"没有编号为 {given} 的预算单位")
            return found
        key = normalise_unit_name(given)
        exact = Department.objects.filter(normalised_name=key).first()
        if exact:
            return exact
        candidates = list(Department.objects.filter(normalised_name__contains=key)[:6])
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            names = "、".join(unit.name for unit in candidates[:5])
            raise CommandError(f"“{given}”对应多个预算单位：{names}；请写出完整名称")
        raise CommandError(f"没有预算单位“{given}”")

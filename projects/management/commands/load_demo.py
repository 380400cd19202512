from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from projects.management.database import DatabaseCommand
from projects.models import Department, Filing, Role, normalise_unit_name
from projects.services.accounts import administrator_grant, assignment_grant
from projects.services.imports import import_filings, read_source

SAMPLE_FILES = [
    "000_7eb1ee1bd71f2e66.txt",  # 21 二级 forms of 宝安, 2023
    "001_f24da8b7715a7516.txt",  # 41 二级 forms of 福田
    "002_a5ac6881a5caf555.txt",  # 38 二级 forms of 深汕
    "003_15669124a94b334e.txt",  # 大鹏 2021: its 部门整体 form and 7 一级 forms, in its budget publication
    "004_4e22398a020d32fe.txt",  # 宝安 2023: its 部门整体 form, in its budget publication
]
# Forms of other provinces, each in its own layout (samples/provinces/README.md).
PROVINCE_FILES = ["gansu_jiayuguan_2023.txt", "sichuan_jingyan_2023.txt", "hunan_yueyang_2022.txt"]
DEMO_PASSWORD = "budgetperf-demo"
BAOAN = "深圳市宝安区政务服务数据管理局(本级)"
FUTIAN = "深圳市福田区政务服务数据管理局（本级）"
DAPENG = "深圳市大鹏新区政务服务数据管理局"
# username, full name, role, the units of the role
DEMO_ACCOUNTS = [
    ("filer", "张敏", Role.FILER, [BAOAN]),
    ("reviewer", "李华", Role.REVIEWER, [BAOAN, FUTIAN, DAPENG]),
]


class Command(DatabaseCommand):
    help = "载入示例申报表和演示账号（可重复执行）。"

    def handle(self, *args, **options):
        # Only into an empty database: a restart must not overwrite what people filed since.
        if Filing.objects.exists():
            self.stdout.write("已有申报表数据，跳过示例申报表导入")
        else:
            samples = Path(settings.BASE_DIR) / "samples"
            result = import_filings(sources=[read_source(samples / name) for name in SAMPLE_FILES])
            self.stdout.write(f"示例申报表：新建 {result.count(result.created)}")
            # Each file prints its own year in its title.
            provinces = [read_source(samples / "provinces" / name) for name in PROVINCE_FILES]
            result = import_filings(sources=provinces)
            self.stdout.write(f"其他省份的申报表：新建 {result.count(result.created)}")
            if settings.PDF_PRERENDER:
                self.stdout.write("已排队预先生成示例申报表的 PDF，由后台任务进程（db_worker）完成")
        admin = self._account("admin", "系统管理员", is_staff=True, is_superuser=True)
        administrator_grant(user=admin)
        self.stdout.write(f"管理员账号：admin / {DEMO_PASSWORD}")
        for username, full_name, role, units in DEMO_ACCOUNTS:
            user = self._account(username, full_name)
            for unit in units:
                department, _ = Department.objects.get_or_create(
                    normalised_name=normalise_unit_name(unit), defaults={"name": unit}
                )
                assignment_grant(user=user, department=department, role=role)
            self.stdout.write(f"{role.label}账号：{username} / {DEMO_PASSWORD}（{'、'.join(units)}）")

    def _account(self, username, full_name, **flags):
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": full_name, **flags}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        return user

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from projects.models import Project
from projects.services.imports import import_filings, read_source

SAMPLE_FILES = ["000_7eb1ee1bd71f2e66.txt", "001_f24da8b7715a7516.txt", "002_a5ac6881a5caf555.txt"]
DEMO_PASSWORD = "budgetperf-demo"


class Command(BaseCommand):
    help = "载入示例申报表和演示账号（可重复执行）。"

    def handle(self, *args, **options):
        # Only into an empty database: a restart must not overwrite what people filed since.
        if Project.objects.exists():
            self.stdout.write("已有项目数据，跳过示例申报表导入")
        else:
            samples = Path(settings.BASE_DIR) / "samples"
            result = import_filings(sources=[read_source(samples / name) for name in SAMPLE_FILES])
            self.stdout.write(f"示例申报表：新建 {len(result.created)} 个项目")
        admin, created = get_user_model().objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        self.stdout.write(f"管理员账号：admin / {DEMO_PASSWORD}")

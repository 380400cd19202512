import statistics
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from projects.management.commands.load_demo import SAMPLE_FILES
from projects.management.database import DatabaseCommand
from projects.models import Filing
from projects.services.excel import filings_to_workbook
from projects.services.excel_import import workbook_import
from projects.services.imports import import_filings, read_source


class _Rollback(Exception):
    pass


class Command(DatabaseCommand):
    help = (
        "基准测试：把全部示例申报表（100 张二级、7 张一级、2 张部门整体）导出为模板工作簿，再导入同一工作簿；"
        "输出耗时与查询次数。每轮结束后回滚，不留数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=3)

    def handle(self, *args, rounds, **options):
        samples = Path(settings.BASE_DIR) / "samples"
        sources = [read_source(samples / name) for name in SAMPLE_FILES]
        figures: dict[str, list[float]] = {"export": [], "import": []}
        queries, size, sheets = {}, 0, 0
        for _ in range(rounds):
            try:
                with transaction.atomic():
                    Filing.objects.all().delete()
                    import_filings(sources=sources)
                    user = get_user_model().objects.create_superuser("bench-excel", password=None)
                    with CaptureQueriesContext(connection) as captured:
                        started = time.perf_counter()
                        workbook = filings_to_workbook(filings=Filing.objects.order_by("kind", "code", "name"))
                        figures["export"].append(time.perf_counter() - started)
                    queries["export"], size = len(captured), len(workbook)
                    with CaptureQueriesContext(connection) as captured:
                        started = time.perf_counter()
                        result = workbook_import(data=workbook, file_name="bench.xlsx", user=user)
                        figures["import"].append(time.perf_counter() - started)
                    queries["import"], sheets = len(captured), len(result.changes)
                    raise _Rollback
            except _Rollback:
                pass
        for step, label in (("export", "导出"), ("import", "导入")):
            timings = figures[step]
            self.stdout.write(
                f"{connection.vendor} {label}: {sheets} sheets, median {statistics.median(timings):.3f} s, "
                f"best {min(timings):.3f} s over {rounds} rounds, {queries[step]} queries"
            )
        self.stdout.write(f"workbook size: {size / 1024:.0f} KiB")

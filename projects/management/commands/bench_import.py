import statistics
import time
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from projects.management.commands.load_demo import SAMPLE_FILES
from projects.management.database import DatabaseCommand
from projects.services.imports import import_filings, read_source


class _Rollback(Exception):
    pass


class Command(DatabaseCommand):
    help = "基准测试：导入三个示例文件（100 张申报表）的耗时与查询次数；每轮结束后回滚，不留数据。"

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=5)

    def handle(self, *args, rounds, **options):
        samples = Path(settings.BASE_DIR) / "samples"
        sources = [read_source(samples / name) for name in SAMPLE_FILES]
        timings, queries, projects = [], 0, 0
        for _ in range(rounds):
            try:
                with transaction.atomic(), CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    result = import_filings(sources=sources)
                    timings.append(time.perf_counter() - started)
                    queries, projects = len(captured), len(result.created) + len(result.updated)
                    raise _Rollback
            except _Rollback:
                pass
        self.stdout.write(
            f"{connection.vendor}: {projects} forms, median {statistics.median(timings):.3f} s, "
            f"best {min(timings):.3f} s over {rounds} rounds, {queries} queries"
        )

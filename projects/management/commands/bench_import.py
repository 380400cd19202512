import statistics
import time
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from projects.management.commands.load_demo import SAMPLE_FILES
from projects.management.database import DatabaseCommand
from projects.services.imports import import_filings, parse_sources, read_source


class _Rollback(Exception):
    pass


class Command(DatabaseCommand):
    help = "基准测试：解析五个示例文件（109 张申报表）的耗时，以及导入它们的耗时与查询次数；每轮结束后回滚，不留数据。"

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=5)

    def handle(self, *args, rounds, **options):
        samples = Path(settings.BASE_DIR) / "samples"
        sources = [read_source(samples / name) for name in SAMPLE_FILES]
        parsing = []
        for _ in range(rounds):
            started = time.perf_counter()
            parse_sources(sources)
            parsing.append(time.perf_counter() - started)
        self.stdout.write(f"解析 {len(sources)} 个文本文件：{_figures(parsing)}")
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
        self.stdout.write(f"导入 {projects} 张申报表（{connection.vendor}）：{_figures(timings)}，{queries} 次查询")


def _figures(seconds: list[float]) -> str:
    return f"中位数 {statistics.median(seconds):.3f} s，最快 {min(seconds):.3f} s（{len(seconds)} 轮）"

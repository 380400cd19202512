import io
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import diskcache
from django.conf import settings
from django.core.cache import caches
from django.core.management.base import CommandError
from django.db import transaction
from django.test.utils import override_settings
from pypdf import PdfReader

from jobs.models import JobStatus
from jobs.services import job_start
from jobs.workers import start_workers, stop_workers
from projects.management.commands.load_demo import SAMPLE_FILES
from projects.management.database import DatabaseCommand
from projects.models import Filing
from projects.printing import chromium, engine
from projects.printing.cache import CACHE_ALIAS
from projects.printing.form import render_forms_html
from projects.services import pdf as pdf_services
from projects.services.imports import import_filings, read_source

TYPICAL_FORM = "440306210601500000540"


class _Rollback(Exception):
    pass


def _timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _rounds(seconds: list[float]) -> str:
    """ "3 次的中位数：3.01 / 3.05 / 3.10 s"."""
    return f"{len(seconds)} 次的中位数：" + " / ".join(f"{value:.2f}" for value in seconds) + " s"


def _cpu_seconds(pids: list[int]) -> float | None:
    """User and system CPU time the processes have used so far, from /proc (Linux); None elsewhere."""
    try:
        total = 0
        for pid in pids:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None
    return total / os.sysconf("SC_CLK_TCK")


def _machine_busy_seconds() -> float | None:
    """CPU time all processes of the machine have used so far, from /proc/stat (Linux); None elsewhere.

    Chromium's renderer, GPU and utility processes are not children that it waits for, so their
    time shows in no rusage: the machine's busy time while it prints is the measure of its CPU.
    """
    try:
        with open("/proc/stat") as stat:
            user, nice, system, _idle, _iowait, irq, softirq = map(int, stat.readline().split()[1:8])
    except (OSError, ValueError):
        return None
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


class Command(DatabaseCommand):
    help = (
        "基准测试：单张申报表的 PDF 耗时、N 张申报表合并为一个 PDF 的耗时（本进程，不经缓存），"
        "同一批 HTML 由 headless Chromium 打印的耗时及两者之比，以及同一批由 1 个、2 个后台任务进程分块渲染的耗时。"
        "数据库中没有示例申报表时临时导入，结束后回滚（后台任务进程的测试需要数据库中已有申报表）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--forms", type=int, default=100, help="批量的申报表张数（默认 100）")
        parser.add_argument("--rounds", type=int, default=5, help="单张申报表重复次数（取中位数）")
        parser.add_argument("--batch-rounds", type=int, default=3, help="批量及 Chromium 重复次数（取中位数）")
        parser.add_argument("--no-chromium", action="store_true", help="不运行 Chromium")
        parser.add_argument(
            "--workers",
            default="1,2",
            help="由几个后台任务进程（db_worker）渲染同一批，逗号分隔（默认 1,2；0 为不测）；需要数据库中已有申报表",
        )

    def handle(self, *args, forms, rounds, batch_rounds, no_chromium, workers, **options):
        workers = [int(count) for count in workers.split(",") if int(count) > 0]
        self.chromium_time: float | None = None
        # Everything runs in a transaction that is rolled back and on an empty scratch cache, so
        # that the figures are those of a first export and nothing of the benchmark stays behind.
        with tempfile.TemporaryDirectory(prefix="budgetperf-bench-") as scratch:
            scratch_cache = {**settings.CACHES["pdf"], "LOCATION": f"{scratch}/cache"}
            try:
                with override_settings(CACHES={**settings.CACHES, CACHE_ALIAS: scratch_cache}), transaction.atomic():
                    if Filing.objects.filter(kind="project").count() < forms:
                        samples = Path(settings.BASE_DIR) / "samples"
                        import_filings(sources=[read_source(samples / name) for name in SAMPLE_FILES])
                    self._bench(forms, rounds, batch_rounds, no_chromium, Path(scratch))
                    raise _Rollback
            except _Rollback:
                pass
            self._bench_workers(workers, forms, batch_rounds, Path(scratch))

    def _bench(self, forms, rounds, batch_rounds, no_chromium, scratch: Path):
        projects = list(Filing.objects.filter(kind="project").order_by("source_file", "source_line", "pk")[:forms])
        if len(projects) < forms:
            raise CommandError(f"只有 {len(projects)} 个项目，不足 {forms} 个")
        cache = caches[CACHE_ALIAS]
        out = self.stdout.write

        warm_up, _ = _timed(lambda: engine.pdf("<p>预热 ≥≤㎡</p>", ""))
        out(f"载入字体：{warm_up:.2f} s（进程运行后只需一次，以下均未计入）")

        single = Filing.objects.filter(code=TYPICAL_FORM).first() or projects[0]
        timings = []
        for _ in range(rounds):
            cache.clear()
            timings.append(_timed(lambda: pdf_services.filing_pdf(filing=single))[0])
        warm, _ = _timed(lambda: pdf_services.filing_pdf(filing=single))
        out(f"单张申报表 {single.code}：{statistics.median(timings):.3f} s（{rounds} 次的中位数），经缓存 {warm:.3f} s")

        # Each round prints the batch and, right after it, the same forms with Chromium: this
        # machine's speed drifts from minute to minute, and a ratio of two times taken far apart
        # would measure the drift as much as the renderers.
        document = None if no_chromium else chromium.one_document(render_forms_html(projects), pdf_services.form_css())
        chromium_output = scratch / "chromium.pdf"
        batches, chromium_times, main_cpu, chromium_cpu = [], [], [], []
        for _ in range(batch_rounds):
            cache.clear()
            main_before = time.process_time()
            batch, merged = _timed(lambda: pdf_services.filings_pdf(filings=projects))
            batches.append(batch)
            main_cpu.append(time.process_time() - main_before)
            if document is not None:  # None with --no-chromium
                busy_before = _machine_busy_seconds()
                chromium_times.append(_timed(lambda: chromium.print_to_pdf(document, chromium_output))[0])
                busy_after = _machine_busy_seconds()
                if busy_before is not None and busy_after is not None:
                    chromium_cpu.append(busy_after - busy_before)
        batch = statistics.median(batches)
        out(
            f"{forms} 张合并为一个 PDF：{batch:.2f} s（本进程，{_rounds(batches)}），"
            f"{_pages(merged)} 页，{len(merged) / 1024 / 1024:.1f} MB"
        )
        # CPU time does not grow with the load other programs put on the machine, wall time does.
        used = statistics.median(main_cpu)
        out(f"  其中 CPU 时间 {used:.2f} s（每张 {used / forms * 1000:.0f} ms）")
        unchanged, _ = _timed(lambda: pdf_services.filings_pdf(filings=projects))
        changed = projects[len(projects) // 2]
        changed.name += "（修改）"
        changed.save()
        one_changed, _ = _timed(lambda: pdf_services.filings_pdf(filings=projects))
        out(f"再次导出：内容未变 {unchanged:.2f} s，其中一个项目修改后 {one_changed:.2f} s")

        if no_chromium:
            return
        printed, chromium_time = chromium_output.read_bytes(), statistics.median(chromium_times)
        out(
            f"同样 {forms} 张由 headless Chromium 打印：{chromium_time:.2f} s"
            f"（{_rounds(chromium_times)}），{_pages(printed)} 页，"
            f"{len(printed) / 1024 / 1024:.1f} MB（页码不按项目分别编排）"
        )
        self.chromium_time = chromium_time
        if chromium_cpu:
            used = statistics.median(chromium_cpu)
            same_batch = f"，本程序同一批 {statistics.median(main_cpu):.2f} s"
            out(f"  其中整台机器的 CPU 时间：{used:.2f} s（平均占 {used / chromium_time:.1f} 个核{same_batch}）")
        ratios = [ours / theirs for ours, theirs in zip(batches, chromium_times, strict=True)]
        out(
            f"比值 WeasyPrint / Chromium：首次导出 {statistics.median(ratios):.2f}"
            f"（每轮先后各打印一次，{len(ratios)} 轮之比 "
            + " / ".join(f"{ratio:.2f}" for ratio in ratios)
            + " 的中位数），"
            f"内容未变 {unchanged / chromium_time:.2f}"
        )

    def _bench_workers(self, counts: list[int], forms: int, batch_rounds: int, scratch: Path) -> None:
        """The same batch as a background job, rendered cold by ``count`` worker processes in parts."""
        out = self.stdout.write
        if not counts:
            return
        ids = list(
            Filing.objects.filter(kind="project")
            .order_by("source_file", "source_line", "pk")
            .values_list("pk", flat=True)[:forms]
        )
        if len(ids) < forms:
            out(f"跳过后台任务进程的测试：数据库中只有 {len(ids)} 张二级项目申报表（请先运行 load_demo）")
            return
        for count in counts:
            cache_dir = scratch / f"workers-{count}"
            env = {
                "BUDGETPERF_CACHE_DIR": str(cache_dir),
                "BUDGETPERF_JOBS_LOCATION": str(scratch / "jobs"),
                "BUDGETPERF_PDF_PRERENDER": "0",
                "BUDGETPERF_SHARED_CACHE": "",
            }
            workers = start_workers(count, env=env)
            try:
                self._run_job(ids[:count])  # each worker loads its fonts
                times, cpu = [], []
                for _ in range(batch_rounds):
                    with diskcache.FanoutCache(str(cache_dir / "pdf"), shards=1) as pdf_cache:  # as settings.py has it
                        pdf_cache.clear()
                    before = _cpu_seconds([worker.pid for worker in workers])
                    times.append(self._run_job(ids))
                    after = _cpu_seconds([worker.pid for worker in workers])
                    if before is not None and after is not None:
                        cpu.append(after - before)
            finally:
                stop_workers(workers)
            took = statistics.median(times)
            ratio = f"，与 Chromium 之比 {took / self.chromium_time:.2f}" if self.chromium_time else ""
            used = f"，CPU 时间共 {statistics.median(cpu):.2f} s" if cpu else ""
            out(f"{forms} 张由 {count} 个后台任务进程分块渲染并合并：{took:.2f} s（{_rounds(times)}）{used}{ratio}")

    @staticmethod
    def _run_job(ids: list[int]) -> float:
        started = time.perf_counter()
        job = job_start(
            kind="pdf_batch",
            title="基准测试",
            key=f"bench:{uuid.uuid4()}",
            params={"ids": ids, "stem": "bench"},
            user=None,
        )
        while True:
            job.refresh_from_db()
            if not job.is_active:
                break
            time.sleep(0.02)
        if job.status != JobStatus.DONE:
            raise CommandError(f"后台任务失败：{job.message}")
        return time.perf_counter() - started

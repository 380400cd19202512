"""The benchmark commands start and print their figures on a small input; the figures themselves are
for people to read (README, docs/performance.md), never asserted."""

import io
import os
import re
import statistics

import pytest
from django.core.management import call_command

from projects.models import Filing, ProjectHeader
from tests.helpers.samples import FILING_COUNT, SAMPLE_FILES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdf_cache")]


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_bench_import_prints_parsing_and_importing_figures_and_leaves_the_database_as_it_was(samples):
    before = sorted(Filing.objects.values_list("pk", "kind", "version"))
    assert len(before) == FILING_COUNT
    printed = _run("bench_import", "--rounds", "1")
    files, forms = len(SAMPLE_FILES), FILING_COUNT
    assert re.search(rf"解析 {files} 个文本文件：中位数 [\d.]+ s，最快 [\d.]+ s（1 轮）", printed)
    assert re.search(rf"导入 {forms} 张申报表（\w+）：中位数 [\d.]+ s，最快 [\d.]+ s（1 轮），\d+ 次查询", printed)
    assert sorted(Filing.objects.values_list("pk", "kind", "version")) == before


def test_bench_pdf_prints_its_figures_and_leaves_nothing_behind(samples):
    count, headers = Filing.objects.count(), ProjectHeader.objects.count()
    printed = _run("bench_pdf", "--forms", "2", "--rounds", "1", "--no-chromium", "--workers", "0")
    assert "单张申报表" in printed
    assert "2 张合并为一个 PDF" in printed
    assert "内容未变" in printed
    assert (Filing.objects.count(), ProjectHeader.objects.count()) == (count, headers) == (FILING_COUNT, 100)
    assert not Filing.objects.filter(name__endswith="（修改）").exists()


@pytest.mark.benchmark
def test_bench_pdf_compares_each_round_with_chromium_printing_right_after_it(samples):
    printed = _run("bench_pdf", "--forms", "2", "--rounds", "1", "--batch-rounds", "2", "--workers", "0")
    assert "同样 2 张由 headless Chromium 打印" in printed
    [(median, ratios)] = re.findall(
        r"首次导出 ([\d.]+)（每轮先后各打印一次，2 轮之比 ([\d.]+ / [\d.]+) 的中位数）", printed
    )
    assert float(median) == pytest.approx(statistics.median(map(float, ratios.split(" / "))), abs=0.006)
    [(cpu, cores)] = re.findall(r"整台机器的 CPU 时间：([\d.]+) s（平均占 ([\d.]+) 个核", printed)
    assert float(cpu) > 0 and 0 < float(cores) <= (os.cpu_count() or 1) + 0.1

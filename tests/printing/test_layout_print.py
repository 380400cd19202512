"""A filing prints in its layout: its title, its header grid with the fields the layout adds and the
labels no layout knows, and its indicator table in the layout's columns, as wide as the layout says."""

import os
from pathlib import Path

import pytest

from projects.models import Filing
from projects.printing import engine
from projects.printing.form import LEVEL_WIDTHS, form_context, indicator_levels, render_form_html, template_categories
from projects.services.imports import import_filings, read_source
from projects.services.pdf import form_css
from tests.helpers.pdfs import all_text, page_images

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "samples" / "provinces"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def _imported(name: str, year: int = 2023) -> Filing:
    (filing,) = import_filings(sources=[read_source(FIXTURES / name)], year=year).created
    return Filing.objects.get(pk=filing.pk)


def _pdf(filing: Filing) -> bytes:
    return engine.pdf(render_form_html(filing=filing), form_css())


def _context(filing: Filing) -> dict:
    levels = indicator_levels(filing.indicators.all(), template_categories(filing.template_id))
    return form_context(filing, levels=levels)


def _keep_screenshot(pdf: bytes, tmp_path: Path, name: str) -> None:
    """With BUDGETPERF_SCREENSHOTS set, the first page as a PNG in artifacts/screenshots, to look at."""
    if os.environ.get("BUDGETPERF_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / name).write_bytes(page_images(pdf, tmp_path / name, dpi=110)[0])


def test_a_sichuan_form_prints_in_its_columns_under_its_own_title(tmp_path):
    filing = _imported("sichuan_jingyan_2023.txt")
    pdf = _pdf(filing)
    text = all_text(pdf)
    assert text.startswith("部门预算项目绩效目标申报表")
    assert "一级指标二级指标三级指标指标性质指标值度量单位权重指标方向性" in text
    assert "维护社会稳定≥95%10正向指标" in text
    assert "部门预算数8,827,620.53" in text
    assert "实施期限" not in text and "指标解释" not in text
    _keep_screenshot(pdf, tmp_path, "23-sichuan-print.png")


def test_a_gansu_form_prints_the_fields_its_layout_adds_and_renames(tmp_path):
    filing = _imported("gansu_jiayuguan_2023.txt")
    pdf = _pdf(filing)
    text = all_text(pdf)
    assert text.startswith("省级部门预算项目支出绩效目标表")
    for label, value in [
        ("项目分类", "专项工作经费"),
        ("项目类型", "新增项目"),
        ("项目开始日期", "2023-01-01"),
        ("资金用途", "业务类项目"),
        ("其他资金", "20万元"),
        ("基本情况", "保障博物馆正常运转"),
        ("需要说明的其他问题", ""),
    ]:
        assert f"{label}{value}" in text
    assert "是否新增项目" not in text and "分配方式" not in text
    assert "一级指标二级指标三级指标指标值产出" in text and "成本*经济成本资金使用效率=100百分比" in text
    _keep_screenshot(pdf, tmp_path, "23-gansu-print.png")


def test_the_labels_no_layout_knows_print_after_the_grid():
    filing = _imported("hunan_yueyang_2022.txt", year=2022)
    text = all_text(_pdf(filing))
    assert "项目负责人及电话彭兵" in text
    assert text.index("长期目标") < text.index("项目负责人及电话") < text.index("一级指标二级指标")


def test_the_columns_print_as_wide_as_the_layout_says():
    filing = _imported("sichuan_jingyan_2023.txt")
    columns = _context(filing)["columns"]
    widths = {label: width for label, width, _ in columns}
    kind_widths = {column.label: column.width for column in filing.form_kind.indicators.columns}
    assert list(widths) == list(kind_widths)
    rest = 100 - sum(LEVEL_WIDTHS)
    total = sum(kind_widths.values())
    assert widths == {label: round(width / total * rest, 2) for label, width in kind_widths.items()}


def test_a_column_a_row_fills_prints_where_the_layout_lacks_it(people, make_filing):
    filing = make_filing(people.unit_a)
    filing.indicators.filter(name="数量指标1").update(remark="按季度统计")
    labels = [label for label, _, _ in _context(Filing.objects.get(pk=filing.pk))["columns"]]
    assert labels == ["三级指标", "指标值", "指标解释", "备注"]
    assert "按季度统计" in all_text(_pdf(filing))

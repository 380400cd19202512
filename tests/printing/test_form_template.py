import pytest
from django.template.loader import render_to_string

from projects.models import Filing
from projects.printing import engine, form
from projects.printing.form import TEMPLATE, form_context, indicator_levels, render_form_html, template_categories
from projects.printing.paging import page_blocks
from projects.services.pdf import form_css
from tests.helpers.pdfs import page_texts

pytestmark = pytest.mark.django_db


def test_the_first_indicator_block_moves_whole_to_the_next_page_when_the_estimate_was_wrong(samples, monkeypatch):
    """WeasyPrint splits the first row group of a table wherever the table starts; the template
    keeps it whole with an empty leading group, so its rows keep their labels."""
    project = Filing.objects.get(code="440306210601500000540")
    project.project_header.annual_goal = "进一步优化营商环境，持续提升企业开办便利度，切实减轻企业负担。" * 12
    levels = indicator_levels(project.indicators.all(), template_categories(project.template_id))
    # As if the header were short: the whole 产出 group is planned on the first page.
    monkeypatch.setattr(
        form, "page_blocks", lambda levels, *, above_mm, **sizes: page_blocks(levels, above_mm=0, **sizes)
    )
    context = form_context(project, levels=levels)
    assert len(context["blocks"][0]["rows"]) == 4
    pages = page_texts(engine.pdf(render_to_string(TEMPLATE, context), form_css()))
    first_rows = ["服务企业数量≤4万家", "经费发放率≥90%", "经费发放及时性2023年12月前", "项目总成本≤1500万元"]
    assert not any(row in pages[0] for row in first_rows)
    [page] = [text for text in pages if first_rows[0] in text]
    assert all(row in page for row in first_rows)
    assert "一级指标二级指标三级指标指标值指标解释产出*数量服务企业数量" in page


def test_each_kind_prints_its_title_and_the_headings_of_its_own_columns(samples):
    program = Filing.objects.get(kind="program", name="大厅运营事务")
    text = "".join(page_texts(engine.pdf(render_form_html(filing=program), form_css())))
    assert text.startswith("一级项目支出绩效目标申报表（2021年度）")
    assert "一级指标二级指标指标内容指标值投入测算明细1.综合窗口岗位人员购买服务经费" in text
    assert "指标解释" not in text

    overall = Filing.objects.get(kind="overall", fiscal_year=2023)
    text = "".join(page_texts(engine.pdf(render_form_html(filing=overall), form_css())))
    assert text.startswith("部门（单位）整体支出绩效目标表（2023年度）")
    assert "部门（单位）名称深圳市宝安区政务服务数据管理局(本级)主管部门深圳市宝安区政务服务数据管理局" in text
    assert "任务名称主要内容预算金额（万元）总额其中：财政拨款其中：其他资金基本支出" in text
    assert "党代表工作室运行经费" in text and "合计5,665.365,665.360.00" in text
    assert "一级指标二级指标三级指标目标值产出" in text

import pytest
from django.template.loader import render_to_string

from projects.models import Project
from projects.printing import engine
from projects.printing.form import TEMPLATE, form_context, indicator_levels, template_categories
from projects.printing.paging import page_blocks
from projects.services.pdf import form_css
from tests.helpers.pdfs import page_texts

pytestmark = pytest.mark.django_db


def test_the_first_indicator_block_moves_whole_to_the_next_page_when_the_estimate_was_wrong(samples):
    """WeasyPrint splits the first row group of a table wherever the table starts; the template
    keeps it whole with an empty leading group, so its rows keep their labels."""
    project = Project.objects.get(code="440306210601500000540")
    project.annual_goal = "进一步优化营商环境，持续提升企业开办便利度，切实减轻企业负担。" * 12
    levels = indicator_levels(project.indicators.all(), template_categories(project.template_id))
    context = form_context(project, levels=levels)
    # As if the header were short: the whole 产出 group is planned on the first page.
    context["blocks"] = page_blocks(levels, above_mm=0)
    assert len(context["blocks"][0].rows) == 4
    pages = page_texts(engine.pdf(render_to_string(TEMPLATE, context), form_css()))
    first_rows = ["服务企业数量≤4万家", "经费发放率≥90%", "经费发放及时性2023年12月前", "项目总成本≤1500万元"]
    assert not any(row in pages[0] for row in first_rows)
    [page] = [text for text in pages if first_rows[0] in text]
    assert all(row in page for row in first_rows)
    assert "一级指标二级指标三级指标指标值指标解释产出*数量服务企业数量" in page

"""A kind's definition drives every way into and out of a filing.

The 试点项目 kind (``tests/pilot_kind``) exists only in the tests. Its header has a field no real
kind has, 项目联络人; nothing outside its module and migration mentions it, yet it must appear on the
web form, be read by the text and Excel imports, be offered by the Excel template, be printed, and be
traced in the history.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects.history import filing_timeline
from projects.kinds import kind_named
from projects.models import Filing
from projects.services.excel import blank_template_workbook, filings_to_workbook
from projects.services.excel_import import workbook_import
from projects.services.filing import filing_update
from projects.services.imports import SourceFile, import_filings
from projects.services.pdf import filing_pdf
from tests.helpers.filings import header_of, row_inputs
from tests.helpers.page_forms import filing_post_data
from tests.helpers.pdfs import all_text, compact
from tests.helpers.workbooks import edit_workbook, make_filer, value_cell

pytestmark = pytest.mark.django_db

PILOT_TEXT = """# 试点项目支出绩效目标表

(2024 年度)

项目名称	城市数据试点	项目单位	{unit}
资金总额（万元）	12.50	项目联络人	王小明
项目绩效目标	完成三个场景的试点。
绩效指标	一级指标	二级指标	三级指标	指标值
	产出指标	数量指标	试点场景数量	≥3 个
		质量指标	验收合格率	100%
		时效指标	完成时间	2024 年 12 月前
		成本指标	预算执行率	≥90%
	效益指标	社会效益指标	群众办事便利度	有所提升
	满意度指标	服务对象满意度指标	服务对象满意度	≥90%
"""


def _imported(people) -> Filing:
    text = PILOT_TEXT.format(unit=people.unit_a.name)
    result = import_filings(sources=[SourceFile("pilot.txt", text)], user=people.owner)
    assert result.count(result.created) == "1 张试点项目" and not result.updated
    return Filing.objects.get(kind="pilot", department=people.unit_a, name="城市数据试点")


def test_the_kind_is_registered_with_its_own_field():
    kind = kind_named("pilot")
    assert kind.field("liaison").label == "项目联络人"
    assert all(not other.has_field("liaison") for other in map(kind_named, ("project", "program", "overall")))


def test_text_import_reads_the_field(people):
    filing = _imported(people)
    assert filing.value("liaison") == "王小明"
    assert filing.fiscal_year == 2024
    assert filing.value("total_amount") == 125000  # 12.50 万元, stored in 元
    assert [(row.category.name, row.name, row.value) for row in filing.indicators.order_by("position")] == [
        ("数量", "试点场景数量", "≥3 个"),
        ("质量", "验收合格率", "100%"),
        ("时效", "完成时间", "2024 年 12 月前"),
        ("成本", "预算执行率", "≥90%"),
        ("社会效益", "群众办事便利度", "有所提升"),
        ("服务对象满意度", "服务对象满意度", "≥90%"),
    ]


def test_web_form_shows_and_saves_the_field(client, people):
    filing = _imported(people)
    client.force_login(people.owner)
    url = reverse("projects:filing_edit", args=[filing.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "项目联络人" in html and 'name="liaison"' in html and 'value="王小明"' in html

    response = client.post(url, filing_post_data(page, liaison="李小红"))
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert Filing.objects.get(pk=filing.pk).value("liaison") == "李小红"

    new_page = client.get(reverse("projects:filing_create", kwargs={"kind": "pilot"}))
    assert new_page.status_code == 200 and 'name="liaison"' in new_page.content.decode()


def test_a_required_field_left_empty_blocks_submission_by_its_label(client, people):
    filing = _imported(people)
    client.force_login(people.owner)
    url = reverse("projects:filing_edit", args=[filing.pk])
    page = client.get(url)
    data = filing_post_data(page)
    data.pop("liaison")
    data["submit"] = "1"
    client.post(url, data)
    filing.refresh_from_db()
    assert filing.status == "draft"
    checked = client.get(url + "?check=1").content.decode()
    assert "项目联络人" in checked


def test_excel_template_offers_the_field_and_the_import_reads_it(people):
    user = make_filer(people.unit_a, username="pilot_filer")
    template = blank_template_workbook(kind="pilot", department=people.unit_a, year=2024)

    def fill(workbook):
        sheet = workbook.worksheets[0]
        value_cell(sheet, "项目名称").value = "表格试点"
        value_cell(sheet, "资金总额").value = 80000  # the template asks for 元
        value_cell(sheet, "项目联络人").value = "陈联络"
        value_cell(sheet, "项目绩效目标").value = "完成表格试点。"

    result = workbook_import(data=edit_workbook(template, fill), file_name="试点.xlsx", user=user)
    assert result.stored
    filing = Filing.objects.get(kind="pilot", name="表格试点")
    assert filing.value("liaison") == "陈联络"
    assert filing.value("total_amount") == 80000


def test_excel_export_round_trips_the_field(people):
    filing = _imported(people)
    user = make_filer(people.unit_a, username="pilot_filer")
    exported = filings_to_workbook(filings=[filing])

    def change(workbook):
        value_cell(workbook.worksheets[0], "项目联络人").value = "周换人"

    workbook_import(data=edit_workbook(exported, change), file_name="试点.xlsx", user=user)
    assert Filing.objects.get(pk=filing.pk).value("liaison") == "周换人"


def test_pdf_prints_the_field(people):
    filing = _imported(people)
    text = compact(all_text(filing_pdf(filing=filing)))
    assert "试点项目支出绩效目标表" in text
    assert "项目联络人王小明" in text


def test_history_traces_the_field(people):
    filing = _imported(people)
    filing_update(
        filing=filing,
        user=people.owner,
        header=header_of(filing, liaison="李小红"),
        rows=row_inputs(filing),
        version=filing.version,
    )
    latest = filing_timeline(Filing.objects.get(pk=filing.pk))[0]
    assert [(change.label, change.before, change.after) for change in latest.fields] == [
        ("项目联络人", "王小明", "李小红")
    ]

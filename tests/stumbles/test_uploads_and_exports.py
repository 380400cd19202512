"""The admin's list exports open in Chinese Excel, the list import
pages speak Chinese; upload errors name what is wrong where people look; an upload's preview shows a
new project's rows and findings, its confirmation links the projects; batch results link the
filings that failed, and batch approval asks first."""

import csv
import html
import io
import re
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from projects.forms import AmountField
from projects.models import Filing
from projects.resources import ProjectResource
from projects.services import review
from projects.services.excel import filings_to_workbook
from tests.helpers.samples import BAOAN
from tests.helpers.workbooks import edit_workbook, make_filer, row_of

CSV, XLSX = "0", "1"
BAOAN_CODE = "440306210601500000540"

pytestmark = pytest.mark.django_db


# Item 14: batch results and the batch approval


def test_a_batch_submission_links_each_filing_that_failed(client, people, make_filing):
    lacking = make_filing(people.unit_a, name="缺少内容", rows_per_category=0)
    client.force_login(people.owner)
    response = client.post(reverse("projects:batch_submit"), {"selected": [lacking.pk]}, follow=True)
    html = response.content.decode()
    link = reverse("projects:filing_detail", args=[lacking.pk])
    assert re.search(rf"{lacking.code} 缺少内容：[^<]*<a href=\"{link}\">打开该申报表</a>", html)


def test_a_batch_approval_links_each_filing_that_failed(client, people, make_filing):
    draft = make_filing(people.unit_a, name="还是草稿")
    client.force_login(people.reviewer)
    response = client.post(reverse("projects:batch_approve"), {"selected": [draft.pk]}, follow=True)
    link = reverse("projects:filing_detail", args=[draft.pk])
    assert f'不能执行此操作 <a href="{link}">打开该申报表</a>' in response.content.decode()


def test_the_review_queue_asks_before_approving_the_selected_filings(client, people, make_filing):
    filing = make_filing(people.unit_a)
    review.filing_submit(filing=filing, user=people.owner)
    client.force_login(people.reviewer)
    html = client.get(reverse("projects:review_queue")).content.decode()
    action = reverse("projects:batch_approve")
    form = re.search(rf'<form method="post" action="{action}"[^>]*>', html)
    assert form and 'data-confirm="确定将所选的 {n} 张申报表审核通过吗？' in form.group(0)


# Item 5: the admin's list import and export


def _export(client, file_format: str, query: str = ""):
    fields = {f"projectresource_{name}": "on" for name in ProjectResource().get_export_order()}
    url = reverse("admin:projects_projectfiling_export") + query
    return client.post(url, {"format": file_format, "resource": "0", **fields})


def _file_name(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    return unquote(disposition.split("''", 1)[1])


def test_the_csv_export_starts_with_a_bom_and_has_a_chinese_name(admin_client, samples):
    response = _export(admin_client, CSV, "?fiscal_year__exact=2023")
    assert response.content.startswith(b"\xef\xbb\xbf\xe9\xa2\x84")  # BOM, then 预算年度
    assert re.fullmatch(r"二级项目 2023年度（导出于 \d{4}-\d{2}-\d{2}）\.csv", _file_name(response))


def test_the_xlsx_export_writes_amounts_and_years_as_numbers(admin_client, samples):
    response = _export(admin_client, XLSX)
    assert re.fullmatch(r"二级项目（导出于 \d{4}-\d{2}-\d{2}）\.xlsx", _file_name(response))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    columns = [cell.value for cell in sheet[1]]
    row = next(
        row for row in sheet.iter_rows(min_row=2, values_only=True) if row[columns.index("项目编码")] == BAOAN_CODE
    )
    values = dict(zip(columns, row, strict=True))
    assert values["本年度项目金额（元）"] == 10698600 and values["项目总金额（中期规划，元）"] == 49235800
    assert values["预算年度"] == 2023 and values["实施期限（年）"] == 4


def test_the_export_page_is_in_chinese(admin_client, samples):
    html = admin_client.get(reverse("admin:projects_projectfiling_export")).content.decode()
    assert "全选" in html and "Select all" not in html
    assert '<label for="id_projectresource_fiscal_year">预算年度</label>' in html
    assert "Fiscal Year" not in html


def _csv(rows: list[dict]) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("项目.csv", buffer.getvalue().encode(), content_type="text/csv")


def _baoan_row() -> dict:
    project = Filing.objects.filter(code=BAOAN_CODE)
    return next(csv.DictReader(io.StringIO(ProjectResource().export(queryset=project).csv)))


def _import(client, upload, file_format=CSV):
    return client.post(
        reverse("admin:projects_projectfiling_import"), {"import_file": upload, "format": file_format, "resource": "0"}
    )


def test_a_rejected_list_import_speaks_chinese_and_names_the_column(admin_client, samples):
    row = _baoan_row()
    row["项目总金额（中期规划，元）"] = "40万"
    html = _import(admin_client, _csv([row])).content.decode()
    assert "以下行未通过检查，未写入任何数据" in html and "某些行验数据证失败" not in html
    label = re.search(r'class="validation-error-field-label">([^<]*)<', html)
    assert label and label.group(1) == "项目总金额（中期规划，元）"  # not total_amount
    assert "项目总金额（中期规划，元）「40万」不是数字：请只填写以元为单位的数字" in html
    assert "ConversionSyntax" not in html


def test_the_list_import_preview_shows_a_changed_amount_whole(admin_client, samples):
    row = _baoan_row()
    row["本年度项目金额（元）"] = "10700000.00"
    response = _import(admin_client, _csv([row]))
    html = response.content.decode()
    assert "<del>10,698,600.00</del><br><ins>10,700,000.00</ins>" in html
    assert "以下是导入数据的预览，尚未写入任何数据" in html


def test_two_rows_of_one_project_in_a_list_get_one_clear_message(admin_client, samples):
    row = _baoan_row()
    html = _import(admin_client, _csv([row, dict(row, 项目名称="另一个名称")])).content.decode()
    assert f"2023 年度项目编码「{BAOAN_CODE}」与第 1 行重复：同一张申报表在文件中只能有一行" in html
    assert Filing.objects.get(code=BAOAN_CODE).name != "另一个名称"


def test_a_csv_list_saved_by_chinese_excel_in_gbk_is_read(admin_client, samples):
    row = _baoan_row()
    row["项目名称"] = "公章补贴（GBK 文件）"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    upload = SimpleUploadedFile("项目.csv", buffer.getvalue().encode("gbk"), content_type="text/csv")
    result = _import(admin_client, upload).context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["update"] == 1


# Item 10: upload errors


def test_an_old_xls_workbook_is_told_to_be_saved_as_xlsx_at_the_top_of_the_page(client, people):
    client.force_login(make_filer(people.unit_a))
    upload = SimpleUploadedFile("申报表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    response = client.post(reverse("projects:workbook_upload"), {"workbook": upload})
    assert response.status_code == 400
    html = response.content.decode()
    top = html.index('id="upload-problems"')
    assert top < html.index("导出单位年度申报表")  # above the page's other sections, where people look
    assert "申报表.xls 是旧版 Excel 文件（.xls），本系统无法读取：请在 Excel 中另存为 .xlsx 后上传" in html[top:]


def test_a_text_file_in_gb18030_is_read(admin_client, empty_database):
    upload = SimpleUploadedFile(BAOAN.name, BAOAN.read_text(encoding="utf-8").encode("gb18030"))
    preview = admin_client.post(reverse("admin:projects_import_filings"), {"files": upload, "year": 2023})
    assert preview.status_code == 200
    assert len(preview.context["preview"].created) == 21


def test_a_text_file_in_neither_utf8_nor_gb18030_names_the_file_and_line(admin_client, empty_database):
    data = "标题\n第二行\n".encode() + b"\x80\xff\xfe\x81\n"
    upload = SimpleUploadedFile("乱码.txt", data)
    response = admin_client.post(reverse("admin:projects_import_filings"), {"files": upload})
    assert "乱码.txt：第 3 行起无法读取，文件既不是 UTF-8 也不是 GBK/GB18030 编码的文本" in response.content.decode()


def test_an_amount_written_with_wan_names_the_amount_and_what_to_write():
    with pytest.raises(forms.ValidationError) as refused:
        AmountField(label="本年度项目金额").clean("40万")
    assert refused.value.messages == [
        "本年度项目金额「40万」不是数字：请只填写数字，不要带“万”“元”等文字（金额单位在表头选择）"
    ]
    assert AmountField(label="本年度项目金额").clean("400,000") == Decimal("400000")


# Item 11: the upload's preview and its confirmation


@pytest.fixture
def uploader(client, people):
    client.force_login(make_filer(people.unit_a, username="uploader"))
    return client


def _upload(client, data: bytes):
    workbook = SimpleUploadedFile("申报表.xlsx", data, content_type="application/octet-stream")
    return client.post(reverse("projects:workbook_upload"), {"workbook": workbook})


def test_the_preview_of_a_new_project_shows_its_rows_and_what_the_checks_will_find(uploader, people, make_filing):
    made = make_filing(people.unit_a, name="新的项目", rows_per_category=1)
    rows = list(made.indicators.values_list("name", flat=True))
    data = filings_to_workbook(filings=Filing.objects.filter(pk=made.pk))
    made.delete()

    preview = _upload(uploader, data)

    [change] = preview.context["preview"].changes
    assert change.created and change.findings
    page = html.unescape(preview.content.decode())
    assert all(name in page for name in rows)
    assert "新建申报表的内容：" in page and f"{len(rows)} 行三级指标" in page
    errors = len(change.errors)
    assert (f"导入后有 {errors} 个错误" if errors else "导入后没有错误") in page
    assert all(finding.message in page for finding in change.findings)
    assert not Filing.objects.filter(code=made.code).exists()  # still only a preview


def test_after_confirming_the_message_links_each_project_created_or_updated(uploader, people, make_filing):
    kept, made = make_filing(people.unit_a, name="已有项目"), make_filing(people.unit_a, name="新的项目")
    data = filings_to_workbook(filings=Filing.objects.filter(pk__in=[kept.pk, made.pk]))
    code = made.code
    made.delete()
    Filing.objects.filter(pk=kept.pk).update(name="旧名称")
    preview = _upload(uploader, data)

    confirmed = uploader.post(reverse("projects:workbook_confirm"), {"token": preview.context["token"]}, follow=True)

    created = Filing.objects.get(code=code)
    page = confirmed.content.decode()
    assert f'<a href="{reverse("projects:filing_detail", args=[created.pk])}">新建 新的项目</a>' in page
    assert f'<a href="{reverse("projects:filing_detail", args=[kept.pk])}">已有项目</a>' in page


def test_the_preview_shows_a_moved_row_as_the_pair_of_its_places(uploader, people, make_filing):
    filing = make_filing(people.unit_a, rows_per_category=2)

    def swap(book):
        sheet = book[filing.code]
        quality = row_of(sheet, "B", "*质量")
        first, second = ([sheet[f"{column}{row}"].value for column in "CDE"] for row in (quality, quality + 1))
        for column, one, other in zip("CDE", first, second, strict=True):
            sheet[f"{column}{quality}"], sheet[f"{column}{quality + 1}"] = other, one

    page = _upload(uploader, edit_workbook(filings_to_workbook(filings=Filing.objects.filter(pk=filing.pk)), swap))
    cells = [
        re.sub(r"<[^>]+>", " ", cell).split()
        for cell in re.findall(r"<tr class=\"pair \w+\"><td>(.*?)</td>", page.content.decode(), re.S)
    ]
    assert cells == [["移动前", "第", "2", "条"], ["移动后", "第", "1", "条"]]
    assert "删除" not in page.content.decode().split("import-preview", 1)[1]

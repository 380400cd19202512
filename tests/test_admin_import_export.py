"""The admin's list import and export (django-import-export) of projects and 三级指标."""

import csv
import io
import time
import zipfile

import pytest
import tablib
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from indicators.models import Indicator
from projects.models import Project
from projects.resources import IndicatorResource, ProjectResource
from projects.uploads import PendingUploadStorage
from tests.helpers.workbooks import make_filer

pytestmark = pytest.mark.django_db

BAOAN_CODE = "440306210601500000540"
CSV, XLSX = "0", "1"


@pytest.fixture
def project(samples):
    return Project.objects.get(code=BAOAN_CODE)


@pytest.fixture
def staff_filer(client, project):
    """A 填报人 of the 宝安 department who may use the admin and import lists."""
    user = make_filer(project.applicant)
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_project", "change_project"]))
    client.force_login(user)
    return client


def export_fields(resource) -> dict:
    name = resource.__name__.lower()
    return {f"{name}_{field}": "on" for field in resource().get_export_order()}


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def csv_upload(rows: list[dict], name: str = "projects.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def project_csv(queryset) -> list[dict]:
    return list(csv.DictReader(io.StringIO(ProjectResource().export(queryset=queryset).csv)))


def test_the_export_holds_exactly_the_filtered_changelist(admin_client, project):
    url = reverse("admin:projects_project_export")
    query = f"?applicant__id__exact={project.applicant_id}&q=政府购买服务"

    response = admin_client.post(url + query, {"format": CSV, "resource": "0", **export_fields(ProjectResource)})

    expected = Project.objects.filter(applicant=project.applicant, name__contains="政府购买服务")
    assert sorted(row["项目编码"] for row in csv_rows(response)) == sorted(expected.values_list("code", flat=True))
    assert expected.count() > 1


def test_a_filers_export_holds_only_their_departments_projects(staff_filer, project):
    response = staff_filer.post(
        reverse("admin:projects_project_export"), {"format": CSV, "resource": "0", **export_fields(ProjectResource)}
    )

    rows = csv_rows(response)
    assert {row["申请单位"] for row in rows} == {project.applicant.name}
    assert len(rows) == Project.objects.filter(applicant=project.applicant).count()


def test_the_changelist_offers_import_export_and_keeps_the_text_upload_link(admin_client, samples):
    page = admin_client.get(reverse("admin:projects_project_changelist")).content.decode()

    assert reverse("admin:projects_import_filings") in page
    assert reverse("admin:projects_project_import") in page
    assert reverse("admin:projects_project_export") in page


def test_importing_requires_the_import_permission(client, project):
    user = make_filer(project.applicant, can_import=False)
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_project", "change_project"]))
    client.force_login(user)

    assert client.get(reverse("admin:projects_project_import")).status_code == 403
    assert client.get(reverse("admin:indicators_indicator_import")).status_code == 403


def test_a_csv_import_is_previewed_then_confirmed(staff_filer, project):
    rows = project_csv(Project.objects.filter(applicant=project.applicant))
    changed = next(row for row in rows if row["项目编码"] == BAOAN_CODE)
    changed["项目名称"] = "公章补贴"

    preview = staff_filer.post(
        reverse("admin:projects_project_import"), {"import_file": csv_upload(rows), "format": CSV, "resource": "0"}
    )

    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["update"] == 1 and result.totals["skip"] == len(rows) - 1
    assert Project.objects.get(pk=project.pk).name != "公章补贴"

    confirm = preview.context["confirm_form"]
    response = staff_filer.post(reverse("admin:projects_project_process_import"), confirm.initial)

    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).name == "公章补贴"


def test_a_list_import_confirmed_twice_or_after_it_expired_asks_for_the_file_again(staff_filer, project, monkeypatch):
    rows = project_csv(Project.objects.filter(pk=project.pk))
    rows[0]["项目名称"] = "公章补贴"
    monkeypatch.setattr(PendingUploadStorage, "CACHE_LIFETIME", 0.05)
    expiring = staff_filer.post(
        reverse("admin:projects_project_import"), {"import_file": csv_upload(rows), "format": CSV, "resource": "0"}
    )
    time.sleep(0.1)

    late = staff_filer.post(
        reverse("admin:projects_project_process_import"), expiring.context["confirm_form"].initial, follow=True
    )

    assert "待确认的文件已过期或已经导入" in late.content.decode()
    assert Project.objects.get(pk=project.pk).name != "公章补贴"
    monkeypatch.undo()
    preview = staff_filer.post(
        reverse("admin:projects_project_import"), {"import_file": csv_upload(rows), "format": CSV, "resource": "0"}
    )
    confirm = preview.context["confirm_form"].initial
    assert staff_filer.post(reverse("admin:projects_project_process_import"), confirm).status_code == 302
    assert Project.objects.get(pk=project.pk).name == "公章补贴"

    again = staff_filer.post(reverse("admin:projects_project_process_import"), confirm, follow=True)

    assert "待确认的文件已过期或已经导入" in again.content.decode()


def test_a_list_import_cannot_be_confirmed_from_another_session(staff_filer, client, project):
    rows = project_csv(Project.objects.filter(pk=project.pk))
    rows[0]["项目名称"] = "公章补贴"
    preview = staff_filer.post(
        reverse("admin:projects_project_import"), {"import_file": csv_upload(rows), "format": CSV, "resource": "0"}
    )
    intruder = make_filer(project.applicant, username="intruder")
    intruder.is_staff = True
    intruder.save()
    intruder.user_permissions.add(*Permission.objects.filter(codename__in=["view_project", "change_project"]))
    client.force_login(intruder)

    response = client.post(reverse("admin:projects_project_process_import"), preview.context["confirm_form"].initial)

    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).name != "公章补贴"


def test_confirming_a_list_import_requires_the_import_permission(client, project):
    user = make_filer(project.applicant, can_import=False)
    user.is_staff = True
    user.save()
    client.force_login(user)

    response = client.post(reverse("admin:projects_project_process_import"), {"import_file_name": "x", "format": CSV})

    assert response.status_code == 403


def test_a_filers_import_that_touches_another_department_is_refused_with_its_row(staff_filer, project):
    futian = Project.objects.filter(applicant__name__contains="福田").first()
    rows = project_csv(Project.objects.filter(pk__in=[project.pk, futian.pk]).order_by("-code"))
    for row in rows:
        row["项目名称"] += "（改）"

    preview = staff_filer.post(
        reverse("admin:projects_project_import"), {"import_file": csv_upload(rows), "format": CSV, "resource": "0"}
    )

    invalid = preview.context["result"].invalid_rows
    futian_row = 1 + [row["项目编码"] for row in rows].index(futian.code)
    assert [row.number for row in invalid] == [futian_row]
    assert "属于其他单位" in str(invalid[0].error_dict)
    assert "confirm_form" not in preview.context
    assert Project.objects.filter(name__endswith="（改）").count() == 0


def test_a_filer_cannot_create_a_project_for_another_department(project):
    futian = Project.objects.filter(applicant__name__contains="福田").first()
    row = project_csv(Project.objects.filter(pk=futian.pk))[0]
    row["项目编码"] = "440304251061500000001"
    dataset = tablib.Dataset(list(row.values()), headers=list(row))

    result = ProjectResource().import_data(dataset, dry_run=True, user=make_filer(project.applicant))

    assert "不是「深圳市福田区" in str(result.invalid_rows[0].error_dict)


def test_a_project_row_with_a_code_of_the_wrong_shape_is_invalid(project, admin_user):
    row = project_csv(Project.objects.filter(pk=project.pk))[0]
    row["项目编码"] = "4403062106"
    dataset = tablib.Dataset(list(row.values()), headers=list(row))

    result = ProjectResource().import_data(dataset, dry_run=True, user=admin_user)

    assert "项目编码应为21位数字" in str(result.invalid_rows[0].error_dict)


def test_departments_are_found_by_name_whatever_brackets_they_use(project, admin_user):
    row = project_csv(Project.objects.filter(pk=project.pk))[0]
    row["申请单位"] = row["申请单位"].replace("(", "（").replace(")", "）")
    row["项目名称"] = "改名"
    dataset = tablib.Dataset(list(row.values()), headers=list(row))

    result = ProjectResource().import_data(dataset, dry_run=False, user=admin_user)

    assert not result.has_validation_errors() and not result.has_errors()
    project.refresh_from_db()
    assert (project.name, project.applicant.name) == ("改名", "深圳市宝安区政务服务数据管理局(本级)")


def test_indicator_rows_import_by_code_year_and_position_and_reparse_their_value(project, admin_user):
    dataset = IndicatorResource().export(queryset=Indicator.objects.filter(project=project))
    quality = next(i for i, row in enumerate(dataset.dict) if row["二级指标"] == "质量")
    dataset[quality] = tuple(
        "≥95%" if header == "指标值" else value for header, value in zip(dataset.headers, dataset[quality], strict=True)
    )

    result = IndicatorResource().import_data(dataset, dry_run=False, user=admin_user)

    assert result.totals["update"] == 1 and not result.has_validation_errors()
    indicator = project.indicators.get(category__name="质量")
    assert (indicator.value, indicator.comparator, indicator.number, indicator.unit) == ("≥95%", "≥", 95, "%")


def test_indicator_rows_of_a_submitted_project_are_refused(project, admin_user):
    Project.objects.filter(pk=project.pk).update(status="submitted")
    dataset = IndicatorResource().export(queryset=Indicator.objects.filter(project=project)[:1])
    dataset[0] = tuple(
        "改" if header == "指标值" else value for header, value in zip(dataset.headers, dataset[0], strict=True)
    )

    result = IndicatorResource().import_data(dataset, dry_run=True, user=admin_user)

    assert "已送审" in str(result.invalid_rows[0].error_dict)


def test_an_xlsx_list_with_a_formula_is_refused(admin_client, project):
    workbook = Workbook()
    workbook.active.append(["预算年度", "项目编码", "项目名称"])
    workbook.active.append([project.fiscal_year, BAOAN_CODE, '=CONCAT("公章","补贴")'])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("projects.xlsx", buffer.getvalue())

    response = admin_client.post(
        reverse("admin:projects_project_import"), {"import_file": upload, "format": XLSX, "resource": "0"}
    )

    assert "单元格 C2 含有公式" in response.content.decode()
    assert Project.objects.get(pk=project.pk).name == "新开办企业刻制公章补贴经费"


def test_the_xlsx_list_export_keeps_text_that_starts_with_an_equals_sign_as_text(admin_client, project):
    Project.objects.filter(pk=project.pk).update(project_type="=15 其他经费")

    response = admin_client.post(
        reverse("admin:projects_project_export") + f"?q={BAOAN_CODE}",
        {"format": XLSX, "resource": "0", **export_fields(ProjectResource)},
    )

    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = next(c for c in sheet[2] if c.value == "=15 其他经费")
    assert cell.data_type == "s"


def test_an_xlsx_list_exported_from_the_admin_imports_back_unchanged(admin_client, project):
    exported = admin_client.post(
        reverse("admin:projects_project_export") + f"?applicant__id__exact={project.applicant_id}",
        {"format": XLSX, "resource": "0", **export_fields(ProjectResource)},
    )
    upload = SimpleUploadedFile("projects.xlsx", exported.content)

    preview = admin_client.post(
        reverse("admin:projects_project_import"), {"import_file": upload, "format": XLSX, "resource": "0"}
    )

    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == Project.objects.filter(applicant=project.applicant).count()


def test_the_csv_list_export_writes_text_a_spreadsheet_would_evaluate_with_an_apostrophe(admin_client, project):
    Project.objects.filter(pk=project.pk).update(project_type="=15 其他经费", name="@SUM(A1)补贴")

    response = admin_client.post(
        reverse("admin:projects_project_export") + f"?q={BAOAN_CODE}",
        {"format": CSV, "resource": "0", **export_fields(ProjectResource)},
    )

    (row,) = csv_rows(response)
    assert row["项目类型"] == "'=15 其他经费" and row["项目名称"] == "'@SUM(A1)补贴"
    assert row["项目编码"] == BAOAN_CODE


def test_a_csv_list_exported_from_the_admin_imports_back_unchanged(admin_client, project):
    Project.objects.filter(pk=project.pk).update(project_type="=15 其他经费")
    exported = admin_client.post(
        reverse("admin:projects_project_export") + f"?applicant__id__exact={project.applicant_id}",
        {"format": CSV, "resource": "0", **export_fields(ProjectResource)},
    )
    upload = SimpleUploadedFile("projects.csv", exported.content, content_type="text/csv")

    preview = admin_client.post(
        reverse("admin:projects_project_import"), {"import_file": upload, "format": CSV, "resource": "0"}
    )

    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == Project.objects.filter(applicant=project.applicant).count()


def test_a_zip_bomb_sent_as_an_xlsx_list_is_refused(admin_client, samples):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "")
        archive.writestr("xl/workbook.xml", "")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    upload = SimpleUploadedFile("projects.xlsx", buffer.getvalue())

    response = admin_client.post(
        reverse("admin:projects_project_import"), {"import_file": upload, "format": XLSX, "resource": "0"}
    )

    assert "压缩比异常" in response.content.decode()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_an_admin_list_import_over_the_size_limit_is_refused(admin_client, project):
    rows = project_csv(Project.objects.filter(applicant=project.applicant))

    response = admin_client.post(
        reverse("admin:projects_project_import"), {"import_file": csv_upload(rows), "format": CSV, "resource": "0"}
    )

    assert "文件大小超过上限" in response.content.decode()


def test_an_indicator_list_import_refreshes_the_stored_check_of_the_projects_it_touched(project, admin_user):
    # 本年度 is 10,698,600 元 and the 成本 row says ≤1500万元, above it (rule 8): one error.
    cost_row = project.indicators.get(category__name="成本")
    assert [f["indicator_id"] for f in project.filing_check.findings if f["severity"] == "error"] == [cost_row.pk]
    dataset = IndicatorResource().export(queryset=Indicator.objects.filter(project=project))
    cost = next(i for i, row in enumerate(dataset.dict) if row["二级指标"] == "成本")
    dataset[cost] = tuple(
        "≤1000万元" if header == "指标值" else value
        for header, value in zip(dataset.headers, dataset[cost], strict=True)
    )
    IndicatorResource().import_data(dataset, dry_run=False, user=admin_user)
    project.filing_check.refresh_from_db()
    assert project.filing_check.errors == 0

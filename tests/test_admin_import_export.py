"""The admin's list import and export (django-import-export) of each kind's filings and of the 二级 三级指标."""

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
from projects.models import Filing, ProjectHeader
from projects.resources import RESOURCES, IndicatorResource, ProjectResource
from projects.uploads import PendingUploadStorage
from tests.helpers.workbooks import make_filer

pytestmark = pytest.mark.django_db

BAOAN_CODE = "440306210601500000540"
CSV, XLSX = "0", "1"


@pytest.fixture
def project(samples):
    return Filing.objects.select_related("department", "project_header").get(code=BAOAN_CODE)


@pytest.fixture
def staff_filer(client, project):
    """A 填报人 of the 宝安 department who may use the admin and import lists."""
    user = make_filer(project.department)
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_projectfiling", "change_projectfiling"]))
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
    url = reverse("admin:projects_projectfiling_export")
    query = f"?department__id__exact={project.department_id}&q=政府购买服务"

    response = admin_client.post(url + query, {"format": CSV, "resource": "0", **export_fields(ProjectResource)})

    expected = Filing.objects.filter(kind="project", department=project.department, name__contains="政府购买服务")
    assert sorted(row["项目编码"] for row in csv_rows(response)) == sorted(expected.values_list("code", flat=True))
    assert expected.count() > 1


def test_a_filers_export_holds_only_their_departments_projects(staff_filer, project):
    response = staff_filer.post(
        reverse("admin:projects_projectfiling_export"),
        {"format": CSV, "resource": "0", **export_fields(ProjectResource)},
    )

    rows = csv_rows(response)
    assert {row["申请单位"] for row in rows} == {project.department.name}
    assert len(rows) == Filing.objects.filter(kind="project", department=project.department).count()


def test_the_changelist_offers_import_export_and_keeps_the_text_upload_link(admin_client, samples):
    page = admin_client.get(reverse("admin:projects_projectfiling_changelist")).content.decode()

    assert reverse("admin:projects_import_filings") in page
    assert reverse("admin:projects_projectfiling_import") in page
    assert reverse("admin:projects_projectfiling_export") in page


def test_importing_requires_the_import_permission(client, project):
    user = make_filer(project.department, can_import=False)
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_projectfiling", "change_projectfiling"]))
    client.force_login(user)

    assert client.get(reverse("admin:projects_projectfiling_import")).status_code == 403
    assert client.get(reverse("admin:indicators_indicator_import")).status_code == 403


def test_a_csv_import_is_previewed_then_confirmed(staff_filer, project):
    rows = project_csv(Filing.objects.filter(kind="project", department=project.department))
    changed = next(row for row in rows if row["项目编码"] == BAOAN_CODE)
    changed["项目名称"] = "公章补贴"

    preview = staff_filer.post(
        reverse("admin:projects_projectfiling_import"),
        {"import_file": csv_upload(rows), "format": CSV, "resource": "0"},
    )

    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["update"] == 1 and result.totals["skip"] == len(rows) - 1
    assert Filing.objects.get(pk=project.pk).name != "公章补贴"

    confirm = preview.context["confirm_form"]
    response = staff_filer.post(reverse("admin:projects_projectfiling_process_import"), confirm.initial)

    assert response.status_code == 302
    assert Filing.objects.get(pk=project.pk).name == "公章补贴"


def test_a_list_import_confirmed_twice_or_after_it_expired_asks_for_the_file_again(staff_filer, project, monkeypatch):
    rows = project_csv(Filing.objects.filter(pk=project.pk))
    rows[0]["项目名称"] = "公章补贴"
    monkeypatch.setattr(PendingUploadStorage, "CACHE_LIFETIME", 0.05)
    expiring = staff_filer.post(
        reverse("admin:projects_projectfiling_import"),
        {"import_file": csv_upload(rows), "format": CSV, "resource": "0"},
    )
    time.sleep(0.1)

    late = staff_filer.post(
        reverse("admin:projects_projectfiling_process_import"), expiring.context["confirm_form"].initial, follow=True
    )

    assert "待确认的文件已过期（上传后 24 小时内未确认）" in late.content.decode()
    assert Filing.objects.get(pk=project.pk).name != "公章补贴"
    monkeypatch.undo()
    preview = staff_filer.post(
        reverse("admin:projects_projectfiling_import"),
        {"import_file": csv_upload(rows), "format": CSV, "resource": "0"},
    )
    confirm = preview.context["confirm_form"].initial
    assert staff_filer.post(reverse("admin:projects_projectfiling_process_import"), confirm).status_code == 302
    assert Filing.objects.get(pk=project.pk).name == "公章补贴"

    again = staff_filer.post(reverse("admin:projects_projectfiling_process_import"), confirm, follow=True)

    assert "待确认的文件已过期或已经导入" in again.content.decode()


def test_a_list_import_whose_confirmation_was_killed_is_reported_as_unfinished(staff_filer, project):
    rows = project_csv(Filing.objects.filter(pk=project.pk))
    rows[0]["项目名称"] = "公章补贴"
    preview = staff_filer.post(
        reverse("admin:projects_projectfiling_import"),
        {"import_file": csv_upload(rows), "format": CSV, "resource": "0"},
    )
    confirm = preview.context["confirm_form"].initial
    # What a killed confirmation leaves: the upload claimed and still stored, the session unchanged.
    assert PendingUploadStorage(name=confirm["import_file_name"]).claim()

    page = staff_filer.post(reverse("admin:projects_projectfiling_process_import"), confirm, follow=True)

    text = page.content.decode()
    assert "确认导入，但导入没有完成" in text and "已过期" not in text
    assert Filing.objects.get(pk=project.pk).name != "公章补贴"


def test_a_list_import_cannot_be_confirmed_from_another_session(staff_filer, client, project):
    rows = project_csv(Filing.objects.filter(pk=project.pk))
    rows[0]["项目名称"] = "公章补贴"
    preview = staff_filer.post(
        reverse("admin:projects_projectfiling_import"),
        {"import_file": csv_upload(rows), "format": CSV, "resource": "0"},
    )
    intruder = make_filer(project.department, username="intruder")
    intruder.is_staff = True
    intruder.save()
    intruder.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_projectfiling", "change_projectfiling"])
    )
    client.force_login(intruder)

    response = client.post(
        reverse("admin:projects_projectfiling_process_import"), preview.context["confirm_form"].initial
    )

    assert response.status_code == 302
    assert Filing.objects.get(pk=project.pk).name != "公章补贴"


def test_confirming_a_list_import_requires_the_import_permission(client, project):
    user = make_filer(project.department, can_import=False)
    user.is_staff = True
    user.save()
    client.force_login(user)

    response = client.post(
        reverse("admin:projects_projectfiling_process_import"), {"import_file_name": "x", "format": CSV}
    )

    assert response.status_code == 403


def test_a_filers_import_that_touches_another_department_is_refused_with_its_row(staff_filer, project):
    futian = Filing.objects.filter(kind="project", department__name__contains="福田").earliest("code")
    rows = project_csv(Filing.objects.filter(pk__in=[project.pk, futian.pk]).order_by("-code"))
    for row in rows:
        row["项目名称"] += "（改）"

    preview = staff_filer.post(
        reverse("admin:projects_projectfiling_import"),
        {"import_file": csv_upload(rows), "format": CSV, "resource": "0"},
    )

    invalid = preview.context["result"].invalid_rows
    futian_row = 1 + [row["项目编码"] for row in rows].index(futian.code)
    assert [row.number for row in invalid] == [futian_row]
    assert "您不是「深圳市福田区政务服务数据管理局（本级）」的填报人" in str(invalid[0].error_dict)
    assert "confirm_form" not in preview.context
    assert Filing.objects.filter(name__endswith="（改）").count() == 0


def test_a_filer_cannot_create_a_project_for_another_department(project):
    futian = Filing.objects.filter(kind="project", department__name__contains="福田").earliest("code")
    row = project_csv(Filing.objects.filter(pk=futian.pk))[0]
    row["项目编码"] = "440304251061500000001"
    dataset = tablib.Dataset(list(row.values()), headers=list(row))

    result = ProjectResource().import_data(dataset, dry_run=True, user=make_filer(project.department))

    assert "不是「深圳市福田区" in str(result.invalid_rows[0].error_dict)


def test_a_project_row_with_a_new_code_creates_the_project_with_its_header(project, admin_user):
    row = project_csv(Filing.objects.filter(pk=project.pk))[0]
    row.update({"项目编码": "440306231061500000001", "项目名称": "新建的项目", "项目类型": "16 测试经费"})
    dataset = tablib.Dataset(list(row.values()), headers=list(row))

    result = ProjectResource().import_data(dataset, dry_run=False, user=admin_user)

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 1
    created = Filing.objects.select_related("project_header").get(code="440306231061500000001")
    assert (created.kind, created.name, created.department, created.fiscal_year) == (
        "project",
        "新建的项目",
        project.department,
        project.fiscal_year,
    )
    assert (created.project_header.project_type, created.project_header.current_amount) == (
        "16 测试经费",
        project.project_header.current_amount,
    )
    assert created.template.kind == "project"


def test_a_project_row_with_a_code_of_the_wrong_shape_is_invalid(project, admin_user):
    row = project_csv(Filing.objects.filter(pk=project.pk))[0]
    row["项目编码"] = "4403062106"
    dataset = tablib.Dataset(list(row.values()), headers=list(row))

    result = ProjectResource().import_data(dataset, dry_run=True, user=admin_user)

    assert result.invalid_rows[0].error_dict == {"项目编码": ["项目编码「4403062106」应为21位数字"]}


def test_departments_are_found_by_name_whatever_brackets_they_use(project, admin_user):
    row = project_csv(Filing.objects.filter(pk=project.pk))[0]
    row["申请单位"] = row["申请单位"].replace("(", "（").replace(")", "）")
    row["项目名称"] = "改名"
    dataset = tablib.Dataset(list(row.values()), headers=list(row))

    result = ProjectResource().import_data(dataset, dry_run=False, user=admin_user)

    assert not result.has_validation_errors() and not result.has_errors()
    project.refresh_from_db()
    assert (project.name, project.department.name) == ("改名", "深圳市宝安区政务服务数据管理局(本级)")


def test_indicator_rows_import_by_code_year_and_position_and_reparse_their_value(project, admin_user):
    dataset = IndicatorResource().export(queryset=Indicator.objects.filter(filing=project))
    quality = next(i for i, row in enumerate(dataset.dict) if row["二级指标"] == "质量")
    dataset[quality] = tuple(
        "≥95%" if header == "指标值" else value for header, value in zip(dataset.headers, dataset[quality], strict=True)
    )

    result = IndicatorResource().import_data(dataset, dry_run=False, user=admin_user)

    assert result.totals["update"] == 1 and not result.has_validation_errors()
    indicator = project.indicators.get(category__name="质量")
    assert (indicator.value, indicator.comparator, indicator.number, indicator.unit) == ("≥95%", "≥", 95, "%")


def test_indicator_rows_of_a_submitted_project_are_refused(project, admin_user):
    Filing.objects.filter(pk=project.pk).update(status="submitted")
    dataset = IndicatorResource().export(queryset=Indicator.objects.filter(filing=project)[:1])
    dataset[0] = tuple(
        "改" if header == "指标值" else value for header, value in zip(dataset.headers, dataset[0], strict=True)
    )

    result = IndicatorResource().import_data(dataset, dry_run=True, user=admin_user)

    assert "已送审" in str(result.invalid_rows[0].error_dict)


def test_an_xlsx_list_with_a_formula_is_refused(admin_client, project):
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(["预算年度", "项目编码", "项目名称"])
    sheet.append([project.fiscal_year, BAOAN_CODE, '=CONCAT("公章","补贴")'])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("projects.xlsx", buffer.getvalue())

    response = admin_client.post(
        reverse("admin:projects_projectfiling_import"), {"import_file": upload, "format": XLSX, "resource": "0"}
    )

    assert "单元格 C2 含有公式" in response.content.decode()
    assert Filing.objects.get(pk=project.pk).name == "新开办企业刻制公章补贴经费"


def test_the_xlsx_list_export_keeps_text_that_starts_with_an_equals_sign_as_text(admin_client, project):
    ProjectHeader.objects.filter(filing=project).update(project_type="=15 其他经费")

    response = admin_client.post(
        reverse("admin:projects_projectfiling_export") + f"?q={BAOAN_CODE}",
        {"format": XLSX, "resource": "0", **export_fields(ProjectResource)},
    )

    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    cell = next(c for c in sheet[2] if c.value == "=15 其他经费")
    assert cell.data_type == "s"


def test_an_xlsx_list_exported_from_the_admin_imports_back_unchanged(admin_client, project):
    exported = admin_client.post(
        reverse("admin:projects_projectfiling_export") + f"?department__id__exact={project.department_id}",
        {"format": XLSX, "resource": "0", **export_fields(ProjectResource)},
    )
    upload = SimpleUploadedFile("projects.xlsx", exported.content)

    preview = admin_client.post(
        reverse("admin:projects_projectfiling_import"), {"import_file": upload, "format": XLSX, "resource": "0"}
    )

    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == Filing.objects.filter(kind="project", department=project.department).count()


def test_the_csv_list_export_writes_text_a_spreadsheet_would_evaluate_with_an_apostrophe(admin_client, project):
    ProjectHeader.objects.filter(filing=project).update(project_type="=15 其他经费")
    Filing.objects.filter(pk=project.pk).update(name="@SUM(A1)补贴")

    response = admin_client.post(
        reverse("admin:projects_projectfiling_export") + f"?q={BAOAN_CODE}",
        {"format": CSV, "resource": "0", **export_fields(ProjectResource)},
    )

    (row,) = csv_rows(response)
    assert row["项目类型"] == "'=15 其他经费" and row["项目名称"] == "'@SUM(A1)补贴"
    assert row["项目编码"] == BAOAN_CODE


def test_a_csv_list_exported_from_the_admin_imports_back_unchanged(admin_client, project):
    ProjectHeader.objects.filter(filing=project).update(project_type="=15 其他经费")
    exported = admin_client.post(
        reverse("admin:projects_projectfiling_export") + f"?department__id__exact={project.department_id}",
        {"format": CSV, "resource": "0", **export_fields(ProjectResource)},
    )
    upload = SimpleUploadedFile("projects.csv", exported.content, content_type="text/csv")

    preview = admin_client.post(
        reverse("admin:projects_projectfiling_import"), {"import_file": upload, "format": CSV, "resource": "0"}
    )

    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == Filing.objects.filter(kind="project", department=project.department).count()


def test_a_zip_bomb_sent_as_an_xlsx_list_is_refused(admin_client, samples):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "")
        archive.writestr("xl/workbook.xml", "")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    upload = SimpleUploadedFile("projects.xlsx", buffer.getvalue())

    response = admin_client.post(
        reverse("admin:projects_projectfiling_import"), {"import_file": upload, "format": XLSX, "resource": "0"}
    )

    assert "压缩比异常" in response.content.decode()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_an_admin_list_import_over_the_size_limit_is_refused(admin_client, project):
    rows = project_csv(Filing.objects.filter(kind="project", department=project.department))

    response = admin_client.post(
        reverse("admin:projects_projectfiling_import"),
        {"import_file": csv_upload(rows), "format": CSV, "resource": "0"},
    )

    assert "文件大小超过上限" in response.content.decode()


def test_an_indicator_list_import_refreshes_the_stored_check_of_the_projects_it_touched(project, admin_user):
    # 本年度 is 10,698,600 元 and the 成本 row says ≤1500万元, above it (rule 8): one error.
    cost_row = project.indicators.get(category__name="成本")
    assert [f["indicator_id"] for f in project.filing_check.findings if f["severity"] == "error"] == [cost_row.pk]
    dataset = IndicatorResource().export(queryset=Indicator.objects.filter(filing=project))
    cost = next(i for i, row in enumerate(dataset.dict) if row["二级指标"] == "成本")
    dataset[cost] = tuple(
        "≤1000万元" if header == "指标值" else value
        for header, value in zip(dataset.headers, dataset[cost], strict=True)
    )
    IndicatorResource().import_data(dataset, dry_run=False, user=admin_user)
    project.filing_check.refresh_from_db()
    assert project.filing_check.errors == 0


@pytest.mark.parametrize("kind", ["program", "overall"])
def test_the_other_kinds_lists_export_their_header_and_import_back_unchanged(admin_client, samples, kind):
    resource = RESOURCES[kind]
    exported = admin_client.post(
        reverse(f"admin:projects_{kind}filing_export"), {"format": CSV, "resource": "0", **export_fields(resource)}
    )
    rows = csv_rows(exported)
    filings = Filing.objects.filter(kind=kind)
    assert len(rows) == filings.count() > 0
    assert {row["预算年度"] for row in rows} == {str(year) for year in filings.values_list("fiscal_year", flat=True)}
    upload = SimpleUploadedFile(f"{kind}.csv", exported.content, content_type="text/csv")

    preview = admin_client.post(
        reverse(f"admin:projects_{kind}filing_import"), {"import_file": upload, "format": CSV, "resource": "0"}
    )

    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == filings.count()


def test_a_program_list_import_changes_the_header_of_the_program_it_names(admin_user, samples):
    program = Filing.objects.select_related("program_header").filter(kind="program").earliest("name")
    rows = list(
        csv.DictReader(io.StringIO(RESOURCES["program"]().export(queryset=Filing.objects.filter(pk=program.pk)).csv))
    )
    goal_column = next(column for column in rows[0] if column.startswith("项目绩效目标"))
    rows[0][goal_column] = "1、改写的绩效目标。"
    dataset = tablib.Dataset(*[list(row.values()) for row in rows], headers=list(rows[0]))

    result = RESOURCES["program"]().import_data(dataset, dry_run=False, user=admin_user)

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["update"] == 1
    saved = Filing.objects.select_related("program_header").get(pk=program.pk)
    assert saved.program_header.goal == "1、改写的绩效目标。"
    assert saved.version == program.version + 1

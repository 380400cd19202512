"""An import never changes the unit hierarchy, which decides who sees which filings: a form that names
another parent for a unit is refused where it says so. Moving a unit is an administrator's act on the
unit's admin page, recorded in its history with who, when and why."""

from __future__ import annotations

import pytest
import tablib
from django.contrib.auth.models import Permission
from django.urls import reverse

from projects.models import Department, Filing
from projects.resources import ProjectResource
from projects.services.excel import filings_to_workbook
from projects.services.excel_import import WorkbookImportError, workbook_import
from projects.services.imports import FilingImportError, SourceFile, import_filings
from tests.helpers.workbooks import edit_workbook, value_cell
from tests.writes.forms import TEXT_CODE, project_text

pytestmark = pytest.mark.django_db


def _parent(unit: Department) -> Department | None:
    return Department.objects.get(pk=unit.pk).parent


def test_a_text_import_naming_another_parent_for_a_unit_is_refused_with_its_line(people):
    # Unit B is a top-level unit; the form files it under unit A.
    text = project_text(unit=people.unit_b, top_unit=people.unit_a)

    with pytest.raises(FilingImportError) as refused:
        import_filings(sources=[SourceFile("福田.txt", text)], year=2031)

    message = str(refused.value)
    assert message.startswith("福田.txt 第1行：一级预算单位「深圳市宝安区测试数据管理局（本级）」")
    assert "上级单位「（无）」不符" in message and "由管理员在“预算单位”中修改" in message
    assert _parent(people.unit_b) is None
    assert not Filing.objects.filter(code=TEXT_CODE).exists()


def test_an_administrators_workbook_naming_another_parent_is_refused_naming_the_cell(people, make_filing, admin_user):
    filing = make_filing(people.unit_b)

    def file_under_a(book):
        value_cell(book[filing.code], "一级预算单位").value = people.unit_a.name

    data = edit_workbook(filings_to_workbook(filings=Filing.objects.filter(pk=filing.pk)), file_under_a)

    with pytest.raises(WorkbookImportError) as refused:
        workbook_import(data=data, file_name="福田.xlsx", user=admin_user, dry_run=True)

    assert f"工作表「{filing.code}」单元格 E4：一级预算单位「{people.unit_a.name}」" in str(refused.value)
    assert _parent(people.unit_b) is None
    assert not people.owner.assignments.filter(department=people.unit_b).exists()


def test_an_administrators_list_import_naming_another_parent_is_refused(people, make_filing, admin_user):
    filing = make_filing(people.unit_b)
    exported = ProjectResource().export(queryset=Filing.objects.filter(pk=filing.pk))
    row = [
        people.unit_a.name if header == "一级预算单位" else cell
        for header, cell in zip(exported.headers, exported[0], strict=True)
    ]

    result = ProjectResource().import_data(
        tablib.Dataset(row, headers=exported.headers), dry_run=False, user=admin_user
    )

    assert "在系统中的上级单位「（无）」不符" in str(result.invalid_rows[0].error_dict["一级预算单位"])
    assert Filing.objects.get(pk=filing.pk).project_header.top_unit == people.unit_b


def test_a_new_unit_is_created_under_the_parent_its_form_names_and_recorded(people, admin_user):
    new = Department(name="深圳市宝安区测试新单位")

    import_filings(
        sources=[SourceFile("新单位.txt", project_text(unit=new, top_unit=people.unit_a))], year=2031, user=admin_user
    )

    unit = Department.objects.get(name="深圳市宝安区测试新单位")
    assert unit.parent == people.unit_a
    record = unit.history.get()
    assert (record.parent, record.history_user, record.history_change_reason) == (
        people.unit_a,
        admin_user,
        "导入申报表时新建",
    )


def _unit_form(unit: Department, **changes) -> dict:
    return {"name": unit.name, "district": unit.district, "parent": unit.parent_id or "", **changes}


def test_an_administrator_moves_a_unit_giving_a_reason_and_its_history_records_it(admin_client, admin_user, people):
    url = reverse("admin:projects_department_change", args=[people.unit_b.pk])

    unexplained = admin_client.post(url, _unit_form(people.unit_b, parent=people.unit_a.pk))
    moved = admin_client.post(url, _unit_form(people.unit_b, parent=people.unit_a.pk, change_reason="机构改革并入"))

    assert unexplained.status_code == 200 and "请说明调整上级单位的原因" in unexplained.content.decode()
    assert moved.status_code == 302
    assert _parent(people.unit_b) == people.unit_a
    record = people.unit_b.history.latest("history_date")
    assert (record.parent, record.history_user, record.history_change_reason) == (
        people.unit_a,
        admin_user,
        "机构改革并入",
    )


def test_a_unit_cannot_be_moved_under_itself_or_a_unit_below_it(admin_client, people):
    url = reverse("admin:projects_department_change", args=[people.unit_a.pk])

    response = admin_client.post(url, _unit_form(people.unit_a, parent=people.unit_a_child.pk, change_reason="试"))

    assert "上级单位不能是本单位或其下级单位" in response.content.decode()
    assert _parent(people.unit_a) is None


def test_only_an_administrator_moves_a_unit(client, people):
    owner = people.owner
    owner.is_staff = True
    owner.save()
    owner.user_permissions.add(*Permission.objects.filter(codename__in=["view_department", "change_department"]))
    client.force_login(owner)
    url = reverse("admin:projects_department_change", args=[people.unit_a_child.pk])

    response = client.post(url, _unit_form(people.unit_a_child, parent="", change_reason="自立门户"))

    assert response.status_code == 302
    assert _parent(people.unit_a_child) == people.unit_a

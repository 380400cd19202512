"""The unit-year page, its exports, the task links made on it, and the district view."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import Filing, TaskLink
from tests.helpers.filings import make_filing, make_overall, make_program
from tests.helpers.pdfs import all_text, font_names
from tests.helpers.samples import BAOAN_OVERALL
from tests.helpers.workbooks import make_filer

pytestmark = pytest.mark.django_db

D = Decimal


def _baoan() -> Filing:
    return Filing.objects.select_related("department").get(kind="overall", source_file=BAOAN_OVERALL.name)


def _url(overall: Filing, name: str = "unit_year") -> str:
    return reverse(f"projects:{name}", args=[overall.department_id, overall.fiscal_year])


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_page_shows_totals_and_flags_the_differences(client, samples):
    overall = _baoan()
    client.force_login(make_filer(overall.department, username="baoan_filer"))
    response = client.get(_url(overall))
    assert response.status_code == 200
    summary = response.context["summary"]
    projects = Filing.objects.filter(kind="project", department=overall.department, fiscal_year=2023)
    assert summary.projects.count == projects.count() == 21
    assert summary.projects.current == sum(f.project_header.current_amount for f in projects)
    html = response.content.decode()
    assert html.count('class="differs"') == 4
    assert "新开办企业刻制公章补贴经费" in html and "55.00" in html and "金额不符" in html
    assert "无对应项目" in html and "<svg" in html
    assert response.context["can_link"]


def test_a_reviewer_sees_the_page_but_cannot_link(client, samples, people):
    overall = _baoan()
    from projects.models import Assignment, Role

    Assignment.objects.create(user=people.reviewer, department=overall.department, role=Role.REVIEWER)
    client.force_login(people.reviewer)
    response = client.get(_url(overall))
    assert response.status_code == 200 and not response.context["can_link"]
    project = Filing.objects.get(kind="project", department=overall.department, name="物业管理费")
    posted = client.post(_url(overall, "task_link"), {"task": "物业管理费", "filing": project.pk, "action": "unlink"})
    assert posted.status_code == 404 and not TaskLink.objects.exists()


def test_another_units_page_is_not_found(client, samples, people):
    client.force_login(people.owner)
    assert client.get(_url(_baoan())).status_code == 404
    assert client.get(_url(_baoan(), "unit_year_xlsx")).status_code == 404


def test_a_filer_links_a_task_and_a_project_on_the_page(client, samples):
    overall = _baoan()
    client.force_login(make_filer(overall.department, username="baoan_filer"))
    project = Filing.objects.get(kind="project", department=overall.department, name="信息化建设管理费")
    response = client.post(
        _url(overall, "task_link"), {"task": "信息化建设管理经费", "filing": project.pk, "action": "link"}, follow=True
    )
    assert "已对应" in response.content.decode()
    [match] = [m for m in response.context["summary"].reconciliation.matches if m.task.name == "信息化建设管理经费"]
    assert [p.filing_id for p in match.projects] == [project.pk] and match.linked == {project.pk}


def test_the_unit_s_projects_are_offered_once_whatever_the_number_of_tasks(client, samples):
    overall = _baoan()
    client.force_login(make_filer(overall.department, username="baoan_filer"))
    project = Filing.objects.get(kind="project", department=overall.department, name="信息化建设管理费")

    page = client.get(_url(overall)).content.decode()

    assert overall.tasks.count() > 3
    assert page.count(f'<option value="{project.pk}">') == 1  # one form for every task
    assert page.count('<option value="信息化建设管理经费">') == 1


def test_linking_without_choosing_a_project_says_so(client, samples):
    overall = _baoan()
    client.force_login(make_filer(overall.department, username="baoan_filer"))
    response = client.post(
        _url(overall, "task_link"), {"task": "基本支出", "filing": "", "action": "link"}, follow=True
    )
    assert "请选择本单位本年度的一级或二级项目" in response.content.decode()
    assert not TaskLink.objects.exists()


def test_a_filing_page_links_to_its_units_year(client, samples):
    overall = _baoan()
    client.force_login(make_filer(overall.department, username="baoan_filer"))
    response = client.get(reverse("projects:filing_detail", args=[overall.pk]))
    assert _url(overall) in response.content.decode()


def test_the_workbook_holds_the_tables_with_amounts_as_numbers(client, samples):
    overall = _baoan()
    client.force_login(make_filer(overall.department, username="baoan_filer"))
    response = client.get(_url(overall, "unit_year_xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["概览", "按一级项目", "按项目类型", "任务与项目", "检查结果"]
    rows = {row[0]: row for row in book["任务与项目"].iter_rows(min_row=2, values_only=True)}
    assert rows["新开办企业刻制公章补贴经费"][1:] == (1124.86, "新开办企业刻制公章补贴经费", 1069.86, 55.0, "金额不符")
    assert rows["基本支出"][-1] == "无对应项目" and rows["水电费"][-1] == "一致"
    assert book["任务与项目"]["B2"].number_format == "#,##0.00"


def test_the_pdf_has_the_tables_in_the_cjk_font(client, samples):
    overall = _baoan()
    client.force_login(make_filer(overall.department, username="baoan_filer"))
    response = client.get(_url(overall, "unit_year_pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = all_text(response.content)
    assert "部门整体表与项目对照" in text and "新开办企业刻制公章补贴经费" in text and "1,124.86" in text
    assert all("CJK" in name for name in font_names(response.content))


def test_the_district_view_lists_each_unit_with_its_figures_and_sorts(client, samples, people):
    overall = _baoan()
    make_filing(people.unit_b, year=2023, current_amount=D("1"))
    client.force_login(people.administrator)
    response = client.get(reverse("projects:district"), {"year": 2023, "sort": "-current"})
    assert response.status_code == 200
    rows = response.context["rows"]
    currents = [row.current for row in rows]
    assert currents == sorted(currents, reverse=True) and len(rows) >= 2
    [baoan] = [row for row in rows if row.department == overall.department]
    assert baoan.differences == 4 and baoan.has_overall and baoan.projects == 21
    assert baoan.filings == Filing.objects.filter(department=overall.department, fiscal_year=2023).count()
    by_unit = client.get(reverse("projects:district"), {"year": 2023, "sort": "unit"}).context["rows"]
    assert [r.department.name for r in by_unit] == sorted(r.department.name for r in by_unit)
    assert client.get(reverse("projects:district"), {"sort": "nonsense"}).status_code == 200


def test_the_district_view_shows_only_the_readers_units(client, samples, people):
    make_filing(people.unit_a, year=2030)
    client.force_login(people.owner)
    rows = client.get(reverse("projects:district"), {"year": 2030}).context["rows"]
    assert [row.department for row in rows] == [people.unit_a]


def _unit_year(department, projects: int) -> None:
    make_overall(department, year=2031, tasks=[(f"项目{n}", D(1000 * (n + 1))) for n in range(projects)])
    program = make_program(department, year=2031, name="一级测试")
    for n in range(projects):
        make_filing(
            department, year=2031, name=f"项目{n}", current_amount=D(1000), program=program, rows_per_category=0
        )


def test_the_unit_year_page_runs_as_many_queries_for_40_projects_as_for_4(client, people):
    client.force_login(people.owner)
    _unit_year(people.unit_a, 4)
    few = _queries(client, reverse("projects:unit_year", args=[people.unit_a.pk, 2031]))
    _unit_year(people.unit_a_child, 40)
    many = _queries(client, reverse("projects:unit_year", args=[people.unit_a_child.pk, 2031]))
    assert few == many


def test_the_district_view_runs_as_many_queries_for_12_units_as_for_2(client, people):
    from projects.models import Department

    client.force_login(people.administrator)
    for n in range(2):
        _unit_year(Department.objects.create(name=f"深圳市测试单位{n}"), 2)
    few = _queries(client, reverse("projects:district") + "?year=2031")
    for n in range(2, 12):
        _unit_year(Department.objects.create(name=f"深圳市测试单位{n}"), 2)
    assert _queries(client, reverse("projects:district") + "?year=2031") == few

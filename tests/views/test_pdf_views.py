import io
import zipfile

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from projects.models import Assignment, Department, Project, Role
from tests.pdfs import all_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdf_cache")]

BAOAN = "深圳市宝安区政务服务数据管理局(本级)"
FUTIAN_CENTRE = "深圳市福田区政务服务中心"


def _user(client, name, unit, role):
    user = User.objects.create_user(name, password="pw-for-tests")
    Assignment.objects.create(user=user, department=Department.objects.get(name=unit), role=role)
    client.force_login(user)
    return user


def _project(unit):
    return Project.objects.filter(applicant__name=unit).order_by("code").first()


@pytest.mark.parametrize("role", [Role.FILER, Role.REVIEWER])
def test_anyone_who_may_see_a_project_downloads_its_pdf(client, samples, role):
    _user(client, "baoan", BAOAN, role)
    project = _project(BAOAN)
    response = client.get(reverse("projects:project_pdf", args=[project.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert project.code in response["Content-Disposition"]
    assert project.code in all_text(b"".join(response.streaming_content))


def test_a_project_of_another_department_answers_404(client, samples):
    _user(client, "baoan", BAOAN, Role.FILER)
    response = client.get(reverse("projects:project_pdf", args=[_project(FUTIAN_CENTRE).pk]))
    assert response.status_code == 404


def test_an_unknown_project_answers_404(client, samples):
    _user(client, "baoan", BAOAN, Role.FILER)
    assert client.get(reverse("projects:project_pdf", args=[999999])).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(client, samples):
    response = client.get(reverse("projects:project_pdf", args=[_project(BAOAN).pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(reverse("projects:department_pdf")).status_code == 302


def test_the_export_page_offers_only_the_users_departments_and_years(client, samples):
    _user(client, "futian", FUTIAN_CENTRE, Role.FILER)
    response = client.get(reverse("projects:department_pdf"))
    assert response.status_code == 200
    form = response.context["form"]
    assert [unit.name for unit in form.fields["department"].queryset] == [FUTIAN_CENTRE]
    assert [year for year, _ in form.fields["year"].choices] == [2022]
    assert "导出申报表 PDF" in response.content.decode()


@pytest.fixture
def small_unit(samples):
    """深圳市福田区政务服务中心 with three of its twelve projects, to keep the renders short."""
    unit = Department.objects.get(name=FUTIAN_CENTRE)
    keep = list(unit.projects.order_by("code").values_list("pk", flat=True)[:3])
    unit.projects.exclude(pk__in=keep).update(fiscal_year=2021)
    return unit


def test_a_department_batch_downloads_as_one_pdf(client, small_unit):
    _user(client, "futian", FUTIAN_CENTRE, Role.REVIEWER)
    response = client.get(reverse("projects:department_pdf"), {"department": small_unit.pk, "year": 2022, "output": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = all_text(b"".join(response.streaming_content))
    for project in small_unit.projects.filter(fiscal_year=2022):
        assert project.code in text


def test_a_department_batch_downloads_as_a_zip(client, small_unit):
    _user(client, "futian", FUTIAN_CENTRE, Role.FILER)
    response = client.get(reverse("projects:department_pdf"), {"department": small_unit.pk, "year": 2022, "output": "zip"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert len(names) == 3
    assert all(name.startswith("440304") and name.endswith(".pdf") for name in names)


def test_another_departments_batch_is_refused_without_a_file(client, samples):
    _user(client, "futian", FUTIAN_CENTRE, Role.FILER)
    baoan = Department.objects.get(name=BAOAN)
    response = client.get(reverse("projects:department_pdf"), {"department": baoan.pk, "year": 2023, "output": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "department" in response.context["form"].errors


def test_a_year_without_projects_says_so(client, small_unit):
    _user(client, "futian", FUTIAN_CENTRE, Role.FILER)
    other = Department.objects.get(name="深圳市福田区数据管理中心")
    Assignment.objects.create(user=User.objects.get(username="futian"), department=other, role=Role.FILER)
    other.projects.update(fiscal_year=2021)
    response = client.get(reverse("projects:department_pdf"), {"department": other.pk, "year": 2022, "output": "pdf"})
    assert response.status_code == 200
    assert "深圳市福田区数据管理中心在2022年度没有可导出的项目。" in response.content.decode()

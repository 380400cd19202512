import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.urls import reverse

from projects.models import Project
from tests.helpers.samples import BAOAN

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(admin_client):
    return admin_client


def test_the_project_changelist_searches_by_code_and_name(staff, samples):
    url = reverse("admin:projects_project_changelist")
    response = staff.get(url, {"q": "440306210601500000540"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    response = staff.get(url, {"q": "民意速办"})
    assert response.context["cl"].result_count == 1


def test_the_project_changelist_filters_by_year_status_type_and_department(staff, samples):
    project = Project.objects.get(code="440306210601500000540")
    url = reverse("admin:projects_project_changelist")
    response = staff.get(
        url,
        {
            "fiscal_year": project.fiscal_year,
            "status__exact": "draft",
            "project_type": "15 其他经费",
            "applicant__id__exact": project.applicant_id,
        },
    )
    assert response.status_code == 200
    expected = Project.objects.filter(applicant=project.applicant, project_type="15 其他经费").count()
    assert response.context["cl"].result_count == expected > 0


def test_the_project_page_shows_indicators_in_the_official_order(staff, samples):
    project = Project.objects.get(code="440304221061500600011")
    response = staff.get(reverse("admin:projects_project_change", args=[project.pk]))
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    categories = [(f.instance.category.parent.order, f.instance.category.order) for f in formset.forms]
    assert categories == sorted(categories)
    assert len(categories) == project.indicators.count()


def test_the_admin_upload_imports_a_file(staff, empty_database):
    upload = SimpleUploadedFile(BAOAN.name, BAOAN.read_bytes(), content_type="text/plain")
    response = staff.post(reverse("admin:projects_import_filings"), {"files": upload, "year": 2023})
    assert response.status_code == 302
    assert Project.objects.filter(fiscal_year=2023).count() == 21


def test_the_admin_upload_shows_the_error_and_writes_nothing(staff, empty_database):
    text = BAOAN.read_text(encoding="utf-8").replace("10,698,600.00", "十万", 1)
    upload = SimpleUploadedFile("bad.txt", text.encode(), content_type="text/plain")
    response = staff.post(reverse("admin:projects_import_filings"), {"files": upload})
    assert response.status_code == 200
    assert "bad.txt" in response.content.decode()
    assert Project.objects.count() == 0


def test_saving_a_project_in_the_admin_reads_row_values_and_rechecks_it(staff, samples):
    project = Project.objects.get(code="440306210601500000540")
    cost = project.indicators.get(category__name="成本")
    url, data = _change_form(staff, project, changes={cost.pk: {"value": "≤1000万元"}})
    response = staff.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    cost.refresh_from_db()
    assert (cost.value, cost.number, cost.unit) == ("≤1000万元", 1000, "万元")
    project.filing_check.refresh_from_db()
    assert project.filing_check.errors == 0  # ≤1500万元 was above the 10,698,600 元 budget


def test_saving_a_project_in_the_admin_queues_its_department_for_printing_ahead(
    staff, samples, prerender_queue, django_capture_on_commit_callbacks
):
    project = Project.objects.get(code="440306210601500000540")
    url, data = _change_form(staff, project, changes={})
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(url, data).status_code == 302
    assert prerender_queue == [(project.applicant_id, project.fiscal_year)]


def _change_form(staff, project, *, changes):
    """The project's admin change page and its form data as shown, with ``changes`` to rows by id."""
    url = reverse("admin:projects_project_change", args=[project.pk])
    page = staff.get(url).context
    data = {name: value for name, value in page["adminform"].form.initial.items() if value is not None}
    data.update({"applicant": project.applicant_id, "top_unit": project.top_unit_id, "template": project.template_id})
    data.update(_inline_data(page["inline_admin_formsets"][0].formset, changes=changes))
    return url, data


def _inline_data(formset, *, changes):
    prefix = formset.prefix
    data = {
        f"{prefix}-TOTAL_FORMS": len(formset.forms),
        f"{prefix}-INITIAL_FORMS": len(formset.forms),
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for index, inline_form in enumerate(formset.forms):
        values = {
            name: inline_form.initial.get(name)
            for name in ("category", "position", "name", "value", "explanation", "not_applicable")
        }
        values.update(changes.get(inline_form.instance.pk, {}))
        values.update({"id": inline_form.instance.pk, "project": formset.instance.pk})
        for name, value in values.items():
            if value is False or value is None:
                continue
            data[f"{prefix}-{index}-{name}"] = value
    return data


def test_renaming_a_department_queues_the_departments_whose_forms_print_its_name(
    staff, samples, prerender_queue, django_capture_on_commit_callbacks
):
    project = Project.objects.get(code="440306210601500000540")
    department = project.applicant
    url = reverse("admin:projects_department_change", args=[department.pk])
    data = {"name": department.name + "（改名）", "district": department.district, "parent": department.parent_id or ""}
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(url, data).status_code == 302
    printed_by = Project.objects.filter(Q(applicant=department) | Q(top_unit=department))
    assert prerender_queue == sorted(set(printed_by.values_list("applicant_id", "fiscal_year")))
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(url, data).status_code == 302  # unchanged name: nothing to print again
    assert len(prerender_queue) == printed_by.values("applicant_id", "fiscal_year").distinct().count()

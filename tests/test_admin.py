import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.urls import reverse

from indicators.models import Indicator
from projects.models import Department, Filing, OverallTask, ProjectHeader
from projects.selectors import department_filings
from tests.helpers.samples import BAOAN, DAPENG

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(admin_client):
    return admin_client


def test_the_project_changelist_searches_by_code_name_and_unit(staff, samples):
    url = reverse("admin:projects_projectfiling_changelist")
    response = staff.get(url, {"q": "440306210601500000540"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    response = staff.get(url, {"q": "民意速办"})
    assert response.context["cl"].result_count == 1
    project = Filing.objects.get(code="440306210601500000540")
    response = staff.get(url, {"q": project.department.name})
    expected = Filing.objects.filter(kind="project", department__name__contains=project.department.name).count()
    assert response.context["cl"].result_count == expected > 1


def test_each_kind_of_form_has_its_own_changelist(staff, samples):
    counts = {
        "projectfiling": Filing.objects.filter(kind="project").count(),
        "programfiling": Filing.objects.filter(kind="program").count(),
        "overallfiling": Filing.objects.filter(kind="overall").count(),
    }
    assert counts == {"projectfiling": 100, "programfiling": 7, "overallfiling": 2}
    for model, count in counts.items():
        response = staff.get(reverse(f"admin:projects_{model}_changelist"))
        assert response.status_code == 200
        assert response.context["cl"].result_count == count
        assert {filing.kind for filing in response.context["cl"].result_list} == {model.removesuffix("filing")}


def test_the_project_changelist_filters_by_year_status_and_department(staff, samples):
    project = Filing.objects.get(code="440306210601500000540")
    url = reverse("admin:projects_projectfiling_changelist")
    response = staff.get(
        url,
        {
            "fiscal_year": project.fiscal_year,
            "status__exact": "draft",
            "department__id__exact": project.department_id,
        },
    )
    assert response.status_code == 200
    expected = Filing.objects.filter(
        kind="project", department=project.department, fiscal_year=project.fiscal_year, status="draft"
    )
    assert response.context["cl"].result_count == expected.count() > 1
    assert {filing.pk for filing in response.context["cl"].result_list} == set(expected.values_list("pk", flat=True))
    response = staff.get(url, {"status__exact": "approved", "department__id__exact": project.department_id})
    assert response.context["cl"].result_count == 0


def test_the_project_changelist_filters_by_project_type(staff, samples):
    project = Filing.objects.get(code="440306210601500000540")
    project_type = project.project_header.project_type
    url = reverse("admin:projects_projectfiling_changelist")
    response = staff.get(url, {"project_header__project_type": project_type})
    assert response.status_code == 200
    expected = Filing.objects.filter(kind="project", project_header__project_type=project_type)
    assert {f.pk for f in response.context["cl"].result_list} == set(expected.values_list("pk", flat=True))
    assert 0 < expected.count() < Filing.objects.filter(kind="project").count()


def test_the_project_page_shows_its_header_and_indicators_in_the_official_order(staff, samples):
    project = Filing.objects.get(code="440304221061500600011")
    response = staff.get(reverse("admin:projects_projectfiling_change", args=[project.pk]))
    assert response.status_code == 200
    header = _inline(response.context, ProjectHeader)
    assert [form.instance.pk for form in header.forms] == [project.pk]
    assert header.forms[0].initial["annual_goal"] == project.project_header.annual_goal
    formset = _inline(response.context, Indicator)
    categories = [(f.instance.category.parent.order, f.instance.category.order) for f in formset.forms]
    assert categories == sorted(categories)
    assert len(categories) == project.indicators.count()


def test_the_overall_page_shows_its_tasks_and_only_its_own_templates_categories(staff, samples):
    overall = Filing.objects.get(kind="overall", fiscal_year=2023)
    response = staff.get(reverse("admin:projects_overallfiling_change", args=[overall.pk]))
    assert response.status_code == 200
    tasks = _inline(response.context, OverallTask)
    assert [form.instance.pk for form in tasks.forms] == list(
        overall.tasks.order_by("position").values_list("pk", flat=True)
    )
    assert len(tasks.forms) > 0
    rows = _inline(response.context, Indicator)
    assert len(rows.forms) == overall.indicators.count() > 0
    choices = rows.forms[0].fields["category"].queryset
    assert set(choices.values_list("parent__template", flat=True)) == {overall.template_id}


def _upload(staff, path, **data):
    upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/plain")
    return staff.post(reverse("admin:projects_import_filings"), {"files": upload, **data})


def test_the_admin_upload_previews_a_file_and_imports_it_once_confirmed(staff, empty_database):
    preview = _upload(staff, BAOAN, year=2023)
    assert preview.status_code == 200
    assert len(preview.context["preview"].created) == 21
    assert Filing.objects.count() == 0
    # What the checks will find on each form, as the Excel upload's preview says it.
    assert preview.content.decode().count("<strong>检查结果</strong>：导入后") == 21

    response = staff.post(reverse("admin:projects_import_filings_confirm"), {"token": preview.context["token"]})

    assert response.status_code == 302
    assert response.url == reverse("admin:projects_projectfiling_changelist")
    assert Filing.objects.filter(kind="project", fiscal_year=2023).count() == 21
    assert Filing.objects.count() == 21
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    [message] = messages
    assert message.startswith(f"{BAOAN.name}：新建 21 张，更新 0 张，0 张无变化：")
    assert message.count('<a href="/filings/') == 21  # a link to each filing created


def test_the_admin_upload_imports_the_overall_and_program_forms_of_a_file(staff, empty_database):
    preview = _upload(staff, DAPENG)
    assert sorted(change.kind_name for change in preview.context["preview"].created) == ["一级项目"] * 7 + ["部门整体"]
    response = staff.post(reverse("admin:projects_import_filings_confirm"), {"token": preview.context["token"]})
    assert response.status_code == 302
    kinds = sorted(Filing.objects.filter(fiscal_year=2021).values_list("kind", flat=True))
    assert kinds == ["overall", *["program"] * 7]


def test_the_admin_upload_shows_the_error_and_writes_nothing(staff, empty_database):
    text = BAOAN.read_text(encoding="utf-8").replace("10,698,600.00", "十万", 1)
    upload = SimpleUploadedFile("bad.txt", text.encode(), content_type="text/plain")
    response = staff.post(reverse("admin:projects_import_filings"), {"files": upload})
    assert response.status_code == 200
    assert "bad.txt" in response.content.decode()
    assert "token" not in response.context
    assert Filing.objects.count() == 0


def test_saving_a_project_in_the_admin_reads_row_values_and_rechecks_it(staff, samples):
    project = Filing.objects.get(code="440306210601500000540")
    cost = project.indicators.get(category__name="成本")
    url, data = _change_form(staff, project, changes={(Indicator, cost.pk): {"value": "≤1000万元"}})
    response = staff.post(url, data)
    assert response.status_code == 302, _errors(response)
    cost.refresh_from_db()
    assert (cost.value, cost.number, cost.unit) == ("≤1000万元", 1000, "万元")
    project.filing_check.refresh_from_db()
    assert project.filing_check.errors == 0  # ≤1500万元 was above the 10,698,600 元 budget


def test_saving_a_project_in_the_admin_saves_its_header_and_moves_the_version_on(staff, samples):
    project = Filing.objects.get(code="440306210601500000540")
    changes = {(ProjectHeader, project.pk): {"annual_goal": "管理员改写的年度目标"}}
    url, data = _change_form(staff, project, changes=changes)
    response = staff.post(url, data)
    assert response.status_code == 302, _errors(response)
    saved = Filing.objects.select_related("project_header").get(pk=project.pk)
    assert saved.project_header.annual_goal == "管理员改写的年度目标"
    assert (saved.kind, saved.version) == ("project", project.version + 1)
    assert list(saved.indicators.values_list("name", "value")) == list(project.indicators.values_list("name", "value"))


def test_an_admin_save_is_one_change_in_the_history_of_the_filing_and_its_header(staff, samples, admin_user):
    project = Filing.objects.get(code="440306210601500000540")
    filing_records = Filing.history.filter(id=project.pk)
    header_records = ProjectHeader.history.filter(filing_id=project.pk)
    before = filing_records.count(), header_records.count()
    changes = {(ProjectHeader, project.pk): {"annual_goal": "管理员改写的年度目标"}}
    url, data = _change_form(staff, project, changes=changes)
    response = staff.post(url, {**data, "name": "管理员改写的名称"})
    assert response.status_code == 302, _errors(response)
    assert (filing_records.count(), header_records.count()) == (before[0] + 1, before[1] + 1)
    filing_record, header_record = filing_records.latest("history_date"), header_records.latest("history_date")
    assert (filing_record.name, filing_record.version) == ("管理员改写的名称", project.version + 1)
    assert header_record.annual_goal == "管理员改写的年度目标"
    assert filing_record.history_date == header_record.history_date
    assert filing_record.history_user == header_record.history_user == admin_user


def test_saving_a_project_in_the_admin_queues_its_department_for_printing_ahead(
    staff, samples, prerender_queue, django_capture_on_commit_callbacks
):
    project = Filing.objects.get(code="440306210601500000540")
    url, data = _change_form(staff, project, changes={})
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, data)
        assert response.status_code == 302, _errors(response)
    # Its unit's export, and that of the 主管部门 its unit files under (whose export holds its units' forms).
    assert prerender_queue == _exports_holding([project]) == [(1, 2023), (7, 2023)]


def test_a_save_over_a_newer_version_is_refused(staff, samples):
    project = Filing.objects.get(code="440306210601500000540")
    url, data = _change_form(staff, project, changes={})
    Filing.objects.filter(pk=project.pk).update(version=project.version + 1)
    response = staff.post(url, {**data, "name": "过时的修改"})
    assert response.status_code == 200
    assert "该申报表已被他人保存" in response.content.decode()
    project.refresh_from_db()
    assert project.name != "过时的修改"


def _exports_holding(filings):
    """The (department id, year) pairs whose exports hold any of ``filings``."""
    pairs = set()
    for department in Department.objects.all():
        for year in {filing.fiscal_year for filing in filings}:
            exported = department_filings(department, year=year)
            if exported.filter(pk__in=[filing.pk for filing in filings]).exists():
                pairs.add((department.pk, year))
    return sorted(pairs)


def _inline(context, model):
    """The formset of the change page's inline of ``model``."""
    (formset,) = [inline.formset for inline in context["inline_admin_formsets"] if inline.formset.model is model]
    return formset


def _errors(response):
    if not response.context:
        return ""
    context = response.context
    return [context["adminform"].form.errors, *(inline.formset.errors for inline in context["inline_admin_formsets"])]


def _change_form(staff, filing, *, changes):
    """The filing's admin change page and its form data as shown, with ``changes`` to inline forms by
    the model and id of the object they edit (a header's id is its filing's)."""
    url = reverse(f"admin:projects_{filing.kind}filing_change", args=[filing.pk])
    page = staff.get(url).context
    data = _form_data(page["adminform"].form, {})
    for inline in page["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_data(formset.management_form, {}))
        for inline_form in formset.forms:
            edited = (type(inline_form.instance), inline_form.instance.pk)
            data.update(_form_data(inline_form, changes.get(edited, {})))
    return url, data


def _form_data(form, changes):
    values = {name: form[name].value() for name in form.fields}
    values.update(changes)
    return {form.add_prefix(name): value for name, value in values.items() if value is not False and value is not None}


@pytest.mark.parametrize("unit", ["深圳市宝安区政务服务数据管理局(本级)", "深圳市宝安区政务服务数据管理局"])
def test_renaming_a_department_queues_the_departments_whose_forms_print_its_name(
    staff, samples, prerender_queue, django_capture_on_commit_callbacks, unit
):
    # A 二级 project's 申请单位 and 一级预算单位; the 部门整体 form's unit, and its 主管部门.
    department = Department.objects.get(name=unit)
    url = reverse("admin:projects_department_change", args=[department.pk])
    data = {"name": department.name + "（改名）", "district": department.district, "parent": department.parent_id or ""}
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(url, data).status_code == 302
    printed_by = Filing.objects.filter(
        Q(department=department) | Q(project_header__top_unit=department) | Q(overall_header__competent_unit=department)
    )
    assert printed_by.exists()
    expected = _exports_holding(list(printed_by))
    assert prerender_queue == expected
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(url, data).status_code == 302  # unchanged name: nothing to print again
    assert prerender_queue == expected


@pytest.mark.parametrize("kind", ["project", "program", "overall"])
def test_a_filings_history_in_the_admin_is_its_record_on_the_filing_page(staff, samples, kind):
    filing = Filing.objects.filter(kind=kind).earliest("pk")
    url = reverse(f"admin:projects_{kind}filing_history", args=[filing.pk])
    response = staff.get(url)
    assert response.status_code == 302
    assert response.url == reverse("projects:filing_detail", args=[filing.pk]) + "#history"
    assert 'id="history"' in staff.get(response.url).content.decode()


def test_a_filings_layout_is_chosen_when_it_is_made_and_stays(staff, samples):
    from indicators.models import FormTemplate

    filing = Filing.objects.filter(kind="project").earliest("pk")
    page = staff.get(reverse("admin:projects_projectfiling_change", args=[filing.pk]))
    assert "template" not in page.context["adminform"].form.fields  # shown, not editable
    added = staff.get(reverse("admin:projects_projectfiling_add")).context["adminform"].form.fields["template"]
    assert set(added.queryset) == set(FormTemplate.objects.filter(kind="project"))
    assert FormTemplate.objects.exclude(kind="project").exists()


def test_a_rows_category_is_chosen_among_its_filings_layout(staff, samples):
    row = Indicator.objects.filter(filing__kind="project").select_related("filing").first()
    field = staff.get(reverse("admin:indicators_indicator_change", args=[row.pk])).context["adminform"].form.fields
    assert {category.parent.template_id for category in field["category"].queryset} == {row.filing.template_id}
    added = staff.get(reverse("admin:indicators_indicator_add")).context["adminform"].form.fields["category"]
    labels = [label for _, label in added.choices][1:]
    assert len(labels) == len(set(labels))  # each named with its layout

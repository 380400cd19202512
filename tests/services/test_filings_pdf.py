import io
import zipfile

import pytest
from django.contrib.auth.models import User

from projects.models import Assignment, Department, Filing, Role
from projects.selectors import department_filings
from projects.services.pdf import NothingToExport, filing_pdf, filings_pdf, filings_zip, pdf_filename
from tests.helpers.pdfs import all_text, footers, page_texts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdf_cache")]

CODES = ["440306210601500000540", "440304221061500600010", "440306231271504305003"]


@pytest.fixture
def department(samples):
    """A unit with three of the sample projects, of different lengths, all in 2023."""
    unit = Department.objects.create(name="深圳市测试区政务服务数据管理局（本级）")
    Filing.objects.filter(code__in=CODES).update(department=unit, fiscal_year=2023)
    return unit


def test_a_department_batch_starts_each_form_on_a_new_page_with_its_own_page_numbers(department):
    projects = department_filings(department, year=2023)
    assert [p.code for p in projects] == sorted(CODES)
    batch = filings_pdf(filings=projects, title="测试")
    numbers = footers(batch)
    starts = [index for index, (page, _) in enumerate(numbers) if page == 1]
    assert len(starts) == 3
    singles = [filing_pdf(filing=project) for project in projects]
    assert len(numbers) == sum(len(footers(single)) for single in singles)
    texts = page_texts(batch)
    for start, project, single in zip(starts, projects, singles, strict=True):
        count = len(footers(single))
        assert numbers[start : start + count] == [(page, count) for page in range(1, count + 1)]
        assert texts[start].startswith(
            f"二级项目支出绩效目标申报表预算年度：{project.fiscal_year}年项目编码：{project.code}"
        )


def test_the_zip_holds_one_pdf_per_project_named_by_code_and_name(department):
    projects = list(department_filings(department, year=2023))
    archive = zipfile.ZipFile(io.BytesIO(filings_zip(filings=projects)))
    assert archive.namelist() == [pdf_filename(project) for project in projects]
    for project in projects:
        pdf = archive.read(pdf_filename(project))
        assert pdf == filing_pdf(filing=project)
        assert project.code in all_text(pdf)


def test_file_names_keep_chinese_and_lose_characters_no_file_system_takes():
    project = Filing(kind="project", code="440306231271536605012", name="政府购买服务(专业技术服务类)/维护: 一期")
    assert pdf_filename(project) == "440306231271536605012_政府购买服务(专业技术服务类)_维护_一期.pdf"


def test_a_form_without_a_code_is_named_by_its_name_or_its_unit(samples):
    program = Filing.objects.filter(kind="program", name="一般管理事务").get()
    assert pdf_filename(program) == "一般管理事务.pdf"
    overall = Filing.objects.get(kind="overall", fiscal_year=2021)
    assert pdf_filename(overall) == "深圳市大鹏新区政务服务数据管理局_部门整体.pdf"


def test_an_empty_selection_is_refused(department):
    with pytest.raises(NothingToExport):
        filings_pdf(filings=department_filings(department, year=2019))
    with pytest.raises(NothingToExport):
        filings_zip(filings=[])


def test_a_department_export_holds_only_what_the_user_may_see(department):
    outsider = User.objects.create(username="futian")
    Assignment.objects.create(
        user=outsider, department=Department.objects.get(name="深圳市福田区政务服务中心"), role=Role.FILER
    )
    assert not department_filings(department, year=2023, user=outsider).exists()
    insider = User.objects.create(username="tester")
    Assignment.objects.create(user=insider, department=department, role=Role.REVIEWER)
    assert department_filings(department, year=2023, user=insider).count() == 3

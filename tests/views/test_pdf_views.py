import io
import zipfile
from datetime import datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from projects.models import Assignment, Department, Filing, Role, Status, Transition
from projects.services.review import filing_approve
from tests.helpers.pdfs import all_text, page_texts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdf_cache")]

BAOAN = "深圳市宝安区政务服务数据管理局(本级)"
FUTIAN_CENTRE = "深圳市福田区政务服务中心"
FUTIAN_TOP = "深圳市福田区政务服务数据管理局（本级）"
DAPENG = "深圳市大鹏新区政务服务数据管理局"


def _user(client, name, unit, role):
    user = User.objects.create_user(name, password="pw-for-tests")
    Assignment.objects.create(user=user, department=Department.objects.get(name=unit), role=role)
    client.force_login(user)
    return user


def _project(unit):
    """The unit's first 二级 filing by code."""
    return Filing.objects.filter(kind="project", department__name=unit).order_by("code").first()


@pytest.mark.parametrize("role", [Role.FILER, Role.REVIEWER])
def test_anyone_who_may_see_a_filing_downloads_its_pdf(client, samples, role):
    _user(client, "baoan", BAOAN, role)
    filing = _project(BAOAN)
    response = client.get(reverse("projects:filing_pdf", args=[filing.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert filing.code in response["Content-Disposition"]
    assert filing.code in all_text(b"".join(response.streaming_content))


def test_a_filing_of_another_department_answers_404(client, samples):
    _user(client, "baoan", BAOAN, Role.FILER)
    response = client.get(reverse("projects:filing_pdf", args=[_project(FUTIAN_CENTRE).pk]))
    assert response.status_code == 404


def test_an_unknown_filing_answers_404(client, samples):
    _user(client, "baoan", BAOAN, Role.FILER)
    assert client.get(reverse("projects:filing_pdf", args=[999999])).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(client, samples):
    response = client.get(reverse("projects:filing_pdf", args=[_project(BAOAN).pk]))
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
    """深圳市福田区政务服务中心 with three of its twelve 二级 filings, to keep the renders short."""
    unit = Department.objects.get(name=FUTIAN_CENTRE)
    keep = list(unit.filings.order_by("code").values_list("pk", flat=True)[:3])
    unit.filings.exclude(pk__in=keep).update(fiscal_year=2021)
    return unit


def test_a_department_batch_downloads_as_one_pdf(client, small_unit):
    _user(client, "futian", FUTIAN_CENTRE, Role.REVIEWER)
    response = client.get(
        reverse("projects:department_pdf"), {"department": small_unit.pk, "year": 2022, "output": "pdf"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = all_text(b"".join(response.streaming_content))
    codes = list(small_unit.filings.filter(fiscal_year=2022).values_list("code", flat=True))
    assert len(codes) == 3
    for code in codes:
        assert code in text


def test_a_department_batch_downloads_as_a_zip(client, small_unit):
    _user(client, "futian", FUTIAN_CENTRE, Role.FILER)
    response = client.get(
        reverse("projects:department_pdf"), {"department": small_unit.pk, "year": 2022, "output": "zip"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    codes = small_unit.filings.filter(fiscal_year=2022).values_list("code", flat=True)
    assert len(names) == 3
    assert all(name.startswith("440304") and name.endswith(".pdf") for name in names)
    assert sorted(name[:21] for name in names) == sorted(codes)


def test_a_top_level_units_batch_holds_the_forms_of_the_units_under_it_after_its_own(client, samples):
    top = Department.objects.get(name=FUTIAN_TOP)
    keep = [_project(FUTIAN_TOP).pk, _project(FUTIAN_CENTRE).pk]
    Filing.objects.filter(fiscal_year=2022).exclude(pk__in=keep).update(fiscal_year=2021)
    _user(client, "futian-top", FUTIAN_TOP, Role.REVIEWER)
    assert top in client.get(reverse("projects:department_pdf")).context["form"].fields["department"].queryset

    response = client.get(reverse("projects:department_pdf"), {"department": top.pk, "year": 2022, "output": "pdf"})

    starts = [
        text
        for text in page_texts(b"".join(response.streaming_content))
        if text.startswith("二级项目支出绩效目标申报表")
    ]
    codes = [Filing.objects.get(pk=pk).code for pk in keep]
    assert [next(code for code in codes if code in text) for text in starts] == codes
    assert f"申请单位{FUTIAN_TOP}" in starts[0] and f"申请单位{FUTIAN_CENTRE}" in starts[1]


def test_a_subordinate_units_user_cannot_export_the_unit_above(client, samples):
    _user(client, "futian", FUTIAN_CENTRE, Role.FILER)
    top = Department.objects.get(name=FUTIAN_TOP)
    assert top not in client.get(reverse("projects:department_pdf")).context["form"].fields["department"].queryset
    for output in ("pdf", "zip"):
        response = client.get(
            reverse("projects:department_pdf"), {"department": top.pk, "year": 2022, "output": output}
        )
        assert response["Content-Type"].startswith("text/html")
        assert "department" in response.context["form"].errors
    response = client.get(reverse("projects:department_xlsx"), {"department": top.pk, "year": 2022})
    assert response.status_code == 302 and response.url == reverse("projects:excel_home")


def test_another_departments_batch_is_refused_without_a_file(client, samples):
    _user(client, "futian", FUTIAN_CENTRE, Role.FILER)
    baoan = Department.objects.get(name=BAOAN)
    response = client.get(reverse("projects:department_pdf"), {"department": baoan.pk, "year": 2023, "output": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "department" in response.context["form"].errors


def test_a_year_without_filings_says_so(client, small_unit):
    _user(client, "futian", FUTIAN_CENTRE, Role.FILER)
    other = Department.objects.get(name="深圳市福田区数据管理中心")
    Assignment.objects.create(user=User.objects.get(username="futian"), department=other, role=Role.FILER)
    other.filings.update(fiscal_year=2021)
    response = client.get(reverse("projects:department_pdf"), {"department": other.pk, "year": 2022, "output": "pdf"})
    assert response.status_code == 200
    assert "深圳市福田区数据管理中心在2022年度没有可导出的申报表。" in response.content.decode()


def _approved_by_li(filing):
    """``filing`` approved by the reviewer 李丽 on 5 March 2024, through the review workflow."""
    reviewer = User.objects.create(username="li", first_name="丽", last_name="李")
    Assignment.objects.create(user=reviewer, department=filing.department, role=Role.REVIEWER)
    Filing.objects.filter(pk=filing.pk).update(status=Status.SUBMITTED)
    filing_approve(filing=Filing.objects.get(pk=filing.pk), user=reviewer, comment="指标设置完整，同意申报。")
    Transition.objects.filter(filing=filing, to_status=Status.APPROVED).update(
        at=datetime(2024, 3, 5, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    )


REVIEW_PRINTED = [
    "审核状态审核通过审核日期2024年3月5日",
    "审核意见指标设置完整，同意申报。",
    "审核人：李丽",
    "日期：2024年3月5日",
]


def test_an_approved_filings_pdf_prints_the_reviewers_opinion_name_and_date(client, samples):
    filing = _project(BAOAN)
    _approved_by_li(filing)
    _user(client, "baoan", BAOAN, Role.FILER)
    text = all_text(b"".join(client.get(reverse("projects:filing_pdf", args=[filing.pk])).streaming_content))
    assert all(printed in text for printed in REVIEW_PRINTED)


@pytest.mark.parametrize("output", ["pdf", "zip"])
def test_a_department_batch_prints_the_review_of_its_approved_filing_only(client, small_unit, output):
    filings = list(small_unit.filings.filter(fiscal_year=2022).order_by("code"))
    _approved_by_li(filings[1])
    _user(client, "futian", FUTIAN_CENTRE, Role.FILER)
    query = {"department": small_unit.pk, "year": 2022, "output": output}
    content = b"".join(client.get(reverse("projects:department_pdf"), query).streaming_content)
    if output == "zip":
        archive = zipfile.ZipFile(io.BytesIO(content))
        texts = [all_text(archive.read(name)) for name in archive.namelist()]
    else:
        pages = page_texts(content)
        starts = [
            index for index, text in enumerate(pages) if text.startswith("二级项目支出绩效目标申报表预算年度")
        ] + [len(pages)]
        texts = ["".join(pages[start:end]) for start, end in pairwise(starts)]
    assert len(texts) == 3
    assert [all(printed in text for printed in REVIEW_PRINTED) for text in texts] == [False, True, False]
    assert "审核状态草稿审核日期审核意见填报单位（盖章）：" in texts[0]
    assert "填表人：联系电话：日期：审核人：日期：" in texts[0]  # a draft never submitted: lines to sign


def test_an_overall_filings_pdf_is_named_by_its_unit(client, samples):
    _user(client, "baoan", BAOAN, Role.FILER)
    overall = Filing.objects.get(kind="overall", department__name=BAOAN)
    response = client.get(reverse("projects:filing_pdf", args=[overall.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "%E9%83%A8%E9%97%A8%E6%95%B4%E4%BD%93.pdf" in response["Content-Disposition"]  # …部门整体.pdf
    text = all_text(b"".join(response.streaming_content))
    assert text.startswith("部门（单位）整体支出绩效目标表") and "基本支出" in text


def test_a_units_batch_holds_its_overall_form_then_its_program_forms(client, samples):
    _user(client, "dapeng", DAPENG, Role.FILER)
    unit = Department.objects.get(name=DAPENG)
    assert [
        year for year, _ in client.get(reverse("projects:department_pdf")).context["form"].fields["year"].choices
    ] == [2021]
    response = client.get(reverse("projects:department_pdf"), {"department": unit.pk, "year": 2021, "output": "zip"})
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    programs = unit.filings.filter(kind="program").order_by("name").values_list("name", flat=True)
    assert names == [f"{DAPENG}_部门整体.pdf", *(f"{name}.pdf" for name in programs)]

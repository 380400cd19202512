"""The /checks/ report as people work through it: links to each filing, a unit filter, pages, a workbook."""

import io
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from checks import export
from checks.models import FilingCheck
from checks.registry import RULES
from checks.services import filing_check_refresh
from projects.models import Department, Filing
from tests.helpers.samples import FILING_COUNT

pytestmark = pytest.mark.django_db

REPORT = reverse("checks:report")
EXPORT = reverse("checks:report_export")


def _rows(response) -> list:
    return list(response.context["page"].object_list)


def test_each_filing_on_the_page_links_to_its_findings(admin_client, samples):
    response = admin_client.get(REPORT)
    html = response.content.decode()
    rows = _rows(response)
    assert len(rows) == 50
    for row in rows:
        assert f'href="{reverse("projects:filing_detail", args=[row.filing.pk])}#checks"' in html


def test_the_report_filters_by_unit(admin_client, samples):
    centre = Department.objects.get(name="深圳市福田区政务服务中心")
    response = admin_client.get(REPORT, {"department": centre.pk})
    checks = response.context["checks"]
    assert checks and {check.filing.department_id for check in checks} == {centre.pk}
    assert len(checks) == Filing.objects.filter(department=centre).count()
    assert f'<option value="{centre.pk}" selected>' in response.content.decode()
    # The totals are those of the unit's filings only.
    assert sum(total.errors for total in response.context["totals"]) == sum(check.errors for check in checks)


def test_a_unit_outside_ones_scope_is_said_and_left_out(client, people, make_filing):
    mine = make_filing(people.unit_a, name="本单位项目")
    theirs = make_filing(people.unit_b, name="别的单位项目")
    filing_check_refresh(filings=[mine, theirs])
    client.force_login(people.owner)
    response = client.get(REPORT, {"department": people.unit_b.pk})
    assert response.status_code == 200
    assert "没有找到所选的填报单位，或您无权查看该单位；以下为全部单位的检查结果" in response.content.decode()
    assert [check.filing.name for check in response.context["checks"]] == ["本单位项目"]


def test_the_list_is_paged_and_the_pages_keep_the_filters_and_the_totals(admin_client, samples):
    first = admin_client.get(REPORT, {"only": "", "year": ""})
    assert first.context["page"].paginator.num_pages == (FILING_COUNT + 49) // 50
    last = admin_client.get(REPORT, {"page": first.context["page"].paginator.num_pages})
    assert len(_rows(last)) == FILING_COUNT - 50 * (first.context["page"].paginator.num_pages - 1)
    assert [(t.errors, t.warnings) for t in last.context["totals"]] == [
        (t.errors, t.warnings) for t in first.context["totals"]
    ]
    seen = {row.pk for page in range(1, 4) for row in _rows(admin_client.get(REPORT, {"page": page}))}
    assert len(seen) == FILING_COUNT

    centre = Department.objects.get(name="深圳市福田区政务服务中心")
    year = Filing.objects.filter(department=centre).values_list("fiscal_year", flat=True).first()
    html = admin_client.get(REPORT, {"year": year, "department": centre.pk, "rule": "row_complete"}).content.decode()
    # The rule links keep the year and unit; the export link keeps the rule too.
    assert f"?year={year}&amp;department={centre.pk}&amp;rule=" in html
    assert f"{EXPORT}?year={year}&amp;department={centre.pk}&amp;rule=row_complete" in html


def test_the_totals_have_a_line_per_rule_and_a_line_for_all(admin_client, samples):
    response = admin_client.get(REPORT)
    report = response.context["report"]
    assert [total.rule.number for total in response.context["totals"]] == [rule.number for rule in RULES]
    errors = sum(check.errors for check in FilingCheck.objects.all())
    warnings = sum(check.warnings for check in FilingCheck.objects.all())
    assert (report.errors, report.warnings) == (errors, warnings)
    assert f"合计（共 {FILING_COUNT} 张申报表" in response.content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_report_runs_as_many_queries_for_three_filings_as_for_sixty(client, people, make_filing):
    client.force_login(people.owner)
    filings = [make_filing(people.unit_a, name=f"项目{n}", rows_per_category=0) for n in range(3)]
    filing_check_refresh(filings=filings)
    few = _queries(client, REPORT), _queries(client, f"{REPORT}?department={people.unit_a.pk}")
    filings += [make_filing(people.unit_a, name=f"项目{n}", rows_per_category=0) for n in range(3, 60)]
    filing_check_refresh(filings=filings)
    many = _queries(client, REPORT), _queries(client, f"{REPORT}?department={people.unit_a.pk}&page=2")
    assert few == many


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert quote("申报表检查报告") in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def test_the_export_holds_each_filing_each_finding_and_the_totals(admin_client, samples):
    response = admin_client.get(EXPORT, {"year": 2021})
    workbook = _workbook(response)
    assert workbook.sheetnames == ["申报表", "检查结果", "按规则合计"]
    checks = list(FilingCheck.objects.filter(filing__fiscal_year=2021))
    filings = list(workbook["申报表"].iter_rows(values_only=True))
    assert filings[0] == ("申报表", "项目编码", "名称", "填报单位", "预算年度", "错误", "提示")
    assert len(filings) - 1 == len(checks) == 8
    assert sum(row[5] for row in filings[1:]) == sum(check.errors for check in checks)
    findings = list(workbook["检查结果"].iter_rows(values_only=True))
    assert len(findings) - 1 == sum(check.errors + check.warnings for check in checks)
    assert {row[7] for row in findings[1:]} <= {"错误", "提示"}
    totals = list(workbook["按规则合计"].iter_rows(values_only=True))
    assert len(totals) - 1 == len(RULES)
    assert sum(row[2] + row[3] for row in totals[1:]) == len(findings) - 1


def test_the_export_of_one_rule_lists_that_rules_findings(admin_client, samples):
    workbook = _workbook(admin_client.get(EXPORT, {"rule": "duplicate_names"}))
    names = {row[2] for row in workbook["申报表"].iter_rows(min_row=2, values_only=True)}
    assert names == {"民意速办", "深汕特别合作区大数据融合创新服务"}
    rules = {row[5] for row in workbook["检查结果"].iter_rows(min_row=2, values_only=True)}
    assert rules == {13}


def test_the_export_is_scoped_to_what_the_user_may_see(client, people, make_filing):
    mine = make_filing(people.unit_a, name="本单位项目")
    theirs = make_filing(people.unit_b, name='=HYPERLINK("x")')
    filing_check_refresh(filings=[mine, theirs])
    client.force_login(people.owner)
    workbook = _workbook(client.get(EXPORT))
    assert [row[2] for row in workbook["申报表"].iter_rows(min_row=2, values_only=True)] == ["本单位项目"]


def test_text_that_looks_like_a_formula_stays_text(client, people, make_filing):
    filing = make_filing(people.unit_a, name="=1+1")
    filing_check_refresh(filings=[filing])
    client.force_login(people.owner)
    sheet = _workbook(client.get(EXPORT))["申报表"]
    cell = sheet["C2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_too_large_an_export_is_refused_with_a_message(admin_client, samples, monkeypatch):
    monkeypatch.setattr(export, "MAX_EXPORT_FILINGS", 5)
    response = admin_client.get(EXPORT, {"year": 2023}, follow=True)
    assert response.redirect_chain[-1][0] == f"{REPORT}?year=2023"
    assert "超过一次导出的上限 5 张，未导出" in response.content.decode()

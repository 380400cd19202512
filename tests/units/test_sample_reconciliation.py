"""The samples' 部门整体 forms against the projects their units filed, as stored and checked."""

from __future__ import annotations

from decimal import Decimal

import pytest

from checks.models import FilingCheck, RuleSetting
from checks.services import filing_check_refresh
from projects.models import Filing, TaskLink
from projects.services.filing import filing_update
from projects.services.imports import import_filings, read_source
from projects.services.reconciliation import reconciliations_for, task_link_set
from projects.services.writing import FilingError
from tests.helpers.filings import header_of, row_inputs
from tests.helpers.samples import BAOAN, BAOAN_OVERALL, DAPENG
from tests.helpers.workbooks import make_filer

pytestmark = pytest.mark.django_db

D = Decimal
# What the 宝安 2023 整体 form (004) says of each task, against the 二级 projects of 000 (元).
BAOAN_DIFFERENCES = {
    "物业管理费": (D("678200"), D("220300")),
    "一般行政管理事务经费": (D("22169400"), D("1576400")),
    "新开办企业刻制公章补贴经费": (D("11248600"), D("10698600")),
    "政务中心运营管理费": (D("3580800"), D("2362800")),
}
BAOAN_AGREEING = ["水电费", "全国文明城市创建工作经费", "党代表工作室运行经费"]
BAOAN_ALONE = ["基本支出", "保安服务费", "信息化建设管理经费", "行政服务管理经费", "12345 分拨中心服务费"]


def _overall(source) -> Filing:
    return Filing.objects.select_related("department").get(kind="overall", source_file=source.name)


def _reconciliation(overall: Filing):
    return reconciliations_for([(overall.department_id, overall.fiscal_year)])[
        (overall.department_id, overall.fiscal_year)
    ]


def _rule16(filing: Filing) -> list[dict]:
    check = FilingCheck.objects.get(filing=filing)
    return [f for f in check.findings if f["rule_id"] == "tasks_match_projects"]


def test_the_baoan_overall_form_differs_from_its_21_projects_exactly_where_the_data_does(samples):
    overall = _overall(BAOAN_OVERALL)
    projects = Filing.objects.filter(kind="project", source_file=BAOAN.name, department=overall.department)
    assert projects.count() == 21 and overall.fiscal_year == 2023
    result = _reconciliation(overall)
    assert {m.task.name: (m.task.amount, m.project_amount) for m in result.matches if m.difference} == (
        BAOAN_DIFFERENCES
    )
    assert [m.task.name for m in result.matches if m.projects and not m.difference] == BAOAN_AGREEING
    assert [m.task.name for m in result.matches if not m.projects] == BAOAN_ALONE
    assert len(result.unmatched) == 21 - len(BAOAN_DIFFERENCES) - len(BAOAN_AGREEING)
    assert result.places == 2 and result.unit == "万元"


def test_the_differences_are_warnings_of_rule_16_on_the_overall_form(samples):
    findings = _rule16(_overall(BAOAN_OVERALL))
    assert sorted(f["subject"] for f in findings) == sorted(f"年度主要任务 · {name}" for name in BAOAN_DIFFERENCES)
    assert {f["severity"] for f in findings} == {"warning"}
    [seal] = [f for f in findings if "新开办企业" in f["subject"]]
    assert (
        "1,124.86万元" in seal["message"] and "1,069.86万元" in seal["message"] and "相差55.00万元" in seal["message"]
    )


def test_dapeng_rounded_to_whole_wan_yuan_has_no_difference(samples):
    overall = _overall(DAPENG)
    assert overall.overall_header.amount_places == 0
    result = _reconciliation(overall)
    assert result.differences == [] and _rule16(overall) == []
    matched = {m.task.name: [p.name for p in m.projects] for m in result.matches}
    assert matched["一般管理事务"] == ["一般管理事务"]
    # Names alone miss these: 机构运行保障 has no 一级 form, 财政专项资金's is 新区对口支援专项资金.
    assert matched["机构运行保障"] == [] and matched["财政专项资金"] == []
    assert [p.name for p in result.unmatched] == ["新区对口支援专项资金"]
    assert sum(m.task.amount for m in result.matches) == result.task_total == D("52820000")


def test_a_changed_project_amount_shows_up_as_a_new_difference(samples, people):
    overall = _overall(BAOAN_OVERALL)
    project = Filing.objects.get(kind="project", source_file=BAOAN.name, name="水电费")
    filer = make_filer(overall.department, username="baoan_filer")
    filing_update(
        filing=project,
        user=filer,
        header=header_of(project, current_amount=D("150000")),
        rows=row_inputs(project),
        version=project.version,
    )
    subjects = [f["subject"] for f in _rule16(overall)]
    assert "年度主要任务 · 水电费" in subjects and len(subjects) == len(BAOAN_DIFFERENCES) + 1


def test_a_manual_link_is_kept_after_reimporting_both_files_and_is_in_the_history(samples):
    overall = _overall(BAOAN_OVERALL)
    project = Filing.objects.get(kind="project", source_file=BAOAN.name, name="信息化建设管理费")
    filer = make_filer(overall.department, username="baoan_filer")
    task_link_set(user=filer, overall=overall, task_name="信息化建设管理经费", filing=project, linked=True)
    import_filings(sources=[read_source(BAOAN), read_source(BAOAN_OVERALL)], user=filer)
    overall = _overall(BAOAN_OVERALL)
    [match] = [m for m in _reconciliation(overall).matches if m.task.name == "信息化建设管理经费"]
    assert [p.filing_id for p in match.projects] == [project.pk] and match.difference is None
    [record] = TaskLink.history.filter(filing=project)
    assert (record.history_type, record.history_user, record.linked) == ("+", filer, True)


def test_unlinking_a_project_of_the_same_name_removes_its_difference(samples):
    overall = _overall(BAOAN_OVERALL)
    project = Filing.objects.get(kind="project", source_file=BAOAN.name, name="物业管理费")
    filer = make_filer(overall.department, username="baoan_filer")
    task_link_set(user=filer, overall=overall, task_name="物业管理费", filing=project, linked=False)
    assert "年度主要任务 · 物业管理费" not in [f["subject"] for f in _rule16(overall)]
    task_link_set(user=filer, overall=overall, task_name="物业管理费", filing=project, linked=None)
    assert "年度主要任务 · 物业管理费" in [f["subject"] for f in _rule16(overall)]
    assert [r.history_type for r in TaskLink.history.filter(filing=project).order_by("history_id")] == ["+", "-"]


def test_only_a_filer_of_the_unit_links_and_only_within_the_unit_year(samples, people):
    overall = _overall(BAOAN_OVERALL)
    project = Filing.objects.get(kind="project", source_file=BAOAN.name, name="物业管理费")
    with pytest.raises(FilingError, match="不是该单位的填报人"):
        task_link_set(user=people.owner, overall=overall, task_name="物业管理费", filing=project, linked=False)
    other_year = Filing.objects.filter(kind="project").exclude(fiscal_year=overall.fiscal_year).first()
    filer = make_filer(overall.department, username="baoan_filer")
    with pytest.raises(FilingError, match="同一单位、同一年度"):
        task_link_set(user=filer, overall=overall, task_name="物业管理费", filing=other_year, linked=True)
    with pytest.raises(FilingError, match="没有年度主要任务"):
        task_link_set(user=filer, overall=overall, task_name="不存在的任务", filing=project, linked=True)
    assert not TaskLink.objects.exists()


def test_rule_16_can_be_made_an_error_for_a_template(samples):
    overall = _overall(BAOAN_OVERALL)
    RuleSetting.objects.create(template=overall.template, rule_id="tasks_match_projects", severity="error")
    filing_check_refresh(filings=[overall])
    assert {f["severity"] for f in _rule16(overall)} == {"error"}
    assert FilingCheck.objects.get(filing=overall).errors >= len(BAOAN_DIFFERENCES)


@pytest.mark.parametrize("source", [BAOAN_OVERALL, DAPENG])
def test_the_filings_the_unit_year_page_read_already_reconcile_as_those_read_anew(samples, source):
    from projects.overview import unit_year

    overall = _overall(source)
    key = (overall.department_id, overall.fiscal_year)
    page = unit_year(overall.department, overall.fiscal_year)  # passes the filings it read

    assert page.reconciliation == reconciliations_for([key])[key]

"""Checking stored projects: findings_for, filing_check_refresh (run by every import), finding_counts."""

from decimal import Decimal

import pytest

from checks.models import FilingCheck, RuleSetting
from checks.services import (
    blocking_findings,
    check_filing,
    filing_check_refresh,
    finding_counts,
    findings_for,
)
from checks.sources import filing_from_parsed
from indicators.models import FormTemplate, Indicator
from projects.models import Project
from projects.parsers.text import parse_filings
from tests.helpers.plain_filings import sample_filings
from tests.helpers.samples import BAOAN, FUTIAN

pytestmark = pytest.mark.django_db
SEAL_SUBSIDY = "440306210601500000540"


@pytest.fixture
def baoan(samples):
    """The 21 projects of the 宝安 sample file."""
    return Project.objects.filter(source_file=BAOAN.name)


def essentials(findings):
    return [(f.rule_id, f.severity, f.subject, f.message, f.row) for f in findings]


def test_an_import_stores_a_check_of_every_project_with_its_counts(samples):
    assert FilingCheck.objects.count() == 100
    for check in FilingCheck.objects.all():
        findings = check.finding_list()
        assert check.errors == sum(1 for f in findings if f.severity == "error")
        assert check.warnings == len(findings) - check.errors


def test_stored_findings_are_those_of_the_filing_read_before_saving(samples):
    # The same rules over the same form give the same findings, whether built from the
    # database or from the parsed file: only the stored row's id is added.
    for check in FilingCheck.objects.select_related("project"):
        before_saving = check_filing(sample_filings()[check.project.code])
        assert essentials(check.finding_list()) == essentials(before_saving)


def test_findings_for_a_project_point_at_its_stored_indicator_rows(baoan):
    project = Project.objects.get(code=SEAL_SUBSIDY)
    findings = findings_for(project)
    assert essentials(findings) == essentials(project.filing_check.finding_list())
    cost = next(f for f in findings if f.rule_id == "cost_target")
    assert Indicator.objects.get(pk=cost.indicator_id).name == "项目总成本"


def test_blocking_findings_are_the_errors_only(baoan):
    project = Project.objects.get(code=SEAL_SUBSIDY)
    assert [f.rule_id for f in blocking_findings(project)] == ["cost_target"]


def test_a_refresh_after_an_edit_updates_the_stored_counts(baoan):
    project = Project.objects.get(code=SEAL_SUBSIDY)
    assert project.filing_check.errors == 1
    Indicator.objects.filter(project=project, name="项目总成本").update(value="≤1069.86万元")
    filing_check_refresh(projects=[project])
    project.filing_check.refresh_from_db()
    assert project.filing_check.errors == 0
    assert "cost_target" not in {f.rule_id for f in project.filing_check.finding_list()}


def test_finding_counts_give_errors_and_warnings_per_project(baoan):
    project = Project.objects.get(code=SEAL_SUBSIDY)
    counts = finding_counts(baoan)
    assert len(counts) == 21
    assert counts[project.pk] == (project.filing_check.errors, project.filing_check.warnings) == (1, 5)
    assert finding_counts([project]) == {project.pk: (1, 5)}


def test_lists_can_sort_and_filter_projects_by_their_stored_counts(baoan):
    with_errors = baoan.filter(filing_check__errors__gt=0).order_by("-filing_check__errors", "code")
    counts = [p.filing_check.errors for p in with_errors.select_related("filing_check")]
    assert counts == sorted(counts, reverse=True) and counts and all(counts)
    assert with_errors.count() == FilingCheck.objects.filter(project__in=baoan, errors__gt=0).count() < 21


def test_a_rule_switched_off_for_the_template_is_left_out(baoan):
    RuleSetting.objects.create(template=FormTemplate.default(), rule_id="cost_target", enabled=False)
    project = Project.objects.get(code=SEAL_SUBSIDY)
    assert "cost_target" not in {f.rule_id for f in findings_for(project)}
    filing_check_refresh(projects=Project.objects.all())
    project.filing_check.refresh_from_db()
    assert project.filing_check.errors == 0


def test_a_rule_made_a_warning_for_the_template_no_longer_blocks(baoan):
    RuleSetting.objects.create(template=FormTemplate.default(), rule_id="cost_target", severity="warning")
    project = Project.objects.get(code=SEAL_SUBSIDY)
    assert blocking_findings(project) == []
    assert ("cost_target", "warning") in {(f.rule_id, f.severity) for f in findings_for(project)}


def test_check_filing_applies_the_templates_settings_to_plain_data(db):
    template = FormTemplate.default()
    RuleSetting.objects.create(template=template, rule_id="quantity_upper_bound", severity="error")
    filing = sample_filings()[SEAL_SUBSIDY]
    with_settings = {(f.rule_id, f.severity) for f in check_filing(filing, template=template)}
    assert ("quantity_upper_bound", "error") in with_settings
    assert ("quantity_upper_bound", "warning") in {(f.rule_id, f.severity) for f in check_filing(filing)}


def test_a_parsed_filing_in_wan_yuan_is_checked_with_its_amounts_in_yuan(db):
    parsed = parse_filings(FUTIAN.read_text(encoding="utf-8-sig"), vocabulary=FormTemplate.default().vocabulary())[1]
    filing = filing_from_parsed(parsed, template=FormTemplate.default().spec(), fiscal_year=2022)
    assert (filing.current_amount, filing.amount_unit) == (Decimal("2830000.00"), "万元")


def test_refreshing_all_100_samples_takes_a_fixed_number_of_queries(samples, django_assert_max_num_queries):
    FilingCheck.objects.all().delete()
    with django_assert_max_num_queries(8):
        checks = filing_check_refresh(projects=Project.objects.all())
    assert len(checks) == FilingCheck.objects.count() == 100

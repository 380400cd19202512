"""Checking stored filings: findings_for, filing_check_refresh (run by every import), finding_counts."""

from decimal import Decimal

import pytest
from django.db.models import Sum

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
from projects.models import Filing, OverallHeader
from projects.parsers.text import parse_filings
from projects.services.imports import vocabularies
from tests.helpers.plain_filings import sample_filings, sample_forms
from tests.helpers.samples import BAOAN, BAOAN_OVERALL, FILING_COUNT, FUTIAN, SAMPLE_COUNT

pytestmark = pytest.mark.django_db
SEAL_SUBSIDY = "440306210601500000540"


@pytest.fixture
def baoan(samples):
    """The 21 二级 filings of the 宝安 sample file."""
    return Filing.objects.filter(source_file=BAOAN.name)


def essentials(findings):
    return [(f.rule_id, f.severity, f.subject, f.message, f.row) for f in findings]


def test_an_import_stores_a_check_of_every_filing_with_its_counts(samples):
    assert FilingCheck.objects.count() == FILING_COUNT
    assert set(FilingCheck.objects.values_list("filing__kind", flat=True)) == {"project", "program", "overall"}
    for check in FilingCheck.objects.all():
        findings = check.finding_list()
        assert check.errors == sum(1 for f in findings if f.severity == "error")
        assert check.warnings == len(findings) - check.errors


def test_stored_findings_are_those_of_the_filing_read_before_saving(samples):
    # The same rules over the same form give the same findings, whether built from the
    # database or from the parsed file: only the stored row's id is added. So for every kind of form,
    # but for rule 16, which compares a stored 部门整体 form with the unit's other stored filings.
    checks = FilingCheck.objects.select_related("filing")
    assert len(checks) == len(sample_forms()) == FILING_COUNT
    for check in checks:
        assert check.filing.source_line is not None
        before_saving = check_filing(sample_forms()[check.filing.source_file, check.filing.source_line])
        stored = [f for f in check.finding_list() if f.rule_id != "tasks_match_projects"]
        assert essentials(stored) == essentials(before_saving)


def test_findings_for_a_filing_point_at_its_stored_indicator_rows(baoan):
    filing = Filing.objects.get(code=SEAL_SUBSIDY)
    findings = findings_for(filing)
    assert essentials(findings) == essentials(filing.filing_check.finding_list())
    cost = next(f for f in findings if f.rule_id == "cost_target")
    assert cost.indicator_id is not None
    assert Indicator.objects.get(pk=cost.indicator_id).name == "项目总成本"


def test_blocking_findings_are_the_errors_only(baoan):
    filing = Filing.objects.get(code=SEAL_SUBSIDY)
    assert [f.rule_id for f in blocking_findings(filing)] == ["cost_target"]


def test_a_refresh_after_an_edit_updates_the_stored_counts(baoan):
    filing = Filing.objects.get(code=SEAL_SUBSIDY)
    assert filing.filing_check.errors == 1
    Indicator.objects.filter(filing=filing, name="项目总成本").update(value="≤1069.86万元")
    filing_check_refresh(filings=[filing])
    filing.filing_check.refresh_from_db()
    assert filing.filing_check.errors == 0
    assert "cost_target" not in {f.rule_id for f in filing.filing_check.finding_list()}


def test_a_stored_overall_form_whose_total_is_not_the_sum_of_its_tasks_is_an_error(samples):
    # 004: twelve tasks adding up to the 金额合计 5665.36万元, stored in 元.
    filing = Filing.objects.get(kind="overall", source_file=BAOAN_OVERALL.name)
    assert filing.overall_header.total_amount == filing.tasks.aggregate(total=Sum("total_amount"))["total"]
    assert "task_totals" not in {f.rule_id for f in findings_for(filing)}
    OverallHeader.objects.filter(filing=filing).update(total_amount=Decimal("56663600"))
    [finding] = [f for f in findings_for(filing) if f.rule_id == "task_totals"]
    assert (finding.severity, finding.field) == ("error", "total_amount")
    assert "合计（总额）5,666.36万元与各项任务之和5,665.36万元不符" in finding.message
    filing_check_refresh(filings=[filing])
    filing.filing_check.refresh_from_db()
    assert filing.filing_check.errors == 1
    assert [f.rule_id for f in blocking_findings(filing)] == ["task_totals"]


def test_finding_counts_give_errors_and_warnings_per_filing(baoan):
    filing = Filing.objects.get(code=SEAL_SUBSIDY)
    counts = finding_counts(baoan)
    assert len(counts) == 21
    assert counts[filing.pk] == (filing.filing_check.errors, filing.filing_check.warnings) == (1, 5)
    assert finding_counts([filing]) == {filing.pk: (1, 5)}


def test_lists_can_sort_and_filter_filings_by_their_stored_counts(baoan):
    with_errors = baoan.filter(filing_check__errors__gt=0).order_by("-filing_check__errors", "code")
    counts = [f.filing_check.errors for f in with_errors.select_related("filing_check")]
    assert counts == sorted(counts, reverse=True) and counts and all(counts)
    assert with_errors.count() == FilingCheck.objects.filter(filing__in=baoan, errors__gt=0).count() < 21


def test_a_rule_switched_off_for_the_template_is_left_out(baoan):
    RuleSetting.objects.create(template=FormTemplate.default(), rule_id="cost_target", enabled=False)
    filing = Filing.objects.get(code=SEAL_SUBSIDY)
    assert "cost_target" not in {f.rule_id for f in findings_for(filing)}
    filing_check_refresh(filings=Filing.objects.all())
    filing.filing_check.refresh_from_db()
    assert filing.filing_check.errors == 0


def test_a_rule_switched_off_for_one_template_still_applies_to_the_others(samples):
    RuleSetting.objects.create(template=FormTemplate.default(), rule_id="vague_value", enabled=False)
    relief = Filing.objects.get(kind="program", name="新区对口支援专项资金")
    assert "vague_value" in {f.rule_id for f in findings_for(relief)}
    RuleSetting.objects.create(template=FormTemplate.default("program"), rule_id="vague_value", enabled=False)
    assert "vague_value" not in {f.rule_id for f in findings_for(relief)}


def test_a_rule_made_a_warning_for_the_template_no_longer_blocks(baoan):
    RuleSetting.objects.create(template=FormTemplate.default(), rule_id="cost_target", severity="warning")
    filing = Filing.objects.get(code=SEAL_SUBSIDY)
    assert blocking_findings(filing) == []
    assert ("cost_target", "warning") in {(f.rule_id, f.severity) for f in findings_for(filing)}


def test_check_filing_applies_the_templates_settings_to_plain_data(db):
    template = FormTemplate.default()
    RuleSetting.objects.create(template=template, rule_id="quantity_upper_bound", severity="error")
    filing = sample_filings()[SEAL_SUBSIDY]
    with_settings = {(f.rule_id, f.severity) for f in check_filing(filing, template=template)}
    assert ("quantity_upper_bound", "error") in with_settings
    assert ("quantity_upper_bound", "warning") in {(f.rule_id, f.severity) for f in check_filing(filing)}


def test_a_parsed_filing_in_wan_yuan_is_checked_with_its_amounts_in_yuan(db):
    parsed = parse_filings(FUTIAN.read_text(encoding="utf-8-sig"), vocabularies=vocabularies())[1]
    filing = filing_from_parsed(parsed, template=FormTemplate.default().spec(), fiscal_year=2022)
    assert (filing.current_amount, filing.amount_unit) == (Decimal("2830000.00"), "万元")


def test_refreshing_all_the_samples_takes_a_fixed_number_of_queries(samples, django_assert_max_num_queries):
    FilingCheck.objects.all().delete()
    # Reading and checking takes 7; storing the checks 1, and the counts by rule 15: what they were
    # counted under, a lock on the units, delete, a few batches of rows (SQLite takes about 140 a
    # statement), then the units' totals (delete, add up, insert), all in two savepoints.
    with django_assert_max_num_queries(23):
        checks = filing_check_refresh(filings=Filing.objects.filter(kind="project"))
    assert len(checks) == FilingCheck.objects.count() == SAMPLE_COUNT
    # Every kind: two more queries for each further template's categories, none for each further filing,
    # and four for the 部门整体 forms' comparison with their units' projects (rule 16).
    with django_assert_max_num_queries(31):
        checks = filing_check_refresh(filings=Filing.objects.all())
    assert len(checks) == FilingCheck.objects.count() == FILING_COUNT

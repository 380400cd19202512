from dataclasses import dataclass, replace

from checks.engine import run_rules
from checks.findings import Finding
from checks.registry import RULES
from tests.helpers.plain_filings import clean_filing, with_row


@dataclass
class Setting:
    enabled: bool = True
    severity: str = ""


def spoiled():
    """One error (cost above budget), one warning (upper bound on a quantity)."""
    filing = with_row(clean_filing(), "项目总成本", value="≤1500万元")
    return with_row(filing, "服务企业数量", value="≤4万家")


def test_the_rules_are_numbered_1_to_21_with_unique_ids_and_functions_documenting_their_number():
    assert [rule.number for rule in RULES] == list(range(1, 22))
    assert len({rule.id for rule in RULES}) == 21
    assert [rule.description.split(":")[0] for rule in RULES] == [f"Rule {number}" for number in range(1, 22)]


def test_each_rule_applies_to_the_kinds_of_form_that_have_what_it_reads():
    every_kind = {
        "value_readable",
        "satisfaction",
        "vague_value",
        "duplicate_names",
        "placeholder_residue",
        "name_number_mismatch",
        "rate_above_100",
    }
    assert {rule.id for rule in RULES if rule.kinds == ("project", "program", "overall")} == every_kind
    overall_only = {"task_totals", "tasks_match_projects"}
    assert {rule.id for rule in RULES if rule.kinds == ("overall",)} == overall_only
    assert all(rule.kinds == ("project",) for rule in RULES if rule.id not in every_kind | overall_only)


def test_rules_about_the_二级_form_leave_the_other_kinds_alone():
    # Rules 6 (a capped 数量) and 8 (a cost above 本年度项目金额) are about the 二级 form only, as are its header rules.
    assert run_rules(replace(spoiled(), kind="program")) == []
    assert run_rules(replace(spoiled(), kind="overall")) == []
    assert run_rules(replace(spoiled(), kind="program", code="", project_type="", annual_goal="")) == []


def test_rules_about_indicator_values_read_every_kind():
    unreadable = with_row(clean_filing(), "服务企业数量", value="2天或16小时")
    for kind in ("project", "program", "overall"):
        assert [(f.rule_id, f.row) for f in run_rules(replace(unreadable, kind=kind))] == [("value_readable", 1)]


def test_findings_come_errors_first_with_the_rule_and_the_row_they_are_about():
    first, second = run_rules(spoiled())
    assert (first.rule_id, first.severity, first.row) == ("cost_target", "error", 4)
    assert first.subject == "产出/成本 · 项目总成本"
    assert (second.rule_id, second.severity, second.row) == ("quantity_upper_bound", "warning", 1)
    assert (first.severity_label, second.severity_label) == ("错误", "提示")


def test_a_switched_off_rule_finds_nothing():
    findings = run_rules(spoiled(), settings={"cost_target": Setting(enabled=False)})
    assert [f.rule_id for f in findings] == ["quantity_upper_bound"]


def test_a_rule_can_be_made_an_error_or_a_warning():
    findings = run_rules(
        spoiled(),
        settings={"cost_target": Setting(severity="warning"), "quantity_upper_bound": Setting(severity="error")},
    )
    assert [(f.rule_id, f.severity) for f in findings] == [
        ("quantity_upper_bound", "error"),
        ("cost_target", "warning"),
    ]


def test_a_finding_on_a_header_field_names_the_field_as_the_form_does():
    [finding] = run_rules(clean_filing(project_type=""))
    assert (finding.field, finding.subject, finding.indicator_id, finding.row) == (
        "project_type",
        "项目类型",
        None,
        None,
    )


def test_a_finding_survives_being_stored_as_json():
    finding = run_rules(spoiled())[0]
    assert Finding.from_dict(finding.as_dict()) == finding

from dataclasses import dataclass

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


def test_the_rules_are_numbered_1_to_14_with_unique_ids_and_functions_documenting_their_number():
    assert [rule.number for rule in RULES] == list(range(1, 15))
    assert len({rule.id for rule in RULES}) == 14
    assert [rule.description.split(":")[0] for rule in RULES] == [f"Rule {number}" for number in range(1, 15)]


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

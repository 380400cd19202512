from checks.engine import run_rules
from tests.helpers.plain_filings import clean_filing


def test_the_clean_filing_that_rule_tests_spoil_has_no_findings():
    assert run_rules(clean_filing()) == []

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from checks.forms import ReportFilterForm
from checks.registry import RULES_BY_ID
from checks.report import totals_by_rule
from checks.selectors import filing_checks_for


@login_required
def report(request):
    """Totals by rule and the filings with findings, over what the user may see."""
    form = ReportFilterForm(request.GET)
    year = form.chosen_year()
    if form.errors:
        messages.error(request, f"{form.problem()}；以下为全部年度的检查结果")
    rule_id = request.GET.get("rule", "")
    only = request.GET.get("only", "")
    checks = list(filing_checks_for(request.user, year=year, errors_only=only == "errors"))
    findings = {check.pk: check.finding_list() for check in checks}
    if rule_id in RULES_BY_ID:
        checks = [check for check in checks if any(f.rule_id == rule_id for f in findings[check.pk])]
    return render(
        request,
        "checks/report.html",
        {
            "checks": checks,
            "totals": totals_by_rule(findings[check.pk] for check in checks),
            "rule": RULES_BY_ID.get(rule_id),
            "year": year or "",
            "only": only if only == "errors" else "",
        },
    )

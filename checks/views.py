from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from checks.export import CONTENT_TYPE, ReportTooLong, check_report_workbook
from checks.forms import ReportFilterForm
from checks.models import FilingCheck
from checks.registry import RULES_BY_ID
from checks.report import check_report
from checks.selectors import check_totals_for, filing_checks_for, rule_counts_for
from projects.paging import TwoStepPaginator
from projects.selectors import departments_for

PAGE_SIZE = 50


def _filters(request: HttpRequest) -> dict:
    """The report's filters as asked for; what is wrong with them is said once, and left out."""
    form = ReportFilterForm(request.GET, departments=departments_for(request.user))
    year, department = form.chosen_year(), form.chosen_department()
    if form.problem("year"):
        messages.error(request, f"{form.problem('year')}；以下为全部年度的检查结果")
    if form.problem("department"):
        messages.error(request, f"{form.problem('department')}；以下为全部单位的检查结果")
    rule = RULES_BY_ID.get(request.GET.get("rule", ""))
    only = "errors" if request.GET.get("only", "") == "errors" else ""
    narrowed: dict[str, Any] = {"year": year, "department": department, "errors_only": bool(only)}
    return {
        "form": form,
        "year": year or "",
        "department": department or "",
        "rule": rule,
        "only": only,
        "checks": filing_checks_for(request.user, **narrowed, rule_id=rule.id if rule else None),
        "narrowed": narrowed,
    }


def _query(filters: dict, **changes) -> str:
    """The query string of the filters in force (no page), with ``changes``; empty values left out."""
    rule = filters["rule"]
    values = {
        "year": filters["year"],
        "department": filters["department"],
        "only": filters["only"],
        "rule": rule.id if rule else "",
        **changes,
    }
    return urlencode({name: value for name, value in values.items() if value not in ("", None)})


def _page_rows(checks: QuerySet[FilingCheck]) -> QuerySet[FilingCheck]:
    """A page's checks with their filings and units, without the findings (the counts are shown)."""
    return checks.select_related("filing__department").defer("findings")


@login_required
def report(request: HttpRequest) -> HttpResponse:
    """Totals by rule and the filings with findings, over what the user may see, a page at a time.

    A fixed number of queries however many filings: the unit choices; the totals, added up from the
    totals per unit and year (``checks.counts``); the page's ids in report order, then its rows.
    """
    filters = _filters(request)
    user, narrowed = request.user, filters["narrowed"]
    report = check_report(
        totals=check_totals_for(user, **narrowed), counts=rule_counts_for(user, **narrowed), rule=filters["rule"]
    )
    paginator = TwoStepPaginator(filters["checks"], PAGE_SIZE, count=report.filings, rows=_page_rows)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "checks/report.html",
        {
            **filters,
            "report": report,
            "totals": report.totals,
            "page": page,
            "query": _query(filters),
            "rule_query": _query(filters, rule=""),
            "departments": filters["form"].fields["department"].choices[1:],
        },
    )


@login_required
def report_export(request: HttpRequest) -> HttpResponse:
    """The report as filtered, as a workbook: a row per filing, a row per finding, totals by rule."""
    filters = _filters(request)
    try:
        data = check_report_workbook(checks=filters["checks"], rule=filters["rule"])
    except ReportTooLong as too_long:
        messages.error(request, str(too_long))
        query = _query(filters)
        return redirect(f"{reverse('checks:report')}?{query}" if query else reverse("checks:report"))
    filename = f"申报表检查报告 {timezone.localdate():%Y-%m-%d}.xlsx"
    response = HttpResponse(data, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or ""
    return response

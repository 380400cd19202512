"""The filing lists (the home page, a tab per kind) and the reviewer's queue."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from projects import selectors
from projects.forms import FilingFilterForm
from projects.kinds import all_kinds, header_relation, kind_named
from projects.kinds.base import FormKind
from projects.models import AmountUnit, Role

PAGE_SIZE = 50


def amount_unit(request) -> str:
    """元 or 万元 for the amount columns: chosen with ?unit=, remembered for the session."""
    chosen = request.GET.get("unit")
    if chosen in AmountUnit.values:
        request.session["amount_unit"] = chosen
    return request.session.get("amount_unit", AmountUnit.WAN_YUAN)


def _query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _kind(request: HttpRequest) -> FormKind:
    """The kind of filings a list shows (?kind=), the 二级 form by default."""
    try:
        return kind_named(request.GET.get("kind") or "project")
    except LookupError:
        return kind_named("project")


@login_required
def filing_list_view(request: HttpRequest) -> HttpResponse:
    kind = _kind(request)
    visible = selectors.filings_for(request.user, kind=kind.code)
    filters = FilingFilterForm(
        request.GET or None, filings=visible, departments=selectors.departments_for(request.user)
    )
    filings = (
        filters.apply(visible)
        .select_related("department", "filing_check", header_relation(kind.code))
        .order_by("-fiscal_year", "department__name", "code", "name")
    )
    page = Paginator(filings, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(filing, [filing.value(name) for name in kind.list_amounts]) for filing in page.object_list]
    return render(
        request,
        "projects/filing_list.html",
        {
            "kind": kind,
            "kinds": all_kinds(),
            "amount_labels": [kind.field(name).plain_label for name in kind.list_amounts],
            "filters": filters,
            "page": page,
            "rows": rows,
            "unit": amount_unit(request),
            "query_without_page": _query_without(request, "page"),
            "query_without_unit": _query_without(request, "unit"),
            "can_file": bool(selectors.filing_departments_for(request.user).exists()),
        },
    )


@login_required
def review_queue_view(request: HttpRequest) -> HttpResponse:
    if Role.REVIEWER not in selectors.roles_of(request.user):
        raise PermissionDenied("您不是审核人")
    sort, check = request.GET.get("sort", ""), request.GET.get("check", "")
    queue = selectors.review_queue_for(request.user, most_findings_first=sort == "findings", check=check)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(filing, filing.value(filing.form_kind.list_amounts[0])) for filing in page.object_list]
    return render(
        request,
        "projects/review_queue.html",
        {
            "page": page,
            "rows": rows,
            "unit": amount_unit(request),
            "sort": sort,
            "check": check,
            "query_without_page": _query_without(request, "page"),
        },
    )

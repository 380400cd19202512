"""The project list (the home page) and the reviewer's queue."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from projects import selectors
from projects.forms import ProjectFilterForm
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


@login_required
def project_list_view(request):
    visible = selectors.projects_for(request.user)
    filters = ProjectFilterForm(
        request.GET or None, projects=visible, departments=selectors.departments_for(request.user)
    )
    projects = (
        filters.apply(visible)
        .select_related("applicant", "filing_check")
        .order_by("-fiscal_year", "applicant__name", "code")
    )
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/project_list.html",
        {
            "filters": filters,
            "page": page,
            "unit": amount_unit(request),
            "query_without_page": _query_without(request, "page"),
            "query_without_unit": _query_without(request, "unit"),
            "can_file": bool(selectors.filing_departments_for(request.user).exists()),
        },
    )


@login_required
def review_queue_view(request):
    if Role.REVIEWER not in selectors.roles_of(request.user):
        raise PermissionDenied("您不是审核人")
    sort, check = request.GET.get("sort", ""), request.GET.get("check", "")
    queue = selectors.review_queue_for(request.user, most_findings_first=sort == "findings", check=check)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/review_queue.html",
        {
            "page": page,
            "unit": amount_unit(request),
            "sort": sort,
            "check": check,
            "query_without_page": _query_without(request, "page"),
        },
    )

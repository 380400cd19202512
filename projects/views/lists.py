"""The filing lists (the home page, a tab per kind, with its 合计 row and its Excel export) and the
reviewer's queue."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from projects import selectors
from projects.forms import FilingFilterForm
from projects.kinds import all_kinds, header_relation, kind_named
from projects.kinds.base import FormKind
from projects.models import AmountUnit, Filing, Role
from projects.paging import TwoStepPaginator
from projects.services.excel import CONTENT_TYPE
from projects.services.list_export import (
    ListColumn,
    ListTooLong,
    filing_list_totals,
    filing_list_workbook,
    list_columns,
)
from projects.templatetags.projects_tags import user_roles

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


@dataclass(frozen=True)
class _Listing:
    """What the list page and its export show: the kind, its columns, the filters and the filings
    they select (every page of them), sorted, scoped to what the user may see."""

    kind: FormKind
    columns: list[ListColumn]
    filters: FilingFilterForm
    filings: QuerySet[Filing]


def _listing(request: HttpRequest) -> _Listing:
    kind = _kind(request)
    columns = list_columns(kind)
    visible = selectors.filings_for(request.user, kind=kind.code)
    filters = FilingFilterForm(
        request.GET or None,
        kind=kind.code,
        departments=selectors.departments_for(request.user),
        sorts={column.key: column.sorts_by for column in columns},
    )
    return _Listing(kind, columns, filters, filters.order(filters.apply(visible)))


@dataclass(frozen=True)
class _Heading:
    """A column heading: a link that sorts by the column (again: the other way round)."""

    column: ListColumn
    href: str
    aria_sort: str  # ascending, descending, or "" for a column the list is not sorted by


def _headings(request: HttpRequest, listing: _Listing) -> list[_Heading]:
    key, descending = listing.filters.sorted_by
    query = _query_without(request, "sort", "page")
    headings = []
    for column in listing.columns:
        sorted_here = column.key == key
        sort = f"-{column.key}" if sorted_here and not descending else column.key
        aria_sort = ("descending" if descending else "ascending") if sorted_here else ""
        headings.append(_Heading(column, f"?{query}&sort={sort}" if query else f"?sort={sort}", aria_sort))
    return headings


def _lands_on_queue(request: HttpRequest) -> bool:
    """Where a user lands: the site root, opened without a query (also where signing in leads), sends a
    reviewer who files nowhere on to 待我审核, all their work. Everyone who files, reviewers who also
    file and the 管理员 included, stays on the list of their filings, and sees what waits for their
    review counted in the navigation. Links to the list carry ``?kind=``, so a reviewer can open it."""
    if request.GET:
        return False
    roles = user_roles({"request": request})  # remembered on the request: the menu asks again
    return Role.REVIEWER in roles and Role.FILER not in roles


@login_required
def filing_list_view(request: HttpRequest) -> HttpResponse:
    if _lands_on_queue(request):
        return redirect("projects:review_queue")
    listing = _listing(request)
    kind, columns = listing.kind, listing.columns
    every_filing = not listing.filters.narrows and selectors.department_ids_for(request.user) is None
    totals = filing_list_totals(filings=listing.filings, kind=kind, every_filing=every_filing)
    paginator = TwoStepPaginator(
        listing.filings,
        PAGE_SIZE,
        count=totals.count,  # the 合计 query counted them already
        # The list shows the checks' counts, not their findings (the largest column of all).
        rows=lambda page: page.select_related("department", "filing_check", header_relation(kind.code)).defer(
            "filing_check__findings"
        ),
    )
    page = paginator.get_page(request.GET.get("page"))
    rows = [(filing, [(column, column.read(filing)) for column in columns]) for filing in page.object_list]
    unit = amount_unit(request)
    can_file = selectors.filing_departments_for(request.user).exists()
    lead = int(can_file)  # the column of check boxes for 批量送审
    first_amount = next((index for index, column in enumerate(columns) if column.is_amount), len(columns))
    export_query = request.GET.copy()
    export_query.pop("page", None)
    export_query["kind"], export_query["unit"] = kind.code, unit
    return render(
        request,
        "projects/filing_list.html",
        {
            "kind": kind,
            "kinds": all_kinds(),
            "headings": _headings(request, listing),
            "filters": listing.filters,
            "sort": listing.filters.chosen_sort,
            "page": page,
            "rows": rows,
            "totals": totals,
            "totals_shown": totals.shown(unit),
            # The 合计 row: its label across the columns before the amounts, blanks after them.
            "totals_span": lead + first_amount,
            "totals_after": len(columns) - first_amount - len(totals.amounts),
            "column_count": lead + len(columns),
            "unit": unit,
            "query_without_page": _query_without(request, "page"),
            "query_without_unit": _query_without(request, "unit"),
            "export_query": export_query.urlencode(),
            "can_file": can_file,
        },
    )


@login_required
def filing_list_export_view(request: HttpRequest) -> HttpResponse:
    """The list as filtered and sorted, as an Excel workbook; too long a list goes back with a message."""
    listing = _listing(request)
    unit = amount_unit(request)
    try:
        data = filing_list_workbook(filings=listing.filings, kind=listing.kind, unit=unit)
    except ListTooLong as too_long:
        messages.error(request, str(too_long))
        query = _query_without(request, "page")
        return redirect(f"{reverse('projects:filing_list')}?{query}" if query else reverse("projects:filing_list"))
    filename = f"{listing.kind.short_name}申报表列表 {timezone.localdate():%Y-%m-%d}.xlsx"
    response = HttpResponse(data, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or ""
    return response


@login_required
def review_queue_view(request: HttpRequest) -> HttpResponse:
    if Role.REVIEWER not in selectors.roles_of(request.user):
        raise PermissionDenied("您不是审核人")
    sort, check = request.GET.get("sort", ""), request.GET.get("check", "")
    queue = selectors.review_queue_for(request.user, most_findings_first=sort == "findings", check=check)
    # Sorted ids first, then the page's rows (projects.paging): not every waiting filing joined and sorted.
    paginator = TwoStepPaginator(queue, PAGE_SIZE, count=queue.count(), rows=selectors.review_queue_rows)
    page = paginator.get_page(request.GET.get("page"))
    rows = [(filing, filing.value(kind_named(filing.kind).list_amounts[0])) for filing in page.object_list]
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

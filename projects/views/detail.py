"""The filing page: the filing as the official form shows it, its actions and its full history."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from checks.models import FilingCheck
from checks.services import Finding, findings_for
from indicators.models import Indicator, Level2Category
from projects import selectors
from projects.history import Event, filing_timeline
from projects.models import Filing, Status
from projects.printing.form import (
    category_labels,
    form_title,
    header_rows,
    indicator_levels,
    layout_name,
    other_fields,
    template_level2,
    web_rows,
)
from projects.services.rows import shown_columns
from projects.services.snapshots import row_order


def filing_context(filing: Filing) -> dict[str, Any]:
    """What the read-only filing include needs: the form as its layout prints it (the header fields no
    layout knows after the grid, the catalogue columns some row fills after the layout's), and the check
    findings beside its fields and rows."""
    kind = filing.form_kind
    rows, texts, pairs = header_rows(filing)
    level2s = template_level2(filing.template_id)
    categories = category_labels(level2s)
    indicators = filed_rows(filing, level2s)
    levels = indicator_levels(indicators, categories)
    return {
        "categories": categories,
        "filing": filing,
        "kind": kind,
        "title": form_title(filing),
        "layout_name": layout_name(filing),
        "header_rows": rows,
        "header_texts": texts,
        "other_fields": other_fields(filing),
        "text_span": 2 * pairs - 1,
        "columns": shown_columns(kind.indicators.columns, indicators),
        "tasks": list(filing.tasks.all()) if kind.tasks is not None else None,
        "indicators": indicators,
        "indicator_rows": web_rows(levels),
        "findings": stored_findings(filing),
    }


def filed_rows(filing: Filing, level2s: dict[int, Level2Category]) -> list[Indicator]:
    """The filing's rows in the order of a snapshot (``services.snapshots.filing_snapshot``), each with
    its 二级 and 一级 category as read with the template: the review page compares them with the snapshot
    taken when the filing was returned, without reading them again. Read without joining the categories,
    which made the query two and a half times as long."""
    indicators = list(filing.indicators.order_by())
    for indicator in indicators:
        if indicator.category_id in level2s:
            indicator.category = level2s[indicator.category_id]
    return sorted(indicators, key=row_order)


def stored_findings(filing: Filing) -> list[Finding]:
    """The findings stored when the filing was last checked (every save, import and rule change checks
    again), errors first as the rules found them: one query instead of reading the filing again and
    running every rule on each page view. A filing never checked is checked now."""
    check = FilingCheck.objects.filter(filing_id=filing.pk).only("findings").order_by("pk").first()
    return check.finding_list() if check is not None else findings_for(filing)


def last_return(timeline: list[Event]) -> Event | None:
    return next(
        (event for event in timeline if event.kind == "transition" and event.to_status == Status.RETURNED), None
    )


@login_required
def filing_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    filing = selectors.filing_for(request.user, pk)
    context = filing_context(filing)
    timeline = filing_timeline(filing, categories=context["categories"])
    may_file = selectors.can_file_for(request.user, filing)
    may_review = selectors.can_review(request.user, filing)
    context.update(
        {
            "timeline": timeline,
            "returned": last_return(timeline) if filing.status == Status.RETURNED else None,
            "can_edit": may_file and filing.is_editable,
            "can_submit": may_file and filing.is_editable,
            "can_withdraw": may_file and filing.status == Status.SUBMITTED,
            "can_review": may_review and filing.status == Status.SUBMITTED,
        }
    )
    return render(request, "projects/filing_detail.html", context)

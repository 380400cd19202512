"""The filing page: the filing as the official form shows it, its actions and its full history."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from checks.services import findings_for
from projects import selectors
from projects.history import Event, filing_timeline
from projects.models import Filing, Status
from projects.printing.form import header_rows, indicator_levels, template_categories, web_rows


def filing_context(filing: Filing) -> dict[str, Any]:
    """What the read-only filing include needs: the form as printed, and the check findings beside its
    fields and rows."""
    kind = filing.form_kind
    rows, texts, pairs = header_rows(filing)
    levels = indicator_levels(filing.indicators.all(), template_categories(filing.template_id))
    return {
        "filing": filing,
        "kind": kind,
        "header_rows": rows,
        "header_texts": texts,
        "text_span": 2 * pairs - 1,
        "columns": kind.indicators.columns,
        "tasks": list(filing.tasks.all()) if kind.tasks is not None else None,
        "indicator_rows": web_rows(levels),
        "findings": findings_for(filing),
    }


def last_return(timeline: list[Event]) -> Event | None:
    return next(
        (event for event in timeline if event.kind == "transition" and event.to_status == Status.RETURNED), None
    )


@login_required
def filing_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    filing = selectors.filing_for(request.user, pk)
    context = filing_context(filing)
    timeline = filing_timeline(filing)
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

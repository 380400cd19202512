"""The project page: the filing as the official form shows it, its actions and its full history."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from checks.services import findings_for
from projects import selectors
from projects.history import project_timeline
from projects.layout import indicator_table, template_categories
from projects.models import Status
from projects.services.review import EDITABLE_STATUSES


def filing_context(project) -> dict:
    """What the read-only filing include needs: the form, and the check findings beside its fields and rows."""
    levels = template_categories(project.template_id)
    table = indicator_table(levels, list(project.indicators.all()))
    labels = {level2.pk: f"{level1.name} / {level2.name}" for level1 in levels for level2 in level1.children.all()}
    return {"project": project, "indicator_rows": table, "category_labels": labels, "findings": findings_for(project)}


def last_return(timeline):
    return next(
        (event for event in timeline if event.kind == "transition" and event.to_status == Status.RETURNED), None
    )


@login_required
def project_detail_view(request, pk):
    project = selectors.project_for(request.user, pk)
    context = filing_context(project)
    timeline = project_timeline(project, context["category_labels"])
    may_file = selectors.can_file_for(request.user, project)
    may_review = selectors.can_review(request.user, project)
    context.update(
        {
            "timeline": timeline,
            "returned": last_return(timeline) if project.status == Status.RETURNED else None,
            "can_edit": may_file and project.status in EDITABLE_STATUSES,
            "can_submit": may_file and project.status in EDITABLE_STATUSES,
            "can_withdraw": may_file and project.status == Status.SUBMITTED,
            "can_review": may_review and project.status == Status.SUBMITTED,
        }
    )
    return render(request, "projects/project_detail.html", context)

"""Reads of stored check results, scoped through projects.selectors like every other read."""

from django.db.models import QuerySet

from checks.models import FilingCheck
from projects.selectors import projects_for
from projects.typing import AnyUser


def filing_checks_for(user: AnyUser, *, year: int | None = None, errors_only: bool = False) -> QuerySet[FilingCheck]:
    """The stored checks of the projects the user may see, most errors first."""
    projects = projects_for(user)
    if year:
        projects = projects.filter(fiscal_year=year)
    checks = FilingCheck.objects.filter(project__in=projects).select_related("project__applicant")
    if errors_only:
        checks = checks.filter(errors__gt=0)
    return checks.order_by("-errors", "-warnings", "project__code")

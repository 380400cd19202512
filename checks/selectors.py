"""Reads of stored check results, scoped through projects.selectors like every other read."""

from django.db.models import QuerySet

from checks.models import FilingCheck
from projects.selectors import filings_for
from projects.typing import AnyUser


def filing_checks_for(
    user: AnyUser, *, year: int | None = None, department: int | None = None, errors_only: bool = False
) -> QuerySet[FilingCheck]:
    """The stored checks of the filings the user may see (of one unit, when given), most errors first."""
    filings = filings_for(user)
    if year:
        filings = filings.filter(fiscal_year=year)
    if department:
        filings = filings.filter(department_id=department)
    checks = FilingCheck.objects.filter(filing__in=filings)
    if errors_only:
        checks = checks.filter(errors__gt=0)
    return checks.order_by("-errors", "-warnings", "filing__code", "filing__name", "filing__pk")

"""Reads of stored check results, scoped through projects.selectors like every other read."""

from django.db.models import QuerySet

from checks.models import CheckTotal, FilingCheck, RuleCount
from projects.selectors import department_ids_for, filings_for
from projects.typing import AnyUser


def filing_checks_for(
    user: AnyUser,
    *,
    year: int | None = None,
    department: int | None = None,
    errors_only: bool = False,
    rule_id: str | None = None,
) -> QuerySet[FilingCheck]:
    """The stored checks of the filings the user may see (of one unit, with findings of one rule,
    when given), most errors first."""
    filings = filings_for(user)
    if year:
        filings = filings.filter(fiscal_year=year)
    if department:
        filings = filings.filter(department_id=department)
    checks = FilingCheck.objects.filter(filing__in=filings)
    if errors_only:
        checks = checks.filter(errors__gt=0)
    if rule_id:
        checks = checks.filter(filing__in=RuleCount.objects.filter(rule_id=rule_id).values("filing_id"))
    return checks.order_by("-errors", "-warnings", "filing__code", "filing__name", "filing__pk")


def _scoped(queryset, user: AnyUser, *, year: int | None, department: int | None, errors_only: bool):
    ids = department_ids_for(user)
    if ids is not None:
        queryset = queryset.filter(department_id__in=ids)
    if year:
        queryset = queryset.filter(fiscal_year=year)
    if department:
        queryset = queryset.filter(department_id=department)
    if errors_only:
        queryset = queryset.filter(with_errors=True)
    return queryset


def check_totals_for(
    user: AnyUser, *, year: int | None = None, department: int | None = None, errors_only: bool = False
) -> QuerySet[CheckTotal]:
    """The totals per unit, year and rule over the filings the user may see (narrowed as asked)."""
    return _scoped(CheckTotal.objects.all(), user, year=year, department=department, errors_only=errors_only)


def rule_counts_for(
    user: AnyUser, *, year: int | None = None, department: int | None = None, errors_only: bool = False
) -> QuerySet[RuleCount]:
    """The counts per filing and rule of the filings the user may see (narrowed as asked)."""
    return _scoped(RuleCount.objects.all(), user, year=year, department=department, errors_only=errors_only)

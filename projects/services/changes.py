"""What follows every change to the contents of filings, whichever workflow made it.

The text and workbook imports, the filing page, the admin's form and its list import all end
here: the stored check results are computed anew in the same transaction, and the departments'
PDFs are printed ahead once it commits. A review changes no contents and only prints ahead.
"""

from __future__ import annotations

from collections.abc import Iterable

from checks.services import filing_check_refresh
from projects.models import Filing
from projects.services.prerender import prerender_after_commit


def filings_changed(*, filings: list[Filing], previously: Iterable[tuple[int, int]] = ()) -> None:
    """``previously`` holds the filings' ``prerender.exported_under`` pairs from before the change."""
    previously = list(previously)
    filing_check_refresh(filings=[*filings, *_overalls_answering_to(filings, previously)])
    prerender_after_commit(filings=filings, previously=previously)


def _overalls_answering_to(filings: list[Filing], previously: list[tuple[int, int]]) -> list[Filing]:
    """The 部门整体 filings whose tasks the changed projects answer to, by unit and year, before and
    after the change: their comparison with the projects (rule 16) is checked again too."""
    changed = {f.pk for f in filings}
    keys = {(f.department_id, f.fiscal_year) for f in filings if f.kind != "overall"} | set(previously)
    if not keys:
        return []
    candidates = Filing.objects.filter(
        kind="overall",
        department_id__in={department for department, _ in keys},
        fiscal_year__in={year for _, year in keys},
    ).only("pk", "department_id", "fiscal_year")
    return [f for f in candidates if (f.department_id, f.fiscal_year) in keys and f.pk not in changed]

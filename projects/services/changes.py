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
    filing_check_refresh(filings=filings)
    prerender_after_commit(filings=filings, previously=previously)

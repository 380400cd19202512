"""Rows kept under a filing (its review steps, indicator rows and tasks) sort by the filing's id, not
by the filing's own ordering: reading one filing's rows joins neither the filing nor its unit, which
ordering by the filing did on every such read (the filing page reads three of them)."""

import pytest

from indicators.models import Indicator
from projects.kinds.overall import OverallTask
from projects.models import Transition


@pytest.mark.parametrize("model", [Transition, Indicator, OverallTask])
def test_the_rows_of_one_filing_are_read_without_joining_the_filing(model):
    sql = str(model.objects.filter(filing_id=1).query)
    assert "ORDER BY" in sql
    assert '"projects_filing"' not in sql and '"projects_department"' not in sql


@pytest.mark.django_db
def test_the_rows_of_several_filings_come_filing_by_filing_in_their_own_order(samples):
    rows = list(Indicator.objects.filter(filing__fiscal_year__gte=0).values_list("filing_id", "position"))
    assert rows and [filing for filing, _ in rows] == sorted(filing for filing, _ in rows)

"""万元 columns show two decimals on the page, with the exact amount on hover, and the list's export
holds the exact amount (formatted to two decimals, with the rest kept, so that sums are exact)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def test_the_list_shows_two_decimals_and_its_export_the_exact_amount(client, people, make_filing):
    make_filing(people.unit_a, year=2031, code="440306319999900000001", current_amount=Decimal("1234567.89"))
    client.force_login(people.owner)
    query = {"kind": "project", "year": 2031, "unit": "万元"}

    page = client.get(reverse("projects:filing_list"), query).content.decode()
    export = client.get(reverse("projects:filing_list_export"), query)

    assert "123.46" in page and "1,234,567.89 元" in page  # shown, and on hover
    sheet = load_workbook(io.BytesIO(export.content)).active
    amounts = [cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, float)]
    exact = [cell for cell in amounts if cell.value == pytest.approx(123.456789, abs=1e-9)]
    assert exact and exact[0].number_format == "#,##0.00####"

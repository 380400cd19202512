from hypothesis import given
from hypothesis import strategies as st

from projects.spreadsheet_text import as_text_cell, from_text_cell


def test_text_a_spreadsheet_would_evaluate_gets_an_apostrophe():
    assert as_text_cell("=100%") == "'=100%"
    assert as_text_cell("+86 755") == "'+86 755"
    assert as_text_cell("-") == "'-"
    assert as_text_cell("@SUM(A1)") == "'@SUM(A1)"
    assert as_text_cell("\t=1") == "'\t=1"


def test_plain_text_signed_numbers_and_other_values_are_written_as_they_are():
    assert as_text_cell("≥95%") == "≥95%"
    assert as_text_cell("服务企业数量") == "服务企业数量"
    assert as_text_cell("-1,200.50") == "-1,200.50"
    assert as_text_cell("+5%") == "+5%"
    assert as_text_cell(2023) == 2023
    assert as_text_cell(None) is None


def test_an_apostrophe_that_was_there_is_kept():
    assert as_text_cell("'=1") == "''=1"
    assert from_text_cell("''=1") == "'=1"
    assert from_text_cell("'plain") == "'plain"


@given(st.text(alphabet="=+-@'\t\r1,.%a指 ", max_size=8))
def test_reading_gives_back_every_value_that_was_written(value):
    assert from_text_cell(as_text_cell(value)) == value

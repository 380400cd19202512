"""Text that a spreadsheet would take for a formula, written so that it stays text.

Excel and LibreOffice read a CSV cell that starts with =, +, - or @ (or a tab or carriage return)
as a formula: 指标值 "=100%" shows as 1, and "=HYPERLINK(…)" runs when clicked. Such a cell is
written with a leading apostrophe, which a spreadsheet shows as text and drops when it saves;
reading a CSV drops it again, so every value comes back as it was exported.
"""

from __future__ import annotations

import re

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A signed number is read as a number, not as a formula, and is left alone: -5, +3.5, -1,200.00.
_SIGNED_NUMBER = re.compile(r"[+-]\d[\d,]*(\.\d+)?%?")


def _read_as_formula(text: str) -> bool:
    if text.startswith("'"):
        # An apostrophe already there is kept by adding one, so that reading drops only ours.
        return _read_as_formula(text[1:])
    return text.startswith(_FORMULA_STARTS) and not _SIGNED_NUMBER.fullmatch(text)


def as_text_cell(value):
    """The value for a CSV cell: text a spreadsheet would evaluate gets a leading apostrophe."""
    if isinstance(value, str) and _read_as_formula(value):
        return "'" + value
    return value


def from_text_cell(value):
    """The value ``as_text_cell`` was given."""
    if isinstance(value, str) and value.startswith("'") and _read_as_formula(value[1:]):
        return value[1:]
    return value

"""The computed values of each style, carried over to the next form.

WeasyPrint computes a property of an element's style the first time it is read, some 4,000 times a
form for its 50-odd distinct styles, at about 9,000 instructions a time. Within a document it
already shares one style between equivalent elements; ``SharedStyleFor`` carries the values over to
the next document. Most of a style's values depend on nothing but its parent's style and its own
cascaded declarations, which make the key; a new document's style starts with the values computed
for that key before, and WeasyPrint computes the rest as usual.

Some values depend on more: lengths in viewport units (vw, vh…) on the page size, lengths in ex, ch
and the like on the fonts loaded so far, custom properties that refer to each other on the order
they are read. A style with any of those starts afresh, and so do the styles below it; so do those
on a ::first-line or ::first-letter, whose values WeasyPrint copies only as far as they were
computed. Values are recorded as they are computed, never as WeasyPrint changes them afterwards (it
moves a table's margins to the table's wrapper box, for one).
"""

from __future__ import annotations

from typing import Any

from weasyprint import css
from weasyprint.css.tokens import Pending
from weasyprint.css.units import FONT_UNITS, VIEWPORT_UNITS

from projects.printing.speedups.cascade import KnownCascadesStyleFor, same

# Keys are few (about 60 for every sample form); a stylesheet changed over and over could add new
# ones without end, so past this many the values are forgotten and recorded afresh.
MOST_KNOWN_STYLES = 2_000
# For each style's key: the key itself, the values known and the specified values known; None for
# a style that is not shared.
_known_values: dict[tuple, tuple[tuple, dict, dict] | None] = {}
_UNSEEN: Any = object()  # Any: mypy cannot narrow a value by ``is`` against a plain object() sentinel

# The specified values WeasyPrint keeps beside the computed ones, to compute display and float.
_SPECIFIED_TOO = frozenset({"position", "float", "display"})

# Lengths that depend on more than the key: on the page size, or on the glyphs of whichever fonts
# the font configuration holds by then (a later document's @font-face can add one). em and rem
# depend on font sizes only, which the key holds.
_UNITS_BEYOND_THE_KEY = VIEWPORT_UNITS | (FONT_UNITS - {"em", "rem"})

# WeasyPrint copies onto a first line or letter whichever values of the pseudo-element's style,
# and of the styles of the boxes under it, were computed so far: values known beforehand would
# change what is copied.
_FIRST_LINE_OR_LETTER = frozenset({"first-line", "first-letter"})


class _RecordingStyle(css.ComputedStyle):
    """A computed style that records each value it computes under its key, for the next document."""

    __slots__ = ()

    def __missing__(self, key):
        value = super().__missing__(key)
        self.known[key] = value
        if key in _SPECIFIED_TOO:
            self.known_specified[key] = self.specified[key]
        return value


def _measures_beyond_the_key(value) -> bool:
    """Whether a cascaded value has a length in ``_UNITS_BEYOND_THE_KEY``: a plain one, one inside
    calc() or var(), or a custom property's."""
    if isinstance(value, str):
        return False
    unit = getattr(value, "unit", None)
    if isinstance(unit, str) and unit.lower() in _UNITS_BEYOND_THE_KEY:
        return True
    if isinstance(value, (tuple, list)):
        return any(map(_measures_beyond_the_key, value))
    # Function and bracket tokens, and the unresolved value of a declaration that uses var().
    nested = getattr(value, "arguments", None) or getattr(value, "content", None) or getattr(value, "tokens", None)
    return isinstance(nested, list) and _measures_beyond_the_key(nested)


def _shareable(cascaded: dict) -> bool:
    for name, (value, _weight) in cascaded.items():
        if _measures_beyond_the_key(value):
            return False
        if name.startswith("__") and isinstance(value, Pending):
            # A custom property defined with var(): custom properties that refer to each other
            # resolve in the order they are first read, which differs from document to document.
            return False
    return True


class SharedStyleFor(KnownCascadesStyleFor):
    """WeasyPrint's computed styles, starting from the values computed for the same style before.

    The elements' styles start from the known values only once the cascade is done, when it is
    known which elements have a ::first-line or ::first-letter style; page styles, set later,
    start from them at once.
    """

    def __init__(self, *args, **kwargs):
        self._keyed_in_cascade: list[css.ComputedStyle] | None = []
        self._first_line_or_letter_elements = []
        super().__init__(*args, **kwargs)
        keyed, self._keyed_in_cascade = self._keyed_in_cascade, None
        left_as_they_are = self._styles_on_first_lines_and_letters()
        for style in keyed:
            if id(style) not in left_as_they_are:
                _start_from_known_values(style)

    def _styles_on_first_lines_and_letters(self) -> set[int]:
        """The styles of the elements with a first line or letter style, of those inside them, and
        of their pseudo-elements."""
        if not self._first_line_or_letter_elements:
            return set()
        inside = {element for outer in self._first_line_or_letter_elements for element in outer.iter()}
        return {id(style) for (element, _pseudo_type), style in self._computed_styles.items() if element in inside}

    def set_computed_styles(self, element, parent, root=None, pseudo_type=None, base_url=None, target_collector=None):
        super().set_computed_styles(
            element, parent, root=root, pseudo_type=pseudo_type, base_url=base_url, target_collector=target_collector
        )
        computed = self._computed_styles[element, pseudo_type]
        if pseudo_type in _FIRST_LINE_OR_LETTER:
            self._first_line_or_letter_elements.append(element)
            return
        if parent is None:
            parent_key = None
        else:
            parent_key = self._computed_styles[parent, None].__dict__.get("style_key")
            if parent_key is None:
                return
        key = (parent_key, pseudo_type, base_url, same(self.font_config), self.comparable_cascade(computed.cascaded))
        values = _known_values.get(key, _UNSEEN)
        if values is _UNSEEN:
            if len(_known_values) >= MOST_KNOWN_STYLES:
                _known_values.clear()
            values = _known_values[key] = (key, {}, {}) if _shareable(computed.cascaded) else None
        if values is None:
            # Nor are the styles below it, which find no key on their parent.
            return
        computed.__class__ = _RecordingStyle
        # The key kept is the one made first: the one just made is freed at once rather than left
        # for the cycle collector to go through with the document.
        computed.style_key, computed.known, computed.known_specified = values
        if self._keyed_in_cascade is None:
            _start_from_known_values(computed)
        else:
            self._keyed_in_cascade.append(computed)


def _start_from_known_values(style: _RecordingStyle) -> None:
    style.update(style.known)
    style.specified.update(style.known_specified)

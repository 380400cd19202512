"""Each line's Pango layout, laid out once and drawn as it is.

WeasyPrint frees a line's Pango layout once the line is laid out and, to draw the line, builds it
again, text, shaping and all. ``kept`` keeps the layout instead: what it holds by then is what
drawing would build again. WeasyPrint leaves the line's final text on it, and no width, or, on the
last line of a text, the width the line already fits in. A justified line, which drawing lays out
with extra word spacing, is built again as before, and so is a line whose layout was given more
than one text with word spacing: WeasyPrint adds each text's word spacing to what the layout already
holds, so a hyphenated line can keep the spacing of a space that an earlier text had where the
hyphen now is.

Drawing also puts the layout in single-paragraph mode, and Pango lays out a layout again when that
changes. ``set_text`` puts a text that is one paragraph anyway in that mode from the start, so the
lines laid out are the ones drawn.
"""

from __future__ import annotations

import re

from weasyprint.text import line_break
from weasyprint.text.ffi import pango

_reactivate = line_break.Layout.reactivate
_set_text = line_break.Layout.set_text

# Pango ends a paragraph at \n, \r and U+2029; the others are here only to be on the safe side.
_PARAGRAPH_SEPARATORS = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def kept(self):
    """In place of ``Layout.deactivate``: the layout stays as it is, to be drawn."""
    self.kept = True


def reactivated_unless_kept(self, style):
    """In place of ``Layout.reactivate``, which builds the layout again for drawing."""
    if (
        getattr(self, "kept", False)
        and style is self.style
        and not self.justification_spacing
        and not getattr(self, "respaced", False)
    ):
        return
    _reactivate(self, style)


def set_text(self, text, justify=False):
    """``Layout.set_text``, in single-paragraph mode for a text that has one paragraph."""
    if self.style["word_spacing"] and hasattr(self, "text"):
        self.respaced = True
    pango.pango_layout_set_single_paragraph_mode(self.layout, _PARAGRAPH_SEPARATORS.search(text) is None)
    _set_text(self, text, justify)

"""How the engine reads a printed form: as XML, with a short user-agent stylesheet.

WeasyPrint spends its time per element and per box, and a form has some four hundred boxes;
these two changes take about a sixth off the time a form takes, and print it exactly as
``weasyprint.HTML`` does (tests/printing/test_engine.py compares the page images).
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import cssselect2
import weasyprint

USER_AGENT_CSS_PATH = Path(__file__).with_name("ua.css")
_USER_AGENT_CSS = weasyprint.CSS(filename=str(USER_AGENT_CSS_PATH))


class FormHTML(weasyprint.HTML):
    """A printed form, read and laid out the quick way, printed exactly as ``weasyprint.HTML`` would.

    The template writes well-formed XHTML, which Python's XML parser (written in C) reads in a
    fraction of the time of WeasyPrint's HTML5 parser (written in Python); a form whose text holds
    a character XML refuses goes to the HTML5 parser. And it is laid out with the short
    user-agent stylesheet of ``ua.css``: WeasyPrint asks the document for its user-agent
    stylesheets, and were it to stop asking, the form would print the same with its own.
    """

    def __init__(self, html: str):
        try:
            root = ElementTree.fromstring(html)
        except ElementTree.ParseError:
            super().__init__(string=html)
            return
        # WeasyPrint's own set-up (base URL, URL fetcher, media type), on an empty document.
        super().__init__(string="<html></html>")
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root)
        self.etree_element = self.wrapper_element.etree_element

    def _ua_stylesheets(self, forms=False):
        return [_USER_AGENT_CSS]

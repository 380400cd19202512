"""Which declarations apply to an element, for elements the same rules match.

WeasyPrint matches each element against the stylesheets' rules and then weighs every declaration
of every rule that matched against those before it: some 3,000 declarations a form, each with a
new weight tuple that stays with the document until the cycle collector goes through it. An
element's cascade depends on nothing but the rules that match it, and on its style attribute and
HTML hints. ``KnownCascadesStyleFor`` keeps the cascade made for each list of matching rules, as
long as the stylesheets are the same objects, and gives it to every element the same rules match
and nothing else declares anything for; other elements are cascaded as before. The declarations'
values come from the stylesheets and nothing writes to a cascade once it is made, so elements and
documents share them as they are.
"""

from __future__ import annotations

from math import inf
from typing import Any

from weasyprint import css

# Lists of matching rules are few (about 30 for the form); past this many they are made afresh.
MOST_KNOWN_CASCADES = 2_000


class _Same:
    """A value that cannot be hashed, compared by identity (and kept alive by the key that holds it)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __eq__(self, other):
        return isinstance(other, _Same) and other.value is self.value

    def __hash__(self):
        return id(self.value)


def comparable(value):
    """``value`` as part of a key: equal for equal declarations, whichever document they come from."""
    try:
        hash(value)
    except TypeError:
        if isinstance(value, (list, tuple)):
            # The specificity of a page rule, for one, is a list.
            return type(value), tuple(map(comparable, value))
        return _Same(value)
    return value


def same(value) -> _Same:
    return _Same(value)


def _comparable_cascade(cascaded: dict) -> tuple:
    return tuple((name, comparable(value), comparable(weight)) for name, (value, weight) in cascaded.items())


class _KnownCascades:
    """The cascades made with one list of stylesheets, keyed on the rules that matched: for each,
    the sheet's place in the list and the rule's order in the sheet."""

    def __init__(self, sheets: list):
        self.sheets = sheets
        self.cascades: dict[tuple, tuple] = {}

    def made_with(self, sheets: list) -> bool:
        return len(sheets) == len(self.sheets) and all(
            sheet is known and rest == known_rest
            for (sheet, *rest), (known, *known_rest) in zip(sheets, self.sheets, strict=True)
        )


# Those of the last list of stylesheets only: a document with stylesheets of its own starts afresh,
# and no more than one list of stylesheets is kept alive.
_known: _KnownCascades | None = None


def _known_cascades(sheets: list) -> dict[tuple, tuple]:
    global _known
    if _known is None or not _known.made_with(sheets):
        _known = _KnownCascades(list(sheets))
    return _known.cascades


def _cascade(matched: list, sheets: list, element, cascaded_styles: dict) -> tuple:
    """WeasyPrint 70's cascade of the rules that match an element into ``cascaded_styles``; the
    rules' keys for WeasyPrint's sharing of equivalent styles."""
    selectors_keys = []
    for index, (specificity, _order, pseudo_type, (declarations, layer)) in matched:
        sheet, origin, sheet_specificity = sheets[index]
        layer_order = inf if layer is None else sheet.layers.index(layer)
        selectors_keys.append((sheet, specificity, id(declarations), layer_order))
        specificity = sheet_specificity or specificity
        style = cascaded_styles.setdefault((element, pseudo_type), {})
        for name, values, importance in declarations:
            precedence = css.declaration_precedence(origin, importance)
            weight = (precedence, layer_order, specificity)
            old_weight = style.get(name, (None, None))[1]
            if old_weight is None or old_weight <= weight:
                style[name] = values, weight
    return tuple(selectors_keys)


class KnownCascadesStyleFor(css.StyleFor):
    """WeasyPrint 70's ``StyleFor``, the cascade of an element taken from the known cascades where it can be."""

    def __init__(self, html, sheets, presentational_hints, font_config, target_collector):
        # WeasyPrint 70's StyleFor.__init__ but for the lines marked "known cascades".
        self._known_cascade_entries: dict[int, list] = {}
        known_cascades = _known_cascades(sheets)

        cascaded_styles: dict[tuple, dict]
        computed_styles: dict[tuple, Any]
        self._cascaded_styles = cascaded_styles = {}
        self._computed_styles = computed_styles = {}
        self.initial_page_sizes = {"box": None, "area": None}
        self._sheets = sheets
        self.font_config = font_config

        css.PROGRESS_LOGGER.info("Step 3 - Applying CSS")
        elements_declarations = {}
        for specificity, element, declarations, base_url in css.find_style_attributes(
            html.etree_element, presentational_hints, html.base_url
        ):
            style = cascaded_styles.setdefault((element, None), {})
            elements_declarations[element] = tuple(declarations)
            for name, values, importance in css.preprocess_declarations(base_url, declarations):
                precedence = css.declaration_precedence("author", importance)
                weight = (precedence, inf, specificity)
                old_weight = style.get(name, (None, None))[1]
                if old_weight is None or old_weight <= weight:
                    style[name] = values, weight

        computed_cache: dict[tuple, Any] = {}
        for element in html.wrapper_element.iter_subtree():
            etree_element = element.etree_element
            parent = element.parent.etree_element if element.parent else None
            parent_id = id(computed_styles[parent, None]) if element.parent else None
            element_declarations = elements_declarations.get(etree_element)
            matched = [
                (index, selector)
                for index, (sheet, _origin, _specificity) in enumerate(sheets)
                for selector in sheet.matcher.match(element)
            ]
            if element_declarations is None:  # known cascades
                # The matcher makes a new tuple for every match: a rule is its order in its sheet.
                key: tuple = tuple((index, selector[1]) for index, selector in matched)
                if (known := known_cascades.get(key)) is None:
                    if len(known_cascades) >= MOST_KNOWN_CASCADES:
                        known_cascades.clear()
                    made: dict[tuple, dict] = {}
                    selectors_keys = _cascade(matched, sheets, None, made)
                    by_pseudo_type = {pseudo_type: [style, None] for (_, pseudo_type), style in made.items()}
                    known = known_cascades[key] = selectors_keys, by_pseudo_type
                selectors_keys, by_pseudo_type = known
                for pseudo_type, entry in by_pseudo_type.items():
                    cascaded_styles[etree_element, pseudo_type] = entry[0]
                    self._known_cascade_entries[id(entry[0])] = entry
            else:
                selectors_keys = _cascade(matched, sheets, etree_element, cascaded_styles)

            key = (parent_id, element_declarations, selectors_keys)
            if key in computed_cache:
                computed_styles[etree_element, None] = computed_cache[key]
            else:
                self.set_computed_styles(
                    etree_element,
                    root=html.etree_element,
                    parent=parent,
                    base_url=html.base_url,
                    target_collector=target_collector,
                )
                computed_cache[key] = computed_styles[etree_element, None]

        for element, pseudo_type in cascaded_styles:
            if pseudo_type:
                self.set_computed_styles(
                    element,
                    pseudo_type=pseudo_type,
                    root=html.etree_element,
                    parent=element,
                    base_url=html.base_url,
                    target_collector=target_collector,
                )

        self._cascaded_styles.clear()

    def comparable_cascade(self, cascaded: dict) -> tuple:
        """The cascade as part of a key (see ``comparable``), made once for a known cascade."""
        entry = self._known_cascade_entries.get(id(cascaded))
        if entry is None:
            return _comparable_cascade(cascaded)
        if entry[1] is None:
            entry[1] = _comparable_cascade(cascaded)
        return entry[1]

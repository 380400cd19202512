import pytest
from weasyprint import css
from weasyprint.text import line_break
from weasyprint.text.fonts import FontConfiguration

from projects.kinds import kind_named
from projects.models import Filing
from projects.printing import engine, font, speedups
from projects.printing.form import render_forms_html
from projects.printing.speedups import cascade, lines, styles
from projects.services.pdf import form_css
from tests.helpers.pdfs import page_contents

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not speedups.APPLIES, reason="the speedups are for WeasyPrint 70 only"),
]


@pytest.fixture
def nothing_known(monkeypatch):
    """What earlier tests in this process left known is not there."""
    monkeypatch.setattr(styles, "_known_values", {})
    monkeypatch.setattr(cascade, "_known", None)


def _forms(count: int) -> list[str]:
    """Forms of every kind: the 部门整体 forms of 004 and 003, the 一级 forms of 003, then 二级 forms."""
    return render_forms_html(Filing.objects.order_by("-source_file", "source_line")[:count])


def _without_speedups(monkeypatch, render):
    with monkeypatch.context() as patched:
        patched.setattr(speedups, "APPLIES", False)
        return render()


def test_forms_print_byte_for_byte_as_without_the_speedups_in_either_order(samples, nothing_known, monkeypatch):
    forms, style = _forms(12), form_css()
    titles = [kind_named(code).title for code in ("overall", "program", "project")]
    assert all(any(f"<h1>{title}</h1>" in form for form in forms) for title in titles)
    for order in (forms, forms[::-1]):
        # Two chunks: the second starts from what the first recorded.
        def render(order=order):
            return [page_contents(engine.combined_pdf_of(chunk, style)) for chunk in (order[:6], order[6:])]

        assert render() == _without_speedups(monkeypatch, render)
    assert styles._known_values, "no values were recorded"
    assert cascade._known is not None and cascade._known.cascades, "no cascades were kept"


def test_a_changed_stylesheet_prints_with_its_own_values_not_those_recorded_for_the_old_one(
    samples, nothing_known, monkeypatch
):
    form, style = _forms(1)[0], form_css()
    changed = style.replace("font: 10.5pt/1.45", "font: 12pt/1.6").replace("background: #e6e6e6", "background: #bbb")
    assert changed.count("12pt/1.6") == 1 and "#bbb" in changed
    engine.pdf_of(form, style)
    with_them = engine.pdf_of(form, changed)
    without = _without_speedups(monkeypatch, lambda: engine.pdf_of(form, changed))
    assert page_contents(with_them) == page_contents(without)
    assert page_contents(with_them) != page_contents(engine.pdf_of(form, style))


def test_weasyprint_is_as_it_was_once_a_form_is_rendered(samples):
    engine.pdf_of(_forms(1)[0], form_css())
    assert css.StyleFor is not styles.SharedStyleFor
    assert line_break.Layout.deactivate is not lines.kept
    assert line_break.Layout.reactivate is lines._reactivate
    assert line_break.Layout.set_text is lines._set_text


def test_the_values_and_cascades_known_stay_within_their_limits(samples, nothing_known, monkeypatch):
    monkeypatch.setattr(styles, "MOST_KNOWN_STYLES", 10)
    monkeypatch.setattr(cascade, "MOST_KNOWN_CASCADES", 5)
    forms, style = _forms(3), form_css()

    def render():
        return page_contents(engine.combined_pdf_of(forms, style))

    with_them = render()
    assert 0 < len(styles._known_values) <= 10
    assert cascade._known is not None and 0 < len(cascade._known.cascades) <= 5
    assert with_them == _without_speedups(monkeypatch, render)


@pytest.mark.parametrize(
    "sized_title",
    [
        "h1 { font-size: 5vw; }",
        "h1 { font-size: calc(4vw + 2pt); }",
        "body { --title: 5vmin; } h1 { font-size: var(--title); }",
    ],
)
def test_viewport_units_follow_each_documents_own_page_size(samples, nothing_known, monkeypatch, sized_title):
    form, style = _forms(1)[0], form_css() + sized_title
    # The same stylesheet, and a page size that the document itself sets.
    on_a3 = form.replace("</head>", "<style>@page { size: A3 portrait }</style></head>", 1)
    assert on_a3 != form
    engine.pdf_of(form, style)
    with_them = engine.pdf_of(on_a3, style)
    without = _without_speedups(monkeypatch, lambda: engine.pdf_of(on_a3, style))
    assert page_contents(with_them) == page_contents(without)


def test_first_lines_and_letters_print_as_without_the_speedups(samples, nothing_known, monkeypatch):
    forms = _forms(2)
    style = form_css() + "td::first-line { letter-spacing: 1pt; } td::first-letter { font-size: 14pt; }"

    def render():
        return [page_contents(engine.pdf_of(form, style)) for form in forms + forms]

    with_them = render()
    assert with_them == _without_speedups(monkeypatch, render)
    assert with_them[0] != page_contents(engine.pdf_of(forms[0], form_css())), "the pseudo-elements changed nothing"


# Documents other than the form: the speedups hold for any HTML and CSS a render may be given.


def _printed_in_turn(monkeypatch, documents: list[tuple[str, str]], *, with_speedups: bool) -> list[list[bytes]]:
    """Page contents of ``(html, css)`` printed one after another in a render process just started."""
    with monkeypatch.context() as patched:
        patched.setattr(speedups, "APPLIES", with_speedups)
        patched.setattr(styles, "_known_values", {})
        patched.setattr(cascade, "_known", None)
        patched.setattr(engine, "_fonts", FontConfiguration())
        engine._stylesheet.cache_clear()
        try:
            return [page_contents(engine.pdf_of(html, css)) for html, css in documents]
        finally:
            engine._stylesheet.cache_clear()


def _prints_as_without_the_speedups(monkeypatch, documents: list[tuple[str, str]]) -> bool:
    return _printed_in_turn(monkeypatch, documents, with_speedups=True) == _printed_in_turn(
        monkeypatch, documents, with_speedups=False
    )


def _face_rule() -> str:
    path, _index = font.source_font()
    return f"@font-face {{ font-family: Later; src: url({path.as_uri()}) }}"


@pytest.mark.parametrize("unit", ["ch", "ex", "cap"])
def test_lengths_in_font_units_follow_a_face_a_later_document_adds(monkeypatch, unit):
    html = "<html><body><p>0x水</p></body></html>"
    rules = f"p {{ font-family: Later, serif; margin-left: 10{unit}; }}"
    # The second document adds the face in its own <style>: every declaration stays as it was.
    with_face = html.replace("<body>", f"<head><style>{_face_rule()}</style></head><body>")
    assert _prints_as_without_the_speedups(monkeypatch, [(html, rules), (with_face, rules)])


@pytest.mark.parametrize(
    "pseudo_element", ["p::first-line { font-size: 30px; }", "p::first-letter { font-size: 30px; }"]
)
def test_boxes_on_a_first_line_or_letter_print_as_without_the_speedups(monkeypatch, pseudo_element):
    html = "<html><body><p><span>one two three four five six seven eight nine ten</span></p></body></html>"
    rules = (
        "p { width: 100px; } span { padding-left: 1em; border-left: .1em solid; }"
        ' span::before { content: "»"; padding-right: 1em; } ' + pseudo_element
    )
    assert _prints_as_without_the_speedups(monkeypatch, [(html, rules), (html, rules)])


def test_custom_properties_that_refer_to_each_other_print_as_without_the_speedups(monkeypatch):
    # A cycle, which WeasyPrint resolves in the order the properties are first read.
    rules = (
        ".c { --a: var(--b, 10px); --b: var(--a, 40px); } span { display: block; height: 5px; background: red; }"
        " .x { width: var(--a); } .y { width: var(--b); }"
    )
    page = '<html><body><div class="c"><span class="{}"></span></div></body></html>'
    documents = [(page.format(name), rules) for name in "xy"]
    assert _prints_as_without_the_speedups(monkeypatch, documents)


def test_documents_with_stylesheets_of_their_own_print_as_without_the_speedups(monkeypatch):
    # Each document's own sheet is a new object, and may come where the last one was in memory.
    page = (
        "<html><head><style>p {{ color: {}; font-size: {}pt; }}</style></head>"
        '<body><p>文字</p><p class="a">文字</p></body></html>'
    )
    documents = [
        (page.format(color, size), ".a { margin-left: 2em; }")
        for color, size in [("red", 12), ("blue", 20), ("green", 9)]
    ]
    assert _prints_as_without_the_speedups(monkeypatch, documents * 2)


def test_elements_with_a_style_attribute_print_as_without_the_speedups(monkeypatch):
    page = '<html><body><p class="a">文字</p><p class="a" style="color: {}; margin-left: {}">文字</p></body></html>'
    documents = [
        (page.format(color, margin), ".a { font-size: 14pt; }") for color, margin in [("red", "1em"), ("blue", "3em")]
    ]
    assert _prints_as_without_the_speedups(monkeypatch, documents * 2)


def test_text_in_more_than_one_paragraph_prints_as_without_the_speedups(monkeypatch):
    page = '<html><body><p style="white-space: pre-wrap">一\n二\r\n三\u2029四\u2028五</p><p>{}</p></body></html>'
    documents = [(page.format(text), "p { width: 60px; }") for text in ("六七八九十" * 4, "ab cd ef gh")]
    assert _prints_as_without_the_speedups(monkeypatch, documents * 2)


@pytest.mark.parametrize("text", ["ab&#173; cd", "aaaa&#173; bbbb cccc"])
def test_a_line_hyphenated_where_an_earlier_text_had_a_space_prints_as_without_the_speedups(monkeypatch, text):
    # Line breaking gives the layout the whole text first, then the line up to the soft hyphen and
    # the hyphenation character, which stands where the space was.
    spaced = "width: 10px; word-spacing: 10px; hyphenate-character: '='"
    html = f'<html><body><p style="{spaced}">{text}</p></body></html>'
    assert _prints_as_without_the_speedups(monkeypatch, [(html, "p { display: block }")])

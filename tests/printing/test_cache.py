import pytest
from django.core.cache import caches

from projects.printing.cache import (
    CACHE_ALIAS,
    CHUNK_MAX,
    cached,
    cached_many,
    content_chunks,
    content_key,
)

pytestmark = pytest.mark.usefixtures("pdf_cache")


def test_a_pdf_is_rendered_once_and_then_served_from_the_cache():
    calls = []

    def render(pdf: bytes) -> bytes:
        calls.append(1)
        return pdf

    key = content_key("form", "css", "<p>一</p>")
    assert cached(key, lambda: render(b"%PDF-1")) == b"%PDF-1"
    assert cached(key, lambda: render(b"%PDF-2")) == b"%PDF-1"
    assert calls == [1]
    assert caches[CACHE_ALIAS].get(key) == b"%PDF-1"


def test_the_key_changes_with_the_html_and_with_the_css():
    keys = {
        content_key("form", "css", "<p>一</p>"),
        content_key("form", "css", "<p>二</p>"),
        content_key("form", "css2", "<p>一</p>"),
        content_key("forms", "css", "<p>一</p>"),
    }
    assert len(keys) == 4


def test_only_the_missing_pdfs_are_rendered_in_one_call():
    cached(content_key("form", "css", "b"), lambda: b"B")
    calls = []

    def render(missing):
        calls.append(missing)
        return [f"new{index}".encode() for index in missing]

    keys = [content_key("form", "css", name) for name in "abc"]
    assert cached_many(keys, render) == [b"new0", b"B", b"new2"]
    assert calls == [[0, 2]]
    assert cached_many(keys, render) == [b"new0", b"B", b"new2"]
    assert calls == [[0, 2]]


def _codes(count, start=0):
    return [f"4403062106015{number:08d}" for number in range(start, start + count)]


def test_chunks_keep_the_order_and_stay_small():
    forms = [(code, f"<p>{code}</p>") for code in _codes(100)]
    chunks = content_chunks(forms)
    assert [html for chunk in chunks for html in chunk] == [html for _, html in forms]
    assert len(chunks) > 5
    assert all(len(chunk) <= CHUNK_MAX for chunk in chunks)


def test_adding_a_project_changes_only_the_chunk_it_joins():
    forms = [(code, f"<p>{code}</p>") for code in _codes(60)]
    before = content_chunks(forms)
    after = content_chunks(forms[:30] + [("440306210601599999999", "<p>新项目</p>")] + forms[30:])
    changed = [chunk for chunk in after if chunk not in before]
    assert len(changed) == 1 and "<p>新项目</p>" in changed[0]


def test_a_long_run_without_a_boundary_is_cut_where_the_codes_say_so_a_removal_changes_one_chunk():
    def ends_a_chunk(code):
        return len(content_chunks([(code, "a"), ("440306210601500000000", "b")])) == 2

    run = [(code, f"<p>{code}</p>") for code in _codes(400) if not ends_a_chunk(code)][: 3 * CHUNK_MAX]
    before = content_chunks(run)
    assert len(before) >= 3 and all(len(chunk) <= CHUNK_MAX for chunk in before)
    after = content_chunks(run[1:])
    assert len([chunk for chunk in after if chunk not in before]) == 1

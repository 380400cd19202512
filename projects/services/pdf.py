"""Printable forms as PDF: one filing, a department's filings in one PDF, or a zip of PDFs.

``reviews`` maps a filing's id to the review printed in its review block (a ``PrintedReview``:
an object with ``comment``, ``user`` and ``created_at``, such as ``Review``); a filing without one
gets blank lines to sign. ``printed_reviews`` finds them for a set of filings.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.template.loader import render_to_string

from budgetperf.downloads import safe_filename
from projects.models import Filing
from projects.printing import bundle, engine, font
from projects.printing.cache import cached, cached_many, content_chunks, content_key
from projects.printing.form import render_forms_html
from projects.selectors import deciding_transitions

if TYPE_CHECKING:
    from django.contrib.auth.models import User

CSS_TEMPLATE = "print/form.css"
_UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\s]+')


class NothingToExport(Exception):
    """The selection holds no filing."""


class PrintedReview(Protocol):
    """What the review block prints of a review, whatever object holds it."""

    @property
    def comment(self) -> str: ...
    @property
    def user(self) -> User | None: ...
    @property
    def created_at(self) -> datetime: ...


@dataclass(frozen=True)
class Review:
    """What the review block prints: the reviewer's opinion, who gave it, and when."""

    comment: str
    user: User | None
    created_at: datetime


def printed_reviews(filings: Iterable[Filing]) -> dict[int, Review]:
    """The review each approved or returned filing prints (审核通过 or 已退回, with its opinion).

    Read in one query for all the filings; a filing not reviewed in its current state gets none.
    """
    return {
        pk: Review(comment=step.comment, user=step.user, created_at=step.at)
        for pk, step in deciding_transitions(list(filings)).items()
    }


def print_font_path() -> Path:
    return Path(settings.VAR_DIR) / "fonts" / font.FILE_NAME


def form_css() -> str:
    """The printed form's CSS, naming the cut-down face once ``build_print_font`` has made it.

    The CSS carries a digest of the face: it is part of every cached PDF's key, so a face built
    anew (or damaged) never serves PDFs made with another.
    """
    path = print_font_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return _form_css("", "")
    return _form_css(path.as_uri(), _file_digest(path, stat.st_size, stat.st_mtime_ns))


@lru_cache(maxsize=4)
def _file_digest(path: Path, size: int, modified_ns: int) -> str:
    with path.open("rb") as face:
        return hashlib.file_digest(face, "sha256").hexdigest()


@lru_cache(maxsize=4)
def _form_css(print_font_url: str, print_font_digest: str) -> str:
    return render_to_string(
        CSS_TEMPLATE,
        {
            "print_font_url": print_font_url,
            "print_font_digest": print_font_digest,
            "family": font.FAMILY,
            "full_family": font.SOURCE_FAMILY,
        },
    )


def pdf_filename(filing: Filing) -> str:
    """项目编码_项目名称.pdf, or 单位_部门整体.pdf for a form without a code: one file of a zip, or the
    single download (without spaces, and ``safe_filename``'s for every download)."""
    stem = "_".join(part for part in (filing.code, filing.name) if part) or filing.title
    return safe_filename(f"{_UNSAFE_IN_FILE_NAMES.sub('_', stem)}.pdf")


def filing_pdf(*, filing: Filing, review: PrintedReview | None = None) -> bytes:
    html = render_forms_html([filing], {filing.pk: review} if review else None)[0]
    return _form_pdfs([html], form_css())[0]


def filings_pdf(
    *, filings: Iterable[Filing], reviews: Mapping[int, PrintedReview] | None = None, title: str = ""
) -> bytes:
    """Every form in one PDF, each from a new page with its own page numbers."""
    filings = _exportable(filings)
    return bundle.merge_pdfs(_batch_pieces(filings, dict(reviews or {}), form_css()), title=title)


def filings_zip(*, filings: Iterable[Filing], reviews: Mapping[int, PrintedReview] | None = None) -> bytes:
    """One PDF per form, named by 项目编码 and 名称."""
    filings = list(filings)
    pdfs = _form_pdfs(_htmls(filings, reviews), form_css())
    return bundle.zip_files([(pdf_filename(filing), pdf) for filing, pdf in zip(filings, pdfs, strict=True)])


def prerender(*, filings: Iterable[Filing], reviews: Mapping[int, PrintedReview] | None = None) -> None:
    """Puts in the cache whatever an export of these filings would render: the batch, then each form.

    A piece at a time, each cached as soon as it is made: the work occupies one render process, and
    an export that comes meanwhile finds what is done and renders the rest on the other.
    """
    filings = list(filings)
    if not filings:
        return
    htmls, css = _htmls(filings, reviews), form_css()
    for chunk in _chunks(filings, htmls):
        cached(_chunk_key(css, chunk), partial(_combined_pdf, chunk, css))
    for html in htmls:
        cached(_form_key(css, html), partial(engine.pdf, html, css))


def batch_chunks(filings: list[Filing]) -> list[list[Filing]]:
    """The filings as a batch export caches them, a chunk of a few forms at a time (``printing.cache``)."""
    return content_chunks([(_identity(filing), filing) for filing in filings])


def cache_chunk_pdf(*, filings: list[Filing], reviews: Mapping[int, PrintedReview]) -> None:
    """Renders one chunk of a batch into the cache, unless it is there (a background job's part)."""
    htmls, css = render_forms_html(filings, dict(reviews)), form_css()
    cached(_chunk_key(css, htmls), partial(_combined_pdf, htmls, css))


def cache_form_pdfs(*, filings: list[Filing], reviews: Mapping[int, PrintedReview]) -> None:
    """Renders the forms' own PDFs (for a zip, or the filing page) into the cache, unless there."""
    _form_pdfs(render_forms_html(filings, dict(reviews)), form_css())


def _combined_pdf(chunk: list[str], css: str) -> bytes:
    return engine.combined_pdfs([chunk], css)[0]


def _identity(filing: Filing) -> str:
    """What chunks are cut by: the code, or for a form without one its kind, unit and name."""
    return filing.code or f"{filing.kind}:{filing.department_id}:{filing.name}"


def _chunks(filings: list[Filing], htmls: list[str]) -> list[list[str]]:
    return content_chunks([(_identity(filing), html) for filing, html in zip(filings, htmls, strict=True)])


# The keys printing ahead fills and the exports read: one spelling for both.
def _chunk_key(css: str, chunk: list[str]) -> str:
    return content_key("forms", css, *chunk)


def _form_key(css: str, html: str) -> str:
    return content_key("form", css, html)


def _batch_pieces(filings: list[Filing], reviews: dict[int, PrintedReview], css: str) -> list[bytes]:
    """The batch as cached chunks of a few forms (see ``printing.cache``), rendering the missing ones
    here; a large batch is a background job instead, whose parts render the chunks on the workers."""
    htmls = iter(render_forms_html(filings, reviews))
    pieces = []
    for chunk in batch_chunks(filings):
        chunk_htmls = [next(htmls) for _ in chunk]
        pieces.append(cached(_chunk_key(css, chunk_htmls), partial(_combined_pdf, chunk_htmls, css)))
    return pieces


def _form_pdfs(htmls: list[str], css: str) -> list[bytes]:
    return cached_many(
        [_form_key(css, html) for html in htmls],
        lambda missing: engine.pdfs([htmls[index] for index in missing], css),
    )


def _htmls(filings: Iterable[Filing], reviews: Mapping[int, PrintedReview] | None) -> list[str]:
    return render_forms_html(_exportable(filings), dict(reviews or {}))


def _exportable(filings: Iterable[Filing]) -> list[Filing]:
    filings = list(filings)
    if not filings:
        raise NothingToExport("没有可导出的申报表")
    return filings

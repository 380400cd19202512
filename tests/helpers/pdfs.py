"""Reading PDFs back in tests: text per page, embedded fonts, page numbers."""

import io
import re
import subprocess
from pathlib import Path
from typing import cast

import pikepdf
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

FOOTER = re.compile(r"第(\d+)页共(\d+)页")


def compact(text: str) -> str:
    """Without any whitespace: a cell's text wraps across lines in the PDF."""
    return "".join(text.split())


def page_texts(pdf: bytes) -> list[str]:
    return [compact(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def all_text(pdf: bytes) -> str:
    return "".join(page_texts(pdf))


def font_names(pdf: bytes) -> set[str]:
    """The BaseFont of every font any page uses, without the subset prefix (``ABCDEF+``)."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = cast(DictionaryObject, page["/Resources"].get_object())
        fonts = resources.get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1])
    return names


def footers(pdf: bytes) -> list[tuple[int, int]]:
    """(page number, page count) as printed in each page's footer."""
    numbers = []
    for text in page_texts(pdf):
        found = FOOTER.findall(text)
        assert len(found) == 1, f"a page without exactly one footer: {text[-60:]}"
        numbers.append((int(found[0][0]), int(found[0][1])))
    return numbers


def page_images(pdf: bytes, directory: Path, dpi: int = 40) -> list[bytes]:
    """Each page as a PNG, by pdftoppm."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "form.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", directory / "form.pdf", directory / "page"], check=True)
    return [path.read_bytes() for path in sorted(directory.glob("page-*.png"))]


def page_contents(pdf: bytes) -> list[bytes]:
    """What each page draws, its content streams decompressed and joined."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        pages = []
        for page in document.pages:
            contents = page.obj.Contents
            streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
            pages.append(b"".join(stream.read_bytes() for stream in streams))
        return pages

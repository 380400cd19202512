"""Workbooks built or edited part by part, for what openpyxl would never write (or would refuse to)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable

MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_XML = b'<?xml version="1.0" encoding="UTF-8"?>'
_DOCUMENT = b"application/vnd.openxmlformats-officedocument.spreadsheetml."
_RELATIONSHIP = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = b"http://schemas.openxmlformats.org/package/2006"


def _override(part: bytes, content_type: bytes) -> bytes:
    return b'<Override PartName="%s" ContentType="%s%s+xml"/>' % (part, _DOCUMENT, content_type)


def _relationship(number: int, kind: bytes, target: bytes) -> bytes:
    return b'<Relationship Id="rId%d" Type="%s/%s" Target="%s"/>' % (number, _RELATIONSHIP, kind, target)


_TYPES = b"".join(
    [
        _XML,
        b'<Types xmlns="%s/content-types">' % _PACKAGE,
        b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
        b'<Default Extension="xml" ContentType="application/xml"/>',
        _override(b"/xl/workbook.xml", b"sheet.main"),
        _override(b"/xl/worksheets/sheet1.xml", b"worksheet"),
        _override(b"/xl/sharedStrings.xml", b"sharedStrings"),
        b"</Types>",
    ]
)
_ROOT_RELS = b"".join(
    [
        _XML,
        b'<Relationships xmlns="%s/relationships">' % _PACKAGE,
        _relationship(1, b"officeDocument", b"xl/workbook.xml"),
        b"</Relationships>",
    ]
)
_WORKBOOK = b"".join(
    [
        _XML,
        b'<workbook xmlns="%s" xmlns:r="%s"><sheets>' % (MAIN, _RELATIONSHIP),
        b'<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    ]
)
_WORKBOOK_RELS = b"".join(
    [
        _XML,
        b'<Relationships xmlns="%s/relationships">' % _PACKAGE,
        _relationship(1, b"worksheet", b"worksheets/sheet1.xml"),
        _relationship(2, b"sharedStrings", b"sharedStrings.xml"),
        b"</Relationships>",
    ]
)


def workbook_of(sheet: Iterable[bytes], strings: Iterable[bytes] = (b'<sst xmlns="%s"/>' % MAIN,)) -> bytes:
    """A one-sheet .xlsx whose sheet and shared strings are the given XML, written a chunk at a time."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        for name, chunks in (("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", strings)):
            with archive.open(name, "w", force_zip64=True) as member:
                for chunk in chunks:
                    member.write(chunk)
    return buffer.getvalue()


def sheet_of(rows: Iterable[bytes], *, dimension: bytes = b"") -> Iterable[bytes]:
    yield _XML + b'<worksheet xmlns="%s">%s<sheetData>' % (MAIN, dimension)
    yield from rows
    yield b"</sheetData></worksheet>"


def with_part(data: bytes, name: str, edit: Callable[[bytes], bytes]) -> bytes:
    """The workbook with one part rewritten by ``edit`` (every other part as it was)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            archive.writestr(info.filename, edit(content) if info.filename == name else content)
    return buffer.getvalue()


def with_cell(data: bytes, ref: str, cell: bytes, *, sheet: str = "xl/worksheets/sheet1.xml") -> bytes:
    """The workbook with the cell at ``ref`` of the first sheet replaced by the XML ``cell``."""
    pattern = re.compile(rb'<c r="%s"[^>]*?(?:/>|>.*?</c>)' % ref.encode())

    def edit(xml: bytes) -> bytes:
        replaced, count = pattern.subn(cell, xml, count=1)
        assert count == 1, f"no cell {ref}"
        return replaced

    return with_part(data, sheet, edit)

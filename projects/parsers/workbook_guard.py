"""Checks an uploaded .xlsx before openpyxl reads it, so that hostile files cost nothing.

An .xlsx is a zip of XML parts. A small upload can expand to gigabytes (a zip bomb) or declare a
sheet of a million rows; both are refused from the zip's directory and the sheets' declared
dimensions, before any cell is loaded. openpyxl reads the XML through defusedxml (installed with
the project), which refuses entity-expansion attacks inside the parts.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

# An .xls (BIFF) or a password-protected .xlsx is an OLE2 compound file, not a zip.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")


@dataclass(frozen=True)
class WorkbookLimits:
    max_bytes: int = 10 * 1024 * 1024  # the upload itself
    max_uncompressed: int = 100 * 1024 * 1024  # all parts together, once unzipped
    max_ratio: int = 100  # unzipped/zipped, for parts large enough to matter
    ratio_floor: int = 1024 * 1024  # parts below this may compress as well as they like
    max_sheets: int = 300
    max_rows: int = 2000  # per sheet; a form has a few dozen
    max_columns: int = 40


class WorkbookRejected(ValueError):
    """The file is not a workbook we are willing to open; the message says why, in Chinese."""


def check_workbook_file(data: bytes, limits: WorkbookLimits) -> None:
    """Raises WorkbookRejected unless ``data`` is a reasonably sized .xlsx zip."""
    if len(data) > limits.max_bytes:
        raise WorkbookRejected(f"文件大小 {_megabytes(len(data))} 超过上限 {_megabytes(limits.max_bytes)}")
    if data.startswith(_OLE2_MAGIC):
        raise WorkbookRejected(
            "文件不是 .xlsx 格式（可能是旧版 .xls 或设置了打开密码的工作簿），请在 Excel 中另存为 .xlsx"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise WorkbookRejected("文件不是 Excel 工作簿（.xlsx）") from None
    with archive:
        members = archive.infolist()
        names = {member.filename for member in members}
        if not all(part in names for part in _REQUIRED_PARTS):
            raise WorkbookRejected("文件不是 Excel 工作簿（.xlsx）：缺少工作簿结构")
        total = sum(member.file_size for member in members)
        if total > limits.max_uncompressed:
            raise WorkbookRejected(
                f"工作簿解压后为 {_megabytes(total)}，超过上限 {_megabytes(limits.max_uncompressed)}，已拒绝读取"
            )
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > limits.ratio_floor and ratio > limits.max_ratio:
                raise WorkbookRejected(f"工作簿中的「{member.filename}」压缩比异常（{ratio:.0f} 倍），已拒绝读取")


def check_sheet_size(title: str, max_row: int | None, max_column: int | None, limits: WorkbookLimits) -> None:
    """Refuses a sheet whose declared dimension is larger than any filing form."""
    if max_row is not None and max_row > limits.max_rows:
        raise WorkbookRejected(f"工作表「{title}」有 {max_row} 行，超过上限 {limits.max_rows} 行")
    if max_column is not None and max_column > limits.max_columns:
        raise WorkbookRejected(f"工作表「{title}」有 {max_column} 列，超过上限 {limits.max_columns} 列")


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"

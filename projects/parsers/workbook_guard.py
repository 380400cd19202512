"""Checks an uploaded .xlsx before openpyxl reads it, so that hostile files cost nothing.

An .xlsx is a zip of XML parts. openpyxl parses the small parts (content types, the workbook, its
relationships, the styles) whole and the sheets row by row, each row whole, and keeps every shared
string; a file that passes the zip's guards can still hold a sheet of half a million rows without a
``<dimension>``, a row of three million cells or three million shared strings, and cost tens of
seconds and gigabytes. So, before openpyxl parses anything:

1. the zip's directory: the upload's size, the parts' unzipped size and compression ratio (zip bombs);
2. each part openpyxl reads whole is at most ``max_part_bytes``;
3. the shared strings and every sheet are streamed through expat with counters and no tree (rows,
   cells, shared strings, characters), stopping at the first limit passed; every cell's reference
   and value is checked as openpyxl will read it (a number that is not a number, a date that is not a
   date, a shared string that does not exist), so that openpyxl then meets only what it can read.

Limits passed refuse the whole file at once; a broken cell is a problem named by its sheet and cell,
reported with the others. A DTD in a streamed part is refused (no entity expansion, as defusedxml
does); openpyxl reads the small parts with entities off.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import from_ISO8601
from openpyxl.xml.constants import SHARED_STRINGS, WORKSHEET_TYPE

# An .xls (BIFF) or a password-protected .xlsx is an OLE2 compound file, not a zip.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
_XML_PARTS = (".xml", ".rels", ".vml")
_CELL_TYPES = {"b", "d", "e", "inlineStr", "n", "s", "str"}
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
_MAX_EXCEL_ROW, _MAX_EXCEL_COLUMN = 1_048_576, 16_384
_MAX_PROBLEMS = 20
# What reading a zip member can raise when the member is damaged or of an unsupported kind.
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)


@dataclass(frozen=True)
class WorkbookLimits:
    max_bytes: int = 10 * 1024 * 1024  # the upload itself
    max_uncompressed: int = 100 * 1024 * 1024  # all parts together, once unzipped
    max_ratio: int = 100  # unzipped/zipped, for parts large enough to matter
    ratio_floor: int = 1024 * 1024  # parts below this may compress as well as they like
    max_sheets: int = 300
    max_rows: int = 2000  # per sheet; a form has a few dozen
    max_columns: int = 40
    # All sheets together. The workbook of the 109 sample forms has 14,000 cells (empty ones with a
    # style included) and 330,000 characters; at these limits a workbook is read in about 3 s.
    max_cells: int = 60_000
    max_shared_strings: int = 60_000
    max_characters: int = 3_000_000  # the text of every cell and shared string together
    max_part_bytes: int = 5 * 1024 * 1024  # each part read whole (styles, workbook, relationships…)
    # Reading, scan included, stops after this long (budgetperf.deadline); a workbook at the limits
    # above is read in about 3 s.
    max_seconds: float = 30


class WorkbookRejected(ValueError):
    """The file is not a workbook we are willing to open; each problem says why, in Chinese."""

    def __init__(self, *problems: str):
        self.problems = list(problems)
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class SheetSize:
    """How far a sheet's cells reach, as counted (its declared dimension may say otherwise)."""

    rows: int = 0
    columns: int = 0


@dataclass
class WorkbookScan:
    """What the scan found: the size of each sheet, by title."""

    sheets: dict[str, SheetSize] = field(default_factory=dict)

    def size_of(self, title: str) -> SheetSize:
        return self.sheets.get(title, SheetSize())


def check_workbook_file(data: bytes, limits: WorkbookLimits) -> WorkbookScan:
    """Raises WorkbookRejected unless ``data`` is a reasonably sized .xlsx zip that openpyxl can read
    at a bounded cost; returns the size of each sheet."""
    if len(data) > limits.max_bytes:
        raise WorkbookRejected(f"文件大小 {_megabytes(len(data))} 超过上限 {_megabytes(limits.max_bytes)}")
    if data.startswith(_OLE2_MAGIC):
        raise WorkbookRejected(
            "文件不是 .xlsx 格式（可能是旧版 .xls 或设置了打开密码的工作簿），请在 Excel 中另存为 .xlsx"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
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
        return _Scanner(archive, data, limits).scan()


def check_sheet_size(title: str, max_row: int | None, max_column: int | None, limits: WorkbookLimits) -> None:
    """Refuses a sheet whose declared dimension is larger than any filing form."""
    if max_row is not None and max_row > limits.max_rows:
        raise WorkbookRejected(f"工作表「{title}」有 {max_row} 行，超过上限 {limits.max_rows} 行")
    if max_column is not None and max_column > limits.max_columns:
        raise WorkbookRejected(f"工作表「{title}」有 {max_column} 列，超过上限 {limits.max_columns} 列")


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def column_number(letters: str) -> int:
    """A → 1, AA → 27, XFD → 16384."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


class _Scanner:
    """Finds the sheets as openpyxl will (from the content types, the workbook and its
    relationships, each read only once its size is known to be small) and streams through them."""

    def __init__(self, archive: zipfile.ZipFile, data: bytes, limits: WorkbookLimits):
        self.archive = archive
        self.data = data
        self.limits = limits
        self.members = {member.filename: member for member in archive.infolist()}
        self.cells = 0
        self.characters = 0
        self.problems: list[str] = []

    def scan(self) -> WorkbookScan:
        sheets, strings_path = self._structure()
        if len(sheets) > self.limits.max_sheets:
            raise WorkbookRejected(f"工作簿有 {len(sheets)} 个工作表，超过上限 {self.limits.max_sheets} 个")
        strings = self._shared_strings(strings_path) if strings_path else 0
        scan = WorkbookScan()
        for title, path in sheets:
            size = self._sheet(title, path, strings)
            known = scan.sheets.get(title, SheetSize())
            scan.sheets[title] = SheetSize(max(known.rows, size.rows), max(known.columns, size.columns))
        if self.problems:
            more = len(self.problems) - _MAX_PROBLEMS
            raise WorkbookRejected(
                *self.problems[:_MAX_PROBLEMS], *([f"……另有 {more} 处问题未列出"] if more > 0 else [])
            )
        return scan

    def _small(self, name: str) -> None:
        member = self.members.get(name)
        if member is not None and member.file_size > self.limits.max_part_bytes:
            raise WorkbookRejected(
                f"工作簿中的「{name}」有 {_megabytes(member.file_size)}，"
                f"超过上限 {_megabytes(self.limits.max_part_bytes)}，已拒绝读取"
            )

    def _structure(self) -> tuple[list[tuple[str, str]], str | None]:
        """The (title, part) of each worksheet, in the workbook's order, and the shared strings' part.

        The content types say which parts are sheets and shared strings, to be streamed; every other
        XML part is read whole by openpyxl, here (the workbook, its relationships) or later (styles),
        and must be small."""
        reader = ExcelReader(io.BytesIO(self.data), read_only=True, keep_links=False)
        part = "[Content_Types].xml"
        try:
            self._small(part)
            reader.read_manifest()
            streamed = {
                override.PartName[1:]
                for content_type in (WORKSHEET_TYPE, SHARED_STRINGS)
                for override in reader.package.findall(content_type)
            }
            for name in self.members:
                if name not in streamed and name.lower().endswith(_XML_PARTS):
                    self._small(name)
            part = "xl/workbook.xml"
            reader.read_workbook()
            found = [
                (sheet.name, rel.target)
                for sheet, rel in reader.parser.find_sheets()
                if rel.target in self.members and "chartsheet" not in (rel.Type or "")
            ]
            shared = reader.package.find(SHARED_STRINGS)
        except WorkbookRejected:
            raise
        except Exception as error:  # noqa: BLE001 - whatever openpyxl raises on a broken part
            raise WorkbookRejected(f"工作簿中的「{part}」无法解析，文件可能已损坏（{type(error).__name__}）") from error
        finally:
            reader.archive.close()
        strings_path = shared.PartName[1:] if shared is not None else None
        return found, strings_path if strings_path in self.members else None

    # -- streaming ------------------------------------------------------------------------------

    def _stream(self, path: str, handler: _Handler, where: str) -> None:
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.StartElementHandler = handler.start
        parser.EndElementHandler = handler.end
        parser.CharacterDataHandler = handler.text
        parser.StartDoctypeDeclHandler = _no_doctype
        parser.EntityDeclHandler = _no_doctype
        try:
            with self.archive.open(path) as source:
                parser.ParseFile(source)
        except expat.ExpatError as error:
            raise WorkbookRejected(
                f"{where}的 XML 无法解析（「{path}」第 {error.lineno} 行），文件可能已损坏"
            ) from None
        except _ZIP_ERRORS as error:
            raise WorkbookRejected(f"工作簿中的「{path}」已损坏，无法读取（{type(error).__name__}）") from None

    def _count_characters(self, count: int) -> None:
        self.characters += count
        if self.characters > self.limits.max_characters:
            raise WorkbookRejected(f"工作簿中的文字超过 {self.limits.max_characters:,} 个字，已拒绝读取")

    def _shared_strings(self, path: str) -> int:
        handler = _StringsHandler(self)
        self._stream(path, handler, "共享字符串表")
        return handler.count

    def _sheet(self, title: str, path: str, strings: int) -> SheetSize:
        handler = _SheetHandler(self, title, strings)
        self._stream(path, handler, f"工作表「{title}」")
        return SheetSize(handler.last_row, handler.last_column)


def _no_doctype(*args: Any) -> None:
    raise WorkbookRejected("工作簿中含有 DTD 声明，已拒绝读取")


def _local(name: str) -> str:
    return name.rpartition("}")[2]


class _Handler:
    def start(self, name: str, attributes: dict[str, str]) -> None: ...
    def end(self, name: str) -> None: ...
    def text(self, data: str) -> None: ...


class _StringsHandler(_Handler):
    """Counts the shared strings (``<si>``) and their characters."""

    def __init__(self, scanner: _Scanner):
        self.scanner = scanner
        self.count = 0
        self.in_text = False

    def start(self, name: str, attributes: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "si":
            self.count += 1
            if self.count > self.scanner.limits.max_shared_strings:
                raise WorkbookRejected(
                    f"工作簿的共享字符串超过 {self.scanner.limits.max_shared_strings:,} 个，已拒绝读取"
                )
        self.in_text = tag == "t"

    def end(self, name: str) -> None:
        self.in_text = False

    def text(self, data: str) -> None:
        if self.in_text:
            self.scanner._count_characters(len(data))


class _SheetHandler(_Handler):
    """Counts a sheet's rows and cells and checks each cell's reference and value."""

    def __init__(self, scanner: _Scanner, title: str, strings: int):
        self.scanner = scanner
        self.limits = scanner.limits
        self.title = title
        self.strings = strings
        self.rows = 0
        self.row = 0  # the current row's number, as openpyxl counts it
        self.last_row = 0
        self.last_column = 0
        self.column = 0
        self.cells_in_row = 0
        self.cell: dict[str, str] | None = None  # the current cell's attributes
        self.ref = ""
        self.formula = False
        self.value: list[str] = []
        self.in_value = False
        self.in_text = False

    def _problem(self, ref: str, message: str) -> None:
        self.scanner.problems.append(f"工作表「{self.title}」单元格 {ref}：{message}")

    def start(self, name: str, attributes: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "c":
            self._start_cell(attributes)
        elif tag == "v":
            self.in_value = True
        elif tag == "t":
            self.in_text = True
        elif tag == "f":
            self.formula = True
        elif tag == "row":
            self._start_row(attributes)
        elif tag == "dimension":
            self._dimension(attributes.get("ref", ""))

    def end(self, name: str) -> None:
        tag = _local(name)
        if tag == "c" and self.cell is not None:
            self._end_cell(self.cell)
            self.cell = None
        elif tag == "v":
            self.in_value = False
        elif tag == "t":
            self.in_text = False

    def text(self, data: str) -> None:
        if self.in_value or self.in_text:
            self.scanner._count_characters(len(data))
        if self.in_value and len(self.value) < 64:
            self.value.append(data)

    def _dimension(self, ref: str) -> None:
        """The declared size, refused when larger than a form or unreadable (openpyxl reads it first)."""
        try:
            _, _, max_column, max_row = range_boundaries(ref)
        except (ValueError, TypeError):
            raise WorkbookRejected(f"工作表「{self.title}」的尺寸「{ref[:40]}」无效，文件可能已损坏") from None
        check_sheet_size(self.title, max_row, max_column, self.limits)

    def _start_row(self, attributes: dict[str, str]) -> None:
        self.rows += 1
        number = attributes.get("r")
        if number is None:
            self.row += 1
        elif number.isascii() and number.isdigit() and 0 < int(number) <= _MAX_EXCEL_ROW:
            self.row = int(number)
        else:
            raise WorkbookRejected(f"工作表「{self.title}」的行号「{number[:20]}」无效，文件可能已损坏")
        if self.row > self.limits.max_rows or self.rows > self.limits.max_rows:
            raise WorkbookRejected(f"工作表「{self.title}」超过 {self.limits.max_rows} 行")
        self.last_row = max(self.last_row, self.row)
        self.column = 0
        self.cells_in_row = 0

    def _start_cell(self, attributes: dict[str, str]) -> None:
        self.scanner.cells += 1
        if self.scanner.cells > self.limits.max_cells:
            raise WorkbookRejected(f"工作簿的单元格超过 {self.limits.max_cells:,} 个，已拒绝读取")
        self.cells_in_row += 1
        if self.cells_in_row > self.limits.max_columns:
            raise WorkbookRejected(
                f"工作表「{self.title}」第 {self.row} 行超过 {self.limits.max_columns} 个单元格，已拒绝读取"
            )
        self.cell, self.formula, self.value = attributes, False, []
        ref = attributes.get("r")
        if ref is None:
            self.column += 1
            self.ref = f"第 {self.row} 行第 {self.column} 列"
        else:
            self.ref = ref[:20]
            match = _CELL_REF.fullmatch(ref)
            row = int(match.group(2)) if match else 0
            column = column_number(match.group(1)) if match else 0
            if not (0 < row <= _MAX_EXCEL_ROW and 0 < column <= _MAX_EXCEL_COLUMN):
                self._problem(self.ref, "单元格引用无效，文件可能已损坏")
                return
            if row > self.limits.max_rows:
                raise WorkbookRejected(f"工作表「{self.title}」超过 {self.limits.max_rows} 行")
            self.column = column
            self.last_row = max(self.last_row, row)
        if self.column > self.limits.max_columns:
            raise WorkbookRejected(
                f"工作表「{self.title}」单元格 {self.ref} 超出第 {self.limits.max_columns} 列，"
                f"工作表不能超过 {self.limits.max_columns} 列"
            )
        self.last_column = max(self.last_column, self.column)

    def _end_cell(self, attributes: dict[str, str]) -> None:
        kind = attributes.get("t", "n")
        style = attributes.get("s")
        if kind not in _CELL_TYPES:
            self._problem(self.ref, f"单元格类型「{kind[:10]}」无效，文件可能已损坏")
            return
        if style is not None and not (style.isascii() and style.isdigit()):
            self._problem(self.ref, f"单元格格式编号「{style[:10]}」无效，文件可能已损坏")
            return
        value = "".join(self.value)
        if self.formula or not value:
            return  # a formula is reported by the parser, never evaluated; an empty <v> is no value
        check = _VALUE_CHECKS.get(kind)
        if check is not None and (problem := check(value, self.strings)) is not None:
            self._problem(self.ref, problem)


def _number_problem(value: str, strings: int) -> str | None:
    # As openpyxl casts it: a float when it has a point or an exponent, an int otherwise.
    try:
        number = float(value) if any(c in value for c in ".eE") else int(value)
    except ValueError:
        if value.strip().lstrip("+-").isdigit():  # more digits than Python reads (4,300)
            return f"数值「{value[:20]}…」超出范围"
        return f"数值「{value[:20]}」不是数字，文件可能已损坏"
    if isinstance(number, float) and math.isnan(number):
        return f"数值「{value[:20]}」不是数字，文件可能已损坏"
    if isinstance(number, float) and math.isinf(number):
        return f"数值「{value[:20]}」超出范围"
    return None


def _string_problem(value: str, strings: int) -> str | None:
    if not (value.isascii() and value.isdigit() and int(value) < strings):
        return f"引用的共享字符串「{value[:20]}」不存在（共 {strings} 个），文件可能已损坏"
    return None


def _bool_problem(value: str, strings: int) -> str | None:
    return None if value.strip() in ("0", "1") else f"逻辑值「{value[:20]}」无效，文件可能已损坏"


def _date_problem(value: str, strings: int) -> str | None:
    try:
        from_ISO8601(value)
    except (ValueError, TypeError, OverflowError):
        return f"日期「{value[:30]}」无效，文件可能已损坏"
    return None


_VALUE_CHECKS: dict[str, Callable[[str, int], str | None]] = {
    "n": _number_problem,
    "s": _string_problem,
    "b": _bool_problem,
    "d": _date_problem,
}

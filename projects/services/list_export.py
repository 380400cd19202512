"""The filing list as a report: its columns, its 合计 row and its workbook.

The list page (``projects.views.lists``) and its Excel export show the same columns of the same
filings, filtered and sorted alike: each kind's columns are declared once, here, with what sorting
by a column sorts by. Amounts are read in 元 and shown in the unit the user chose (元 or 万元).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Case, Count, F, QuerySet, Sum, Value, When
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from projects.kinds import header_model, header_relation
from projects.kinds.base import FormKind
from projects.models import FILING_FIELDS, WAN, AmountUnit, Filing, Status
from projects.services.excel import WAN_FORMAT, YUAN_FORMAT
from projects.spreadsheet_text import as_text_cell

# One export holds at most this many filings. The workbook is built in the request, streamed row by
# row: 20,000 rows take about 2 s and little memory; a larger selection is refused with a message.
MAX_EXPORT_ROWS = 20_000

# What sorting by a column sorts by: a field, or an expression such as the workflow's order.
SortSource = F | Case


@dataclass(frozen=True)
class ListColumn:
    """A column of a kind's list: its ``?sort=`` key (a field path of the filing), its heading, how
    its cells show (``role``: code, title, text, amount, status or check), how a cell is read and
    what sorting by it sorts by. Amount headings get the chosen unit appended where they are shown."""

    key: str
    label: str
    read: Callable[[Filing], Any]
    role: str = "text"
    sorts_by: tuple[SortSource, ...] = ()

    @property
    def is_amount(self) -> bool:
        return self.role == "amount"


def _path(kind: FormKind, name: str) -> str:
    """Where a filing's header field is stored, as a field path from the filing."""
    return name if name in FILING_FIELDS else f"{header_relation(kind.code)}__{name}"


# Statuses sort in the order of the workflow (草稿, 已送审, 审核通过, 已退回), not by their codes.
_STATUS_ORDER = Case(*(When(status=status, then=Value(place)) for place, status in enumerate(Status.values)))


def list_columns(kind: FormKind) -> list[ListColumn]:
    """The columns the list of ``kind`` shows, in order; every one of them sorts the list."""
    columns = []
    if kind.has_field("code"):
        columns.append(ListColumn("code", "项目编码", lambda filing: filing.code, "code", (F("code"),)))
    if kind.has_field("name"):
        columns.append(ListColumn("name", "名称", lambda filing: filing.name, "title", (F("name"),)))
        unit_label = f"{kind.short_name}单位"
        columns.append(ListColumn("department__name", unit_label, _unit_name, "text", (F("department__name"),)))
    else:  # a form named by its unit (部门整体)
        columns.append(ListColumn("department__name", "部门（单位）", _unit_name, "title", (F("department__name"),)))
    columns.append(ListColumn("fiscal_year", "年度", lambda filing: filing.fiscal_year, "text", (F("fiscal_year"),)))
    if kind.has_field("project_type"):
        path = _path(kind, "project_type")
        columns.append(ListColumn(path, "项目类型", _reader("project_type"), "text", (F(path),)))
    for name in kind.list_amounts:
        path = _path(kind, name)
        columns.append(ListColumn(path, kind.field(name).plain_label, _reader(name), "amount", (F(path),)))
    columns.append(ListColumn("status", "状态", lambda filing: filing.get_status_display(), "status", (_STATUS_ORDER,)))
    errors_first = (F("filing_check__errors"), F("filing_check__warnings"))
    columns.append(ListColumn("filing_check__errors", "检查", _check_of, "check", errors_first))
    return columns


def _unit_name(filing: Filing) -> str:
    return filing.department.name


def _reader(name: str) -> Callable[[Filing], Any]:
    return lambda filing: filing.value(name)


def _check_of(filing: Filing) -> Any:
    # A filing never checked has no row: reading it raises an AttributeError (RelatedObjectDoesNotExist).
    return getattr(filing, "filing_check", None)


@dataclass(frozen=True)
class ListTotals:
    """The 合计 of a list: how many filings, and the sum of each amount column in 元."""

    count: int
    amounts: list[Decimal]

    def shown(self, unit: str) -> list[tuple[str, str]]:
        """Each sum as the 合计 row shows it, in ``unit`` to two decimals with thousands separators
        (万元 rounded half up), with the exact amount in 元 for the cell's title."""
        shown = []
        for amount in self.amounts:
            in_unit = amount / WAN if unit == AmountUnit.WAN_YUAN else amount
            shown.append((f"{in_unit.quantize(Decimal('0.01'), ROUND_HALF_UP):,}", f"{amount:,.2f} 元"))
        return shown


def filing_list_totals(*, filings: QuerySet[Filing], kind: FormKind, every_filing: bool = False) -> ListTotals:
    """The 合计 of the filings (every page of them) in one query.

    ``every_filing``: the list is every filing of the kind (an administrator's, unfiltered). Each filing
    has one header row, so the 合计 is read from the headers alone (an index-only scan of
    ``project_listed`` on PostgreSQL) rather than by joining 100,000 filings to their headers."""
    paths = [_path(kind, name) for name in kind.list_amounts]
    rows: QuerySet[Any] = filings
    if every_filing and all(name not in FILING_FIELDS for name in kind.list_amounts):
        rows, paths = header_model(kind.code)._default_manager.all(), list(kind.list_amounts)
    sums = rows.aggregate(count=Count("pk"), **{f"amount_{index}": Sum(path) for index, path in enumerate(paths)})
    return ListTotals(sums["count"], [sums[f"amount_{index}"] or Decimal(0) for index in range(len(paths))])


class ListTooLong(Exception):
    """More filings than one export holds; the message says how many and what to do."""

    def __init__(self, count: int, limit: int):
        self.count, self.limit = count, limit
        super().__init__(
            f"本列表共 {count:,} 张申报表，超过一次导出的上限 {limit:,} 张，未导出。"
            "请先按年度、单位、状态等条件筛选，缩小范围后再导出。"
        )


# ---------------------------------------------------------------------------------------------
# The workbook: a heading row, a row per filing, a 合计 row.

_BOLD = Font(bold=True)
_HEADING_FILL = PatternFill(fill_type="solid", start_color="D9D9D9", end_color="D9D9D9")
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WIDTHS = {"code": 24, "title": 40, "text": 14, "amount": 18, "status": 10, "check": 10}
_WIDE_TEXT = {"department__name": 36}


@dataclass(frozen=True)
class _SheetColumn:
    """A column of the workbook; the list's 检查 column becomes two, 错误 and 提示, as numbers."""

    heading: str
    width: int
    read: Callable[[Filing], Any]
    number_format: str | None = None
    amount: bool = False


def _sheet_columns(columns: list[ListColumn], unit: str) -> list[_SheetColumn]:
    amount_format = WAN_FORMAT if unit == AmountUnit.WAN_YUAN else YUAN_FORMAT
    to_unit = (lambda amount: amount / WAN) if unit == AmountUnit.WAN_YUAN else (lambda amount: amount)
    sheet_columns = []
    for column in columns:
        width = _WIDE_TEXT.get(column.key, _WIDTHS[column.role])
        if column.is_amount:
            read = _in_unit(column.read, to_unit)
            sheet_columns.append(_SheetColumn(f"{column.label}（{unit}）", width, read, amount_format, amount=True))
        elif column.role == "check":
            sheet_columns.append(_SheetColumn("检查：错误", width, _count_of("errors"), "0"))
            sheet_columns.append(_SheetColumn("检查：提示", width, _count_of("warnings"), "0"))
        elif column.role == "code":
            sheet_columns.append(_SheetColumn(column.label, width, column.read, "@"))  # 21 digits stay text
        else:
            sheet_columns.append(_SheetColumn(column.label, width, column.read))
    return sheet_columns


def _in_unit(read: Callable[[Filing], Any], to_unit: Callable[[Decimal], Decimal]) -> Callable[[Filing], Any]:
    def amount(filing: Filing) -> Decimal | None:
        value = read(filing)
        return None if value is None else to_unit(value)

    return amount


def _count_of(name: str) -> Callable[[Filing], int | None]:
    def count(filing: Filing) -> int | None:
        check = _check_of(filing)
        return None if check is None else getattr(check, name)

    return count


def filing_list_workbook(*, filings: QuerySet[Filing], kind: FormKind, unit: str) -> bytes:
    """The list as a workbook: the columns the page shows, a row per filing in the order given, amounts
    as numbers in ``unit`` (元 or 万元), and a 合计 row. ``filings`` must already be scoped to what the
    user may see, filtered and sorted; more than ``MAX_EXPORT_ROWS`` raise ``ListTooLong``.

    Two queries, however many filings: their count, then the filings with their units and headers.
    """
    count = filings.count()
    if count > MAX_EXPORT_ROWS:
        raise ListTooLong(count, MAX_EXPORT_ROWS)
    columns = _sheet_columns(list_columns(kind), unit)
    rows = filings.select_related("department", "filing_check", header_relation(kind.code))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f"{kind.short_name}申报表")
    _write(sheet, columns, rows.iterator(chunk_size=2000))
    buffer = io.BytesIO()
    workbook.properties.creator = "budgetperf"
    workbook.properties.title = f"{kind.short_name}申报表列表"
    workbook.save(buffer)
    return buffer.getvalue()


def _write(sheet: WriteOnlyWorksheet, columns: list[_SheetColumn], filings: Iterable[Filing]) -> None:
    # A write-only sheet has a normal sheet's column widths and filter (``Worksheet._setup``), though
    # the type stubs do not say so; the widths go out before the first row, the filter after the last.
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width  # type: ignore[attr-defined]
    sheet.freeze_panes = "A2"
    sheet.append([_styled(sheet, column.heading, fill=_HEADING_FILL, alignment=_CENTRE) for column in columns])
    # The 合计 is summed as the rows are written: the same amounts, no second query.
    totals = {index: Decimal(0) for index, column in enumerate(columns) if column.amount}
    written = 0
    for filing in filings:
        row = []
        for index, column in enumerate(columns):
            value = column.read(filing)
            if index in totals and value is not None:
                totals[index] += value
            row.append(_value(sheet, value, column.number_format))
        sheet.append(row)
        written += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{written + 1}"  # type: ignore[attr-defined]
    footer = [_styled(sheet, f"合计（共 {written} 张）")]
    for index, column in enumerate(columns[1:], start=1):
        footer.append(_styled(sheet, totals.get(index), number_format=column.number_format if column.amount else None))
    sheet.append(footer)


def _value(sheet: WriteOnlyWorksheet, value: Any, number_format: str | None) -> Any:
    """A cell of a filing's row: the plain value unless it needs a number format or must be kept text.

    Plain values keep 20,000 rows to about 2 s; a font on every cell would take twice as long or more.
    """
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if as_text_cell(value) != value:  # a spreadsheet would read it as a formula
            return _text(WriteOnlyCell(sheet, value=value), number_format)
    if number_format is None or value is None:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _text(cell: Cell, number_format: str | None) -> Cell:
    """Text that starts with =, +, -, @ … (see ``projects.spreadsheet_text``) stored as text, never as a
    formula, and marked so that Excel keeps it text when the cell is edited."""
    cell.data_type = "s"
    cell.quotePrefix = True
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _styled(
    sheet: WriteOnlyWorksheet,
    value: Any,
    *,
    fill: PatternFill | None = None,
    alignment: Alignment | None = None,
    number_format: str | None = None,
) -> Cell:
    """A heading or 合计 cell, in bold."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = _BOLD
    if isinstance(value, str):
        cell.data_type = "s"
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    if number_format is not None:
        cell.number_format = number_format
    return cell

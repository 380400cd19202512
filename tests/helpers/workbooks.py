"""Helpers for tests that edit workbooks as a person would and import them as a 填报人."""

import io

from django.contrib.auth.models import Permission, User
from openpyxl import load_workbook

from projects.models import Assignment, Department, Role


def edit_workbook(data: bytes, edit) -> bytes:
    """Opens the workbook as Excel would, lets ``edit(workbook)`` change it, and saves it again."""
    workbook = load_workbook(io.BytesIO(data))
    edit(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def label_cell(sheet, label: str):
    """The cell that holds a label, e.g. 项目名称：."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(label):
                return cell
    raise AssertionError(f"no label {label} on {sheet.title}")


def value_cell(sheet, label: str):
    """The value cell right of a label (the first cell of its merged range)."""
    cell = label_cell(sheet, label)
    return sheet.cell(row=cell.row, column=cell.column + 1)


def row_of(sheet, column: str, text: str) -> int:
    for cell in sheet[column]:
        if cell.value == text:
            return cell.row
    raise AssertionError(f"no {text} in column {column}")


def insert_rows_like_excel(sheet, at: int, count: int) -> None:
    """Inserts rows as Excel does: merged blocks below move down, a block spanning ``at`` grows."""
    ranges = list(sheet.merged_cells.ranges)
    for merged in ranges:
        sheet.unmerge_cells(str(merged))
    sheet.insert_rows(at, count)
    for merged in ranges:
        first, last = merged.min_row, merged.max_row
        if first >= at:
            first, last = first + count, last + count
        elif last >= at:
            last += count
        sheet.merge_cells(start_row=first, start_column=merged.min_col, end_row=last, end_column=merged.max_col)


def make_filer(department: Department, *, username: str = "filer", can_import: bool = True) -> User:
    user = User.objects.create_user(username, password="secret-pass-123")
    Assignment.objects.create(user=user, department=department, role=Role.FILER)
    if can_import:
        user.user_permissions.add(Permission.objects.get(codename="import_filings"))
    return User.objects.get(pk=user.pk)  # fresh, without a stale permission cache

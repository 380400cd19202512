"""What the printed form shows, for every kind: the header grid, the kind's other tables, and the
indicator table cut into page blocks. Everything comes from the kind's definition as the filing's layout
prints it (``Filing.form_kind``): its title, the fields of its grid and their labels, its task table, the
headings and widths of its columns. Nothing a filing stores is left off: the header fields no layout
knows (``Filing.extra_fields``) print after the grid's long texts, and a column of the catalogue that
some row fills prints after the layout's own (``services.rows.shown_columns``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Prefetch
from django.template.loader import render_to_string

from indicators.models import Indicator, Level2Category
from projects.kinds import header_relations
from projects.kinds.base import Column, FormKind, Row, format_amount
from projects.kinds.layouts import other_labels
from projects.models import Filing, Status, Transition
from projects.printing.paging import (
    Block,
    IndicatorRow,
    Level1Rows,
    Level2Rows,
    header_height_mm,
    heading_height_mm,
    page_blocks,
    pair_shares,
    table_height_mm,
)
from projects.services.rows import EXTRA_TEXT, shown_columns, weight_text

TEMPLATE = "print/form.html"
# Control characters (text extracted from PDFs carries form feeds and the like) and the two
# noncharacters: no font has a glyph for them, and WeasyPrint garbles the text layer of the whole
# PDF when it prints one. Nor may they appear in XML, which the engine reads the form as.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# The widths of the 一级 and 二级 columns; the kind's own columns share the rest.
LEVEL_WIDTHS = (11, 13)

__all__ = ["format_amount", "forms_html", "render_form_html", "render_forms_html"]


@dataclass(frozen=True)
class Category:
    level1: str
    level2: str
    required: bool


@dataclass(frozen=True)
class Cell:
    label: str
    value: str
    span: int = 1  # how many value columns it takes
    name: str = ""  # the header field shown
    # Widths in % of the row's label and value cells: set on the first row, whose widths set the grid's.
    widths: tuple[float, float] | None = None


def person_name(user: User) -> str:
    """Chinese order, family name first: 李丽 rather than Django's "丽 李"."""
    return f"{user.last_name}{user.first_name}".strip() or user.get_username()


@dataclass(frozen=True)
class Signatures:
    """What the foot of a stamped form says of who filed it; a blank is a line to write on."""

    unit: str
    filler: str = ""
    phone: str = ""
    filed_on: datetime | None = None


def signatures(filing: Filing, submission: Transition | None) -> Signatures:
    """The unit, and who filed the form: the 填报人 and 联系电话 the form states where its kind has them,
    otherwise the account that last submitted it (no account has a phone number); and when, for a form
    whose submission stands (not a draft)."""
    kind = filing.form_kind
    own = {name: str(filing.value(name) or "") for name in ("filler", "phone") if kind.has_field(name)}
    filler = own.get("filler") or (person_name(submission.user) if submission and submission.user else "")
    filed_on = submission.at if submission and filing.status != Status.DRAFT else None
    return Signatures(filing.department.name if filing.department_id else "", filler, own.get("phone", ""), filed_on)


def last_submissions(ids: Iterable[int]) -> dict[int, Transition]:
    """Each filing's latest submission (送审), in one query."""
    latest: dict[int, Transition] = {}
    steps = (
        Transition.objects.filter(filing_id__in=list(ids), to_status=Status.SUBMITTED)
        .select_related("user")
        .defer("snapshot")
        .order_by("at", "pk")
    )
    for step in steps:
        latest[step.filing_id] = step
    return latest


def template_level2(template_id: int) -> dict[int, Level2Category]:
    """The template's 二级 categories by id, each read with its 一级 (``parent``), in the official order."""
    chosen = Level2Category.objects.filter(parent__template_id=template_id).select_related("parent")
    # Two 一级 of one order keep their own 二级 together (the order is not unique).
    return {level2.pk: level2 for level2 in chosen.order_by("parent__order", "parent_id", "order", "pk")}


def category_labels(level2s: dict[int, Level2Category]) -> dict[int, Category]:
    return {pk: Category(level2.parent.name, level2.name, level2.required) for pk, level2 in level2s.items()}


def template_categories(template_id: int) -> dict[int, Category]:
    """The template's 二级 categories by id, in the official order."""
    return category_labels(template_level2(template_id))


def indicator_levels(indicators: Iterable[Indicator], categories: dict[int, Category]) -> list[Level1Rows]:
    """Every category in the official order with its rows, as filed.

    A category the filing left out still gets one empty row, as on the paper form.
    """
    rows: dict[int, list[IndicatorRow]] = {pk: [] for pk in categories}
    for indicator in sorted(indicators, key=lambda i: (i.position, i.pk)):
        rows[indicator.category_id].append(
            IndicatorRow(
                indicator.name,
                indicator.value,
                indicator.explanation,
                indicator.pk,
                indicator.not_applicable,
                weight=weight_text(indicator.weight),
                **{name: getattr(indicator, name) for name in EXTRA_TEXT},
            )
        )
    levels: list[Level1Rows] = []
    for pk, category in categories.items():
        if not levels or levels[-1].label != category.level1:
            levels.append(Level1Rows(category.level1, []))
        label = f"*{category.level2}" if category.required else category.level2
        levels[-1].groups.append(Level2Rows(label, rows[pk] or [IndicatorRow()]))
    return levels


def web_rows(levels: list[Level1Rows]) -> list[dict[str, Any]]:
    """The indicator table for a web page: one entry per row, the 一级/二级 labels on the first row of
    their group with how many rows they span, as the printed form merges them."""
    table: list[dict[str, Any]] = []
    for level1 in levels:
        first = len(table)
        for group in level1.groups:
            for index, row in enumerate(group.rows):
                table.append(
                    {"level1": level1.label, "level1_rowspan": 0, "level2": group.label,
                     "level2_rowspan": len(group.rows) if index == 0 else 0, "row": row,
                     "required": group.label.startswith("*")}
                )  # fmt: skip
        if len(table) > first:
            table[first]["level1_rowspan"] = len(table) - first
    return table


def _shown(filing: Filing, kind: FormKind, name: str) -> str:
    """A header value as the form prints it: amounts in the filing's unit with separators."""
    header_field = kind.field(name)
    value = filing.value(name)
    if header_field.is_amount:
        return format_amount(filing.in_filing_unit(value))
    return header_field.show(value, filing.amount_unit)


def _label(filing: Filing, kind: FormKind, name: str) -> str:
    header_field = kind.field(name)
    if header_field.label_field:
        return filing.value(header_field.label_field) or header_field.plain_label
    return header_field.label_for(filing.amount_unit)


def other_fields(filing: Filing) -> list[Cell]:
    """The header fields of ``other_labels``, label | value, in the order the form wrote them."""
    return [
        Cell(label, str(filing.extra_fields[label])) for label in other_labels(filing.form_kind, filing.extra_fields)
    ]


def header_rows(filing: Filing) -> tuple[list[list[Cell]], list[Cell], int]:
    """The header grid: rows of label/value pairs, then the long texts across the full width, and how
    many pairs the widest row has (the grid's width)."""
    kind = filing.form_kind
    pairs = max((len(item.names) for item in kind.layout if isinstance(item, Row)), default=2)
    rows, texts = [], []
    for item in kind.layout:
        if isinstance(item, Row):
            cells = [Cell(_label(filing, kind, name), _shown(filing, kind, name), name=name) for name in item.names]
            last = cells[-1]
            # A row with fewer pairs than the widest one lets its last value take the rest.
            cells[-1] = Cell(last.label, last.value, span=1 + 2 * (pairs - len(cells)), name=last.name)
            rows.append(cells)
        else:
            texts.append(Cell(_label(filing, kind, item.name), _shown(filing, kind, item.name), name=item.name))
    return rows, texts, pairs


def _task_table(filing: Filing, kind: FormKind) -> dict[str, Any] | None:
    if kind.tasks is None:
        return None
    table = kind.tasks
    rows = []
    for task in filing.tasks.all():
        rows.append(
            [
                format_amount(filing.in_filing_unit(getattr(task, column.name)))
                if column.amount
                else getattr(task, column.name)
                for column in table.columns
            ]
        )
    totals = [format_amount(filing.in_filing_unit(filing.value(name))) for name in table.totals]
    return {
        "title": table.title,
        "unit": filing.amount_unit,
        "columns": table.columns,
        "rows": rows,
        "total_label": table.total_label,
        "totals": totals,
        "shares": [column.width / 100 for column in table.columns],
    }


def _shares(columns: tuple[Column, ...]) -> tuple[tuple[str, float], ...]:
    rest = 100 - sum(LEVEL_WIDTHS)
    total = sum(column.width for column in columns)
    return tuple((column.name, column.width / total * rest / 100) for column in columns)


def _heading_mm(columns: tuple[Column, ...], shares: tuple[tuple[str, float], ...]) -> float:
    """The table's heading row, whose narrow columns may wrap their headings."""
    headings = [(column.label, share) for column, (_, share) in zip(columns, shares, strict=True)]
    return heading_height_mm([("一级指标", LEVEL_WIDTHS[0] / 100), ("二级指标", LEVEL_WIDTHS[1] / 100), *headings])


def printed_columns(filing: Filing, levels: list[Level1Rows]) -> tuple[Column, ...]:
    """The columns of the filing's layout, and any other the rows fill."""
    rows = [row for level1 in levels for group in level1.groups for row in group.rows]
    return shown_columns(filing.form_kind.indicators.columns, rows)


def form_title(filing: Filing) -> str:
    """The title the form prints: its layout's own (甘肃: 省级部门预算项目支出绩效目标表), or its kind's."""
    layout = filing.layout
    return (layout.title if layout is not None else "") or filing.form_kind.title


def layout_name(filing: Filing) -> str:
    """The name of the filing's layout where it is not its kind's own (the pages say which 表样 it is)."""
    layout = filing.layout
    return "" if layout is None or layout.code == filing.form_kind.template else layout.name


def form_context(
    filing: Filing, *, levels: list[Level1Rows], review: Any = None, submission: Transition | None = None
) -> dict[str, Any]:
    """``review`` is the decisive review (``comment``, ``user``, ``created_at``) or None, ``submission``
    the filing's latest 送审 or None."""
    kind = filing.form_kind
    rows, texts, pairs = header_rows(filing)
    tasks = _task_table(filing, kind)
    grid_texts = [(cell.label, cell.value) for cell in (*texts, *other_fields(filing))]
    above = header_height_mm(
        [[t for cell in row for t in (cell.label, cell.value)] for row in rows], grid_texts, pairs=pairs
    )
    if tasks is not None:
        above += table_height_mm(tasks["rows"], tasks["shares"])
    columns = printed_columns(filing, levels)
    shares = _shares(columns)
    grid = [round(share * 100, 2) for share in pair_shares(pairs)]
    if rows:
        rows[0] = [
            Cell(cell.label, cell.value, cell.span, cell.name, widths)
            for cell, widths in zip(rows[0], _widths(rows[0], grid), strict=True)
        ]
    return {
        "filing": filing,
        "kind": kind,
        "title": form_title(filing),
        "rows": rows,
        "texts": grid_texts,
        "text_span": 2 * pairs - 1,
        "tasks": tasks,
        "columns": [
            (column.label, round(share * 100, 2), _CELL_CLASSES.get(column.name, ""))
            for column, (_, share) in zip(columns, shares, strict=True)
        ],
        "level_widths": LEVEL_WIDTHS,
        "blocks": [
            _printed(block, columns)
            for block in page_blocks(levels, above_mm=above, shares=shares, heading_mm=_heading_mm(columns, shares))
        ],
        "status": filing.get_status_display(),
        "review": review,
        "reviewer": person_name(review.user) if review and review.user else "",
        "signatures": signatures(filing, submission),
    }


# How each column's cells are set: the value and the short columns beside it centred, long texts with
# their line breaks.
_CELL_CLASSES = {
    "value": "target",
    "nature": "target",
    "measure": "target",
    "weight": "target",
    "direction": "target",
    "score": "target",
    "explanation": "text",
    "basis": "text",
    "remark": "text",
}


def _widths(cells: list[Cell], grid: list[float]) -> list[tuple[float, float]]:
    """The width of each label and value cell of the first row, whose widths set the grid's columns."""
    widths, column = [], 0
    for cell in cells:
        value = sum(grid[column + 1 : column + 1 + cell.span])
        widths.append((grid[column], round(value, 2)))
        column += 1 + cell.span
    return widths


def _printed(block: Block, columns: tuple[Column, ...]) -> dict[str, Any]:
    """A page block with each row's cells in the printed columns."""
    rows = [
        {
            "level1": printed.level1,
            "level2": printed.level2,
            "cells": [(getattr(printed.row, column.name), _CELL_CLASSES.get(column.name, "")) for column in columns],
        }
        for printed in block.rows
    ]
    return {"rows": rows, "fits_a_page": block.fits_a_page, "continued": block.continued}


def render_forms_html(filings: Iterable[Filing], reviews: dict[int, Any] | None = None) -> list[str]:
    """The HTML of each filing's form, in the order given, with a fixed number of queries."""
    return list(forms_html(filings, reviews))


def forms_html(filings: Iterable[Filing], reviews: dict[int, Any] | None = None) -> Iterator[str]:
    """``render_forms_html`` a form at a time: the filings, their rows and tasks, and their latest
    submissions are read at once, each form is made when asked for (reading each template's
    categories the first time)."""
    filings = list(filings)
    ids = [filing.pk for filing in filings]
    loaded = (
        Filing.objects.select_related("department", "template", *header_relations())
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("position", "pk")), "tasks")
        .in_bulk(ids)
    )
    return _forms_html(ids, loaded, reviews or {}, last_submissions(ids))


def _forms_html(
    ids: list[int], loaded: dict[int, Filing], reviews: dict[int, Any], submissions: dict[int, Transition]
) -> Iterator[str]:
    categories_by_template: dict[int, dict[int, Category]] = {}
    for pk in ids:
        filing = loaded[pk]
        if filing.template_id not in categories_by_template:
            categories_by_template[filing.template_id] = template_categories(filing.template_id)
        levels = indicator_levels(filing.indicators.all(), categories_by_template[filing.template_id])
        context = form_context(filing, levels=levels, review=reviews.get(pk), submission=submissions.get(pk))
        html = render_to_string(TEMPLATE, context)
        yield _UNPRINTABLE.sub("", html)


def render_form_html(*, filing: Filing, review: Any = None) -> str:
    return render_forms_html([filing], {filing.pk: review} if review else None)[0]

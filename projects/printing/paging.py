"""The indicator table cut into blocks that keep their labels across page breaks.

Each block becomes one ``<tbody>`` that the print CSS keeps on one page and that carries its
own 一级/二级 label cells: WeasyPrint moves a block that does not fit to the next page, under
the repeated table header, so no row is ever printed without its labels. A block is a whole
一级 group, merged as on the paper form, when it fits where it would be printed; otherwise the
group is cut between its 二级 groups (between rows for a 二级 group taller than a page) and
each piece repeats the labels.

A piece after the first (``Block.continued``) starts a new page, forced by the print CSS: a group
is cut only at a page break, so its label is never printed twice on one page, even where the
estimate was too cautious and the piece would have fitted below the one before.

Where things fall is estimated from the text and the sizes in ``templates/print/form.css``,
generously: an estimate that is off costs some white space at the foot of a page, never a label.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

# From form.css: A4 with margins of 18/15/20/15 mm, 10.5 pt text at line-height 1.45.
PAGE_BODY_MM = (297 - 18 - 20) * 0.95
CONTENT_WIDTH_MM = 210 - 2 * 15
FONT_MM = 10.5 * 25.4 / 72
LINE_MM = FONT_MM * 1.45
CELL_PADDING_MM = 2 * 1.6  # left and right
ROW_EXTRA_MM = 2 * 1.2 + 0.3  # top and bottom padding, border
TITLE_MM = 20 * 25.4 / 72 * 1.45 + 5 + 9 * 25.4 / 72 * 1.45 + 1.5  # h1 and the year/code line
TABLE_HEADER_MM = LINE_MM + ROW_EXTRA_MM
TEXT_SHARES = (0.17, 0.83)
# The 二级 form's columns; the other kinds' come from their definitions (``projects.kinds``).
INDICATOR_SHARES = {"name": 0.22, "value": 0.15, "explanation": 0.39}
# A block on a page of its own shares it with the repeated table header.
BLOCK_BUDGET_MM = PAGE_BODY_MM - TABLE_HEADER_MM
# A group is not cut to leave a single row of it at the foot of a page.
MIN_ROWS_BEFORE_A_CUT = 2


@dataclass
class IndicatorRow:
    name: str = ""
    value: str = ""
    explanation: str = ""
    # Not printed: which stored row it is (None for the blank line of an empty category), for the web page.
    indicator_id: int | None = None
    not_applicable: bool = False
    # The columns other layouts add (指标性质 · 度量单位 · 权重 …), as printed.
    nature: str = ""
    measure: str = ""
    weight: str = ""
    direction: str = ""
    basis: str = ""
    score: str = ""
    remark: str = ""


@dataclass
class Level2Rows:
    label: str
    rows: list[IndicatorRow]


@dataclass
class Level1Rows:
    label: str
    groups: list[Level2Rows] = field(default_factory=list)


@dataclass
class LabelCell:
    label: str
    rowspan: int


@dataclass
class PrintedRow:
    row: IndicatorRow
    level1: LabelCell | None = None
    level2: LabelCell | None = None


@dataclass
class Block:
    rows: list[PrintedRow]
    height_mm: float
    continued: bool = False  # a later piece of a 一级 group: printed from the top of a page

    @property
    def fits_a_page(self) -> bool:
        return self.height_mm <= BLOCK_BUDGET_MM


def _text_width_mm(text: str) -> float:
    """Full-width and CJK characters take 1 em; Latin letters and digits at most 0.6 em."""
    ems = sum(1.0 if unicodedata.east_asian_width(char) in "WFA" else 0.6 for char in text)
    return ems * FONT_MM


# Texts repeat (不适用, the labels, the same row measured for each page it might fall on).
@lru_cache(maxsize=4096)
def _lines(text: str, share: float) -> int:
    usable = CONTENT_WIDTH_MM * share - CELL_PADDING_MM
    paragraphs = text.split("\n") if text else [""]
    # 10 % more for lines that end early, before a word or a mark that may not start a line.
    return sum(max(1, math.ceil(_text_width_mm(p) * 1.1 / usable)) for p in paragraphs)


def _row_mm(cells: list[tuple[str, float]]) -> float:
    return max(_lines(text, share) for text, share in cells) * LINE_MM + ROW_EXTRA_MM


Shares = tuple[tuple[str, float], ...]  # (column, share of the width) of the kind's own columns
PROJECT_SHARES: Shares = tuple(INDICATOR_SHARES.items())


def row_height_mm(row: IndicatorRow, shares: Shares = PROJECT_SHARES) -> float:
    return _row_mm([(getattr(row, column), share) for column, share in shares])


def pair_shares(pairs: int) -> tuple[float, ...]:
    """Label and value widths of a header row of ``pairs`` label/value pairs across the width."""
    label = 0.17 if pairs <= 2 else 0.12
    value = (1 - label * pairs) / pairs
    return (label, value) * pairs


def heading_height_mm(headings: Sequence[tuple[str, float]]) -> float:
    """The indicator table's heading row, (heading, share of the width) for each column: a layout of
    many narrow columns wraps some headings (指标方向性) over two lines."""
    return _row_mm(list(headings))


def header_height_mm(rows: Sequence[Sequence[str]], texts: Sequence[tuple[str, str]], *, pairs: int = 2) -> float:
    """The title and the header grid above the indicator table; ``rows`` hold label, value, label…"""
    height = TITLE_MM
    shares = pair_shares(pairs)
    height += sum(_row_mm(list(zip(row, shares, strict=False))) for row in rows)
    height += sum(_row_mm(list(zip(text, TEXT_SHARES, strict=True))) for text in texts)
    return height


def table_height_mm(rows: Sequence[Sequence[str]], shares: Sequence[float]) -> float:
    """A plain table (the 年度主要任务) with its heading row."""
    return TABLE_HEADER_MM * 2 + sum(_row_mm(list(zip(row, shares, strict=True))) for row in rows)


def _height(rows: list[IndicatorRow], shares: Shares = PROJECT_SHARES) -> float:
    return sum(row_height_mm(row, shares) for row in rows)


def _block(level1: str, groups: list[Level2Rows], shares: Shares, *, continued: bool) -> Block:
    printed: list[PrintedRow] = []
    for group in groups:
        for index, row in enumerate(group.rows):
            printed.append(PrintedRow(row, level2=LabelCell(group.label, len(group.rows)) if index == 0 else None))
    printed[0].level1 = LabelCell(level1, len(printed))
    return Block(printed, sum(_height(group.rows, shares) for group in groups), continued)


class _Pager:
    """Fills estimated pages with the rows of one 一级 group after another."""

    def __init__(self, above_mm: float, shares: Shares, heading_mm: float = TABLE_HEADER_MM):
        self.shares = shares
        self.heading_mm = heading_mm
        self.blocks: list[Block] = []
        self.used = above_mm % PAGE_BODY_MM + heading_mm
        self.label = ""
        self.pieces = 0  # blocks made of the current 一级 group
        self.pending: list[Level2Rows] = []
        self.pending_height = 0.0
        self.last_group: Level2Rows | None = None

    def start(self, level1: str) -> None:
        self.label = level1
        self.pieces = 0

    def add(self, group: Level2Rows, rows: list[IndicatorRow]) -> None:
        height = _height(rows, self.shares)
        on_a_fresh_page = not self.pending and self.used <= self.heading_mm
        if self.used + self.pending_height + height > PAGE_BODY_MM and not on_a_fresh_page:
            self._next_page()
        if self.pending and self.last_group is group:
            self.pending[-1].rows.extend(rows)
        else:
            self.pending.append(Level2Rows(group.label, list(rows)))
            self.last_group = group
        self.pending_height += height

    def finish(self) -> None:
        if self.pending:
            self.blocks.append(_block(self.label, self.pending, self.shares, continued=self.pieces > 0))
            self.pieces += 1
        self.used += self.pending_height
        self.pending, self.pending_height, self.last_group = [], 0.0, None

    def _next_page(self) -> None:
        # What is pending stays on this page, unless it is a single row: then it moves along.
        if sum(len(group.rows) for group in self.pending) >= MIN_ROWS_BEFORE_A_CUT:
            self.finish()
        self.used = self.heading_mm


def page_blocks(
    levels: list[Level1Rows],
    *,
    above_mm: float = 0.0,
    shares: Shares = PROJECT_SHARES,
    heading_mm: float = TABLE_HEADER_MM,
) -> list[Block]:
    """The blocks, laid out on estimated pages; ``above_mm`` is what the form prints before the table,
    ``shares`` the widths of the kind's own columns, ``heading_mm`` the height of the table's heading row
    (repeated on every page).

    A 二级 group that fits a page is never cut; a taller one fills each page row by row.
    """
    pager = _Pager(above_mm, shares, heading_mm)
    for level1 in levels:
        pager.start(level1.label)
        for group in level1.groups:
            if _height(group.rows, shares) <= BLOCK_BUDGET_MM:
                pager.add(group, group.rows)
            else:
                for row in group.rows:
                    pager.add(group, [row])
        pager.finish()
    return pager.blocks

"""The indicator table cut into blocks that keep their labels across page breaks.

Each block becomes one ``<tbody>`` that the print CSS keeps on one page and that carries its
own 一级/二级 label cells. A block is normally a whole 一级 group, merged as on the paper form.
A group too tall for a page is cut between its 二级 groups, and a 二级 group too tall between
its rows, every piece repeating its labels: WeasyPrint can only move a block to the next page,
so a block taller than a page would be split with its labels left behind. Heights are
estimated from the text and the column widths of ``templates/print/form.css``.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field

# From form.css: A4 with 15 mm side margins, 10.5 pt text at line-height 1.45.
CONTENT_WIDTH_MM = 180
FONT_MM = 10.5 * 25.4 / 72
LINE_MM = FONT_MM * 1.45
CELL_PADDING_MM = 2 * 1.6  # left and right
ROW_EXTRA_MM = 2 * 1.2 + 0.3  # top and bottom padding, border
COLUMN_SHARES = {"name": 0.22, "value": 0.15, "explanation": 0.39}
# The page body is 259 mm; the repeated table header and the estimate's error need the rest.
BLOCK_BUDGET_MM = 200


@dataclass
class IndicatorRow:
    name: str = ""
    value: str = ""
    explanation: str = ""


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

    @property
    def fits_a_page(self) -> bool:
        return self.height_mm <= BLOCK_BUDGET_MM


def _text_width_mm(text: str) -> float:
    """Full-width and CJK characters take 1 em; Latin letters and digits about 0.6 em, rounded up."""
    ems = sum(1.0 if unicodedata.east_asian_width(char) in "WFA" else 0.6 for char in text)
    return ems * FONT_MM


def _lines(text: str, share: float) -> int:
    usable = CONTENT_WIDTH_MM * share - CELL_PADDING_MM
    paragraphs = text.split("\n") if text else [""]
    # 10 % more for lines that break before a word or punctuation that may not start a line.
    return sum(max(1, math.ceil(_text_width_mm(p) * 1.1 / usable)) for p in paragraphs)


def row_height_mm(row: IndicatorRow) -> float:
    lines = max(_lines(getattr(row, column), share) for column, share in COLUMN_SHARES.items())
    return lines * LINE_MM + ROW_EXTRA_MM


def _height(rows: list[IndicatorRow]) -> float:
    return sum(row_height_mm(row) for row in rows)


def _block(level1: str, groups: list[Level2Rows]) -> Block:
    printed: list[PrintedRow] = []
    for group in groups:
        for index, row in enumerate(group.rows):
            printed.append(PrintedRow(row, level2=LabelCell(group.label, len(group.rows)) if index == 0 else None))
    printed[0].level1 = LabelCell(level1, len(printed))
    return Block(printed, sum(_height(group.rows) for group in groups))


def _row_chunks(rows: list[IndicatorRow]) -> list[list[IndicatorRow]]:
    chunks: list[list[IndicatorRow]] = [[]]
    height = 0.0
    for row in rows:
        row_height = row_height_mm(row)
        if chunks[-1] and height + row_height > BLOCK_BUDGET_MM:
            chunks.append([])
            height = 0.0
        chunks[-1].append(row)
        height += row_height
    return chunks


def page_blocks(levels: list[Level1Rows]) -> list[Block]:
    """Each 一级 group as one block if it fits a page, else as few blocks as fit, cut between rows."""
    blocks = []
    for level1 in levels:
        pending: list[Level2Rows] = []
        height = 0.0
        for group in level1.groups:
            for chunk in _row_chunks(group.rows):
                chunk_height = _height(chunk)
                if pending and height + chunk_height > BLOCK_BUDGET_MM:
                    blocks.append(_block(level1.label, pending))
                    pending, height = [], 0.0
                pending.append(Level2Rows(group.label, chunk))
                height += chunk_height
        if pending:
            blocks.append(_block(level1.label, pending))
    return blocks

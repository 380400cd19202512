"""Horizontal bar charts drawn as SVG on the server: readable without JavaScript, printed by the
PDF engine as they are shown, and described in text for screen readers (each bar has its value)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from projects.templatetags.projects_tags import money

LABEL_WIDTH = 190  # room for about twelve characters
BAR_WIDTH = 300
ROW_HEIGHT = 26
MAX_BARS = 30  # a chart of more rows would not be read; the table beside it has them all


@dataclass(frozen=True)
class ChartRow:
    label: str
    value: str
    y: int
    width: float


@dataclass(frozen=True)
class Chart:
    title: str
    rows: tuple[ChartRow, ...]
    height: int
    omitted: int  # rows left out beyond MAX_BARS
    label_width: int = LABEL_WIDTH
    bar_x: int = LABEL_WIDTH + 10
    width: int = LABEL_WIDTH + 10 + BAR_WIDTH + 110

    @property
    def value_x(self) -> int:
        return self.bar_x + 6


def bar_chart(title: str, items: list[tuple[str, Decimal | int]], *, unit: str = "") -> Chart:
    """``unit`` 元 or 万元 shows the values as amounts; blank shows them as counts."""
    shown = items[:MAX_BARS]
    longest = max((abs(Decimal(value)) for _, value in shown), default=Decimal(0))
    rows = []
    for number, (label, value) in enumerate(shown):
        width = float(abs(Decimal(value)) * BAR_WIDTH / longest) if longest else 0.0
        text = money(Decimal(value), unit) if unit else str(value)
        rows.append(
            ChartRow(label if len(label) <= 12 else f"{label[:11]}…", text, number * ROW_HEIGHT, round(width, 1))
        )
    return Chart(title, tuple(rows), max(1, len(rows)) * ROW_HEIGHT, len(items) - len(shown))

"""Recognising a kind's header labels and its title, however a file writes them.

Both parsers (text and workbook) match cells against the labels the kind definition declares
(``projects.kinds.base.HeaderField``): the official label with or without a bracketed remark
(项目总金额（中期规划，万元）), and the other spellings files use (项目编号 for 项目编码).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from projects.kinds.base import FormKind, HeaderField


@dataclass(frozen=True)
class Label:
    """A label found in a cell: the field it names, how it was written, and which of the field's
    spellings it is (0 for the official label), which decides between several 政策依据 texts."""

    field: HeaderField
    written: str
    spelling: int
    end: int  # where the label (and its colon) ends in the cell

    @property
    def canonical(self) -> str:
        """The label as the kind names this spelling: 项目概况 for a form that writes 项目概况."""
        if self.spelling == 0:
            return self.field.plain_label
        spelling = self.field.spellings[self.spelling - 1]
        return spelling if re.escape(spelling) == spelling else self.field.plain_label


def compact(text: str) -> str:
    return "".join(text.split())


class LabelMatcher:
    """The header labels of one kind, as one regular expression with a group per spelling."""

    def __init__(self, kind: FormKind):
        self.kind = kind
        alternatives = []
        for field in kind.header:
            bracket = r"(?:[(（][^()（）]*[)）])?"  # （中期规划，万元）, (元), (跨度多年的项目需填)
            written = [re.escape(field.plain_label) + bracket, *field.spellings]
            alternatives += [f"(?P<{field.name}__{index}>{pattern})" for index, pattern in enumerate(written)]
        self._pattern = re.compile(r"\s*[*＊]?(?:{})\s*(?:[:：]|$)".format("|".join(alternatives)))

    def at_start(self, cell: str) -> Label | None:
        """The label a cell starts with (followed by a colon or nothing), if any."""
        match = self._pattern.match(cell)
        if match is None or match.lastgroup is None:
            return None
        name, index = match.lastgroup.rsplit("__", 1)
        return Label(self.kind.field(name), match.group(match.lastgroup), int(index), match.end())

    def whole(self, cell: str) -> Label | None:
        """The label a cell holds and nothing else (blanks inside ignored), as workbooks write them."""
        text = compact(cell)
        label = self.at_start(text)
        return label if label is not None and label.end == len(text) else None


@cache
def matcher(kind: FormKind) -> LabelMatcher:
    return LabelMatcher(kind)


def title_of(line: str, kinds: list[FormKind]) -> FormKind | None:
    """The kind whose title the line is (markdown and bold marks, blanks and tabs aside)."""
    text = compact(line).strip("#*")
    for kind in kinds:
        if re.fullmatch(kind.title_pattern(), text):
            return kind
    return None

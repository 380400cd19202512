"""Messages about a filing, sorted to where they show on the form.

Anything with a ``message`` and any of ``field`` (a Project field name), ``indicator_id`` or
``category_id`` (a 二级指标) can be shown: the submission problems of the review service, and
findings of checks. ``severity`` is "error" or "warning" ("error" when absent).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Note:
    message: str
    severity: str = "error"
    rule_id: str = ""  # a check finding's rule, by which the page groups many of the same (checks.grouping)
    subject: str = ""


@dataclass
class Notes:
    fields: dict[str, list[Note]] = field(default_factory=lambda: defaultdict(list))
    rows: dict[int, list[Note]] = field(default_factory=lambda: defaultdict(list))
    categories: dict[int, list[Note]] = field(default_factory=lambda: defaultdict(list))
    general: list[Note] = field(default_factory=list)
    all: list[Note] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.all)

    @property
    def errors(self) -> list[Note]:
        return [note for note in self.all if note.severity == "error"]


def notes_from(items) -> Notes:
    notes = Notes()
    for item in items:
        note = Note(
            item.message,
            getattr(item, "severity", "error") or "error",
            getattr(item, "rule_id", "") or "",
            getattr(item, "subject", "") or "",
        )
        notes.all.append(note)
        if getattr(item, "indicator_id", None) is not None:
            notes.rows[item.indicator_id].append(note)
        elif getattr(item, "category_id", None) is not None:
            notes.categories[item.category_id].append(note)
        elif getattr(item, "field", None):
            notes.fields[item.field].append(note)
        else:
            notes.general.append(note)
    # Plain dicts from here: a template looking up a key that has no notes must not add it.
    notes.fields, notes.rows, notes.categories = dict(notes.fields), dict(notes.rows), dict(notes.categories)
    return notes

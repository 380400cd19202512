"""What each kind of job does, registered by the app that knows the work (``projects.background``).

A kind plans a job into parts (their sizes add up to what the progress bar counts, e.g. forms),
runs one part (each part is one task: parts run side by side on as many workers as there are), and
finishes the job once every part is done: a file to download, or a message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jobs.models import Job


@dataclass(frozen=True)
class Result:
    content: bytes
    filename: str
    content_type: str
    message: str = ""


@dataclass(frozen=True)
class Outcome:
    """A job that makes no file: what it did, and what went wrong per item (form, sheet)."""

    message: str
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class JobKind:
    code: str
    plan: Callable[[Job], list[int]]
    run_part: Callable[[Job, int, Callable[[], None]], None]  # the callable says "still working"
    finish: Callable[[Job], Result | Outcome]
    keep_result: timedelta = timedelta(days=1)


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> None:
    _KINDS[kind.code] = kind


def kind_named(code: str) -> JobKind:
    return _KINDS[code]

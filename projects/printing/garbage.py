"""Python's cycle collector in a render process: off while forms are laid out, run once it is idle.

WeasyPrint leaves some 30,000 objects a form in reference cycles, which only the cycle collector
frees. Left running, the collector keeps going through them as they pile up; run once after each
chunk of forms, it still took about 4 ms a form, a twentieth of a form's time, and all of it on
the way of the export that waits for the chunk. So it is switched off while a render runs and
the garbage is collected once the process has had nothing to render for ``IDLE_SECONDS``: a
department batch's garbage waits until the batch is done (about 0.8 MB a form). A process kept
busy longer than that collects in line once ``MAX_PENDING`` objects are waiting, about 60 forms.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

IDLE_SECONDS = 0.25
MAX_PENDING = 2_000_000

_state = threading.Lock()
_rendering = 0
# Whether the collector was on when rendering began, and so is to be run and switched on again once
# idle; a caller that had switched it off itself keeps it off.
_owed = False
_timer: threading.Timer | None = None


@contextmanager
def collected_when_idle() -> Iterator[None]:
    """The cycle collector off for the block; the cycles it leaves are collected when idle."""
    global _rendering, _owed
    with _state:
        if not _rendering and not _owed:
            _owed = gc.isenabled()
        _rendering += 1
        _cancel_timer()
        gc.disable()
    try:
        yield
    finally:
        with _state:
            _rendering -= 1
            if not _rendering and _owed:
                # The count is of the container objects made and not yet freed since the last
                # collection: the garbage left in cycles, mostly, all of it in the youngest generation.
                if gc.get_count()[0] > MAX_PENDING:
                    gc.collect(0)
                _start_timer()


def _collect_if_idle() -> None:
    with _state:
        if not _rendering and _owed:
            _collect_and_enable()


def _collect_and_enable() -> None:
    global _owed
    gc.collect(0)
    gc.enable()
    _owed = False


def _start_timer() -> None:
    global _timer
    _timer = threading.Timer(IDLE_SECONDS, _collect_if_idle)
    _timer.daemon = True
    try:
        _timer.start()
    except RuntimeError:  # no thread to be had: collect now rather than never
        _timer = None
        _collect_and_enable()


def _cancel_timer() -> None:
    global _timer
    if _timer is not None:
        _timer.cancel()
        _timer = None

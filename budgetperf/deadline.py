"""A time limit on a block of work in this process: laying out a form, reading a workbook.

The inputs are bounded (texts, rows, cells, characters), which bounds the work; this limit is the
guard behind those bounds, for whatever they miss: a block that runs past it is stopped with the
caller's own error, which says what happened, rather than holding a web worker until gunicorn kills
it, or a background worker for ever.

The limit is a timer signal (SIGALRM), which Python delivers to the main thread only: gunicorn's
workers and the task workers run requests and tasks there. A block in another thread (the
development server's request threads) runs without it. A limit set around it (a test's timeout,
say) goes on counting.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_AGAIN_EVERY = 0.1


class _OutOfTime(BaseException):
    """Raised by the timer inside the block: not an Exception, so that no ``except Exception`` of the
    libraries at work takes it for one of their own errors; the caller's error replaces it."""


@contextmanager
def time_limit(seconds: float, stopped: Callable[[], BaseException]) -> Iterator[None]:
    """Raises ``stopped()`` inside the block once it has run ``seconds`` (no limit when ≤ 0)."""
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def stop(signum, frame) -> None:
        raise _OutOfTime

    previous_handler = signal.signal(signal.SIGALRM, stop)
    started = time.monotonic()
    previous_timer = 0.0
    try:
        # Again every tenth of a second once past the limit: an exception raised while Python runs a
        # finaliser or a garbage collector's callback is only printed, and the block would go on.
        previous_timer, _ = signal.setitimer(signal.ITIMER_REAL, seconds, _AGAIN_EVERY)
        yield
    except _OutOfTime:
        signal.setitimer(signal.ITIMER_REAL, 0)  # no second alarm while the caller's error is raised
        raise stopped() from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_timer:
            left = previous_timer - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))

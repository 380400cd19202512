"""The time limit on laying out forms (``budgetperf.deadline``): every text a form holds is bounded
(``projects.kinds.base``), which keeps a form's layout to a few seconds; past the limit, the render
is stopped and the person told why."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from budgetperf.deadline import time_limit


class RenderTooLong(RuntimeError):
    """A layout ran past its time limit; the message says so in Chinese."""


@contextmanager
def render_time_limit(forms: int = 1) -> Iterator[None]:
    """Stops the block with RenderTooLong once it has run ``forms`` × PDF_SECONDS_PER_FORM."""
    seconds = float(settings.PDF_SECONDS_PER_FORM) * max(forms, 1)
    message = f"申报表排版超过 {seconds:g} 秒仍未完成，已停止。请缩短表中过长的文字后重试，或联系管理员。"
    with time_limit(seconds, lambda: RenderTooLong(message)):
        yield

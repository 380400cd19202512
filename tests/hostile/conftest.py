"""What every hostile-input test asserts besides its message: nothing was written."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest

from tests.hostile.state import database_state


@pytest.fixture
def no_write(samples) -> Callable[[], AbstractContextManager[None]]:
    """``with no_write(): …`` fails if the block changed any filing, row, task, unit or history record."""

    @contextmanager
    def guard() -> Iterator[None]:
        before = database_state()
        yield
        assert database_state() == before, "a refused input wrote to the database"

    return guard

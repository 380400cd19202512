"""What every hostile-input test asserts besides its message: nothing was written."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest

from tests.hostile.state import database_state

# Hostile inputs are exactly what could make a parser or a page run away: each test has a minute.
HOSTILE_TEST_SECONDS = 60


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.parent.name == "hostile" and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(HOSTILE_TEST_SECONDS))


@pytest.fixture
def no_write(samples) -> Callable[[], AbstractContextManager[None]]:
    """``with no_write(): …`` fails if the block changed any filing, row, task, unit or history record."""

    @contextmanager
    def guard() -> Iterator[None]:
        before = database_state()
        yield
        assert database_state() == before, "a refused input wrote to the database"

    return guard

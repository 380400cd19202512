import gc
import time
import weakref

import pytest

from projects.printing import garbage


class Node:
    pass


def _cycle() -> weakref.ref:
    """A pair of objects that only the cycle collector frees, and a weak reference to one."""
    first, second = Node(), Node()
    first.other, second.other = second, first
    return weakref.ref(first)


def _eventually(condition, seconds=5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


@pytest.fixture(autouse=True)
def quick_idle(monkeypatch):
    monkeypatch.setattr(garbage, "IDLE_SECONDS", 0.05)
    gc.collect()
    yield
    garbage._cancel_timer()
    gc.enable()


def test_the_cycles_a_render_leaves_are_collected_once_the_process_is_idle():
    with garbage.collected_when_idle():
        assert not gc.isenabled()
        left = _cycle()
    assert left() is not None
    assert _eventually(lambda: left() is None and gc.isenabled())


def test_a_render_that_starts_before_the_process_is_idle_puts_the_collection_off(monkeypatch):
    monkeypatch.setattr(garbage, "IDLE_SECONDS", 0.3)
    with garbage.collected_when_idle():
        first = _cycle()
    with garbage.collected_when_idle():
        second = _cycle()
        time.sleep(0.4)
        assert first() is not None
    assert _eventually(lambda: first() is None and second() is None)


def test_a_process_kept_busy_collects_in_line_once_too_much_is_waiting(monkeypatch):
    monkeypatch.setattr(garbage, "MAX_PENDING", 1_000)
    monkeypatch.setattr(garbage, "IDLE_SECONDS", 60)
    with garbage.collected_when_idle():
        left = _cycle()
        [Node() for _ in range(2_000)]
        keep = [[] for _ in range(2_000)]
    assert keep
    assert left() is None


def test_a_render_that_fails_still_leaves_its_garbage_to_be_collected():
    with pytest.raises(RuntimeError), garbage.collected_when_idle():
        left = _cycle()
        raise RuntimeError("排版失败")
    assert _eventually(lambda: left() is None and gc.isenabled())

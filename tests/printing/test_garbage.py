import gc
import threading
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
def idle_soon(monkeypatch):
    monkeypatch.setattr(garbage, "IDLE_SECONDS", 0.5)
    gc.collect()
    yield
    garbage._cancel_timer()
    garbage._owed = False
    gc.enable()


def test_the_cycles_a_render_leaves_are_collected_once_the_process_is_idle():
    with garbage.collected_when_idle():
        assert not gc.isenabled()
        left = _cycle()
    assert left() is not None
    assert _eventually(lambda: left() is None and gc.isenabled())


def test_a_render_that_starts_before_the_process_is_idle_puts_the_collection_off():
    with garbage.collected_when_idle():
        first = _cycle()
    with garbage.collected_when_idle():
        second = _cycle()
        time.sleep(0.7)
        assert first() is not None
    assert _eventually(lambda: first() is None and second() is None)


def test_renders_in_two_threads_leave_the_collection_to_the_last_one_that_ends():
    first_done, second_may_end = threading.Event(), threading.Event()
    lefts = []

    def render():
        with garbage.collected_when_idle():
            lefts.append(_cycle())
            first_done.set()
            second_may_end.wait(5)

    other = threading.Thread(target=render)
    other.start()
    first_done.wait(5)
    with garbage.collected_when_idle():
        lefts.append(_cycle())
    time.sleep(0.7)
    assert all(left() is not None for left in lefts) and not gc.isenabled()
    second_may_end.set()
    other.join()
    assert _eventually(lambda: all(left() is None for left in lefts) and gc.isenabled())


def test_a_process_kept_busy_collects_in_line_once_too_much_is_waiting(monkeypatch):
    monkeypatch.setattr(garbage, "MAX_PENDING", 1_000)
    monkeypatch.setattr(garbage, "IDLE_SECONDS", 60)
    with garbage.collected_when_idle():
        lefts = [_cycle() for _ in range(1_000)]
    assert all(left() is None for left in lefts)


def test_a_render_that_fails_still_leaves_its_garbage_to_be_collected():
    with pytest.raises(RuntimeError), garbage.collected_when_idle():
        left = _cycle()
        raise RuntimeError("排版失败")
    assert _eventually(lambda: left() is None and gc.isenabled())


def test_a_collector_switched_off_by_the_caller_stays_off():
    gc.disable()
    with garbage.collected_when_idle():
        _cycle()
    time.sleep(0.7)
    assert not gc.isenabled()

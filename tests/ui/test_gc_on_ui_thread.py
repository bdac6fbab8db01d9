"""The UI thread's garbage collector: cycles collected from its timer; what start-up made left out of later
collections once frozen, and given back to Python's collector when it stops."""

from __future__ import annotations

import gc
import weakref

from horus_desktop.ui.gc_on_ui_thread import UiThreadGarbageCollector


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def _allocated(count: int) -> list[list[object]]:
    """New objects enough to pass the youngest generation's threshold (while they live)."""
    return [[] for _ in range(count)]


def test_frozen_start_up_is_left_out_and_later_cycles_are_still_collected(qapp) -> None:  # noqa: ANN001
    collector = UiThreadGarbageCollector()
    start_up = _Node()
    made_at_start = weakref.ref(start_up)
    try:
        collector.freeze()
        # Out of the collector's sight: no collection walks it (its generation lists do not hold it).
        assert not any(o is start_up for o in gc.get_objects())
        del start_up
        later = _Node()
        made_later = weakref.ref(later)
        del later
        for _ in range(5):
            alive = _allocated(gc.get_threshold()[0] + 100)
            collector.collect_if_due()
            del alive
            if made_later() is None:
                break
        assert made_later() is None, "a cycle made after the freeze was not collected"
        assert made_at_start() is not None, "a frozen cycle was collected"
    finally:
        collector.stop()
    # Stopped: the frozen objects are Python's collector's again, so the start-up cycle goes too.
    gc.collect()
    assert made_at_start() is None

"""Python's cyclic garbage collector, run on the UI thread only.

Left automatic, the collector runs on whichever thread happens to allocate: the DB worker or a decode
worker can then free a Qt object whose wrapper sat in a reference cycle. Its destructor takes Qt's
signal-slot lock and then wants the GIL, while the UI thread holds the GIL and waits for that same lock:
a deadlock (caught in the test suite: the DB thread in ``gc_collect_main`` -> ``QObject::disconnect`` ->
``GilState::acquire``, the UI thread in ``QObject::connectImpl``). So automatic collection is switched
off and a timer on the UI thread collects with the same generation thresholds, as Calibre does.

A full collection walks every object the collector tracks, on the UI thread: 210-220 ms of CPU in a window
that had made the demo project and played (240,000 objects; 2.4-2.6 s of wall time there, the decode
processes busy beside it). Once the app has started (`freeze`: the store open, the window shown), what
start-up made (modules, the ORM's mappers, Qt's wrappers, OCIO's config) is moved out of the collector's
sight (``gc.freeze``), and the same collection took 63-69 ms of CPU (110,000 objects). Those objects are
still freed when nothing refers to them; a reference cycle among them would be kept, and start-up leaves
none that grow.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_INTERVAL_MS = 500


class UiThreadGarbageCollector(QObject):
    """While it lives, cycles are collected on the UI thread from a timer, never on worker threads."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = CHECK_INTERVAL_MS) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_if_due)
        self._timer.start(interval_ms)

    def collect_if_due(self) -> int:
        """Collect the generations whose allocation counts passed their thresholds; returns objects freed."""
        count0, count1, count2 = gc.get_count()
        freed = 0
        if count0 > self._thresholds[0]:
            freed += gc.collect(0)
            if count1 > self._thresholds[1]:
                freed += gc.collect(1)
                if count2 > self._thresholds[2]:
                    freed += gc.collect(2)
        return freed

    def freeze(self) -> None:
        """Leave every object alive now out of later collections (start-up is over: see the module)."""
        gc.freeze()

    def stop(self) -> None:
        """Stop the timer, collect once here, and give collection back to Python (frozen objects too)."""
        self._timer.stop()
        gc.unfreeze()
        gc.collect()
        if self._was_enabled:
            gc.enable()

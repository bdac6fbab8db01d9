"""Python's cyclic garbage collector paused around a bulk job (an import, a sync page)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block (back on after, if it was on).

    A bulk job (a playlist import's document of ~100,000 objects, a sync page of thousands of parsed rows)
    holds many objects, none in reference cycles, yet their allocations trigger collections that walk them,
    and now and then a full one that walks everything the process holds: measured a quarter of a 2,000-clip
    import and of a 10,000-row pull. Whatever garbage the block makes is collected as usual once it ends. The
    app runs with automatic collection off already (``ui/gc_on_ui_thread.py``): there this changes nothing."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()

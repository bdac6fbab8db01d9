"""Work split for every core at once (a frame a user waits for: its decode, its read out of a decode process,
its colour in bands), each part on a core of its own.

The parts run at once: the first on the calling thread, the others on threads started for them (~0.1 ms
each, joined before returning: nothing stays running between two frames). Threads started together begin on
their parent's core, and the kernel, counting a thread that has just run as cache-hot, left two of them taking
turns on one core (each preempting the other every 4 ms) while the other core idled for 10 ms and more:
traced with the scheduler's events scrubbing a 2K PIZ EXR on 2 vCPUs, the frame asked for took 35-45 ms
against ~20 when its threads ran on both cores. So when there are as many parts as cores this process may
use, each thread is held to one of them for its part (the calling thread's own cores are given back after);
with fewer parts (work sharing the cores with other processes) the kernel places them as it likes.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Sequence


def usable_cores() -> list[int]:
    """The cores this process may run on (all of them unless restricted), in order; [] where that cannot be
    told or set (not Linux)."""
    if not hasattr(os, "sched_setaffinity"):
        return []
    try:
        return sorted(os.sched_getaffinity(0))
    except OSError:
        return []


def _hold_to(core: int | None) -> None:
    if core is not None:
        with contextlib.suppress(OSError):  # a core taken away meanwhile: run wherever the kernel puts it
            os.sched_setaffinity(0, {core})  # the calling thread only


def run_parts(parts: Sequence[Callable[[], None]], name: str) -> None:
    """Run ``parts`` at once and return when all have ended (see the module). A part's exception is its own
    to keep (the callers record them): one raised on a started thread is not seen here."""
    if not parts:
        return
    if len(parts) == 1:
        parts[0]()
        return
    cores = usable_cores()
    held = len(cores) == len(parts)

    def run(index: int) -> None:
        _hold_to(cores[index] if held else None)
        parts[index]()

    others = [threading.Thread(target=run, args=(i,), name=name, daemon=True) for i in range(1, len(parts))]
    mask = set(cores) if held else None
    try:
        for thread in others:
            thread.start()
        _hold_to(cores[0] if held else None)
        parts[0]()
    finally:
        if mask is not None:
            with contextlib.suppress(OSError):
                os.sched_setaffinity(0, mask)  # this thread goes on as it was
        for thread in others:
            if thread.ident is not None:
                thread.join()

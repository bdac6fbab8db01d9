"""Long work (ingest, the demo project, taking a playlist offline) as plain functions, Qt-free.

A job is ``fn(progress, cancel) -> result``: it reports ``progress(done, total, label)`` and stops soon after
``cancel`` is set. The window runs jobs on its jobs thread (``ui/jobs.JobRunner``); the CLI and the API call
the same functions on their own thread.

A job that writes the store takes a ``write`` function and runs every store write through it: in the app
that is the DB worker's ``call`` (one writer thread for the whole app, so a job never writes beside the UI's
own writes), in the CLI and the API :func:`write_here` (the caller's thread is the only writer).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

#: ``progress(done, total, label)``: how far a job is (total 0 when unknown).
ProgressFn = Callable[[int, int, str], None]
#: A job: ``fn(progress, cancel) -> result``.
JobFn = Callable[[ProgressFn, threading.Event], Any]
#: Run ``work()`` (a store write) on the one writer thread and hand back its result or raise its error.
WriteFn = Callable[[Callable[[], Any]], Any]


def write_here(work: Callable[[], T]) -> T:
    """Run a store write on the calling thread (the CLI and the API, where no other thread writes)."""
    return work()

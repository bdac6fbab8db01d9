"""The one database thread: every store call runs there; results come back on the UI thread."""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

log = logging.getLogger(__name__)

Callback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


class DbWorker(QObject):
    """A single-thread executor for store calls; callbacks run on the UI thread via a queued signal."""

    sig_error = Signal(str)
    _sig_done = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db_thread: int | None = None
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="horus-db", initializer=self._remember_thread)
        self._closed = False
        self._sig_done.connect(self._deliver)

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callback | None = None,
        on_error: ErrorCallback | None = None,
        **kwargs: Any,
    ) -> Future[Any] | None:
        """Run ``fn(*args, **kwargs)`` on the DB thread; ``on_done(result)`` later on the UI thread."""
        if self._closed:
            return None
        future = self._executor.submit(fn, *args, **kwargs)
        future.add_done_callback(lambda f: self._sig_done.emit((f, on_done, on_error)))
        return future

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``fn(*args, **kwargs)`` on the DB thread, wait, and return its result (or raise its error).

        For job threads: their store writes go through here, so the app has one writer thread (see
        ``services/jobs.py``). Never from the UI thread, which must not wait on the database.
        """
        if threading.get_ident() == self._db_thread:
            return fn(*args, **kwargs)
        if QThread.currentThread() is self.thread():
            raise RuntimeError("DbWorker.call would make the UI thread wait on the database: use submit")
        if self._closed:
            raise RuntimeError("the database worker has stopped")
        return self._executor.submit(fn, *args, **kwargs).result()

    def _remember_thread(self) -> None:
        self._db_thread = threading.get_ident()

    @Slot(object)
    def _deliver(self, packet: tuple[Future[Any], Callback | None, ErrorCallback | None]) -> None:
        future, on_done, on_error = packet
        if future.cancelled() or self._closed:
            return
        error = future.exception()
        if error is not None:
            if on_error is not None:
                on_error(error)
            else:
                log.error("database task failed: %s", "".join(traceback.format_exception(error)))
                self.sig_error.emit(f"Database: {error}")
            return
        if on_done is not None:
            on_done(future.result())

    def wait_idle(self, timeout: float = 60.0) -> None:
        """Block until queued work has run (tests and shutdown only). A deadline, not a timing: on a loaded
        machine the queue can take seconds, and a wait that gives up fails the test."""
        self._executor.submit(lambda: None).result(timeout)

    def shutdown(self) -> None:
        """Finish running work, drop the rest."""
        self._closed = True
        self._executor.shutdown(wait=True, cancel_futures=True)

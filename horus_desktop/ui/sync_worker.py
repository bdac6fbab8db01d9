"""The app's sync worker: the Qt face of :class:`horus_desktop.sync.service.SyncLoop`.

Network traffic runs only on the loop's thread (``horus-sync``) and on the hint listener's
(``horus-sync-listen``); the UI thread only receives states and results through queued signals. A pull's
writes go into the store on the sync thread: SQLite in WAL mode lets the DB worker and this thread write
one after the other (each write is a short transaction, and ``busy_timeout`` makes the second wait), and
docs/ARCHITECTURE.md says why that second writer is safe.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from horus_desktop.sync.service import NotifyListener, SyncLoop, SyncState

if TYPE_CHECKING:
    from horus_desktop.store import ChangeSet


class SyncWorker(QObject):
    """Keeps one store in sync with one server while the window is open.

    ``make_client`` builds a SyncClient (called on the sync thread: connecting is network). ``subscribe`` is
    the store's, so a local change pokes a round. A pull writes through the same store, whose listeners (the
    store-event bridge among them) hear it; ``publish`` is for a client that writes on a connection of its
    own and reports its change sets instead.
    """

    sig_state = Signal(object)  # SyncState, on the UI thread
    _sig_result = Signal(object)

    def __init__(self, make_client: Callable[[], Any], *, server_url: str,
                 subscribe: Callable[[Callable[[ChangeSet], None]], Callable[[], None]] | None = None,
                 publish: Callable[[ChangeSet], None] | None = None, listen: bool = True,
                 poll_seconds: float | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = SyncState("syncing")
        self._publish = publish
        self._sig_result.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        extra = {"poll_seconds": poll_seconds} if poll_seconds is not None else {}
        self._loop = SyncLoop(make_client, on_state=self._on_state_any_thread, on_changes=self._on_changes,
                              **extra)
        self._listener = NotifyListener(server_url, self._loop.hint) if listen else None
        self._unsubscribe = subscribe(self._on_store_changed) if subscribe is not None else None
        self._stopped = False

    def start(self) -> None:
        """Start syncing (first round at once)."""
        self._loop.start()
        if self._listener is not None:
            self._listener.start()

    def sync_now(self) -> None:
        """Run a round now (the indicator's "sync now")."""
        self._loop.hint()

    def call(self, job: Callable[[Any], Any], done: Callable[[Any], None],
             failed: Callable[[BaseException], None]) -> None:
        """Run ``job(client)`` on the sync thread; ``done(result)`` or ``failed(error)`` on the UI thread."""
        future = self._loop.submit(job)
        future.add_done_callback(lambda f: self._sig_result.emit((f, done, failed)))

    def stop(self) -> None:
        """Stop both threads and close the connections (idempotent; waits for a running round to cancel)."""
        if self._stopped:
            return
        self._stopped = True
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self._listener is not None:
            self._listener.stop()
        self._loop.stop()

    # --- any thread -> UI thread -------------------------------------------------------------------
    def _on_store_changed(self, change_set: ChangeSet) -> None:
        # A pull's own writes (origin "sync", on the sync thread) are not local edits to push.
        if getattr(change_set, "origin", "local") != "sync" and threading.current_thread() is not self._loop.thread:
            self._loop.poke()

    def _on_changes(self, change_set: Any) -> None:
        if self._publish is not None and isinstance(change_set, ChangeSet):
            self._publish(change_set)

    def _on_state_any_thread(self, state: SyncState) -> None:
        self._sig_result.emit(state)

    @Slot(object)
    def _deliver(self, packet: Any) -> None:
        if isinstance(packet, SyncState):
            self.state = packet
            self.sig_state.emit(packet)
            return
        future, done, failed = packet
        assert isinstance(future, Future)
        error = future.exception()
        if error is not None:
            failed(error)
        else:
            done(future.result())

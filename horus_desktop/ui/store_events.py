"""The one bridge from store changes to the screens: subscribed once to the store, it re-emits every
committed change set on the UI thread, where panels connect to ``changed``.

Change sets carry domain-level kinds ("note", "drawing", "playlist", "approval", ...; see
``store.unit_of_work.KINDS``), the media and frame they are of when known, and who started them (``origin``:
this app's user, a sync pull, a live session). A panel looks at those and updates only what changed.
Writes of this process arrive through the store's listener; change sets made elsewhere (a sync pull applied
by another connection, a live session's peers) are handed in with :meth:`StoreEvents.publish`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal, Slot

if TYPE_CHECKING:
    from horus_desktop.store.unit_of_work import ChangeSet

    Subscribe = Callable[[Callable[[ChangeSet], None]], Callable[[], None]]


class StoreEvents(QObject):
    """Store change sets, delivered on the thread this object lives on (the UI thread)."""

    changed = Signal(object)  # ChangeSet, on the UI thread
    _sig_from_any_thread = Signal(object)

    def __init__(self, subscribe: Subscribe | None = None, parent: QObject | None = None) -> None:
        """``subscribe`` is the store's (``store.subscribe``); None for a bridge fed by ``publish`` only."""
        super().__init__(parent)
        # Queued even when emitted on the UI thread: a listener never runs inside the writer's call stack.
        self._sig_from_any_thread.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._closed = False
        self._unsubscribe = subscribe(self.publish) if subscribe is not None else None

    def publish(self, change_set: ChangeSet) -> None:
        """Hand in a change set from any thread; ``changed`` carries it on the UI thread (thread-safe)."""
        if not self._closed and change_set.changes:
            self._sig_from_any_thread.emit(change_set)

    @Slot(object)
    def _deliver(self, change_set: ChangeSet) -> None:
        if not self._closed:
            self.changed.emit(change_set)

    def close(self) -> None:
        """Stop listening to the store (idempotent); queued change sets are dropped."""
        self._closed = True
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

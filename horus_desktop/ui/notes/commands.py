"""Undoable note deletion: a soft delete, undone by a restore (queued on the DB worker like every write)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from horus_desktop.ui.db_worker import DbWorker

if TYPE_CHECKING:
    from horus_desktop.store import Store


class DeleteNoteCommand(QUndoCommand):
    """Delete a note (and so its replies drop out); undo restores it."""

    def __init__(self, store: Store, db: DbWorker, comment_id: uuid.UUID, by: str,
                 on_error: Callable[[BaseException], None] | None = None) -> None:
        super().__init__("Delete note")
        self._store, self._db, self.comment_id, self._by = store, db, comment_id, by
        self._on_error = on_error

    def redo(self) -> None:
        self._db.submit(self._store.comments.soft_delete, self.comment_id, by=self._by, on_error=self._on_error)

    def undo(self) -> None:
        self._db.submit(self._store.comments.restore, self.comment_id, on_error=self._on_error)

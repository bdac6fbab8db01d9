"""Undoable drawing edits (QUndoStack): draw, move/resize/restyle, delete (soft delete, undone by restore).

Commands only say what changes; the controller shows it on the scene at once and queues the write on the
DB worker, so undo and redo are as immediate and ordered as drawing.
"""

from __future__ import annotations

import uuid
from typing import Any, Protocol

from PySide6.QtGui import QUndoCommand

from horus_desktop.domain.records import Annotation


class ShapeWriter(Protocol):
    """What the commands need from the controller."""

    def write_add(self, rows: list[Annotation]) -> None: ...
    def write_update(self, annotation_id: uuid.UUID, fields: dict[str, Any]) -> None: ...
    def write_delete(self, ids: list[uuid.UUID]) -> None: ...
    def write_restore(self, rows: list[Annotation]) -> None: ...


class AddShapesCommand(QUndoCommand):
    """New shapes; undo soft-deletes them, redo restores them."""

    def __init__(self, writer: ShapeWriter, rows: list[Annotation], text: str = "Draw") -> None:
        super().__init__(text)
        self._writer, self.rows = writer, rows
        self._done_once = False

    def redo(self) -> None:
        if self._done_once:
            self._writer.write_restore(self.rows)
        else:
            self._writer.write_add(self.rows)
            self._done_once = True

    def undo(self) -> None:
        self._writer.write_delete([r.id for r in self.rows])


class EditShapesCommand(QUndoCommand):
    """Changed fields of shapes (coordinates for move/resize, style for restyle): before and after."""

    def __init__(self, writer: ShapeWriter, changes: list[tuple[uuid.UUID, dict[str, Any], dict[str, Any]]],
                 text: str) -> None:
        super().__init__(text)
        self._writer, self.changes = writer, changes

    def redo(self) -> None:
        for annotation_id, _before, after in self.changes:
            self._writer.write_update(annotation_id, after)

    def undo(self) -> None:
        for annotation_id, before, _after in self.changes:
            self._writer.write_update(annotation_id, before)


class DeleteShapesCommand(QUndoCommand):
    """Soft-deleted shapes; undo restores them."""

    def __init__(self, writer: ShapeWriter, rows: list[Annotation], text: str = "Delete drawing") -> None:
        super().__init__(text)
        self._writer, self.rows = writer, rows

    def redo(self) -> None:
        self._writer.write_delete([r.id for r in self.rows])

    def undo(self) -> None:
        self._writer.write_restore(self.rows)

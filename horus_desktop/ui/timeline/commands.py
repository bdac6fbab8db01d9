"""Undo commands of the timeline: each wraps an edit that already ran and its exact inverse.

The edit runs first (on the DB worker); its command is pushed when it has succeeded, so the first
``redo()`` that ``QUndoStack.push`` calls is skipped. Later redo/undo replay ``edit``/``inverse`` with
``apply_edit``, again on the DB worker: the UI thread never waits for the store.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:  # the edits module loads OpenTimelineIO: imported with the first edit, not with the window
    from horus_desktop.timeline.edits import Edit, EditResult

Replay = Callable[["Edit"], None]


class EditCommand(QUndoCommand):
    """One playlist edit on the undo stack."""

    def __init__(self, result: EditResult, replay: Replay) -> None:
        super().__init__(result.edit.label)
        self.edit = result.edit
        self.inverse = result.inverse
        self._replay = replay
        self._done_once = False

    def redo(self) -> None:  # noqa: D102
        if not self._done_once:
            self._done_once = True  # the edit already ran when the command was pushed
            return
        self._replay(self.edit)

    def undo(self) -> None:  # noqa: D102
        self._replay(self.inverse)

"""The note composer: Ctrl+Enter sends, Escape cancels a reply or edit, ``@`` completes usernames."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QTextCursor
from PySide6.QtWidgets import QCompleter, QPlainTextEdit, QWidget

_PARTIAL = re.compile(r"(?<![\w.])@([A-Za-z0-9._-]*)$")


class NoteEditor(QPlainTextEdit):
    """Plain text with Markdown; ``lookup(prefix, done)`` fetches usernames for the completer."""

    sig_send = Signal()
    sig_cancel = Signal()
    sig_focused = Signal()  # the user came in to write (the window stops playback: ViewerPanel.hold)

    def __init__(self, lookup: Callable[[str, Callable[[list[str]], None]], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noteEditor")
        self._lookup = lookup
        self.completions = QStringListModel(self)
        self.completer = QCompleter(self.completions, self)
        self.completer.setWidget(self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.activated.connect(self.insert_completion)
        self.textChanged.connect(self._on_text_changed)

    def mention_prefix(self) -> str | None:
        """The partial username being typed after an ``@`` at the cursor."""
        cursor = self.textCursor()
        block = cursor.block().text()[: cursor.positionInBlock()]
        match = _PARTIAL.search(block)
        return match.group(1) if match else None

    def _on_text_changed(self) -> None:
        prefix = self.mention_prefix()
        if prefix is None or self._lookup is None:
            self.completer.popup().hide()
            return

        def show(names: list[str]) -> None:
            if self.mention_prefix() != prefix:
                return
            self.completions.setStringList(names)
            self.completer.setCompletionPrefix(prefix)
            if names:
                rect = self.cursorRect()
                rect.setWidth(220)
                self.completer.complete(rect)
            else:
                self.completer.popup().hide()

        self._lookup(prefix, show)

    def insert_completion(self, name: str) -> None:
        """Replace the partial ``@name`` with the chosen one."""
        prefix = self.mention_prefix() or ""
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len(prefix))
        cursor.insertText(f"{name} ")
        self.setTextCursor(cursor)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        super().focusInEvent(event)
        # Not the focus given back as the window comes to the front again or a popup (the completer) closes:
        # the user did not come in to write then.
        if event.reason() not in (Qt.FocusReason.ActiveWindowFocusReason, Qt.FocusReason.PopupFocusReason):
            self.sig_focused.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        popup = self.completer.popup()
        if popup.isVisible() and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab,
                                                 Qt.Key.Key_Escape):
            event.ignore()  # the completer handles these
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.sig_send.emit()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.sig_cancel.emit()
            return
        super().keyPressEvent(event)

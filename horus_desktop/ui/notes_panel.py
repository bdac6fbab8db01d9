"""The notes dock: notes on the media in the viewer (threads, frame, author); click one to go to its frame,
type a note to add it at the current frame."""

from __future__ import annotations

import html
import uuid

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from horus_desktop.domain.records import CommentNode, MediaRecord
from horus_desktop.store import Store
from horus_desktop.store.unit_of_work import ChangeSet
from horus_desktop.ui import theme
from horus_desktop.ui.db_worker import DbWorker


class NotesPanel(QWidget):
    """Read and add notes of the current media."""

    sig_seek = Signal(int)
    sig_message = Signal(str)
    _sig_store_changed = Signal(object)

    def __init__(self, store: Store, db: DbWorker, *, user_id: str, user_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notesPanel")
        self._store = store
        self._db = db
        self._user_id, self._user_name = user_id, user_name
        self._media: MediaRecord | None = None
        self._frame: int | None = None
        self.title = QLabel("Notes")
        self.title.setObjectName("notesTitle")
        self.view = QTextBrowser()
        self.view.setObjectName("notesView")
        self.view.setOpenLinks(False)
        self.view.anchorClicked.connect(self._on_link)
        self.view.setPlaceholderText("No notes on this media yet.")
        self.view.document().setDefaultStyleSheet(
            f"a {{ color: {theme.LINK.name()}; text-decoration: none; }} .who {{ color: {theme.TEXT_DIM.name()}; }}")
        self.thread_count = 0
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("noteEditor")
        self.editor.setPlaceholderText("Write a note on the current frame...")
        self.editor.setMaximumHeight(80)
        self.add_button = QPushButton("Add note")
        self.add_button.setObjectName("addNote")
        self.add_button.clicked.connect(self.add_note)
        self.add_button.setEnabled(False)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.editor)
        layout.addLayout(row)
        self._sig_store_changed.connect(self._on_store_changed)
        self._unsubscribe = store.subscribe(self._sig_store_changed.emit)

    def set_media(self, media: MediaRecord) -> None:
        """Show the notes of ``media``."""
        self._media = media
        self.add_button.setEnabled(True)
        self.title.setText(f"Notes · {media.shot or media.file_name} {media.version}")
        self.reload()

    def set_frame(self, _media_id: uuid.UUID, frame: int) -> None:
        """The frame a new note goes on."""
        self._frame = frame

    def reload(self) -> None:
        """Fetch the threads again."""
        if self._media is None:
            return
        media_id = self._media.id
        self._db.submit(self._store.comments.threads, media_id, on_done=lambda t: self._fill(media_id, t))

    def _fill(self, media_id: uuid.UUID, threads: list[CommentNode]) -> None:
        if self._media is None or self._media.id != media_id:
            return
        parts: list[str] = []

        def add(node: CommentNode, depth: int) -> None:
            c = node.comment
            where = "" if c.frame_number is None else f'<a href="frame:{c.frame_number}">frame {c.frame_number}</a> · '
            text = html.escape(c.content).replace("\n", "<br>")
            if c.is_resolved:
                text = f"<s>{text}</s> <i>(resolved)</i>"
            parts.append(f'<div style="margin-left:{14 * depth}px; margin-bottom:6px;">'
                         f'<span class="who">{where}<b>{html.escape(c.user_name)}</b></span><br>{text}</div>')
            for reply in node.replies:
                add(reply, depth + 1)

        for node in threads:
            add(node, 0)
        self.thread_count = len(threads)
        self.view.setHtml("".join(parts))

    def _on_link(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("frame:"):
            self.sig_seek.emit(int(text.split(":", 1)[1]))

    def add_note(self) -> None:
        """Store the typed note on the current frame (kept in the editor if the store refuses it)."""
        text = self.editor.toPlainText().strip()
        if not text or self._media is None:
            return
        media_id, frame = self._media.id, self._frame

        def done(_comment: object) -> None:
            self.editor.clear()

        def failed(error: BaseException) -> None:
            self.sig_message.emit(f"Note not saved (kept in the editor): {error}")

        self._db.submit(self._store.comments.add, media_id=media_id, content=text, user_id=self._user_id,
                        user_name=self._user_name, frame_number=frame, on_done=done, on_error=failed)

    def _on_store_changed(self, change_set: ChangeSet) -> None:
        if "horus_comments" in change_set.tables():
            self.reload()

    def shutdown(self) -> None:
        """Stop listening to the store."""
        self._unsubscribe()

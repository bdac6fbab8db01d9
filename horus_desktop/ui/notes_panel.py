"""The notes dock: notes on the media in the viewer (threads, frame, author); click one to go to its frame,
type a note to add it at the current frame."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from horus_desktop.domain.records import CommentNode, MediaRecord
from horus_desktop.store import Store
from horus_desktop.store.unit_of_work import ChangeSet
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
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(1)
        self.tree.setWordWrap(True)
        self.tree.setIndentation(14)
        self.tree.setUniformRowHeights(False)
        self.tree.header().setStretchLastSection(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.itemClicked.connect(self._on_clicked)
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
        layout.addWidget(self.tree, 1)
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
        self.tree.clear()

        def add(node: CommentNode, parent: QTreeWidget | QTreeWidgetItem) -> None:
            c = node.comment
            where = "" if c.frame_number is None else f"frame {c.frame_number} · "
            item = QTreeWidgetItem([f"{where}{c.user_name}\n{c.content}"])
            item.setData(0, Qt.ItemDataRole.UserRole, c.frame_number)
            item.setToolTip(0, c.content)
            if c.is_resolved:
                font = item.font(0)
                font.setStrikeOut(True)
                item.setFont(0, font)
            if isinstance(parent, QTreeWidget):
                parent.addTopLevelItem(item)
            else:
                parent.addChild(item)
            for reply in node.replies:
                add(reply, item)

        for node in threads:
            add(node, self.tree)
        self.tree.expandAll()

    def _on_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        frame = item.data(0, Qt.ItemDataRole.UserRole)
        if frame is not None:
            self.sig_seek.emit(int(frame))

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

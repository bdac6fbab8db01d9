"""The Conflicts view: each field two people changed from the same base, with both values, who made each
and when. Picking one is itself a change that syncs; until then the later clock's value is in use and the
other is kept here, never dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from horus_desktop.domain.wording import counted
from horus_desktop.sync.service import when_of

#: ``call(job, done, failed)``: run ``job(client)`` off the UI thread (SyncWorker.call).
Call = Callable[[Callable[[Any], Any], Callable[[Any], None], Callable[[BaseException], None]], None]

COLUMNS = ("What", "Mine", "Made by / when", "Theirs", "Made by / when", "In use")
_TABLE_WORDS = {"horus_comments": "note", "horus_comment_replies": "reply", "horus_approvals": "approval",
                "horus_media_records": "media", "horus_timeline_clips": "clip", "horus_layers": "layer"}


def _when(value: Any) -> str:
    when = when_of(value)
    return when.astimezone().strftime("%Y-%m-%d %H:%M:%S") if when is not None else str(value or "")


def _value(value: Any) -> str:
    text = "(deleted)" if value is None else str(value)
    return text if len(text) <= 200 else text[:199] + "…"


class ConflictsDialog(QDialog):
    """Lists unresolved conflicts; Keep mine / Keep theirs resolves the selected one."""

    def __init__(self, call: Call, *, on_resolved: Callable[[], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictsDialog")
        self.setWindowTitle("Conflicts")
        self.resize(900, 360)
        self._call = call
        self._on_resolved = on_resolved
        self.records: list[Any] = []
        self.message = QLabel("Loading…")
        self.message.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.keep_mine = QPushButton("Keep &mine")
        self.keep_theirs = QPushButton("Keep &theirs")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.keep_mine, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.keep_theirs, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.keep_mine.clicked.connect(lambda: self._resolve("local"))
        self.keep_theirs.clicked.connect(lambda: self._resolve("remote"))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self._update_buttons()
        self.reload()

    def reload(self) -> None:
        """Ask for the unresolved conflicts again."""
        self._call(lambda client: client.conflicts(unresolved_only=True), self._show, self._failed)

    def _show(self, records: list[Any]) -> None:
        self.records = list(records)
        self.table.setRowCount(len(self.records))
        for row, rec in enumerate(self.records):
            what = f"{_TABLE_WORDS.get(rec.table, rec.table)} {rec.field}"
            cells = (what, _value(rec.local_value), f"{rec.local_author}, {_when(rec.local_at)}",
                     _value(rec.remote_value), f"{rec.remote_author}, {_when(rec.remote_at)}",
                     "mine" if rec.winner == "local" else "theirs")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(str(rec.local_value if col == 1 else rec.remote_value if col == 3 else text))
                item.setData(Qt.ItemDataRole.UserRole, str(rec.id))
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        self.message.setText(
            f"{counted(len(self.records), 'conflict')}. Until you choose, the later change is in use and the other "
            "value is kept here." if self.records else "No conflicts: every concurrent change has been settled.")
        self._update_buttons()

    def _failed(self, error: BaseException) -> None:
        self.message.setText(f"Cannot reach the conflicts: {error}")
        self._update_buttons()

    def _selected(self) -> Any | None:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        return self.records[rows.pop()] if len(rows) == 1 and self.records else None

    def _update_buttons(self) -> None:
        enabled = self._selected() is not None
        self.keep_mine.setEnabled(enabled)
        self.keep_theirs.setEnabled(enabled)

    def _resolve(self, choice: str) -> None:
        record = self._selected()
        if record is None:
            return
        self.keep_mine.setEnabled(False)
        self.keep_theirs.setEnabled(False)

        def done(_result: Any) -> None:
            if self._on_resolved is not None:
                self._on_resolved()
            self.reload()

        self._call(lambda client: client.resolve(record.id, choice), done, self._failed)

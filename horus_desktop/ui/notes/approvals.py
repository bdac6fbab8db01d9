"""The approval control of the viewer: status of the version on screen (pending, approved, rejected, on hold)
with who/when history in a popup. Changes go through ``store.media.set_status`` (history + notification)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QMenu, QToolButton, QWidget

from horus_desktop.domain.records import ApprovalChange, MediaRecord
from horus_desktop.domain.vocabulary import APPROVAL_STATUSES
from horus_desktop.ui.current_user import CurrentUser
from horus_desktop.ui.db_worker import DbWorker
from horus_desktop.ui.notes.model import relative_time
from horus_desktop.ui.store_events import StoreEvents
from horus_desktop.ui.theme import STATUS_LABELS, status_colour

if TYPE_CHECKING:
    from horus_desktop.store import Store
    from horus_desktop.store.unit_of_work import ChangeSet


class StatusControl(QWidget):
    """Status combo and a History button for the media in the viewer."""

    sig_message = Signal(str)

    def __init__(self, store: Store, db: DbWorker, events: StoreEvents, user: CurrentUser,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusControl")
        self._store, self._db = store, db
        self._user = user
        self.media: MediaRecord | None = None
        self.history: list[ApprovalChange] = []
        self.combo = QComboBox()
        self.combo.setObjectName("approvalStatus")
        for status in APPROVAL_STATUSES:
            self.combo.addItem(STATUS_LABELS.get(status, status), status)
        self.combo.setToolTip("Approval status of the version in the viewer")
        self.combo.setEnabled(False)
        self.combo.activated.connect(lambda _i: self.set_status(self.combo.currentData()))
        self.history_button = QToolButton()
        self.history_button.setText("History")
        self.history_button.setObjectName("approvalHistory")
        self.history_menu = QMenu(self.history_button)
        self.history_menu.aboutToShow.connect(self._fill_history)
        self.history_button.setMenu(self.history_menu)
        self.history_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(QLabel("Status"))
        layout.addWidget(self.combo)
        layout.addWidget(self.history_button)
        events.changed.connect(self._on_store_changed)

    def set_media(self, media: MediaRecord | None) -> None:
        """The version on screen (in a playlist the clip's under the playhead; None: no media there)."""
        self.media = media
        self.combo.setEnabled(media is not None)
        if media is None:
            self.history = []
            self.combo.setCurrentIndex(-1)
            self.combo.setStyleSheet("")
            self.history_button.setToolTip("No media under the playhead")
            return
        self._show(media.approval_status or "pending")
        self.load_history()

    def _on_store_changed(self, change_set: ChangeSet) -> None:
        """The version's status was set elsewhere (the browser's batch status, a sync pull): show it."""
        media = self.media
        if media is None or not change_set.of("approval", media.id):
            return

        def done(record: MediaRecord) -> None:
            if self.media is not None and self.media.id == record.id:
                self.media = record
                self._show(record.approval_status or "pending")
                self.load_history()

        self._db.submit(self._store.media.get, media.id, on_done=done)

    def _show(self, status: str) -> None:
        index = self.combo.findData(status)
        self.combo.setCurrentIndex(index)
        colour = status_colour(status).name()
        self.combo.setStyleSheet(f"QComboBox {{ border-left: 4px solid {colour}; }}")

    def set_status(self, status: str) -> None:
        """Set the status of the version on screen (kept with who and when)."""
        media = self.media
        if media is None:
            return

        def done(records: list[MediaRecord]) -> None:
            if records and self.media is not None and records[0].id == self.media.id:
                self.media = records[0]
                self._show(status)
                self.load_history()
            self.sig_message.emit(f"{media.file_name}: {STATUS_LABELS.get(status, status)}")

        self._db.submit(self._store.media.set_status, [media.id], status, by=self._user.id, by_name=self._user.name,
                        on_done=done, on_error=lambda e: self.sig_message.emit(f"Status: {e}"))

    def load_history(self) -> None:
        """Fetch the version's approval history."""
        media = self.media
        if media is None:
            return

        def done(history: list[ApprovalChange]) -> None:
            if self.media is not None and self.media.id == media.id:
                self.history = history
                self.history_button.setToolTip("\n".join(self.history_lines()[:12]) or "No changes yet")

        self._db.submit(self._store.media.status_history, media.id, on_done=done)

    def history_lines(self) -> list[str]:
        """'approved by Ana Ruiz, 2 h ago (was pending)', newest first."""
        return [f"{STATUS_LABELS.get(h.status, h.status)} by {h.changed_by_name or h.changed_by or '?'}, "
                f"{relative_time(h.created_at)}" + (f" (was {h.previous_status})" if h.previous_status else "")
                + (f": {h.note}" if h.note else "") for h in self.history]

    def _fill_history(self) -> None:
        self.history_menu.clear()
        lines = self.history_lines()
        if not lines:
            self.history_menu.addAction("No status changes yet").setEnabled(False)
        for line in lines:
            self.history_menu.addAction(line).setEnabled(False)

"""The dailies notes dock: every note made in the playlist the timeline shows, grouped by shot then version.

What the supervisor reads back at the end of the session (the notes export prints the same list,
``services.dailies``). Clicking a note puts the playhead on the playlist frame that shows it. The list is
read on the DB worker when the playlist changes and again (debounced) when a note, drawing or status of its
media changes; while the dock is hidden it only remembers that it is stale.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from horus_desktop.timeline.state import PlaylistState
from horus_desktop.ui import theme
from horus_desktop.ui.db_worker import DbWorker
from horus_desktop.ui.store_events import StoreEvents
from horus_desktop.ui.timeline.panel import TimelinePanel

if TYPE_CHECKING:
    from horus_desktop.services.dailies import DailiesNote, DailiesNotes
    from horus_desktop.store import Store
    from horus_desktop.store.unit_of_work import ChangeSet

RELOAD_DELAY_MS = 300
COLUMNS = ("Note", "Frame", "Status")  # the note wraps; frame over timecode: readable in a narrow dock
NOTE_ROLE = Qt.ItemDataRole.UserRole


class DailiesNotesPanel(QWidget):
    """The playlist's notes by shot and version; a click seeks the playlist to the note."""

    sig_message = Signal(str)

    def __init__(self, store: Store, db: DbWorker, events: StoreEvents, timeline: TimelinePanel, *,
                 parent: QWidget | None = None) -> None:
        """Lists the playlist ``timeline`` shows; a click moves its playhead (the viewer follows)."""
        super().__init__(parent)
        self.setObjectName("dailiesNotesPanel")
        self.store, self.db = store, db
        self._seek: Callable[[int], None] = timeline.view.user_seek
        self.playlist_id: uuid.UUID | None = None
        self.listing: DailiesNotes | None = None
        self._media: set[uuid.UUID] = set()
        self._stale = False
        self.title = QLabel("No playlist in the timeline")
        self.title.setObjectName("dailiesNotesTitle")
        self.title.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("dailiesNotesTree")
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setWordWrap(True)
        self.tree.setIndentation(12)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("Note"), QHeaderView.ResizeMode.Stretch)
        self.tree.itemClicked.connect(self._on_clicked)
        self.tree.itemActivated.connect(self._on_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.tree, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RELOAD_DELAY_MS)
        self._timer.timeout.connect(self.reload)
        timeline.sig_state_changed.connect(self.set_state)
        events.changed.connect(self._on_store_changed)

    # --- what is listed --------------------------------------------------------------------------
    def set_state(self, state: PlaylistState | None) -> None:
        """The timeline shows another playlist, or an edit of this one: list it again."""
        self.playlist_id = state.id if state is not None else None
        self._media = {c.media_id for c in state.clips() if c.media_id is not None} if state is not None else set()
        if state is None:
            self.listing = None
            self.tree.clear()
            self.title.setText("No playlist in the timeline")
            return
        self._timer.start()

    def reload(self) -> None:
        """Read the list (on the DB worker) now if the dock is shown, else when it is shown."""
        if self.playlist_id is None:
            return
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        from horus_desktop.services.dailies import dailies_notes  # with the first listing, not at start

        wanted = self.playlist_id
        self.db.submit(dailies_notes, self.store, wanted, on_done=lambda listing: self._show(wanted, listing),
                       on_error=lambda e: self.sig_message.emit(f"Dailies notes: {e}"))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._stale:
            self.reload()

    def _on_store_changed(self, change_set: ChangeSet) -> None:
        if self.playlist_id is None:
            return
        for kind in ("note", "drawing", "approval", "media"):
            for change in change_set.of(kind):
                media_id = change.media_id if change.media_id is not None else (
                    change.row_id if kind == "media" else None)
                if media_id is None or media_id in self._media:
                    self._timer.start()
                    return

    # --- drawing the list ------------------------------------------------------------------------
    def _show(self, wanted: uuid.UUID, listing: DailiesNotes) -> None:
        if wanted != self.playlist_id:
            return
        self.listing = listing
        open_shots = self._expanded_shots()
        self.tree.clear()
        count = sum(1 for n in listing.notes() if n.comment_id)
        self.title.setText(f"<b>{listing.name} {listing.version or ''}</b> · {count} note(s) on "
                           f"{len(listing.shots)} shot(s) · click a note to go there")
        for shot in listing.shots:
            shot_item = QTreeWidgetItem([shot.shot])
            shot_item.setFirstColumnSpanned(False)
            font = shot_item.font(0)
            font.setBold(True)
            shot_item.setFont(0, font)
            self.tree.addTopLevelItem(shot_item)
            for version in shot.versions:
                label = f"{version.version} {version.department or ''}".strip()
                if not version.notes:
                    label += "  (no notes)"
                version_item = QTreeWidgetItem([label, "", version.approval_status])
                version_item.setForeground(COLUMNS.index("Status"), theme.status_colour(version.approval_status))
                shot_item.addChild(version_item)
                for note in version.notes:
                    version_item.addChild(self._note_item(note))
                version_item.setExpanded(True)
            shot_item.setExpanded(open_shots is None or shot.shot in open_shots)

    def _expanded_shots(self) -> set[str] | None:
        if self.tree.topLevelItemCount() == 0:
            return None
        return {self.tree.topLevelItem(i).text(0) for i in range(self.tree.topLevelItemCount())
                if self.tree.topLevelItem(i).isExpanded()}

    @staticmethod
    def _note_item(note: DailiesNote) -> QTreeWidgetItem:
        text = " ".join(note.text.split()) if note.text else ""
        if note.author:
            text = f"{note.author}: {text}"
        if note.replies:
            text += f"  (+{len(note.replies)} repl{'y' if len(note.replies) == 1 else 'ies'})"
        frame = "-" if note.frame is None else str(note.frame)
        if note.timecode:
            frame += f"\n{note.timecode}"
        item = QTreeWidgetItem([text, frame, note.status])
        item.setData(0, NOTE_ROLE, note)
        tip = [f"{note.author}: {note.text}" if note.author else note.text]
        tip += [f"  > {r.author}: {r.text}" for r in note.replies]
        if note.playlist_frame is None and note.frame is not None:
            tip.append("(no clip of the playlist shows this frame)")
        item.setToolTip(COLUMNS.index("Note"), "\n".join(tip))
        if note.status == "resolved":
            item.setForeground(COLUMNS.index("Status"), theme.status_colour("approved"))
        return item

    def note_items(self) -> list[QTreeWidgetItem]:
        """Every note row, top to bottom."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            shot = self.tree.topLevelItem(i)
            for j in range(shot.childCount()):
                version = shot.child(j)
                out += [version.child(k) for k in range(version.childCount())]
        return out

    def _on_clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        from horus_desktop.services.dailies import DailiesNote

        note = item.data(0, NOTE_ROLE)
        if not isinstance(note, DailiesNote):
            return
        if note.playlist_frame is None:
            self.sig_message.emit(f"{note.shot} {note.version}: frame {note.frame} is not in the playlist's cut")
            return
        self._seek(note.playlist_frame)

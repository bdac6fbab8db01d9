"""The dailies notes dock: every note made in the playlist the timeline shows, grouped by shot then version.

What the supervisor reads back at the end of the session (the notes export prints the same list,
``services.dailies``). Clicking a note puts the playhead on the playlist frame that shows it. The list is
read on the DB worker when the playlist changes and again (debounced) when a note, drawing or status of its
media changes; while the dock is hidden it only remembers that it is stale.

The list follows the playhead (``follow_playhead``, on every shown frame of the playlist): the row of the clip's
note being looked at (``playhead_rows``) is selected and scrolled into view, without taking the keyboard focus.
A user who scrolls the list by hand away from that row keeps the list where they put it while playback runs;
it follows again when the row is back in view, when they click a row, or when they move the playhead while
paused (a step, a jump). A shot the user collapsed stays collapsed: its row is highlighted instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from horus_desktop.domain.wording import counted
from horus_desktop.timeline.state import PlaylistState
from horus_desktop.ui import theme
from horus_desktop.ui.dailies.playhead_rows import PlayheadRows
from horus_desktop.ui.db_worker import DbWorker
from horus_desktop.ui.store_events import StoreEvents
from horus_desktop.ui.timeline.panel import TimelinePanel

if TYPE_CHECKING:
    from horus_desktop.services.dailies import DailiesNote, DailiesNotes
    from horus_desktop.store import Store
    from horus_desktop.store.unit_of_work import ChangeSet
    from horus_desktop.timeline.state import TrackItem

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
        self._rows: PlayheadRows[QTreeWidgetItem] = PlayheadRows()
        #: Where the playhead is: (playlist id, clip under it, its source frame), as last told.
        self._playhead: tuple[uuid.UUID, TrackItem, int] | None = None
        self._highlighted: QTreeWidgetItem | None = None
        self._hand_scrolled = False  # the user scrolled the list since it last scrolled to the playhead
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
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Only the user's own scrolling triggers slider actions (wheel, drag, arrows, page), not scrollToItem.
        self.tree.verticalScrollBar().actionTriggered.connect(self._on_hand_scroll)
        header = self.tree.header()
        header.setStretchLastSection(False)
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("Note"), QHeaderView.ResizeMode.Stretch)
        self.tree.itemClicked.connect(self._on_clicked)
        self.tree.itemClicked.connect(self._on_hand_pick)
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
            self._rows, self._highlighted = PlayheadRows(), None
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
        else:
            self._highlight(scroll=True)

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
        following = self._following()
        scrolled = self.tree.verticalScrollBar().value()
        self._rows, self._highlighted = PlayheadRows(), None
        self.tree.clear()
        count = sum(1 for n in listing.notes() if n.comment_id)
        self.title.setText(f"<b>{listing.name} {listing.version or ''}</b> · {counted(count, 'note')} on "
                           f"{counted(len(listing.shots), 'shot')} · click a note to go there")
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
                note_items = [self._note_item(note) for note in version.notes]
                version_item.addChildren(note_items)
                self._rows.add_version(version.media_id, version_item,
                                       [(n.frame, item) for n, item in zip(version.notes, note_items, strict=True)])
                version_item.setExpanded(True)
            shot_item.setExpanded(open_shots is None or shot.shot in open_shots)
        self.tree.verticalScrollBar().setValue(scrolled)  # a new note read in does not move the list
        self._highlight(scroll=following)

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

    # --- following the playhead ------------------------------------------------------------------
    def follow_playhead(self, playlist_id: uuid.UUID | None, clip: TrackItem | None, source_frame: int | None, *,
                        playing: bool) -> None:
        """The viewer shows ``source_frame`` of ``clip`` of playlist ``playlist_id`` (None: no playlist plays, or
        a gap): highlight that clip's note. ``playing``: shown by playback, not moved by the user."""
        before = self._playhead
        if playlist_id is None or clip is None or source_frame is None:
            self._playhead = None
        else:
            self._playhead = (playlist_id, clip, source_frame)
        moved_by_user = not playing and self._playhead != before  # a step or a jump (a pause stays put)
        if self.isVisible():
            self._highlight(scroll=not self._hand_scrolled or moved_by_user or self._following())

    def highlighted(self) -> QTreeWidgetItem | None:
        """The row highlighted for the playhead (None: no note of the list is under it)."""
        return self._highlighted

    def _playhead_row(self) -> QTreeWidgetItem | None:
        if self._playhead is None or self._playhead[0] != self.playlist_id:
            return None
        _, clip, frame = self._playhead
        first = clip.source_start or 0
        current = self.tree.currentItem()
        row = self._rows.row_at(clip.media_id, frame, first, first + clip.duration - 1, keep=current)
        while row is not None and row.parent() is not None and not _shown(row):
            row = row.parent()  # under a row the user collapsed: that row stands for it
        return row

    def _highlight(self, *, scroll: bool) -> None:
        """Select the playhead's row (the focus stays where it is); bring it into view when ``scroll``."""
        row = self._playhead_row()
        if row is not self._highlighted or (row is not None and not row.isSelected()):
            self._highlighted = row
            if row is None:
                self.tree.clearSelection()
            else:
                # A new current row scrolls to itself (autoScroll, wanted for the keyboard): not here, where
                # scrolling is decided below.
                self.tree.setAutoScroll(False)
                self.tree.setCurrentItem(row)
                self.tree.setAutoScroll(True)
        if scroll and row is not None and not self.tree.verticalScrollBar().isSliderDown():
            self._hand_scrolled = False
            if not self._in_view(row):
                self.tree.scrollToItem(row, QAbstractItemView.ScrollHint.EnsureVisible)

    def _in_view(self, row: QTreeWidgetItem) -> bool:
        rect = self.tree.visualItemRect(row)
        return rect.isValid() and self.tree.viewport().rect().contains(rect)

    def _following(self) -> bool:
        """True unless the user scrolled the highlighted row out of view."""
        row = self._highlighted
        if not self._hand_scrolled or row is None:
            return True
        return self.tree.viewport().rect().intersects(self.tree.visualItemRect(row))  # partly seen is enough

    def _on_hand_scroll(self, _action: int) -> None:
        self._hand_scrolled = True

    def _on_hand_pick(self, _item: QTreeWidgetItem, _column: int = 0) -> None:
        self._hand_scrolled = False

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


def _shown(row: QTreeWidgetItem) -> bool:
    """True when every row above ``row`` is expanded."""
    parent = row.parent()
    while parent is not None:
        if not parent.isExpanded():
            return False
        parent = parent.parent()
    return True

"""Compare With Previous Version (Ctrl+Shift+P): the current media's previous version (from the media records,
``store.media.versions_of``) opens as B.

In a playlist the key arms a mode a supervisor runs dailies with: B is the previous version of whichever clip
is under the playhead and changes when the playhead crosses into another shot's clip; a clip with no earlier
version shows A alone (with a message) until the next one that has one. B shows the clip's SOURCE frame (the
same frame number in the older version), not the playlist frame. Turning compare off (Shift+T, the compare
box) ends the mode. With a single media open the key opens its previous version as B once.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction

from horus_desktop.domain.records import MediaRecord
from horus_desktop.timeline.playback import resolve_frame
from horus_desktop.ui.current_media import CurrentMedia
from horus_desktop.ui.viewer.open_results import clip_label
from horus_desktop.ui.viewer.panel import ViewerPanel
from horus_desktop.ui.viewer.version_box import VersionsOf


def previous_version(record: MediaRecord, versions: list[MediaRecord]) -> MediaRecord | None:
    """The version just before ``record`` among its versions (listed newest first), or None."""
    ids = [v.id for v in versions]
    if record.id in ids:
        index = ids.index(record.id)
        return versions[index + 1] if index + 1 < len(versions) else None
    number = record.version_number
    older = [v for v in versions if number is not None and v.version_number is not None and v.version_number < number]
    return older[0] if older else None


class PlaylistCompare(QObject):
    """The action's handler: opens B and keeps it on the current clip's previous version."""

    sig_message = Signal(str)

    def __init__(self, viewer: ViewerPanel, current: CurrentMedia, versions_of: VersionsOf, action: QAction,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._viewer, self._current, self._versions_of = viewer, current, versions_of
        self.active = False  # the playlist mode is armed
        self._b_for: uuid.UUID | None = None  # the media whose previous version B is (or is being opened as)
        self._b_opened: uuid.UUID | None = None  # the previous version last asked for as B
        # Compare is off and that is ours (a clip without an earlier version, or B still opening): not the user's
        # Shift+T, which ends the mode.
        self._off_expected = False
        action.triggered.connect(self.start)
        current.sig_media.connect(self._on_media)

    def start(self) -> None:
        """Open the current media's previous version as B (in a playlist: and follow the clips)."""
        record = self._current.record()
        if record is None:
            self.sig_message.emit("No media under the playhead to compare.")
            return
        self.active = self._current.in_playlist()
        self._follow_source_frames()
        self._open_previous(record, announce=True)

    def _open_previous(self, record: MediaRecord, *, announce: bool) -> None:
        self._b_for = record.id

        def done(versions: list[MediaRecord]) -> None:
            if self._b_for != record.id:
                return  # the playhead has moved on to another media since
            previous = previous_version(record, versions)
            if previous is None:
                self.sig_message.emit(f"{clip_label(record)} has no earlier version: showing it alone.")
                self._off_expected, self._b_opened = True, None
                self._viewer.set_compare_mode("off")
                return
            self._off_expected, self._b_opened = True, previous.id
            self._viewer.open_media(previous, "B")  # turns A/B compare on if it was off
            if announce:
                self.sig_message.emit(f"Comparing {clip_label(record)} with {previous.version or previous.file_name}"
                                      " (T flips A/B, W wipes, Shift+T ends).")

        self._versions_of(record, done)

    def _b_frame(self, a_frame: int) -> int | None:
        """B shows the source frame of the clip at the playlist's frame."""
        state = self._current.playlist_state()
        hit = resolve_frame(state, a_frame) if state is not None else None
        return hit.source_frame if hit is not None else None

    def _follow_source_frames(self) -> None:
        self._viewer.state.follow_b_by(self._b_frame if self._current.in_playlist() else None)

    def _on_media(self, record: MediaRecord | None) -> None:
        self._follow_source_frames()
        if not self._current.in_playlist():
            self.active = False
            return
        if not self.active:
            return
        b = self._viewer.slots["B"]
        b_shown = b is not None and b.record is not None and b.record.id == self._b_opened
        if self._viewer.state.compare_mode != "off":
            self._off_expected = False
        elif b_shown or not self._off_expected:
            self.active = False  # the user turned compare off (Shift+T, the compare box): the mode ends
            self._b_for = None
            return
        if record is not None and record.id != self._b_for:
            self._open_previous(record, announce=False)

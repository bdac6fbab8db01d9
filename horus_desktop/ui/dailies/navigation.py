"""``,`` / ``.`` over a whole playlist: the previous/next note or drawn frame, crossing clips.

The marks are the timeline's (``timeline.note_nav.playlist_marks`` of the state the dock shows, renewed when a
note or drawing is added); the viewer seeks the playlist frame and the playhead follows it. When the viewer
shows a single media this says so (``jump`` returns False) and the caller keeps its single-media behaviour.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from horus_desktop.timeline.note_nav import playlist_marks, step_mark
from horus_desktop.timeline.state import PlaylistState
from horus_desktop.ui.timeline.panel import TimelinePanel
from horus_desktop.ui.timeline.player import TimelinePlayer
from horus_desktop.ui.viewer.panel import ViewerPanel


class PlaylistNavigator(QObject):
    """The review marks of the playlist in the viewer, and jumps between them."""

    def __init__(self, timeline: TimelinePanel, player: TimelinePlayer, viewer: ViewerPanel,
                 parent: QObject | None = None) -> None:
        super().__init__(parent or timeline)
        self._timeline, self._player, self._viewer = timeline, player, viewer
        self._marked: tuple[PlaylistState | None, list[int]] = (None, [])

    def in_playlist(self) -> bool:
        """True while the viewer plays a playlist."""
        return self._player.source() is not None

    def _state(self) -> PlaylistState | None:
        """The playlist in the viewer: the timeline's state when it shows that one (its marks are the newest),
        else the one the viewer was given."""
        source = self._player.source()
        if source is None:
            return None
        shown = self._timeline.state
        return shown if shown is not None and shown.id == source.state.id else source.state

    def marks(self) -> list[int]:
        """Sorted playlist frames with a note, a drawing or a marker (worked out once per state)."""
        state = self._state()
        if state is None:
            return []
        if self._marked[0] is not state:
            self._marked = (state, playlist_marks(state))
        return self._marked[1]

    def jump(self, step: int) -> bool:
        """Go to the previous (``step`` < 0) or next mark of the playlist; False when no playlist plays."""
        if not self.in_playlist():
            return False
        frame = self._viewer.current_frame()
        if frame is None:
            return True
        target = step_mark(self.marks(), frame, step)
        if target is not None:
            self._viewer.seek(target)
        return True

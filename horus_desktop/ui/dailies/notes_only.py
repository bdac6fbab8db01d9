"""The "Notes Only" play mode: playback stops on each frame with a note or a drawing.

It watches the viewer's position (never the playback driver itself): when a shown frame is past a marked frame
the playback went over (frames dropped or not), it pauses and seeks exactly onto that frame. Playing again from
there goes on to the next one. Marks are the playlist's when a playlist plays, else the single media's (the
frame slider's note and drawing ticks).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction

from horus_desktop.timeline.note_nav import crossed_mark
from horus_desktop.ui.dailies.navigation import PlaylistNavigator
from horus_desktop.ui.viewer.panel import ViewerPanel


class NotesOnlyPlay(QObject):
    """Pauses playback on marked frames while ``action`` is checked."""

    sig_message = Signal(str)

    def __init__(self, action: QAction, viewer: ViewerPanel, navigator: PlaylistNavigator,
                 parent: QObject | None = None) -> None:
        super().__init__(parent or viewer)
        self._action, self._viewer, self._navigator = action, viewer, navigator
        self._last: int | None = None
        self._stopping = False
        viewer.sig_position.connect(self._on_position)
        action.toggled.connect(self._on_toggled)

    def enabled(self) -> bool:
        """True while the mode is on."""
        return self._action.isChecked()

    def marks(self) -> Sequence[int]:
        """The frames it stops on: the playlist's marks, or the open media's notes and drawings."""
        if self._navigator.in_playlist():
            return self._navigator.marks()
        drawn, noted = self._viewer.transport.slider.marks()
        return sorted(drawn | noted)

    def _on_toggled(self, on: bool) -> None:
        self._last = self._viewer.current_frame()
        self.sig_message.emit("Notes only: playback stops on every note and drawing" if on else "Notes only: off")

    def _on_position(self, frame: int) -> None:
        before, self._last = self._last, frame
        session = self._viewer.session
        if self._stopping or not self.enabled() or before is None or session is None or not session.playing:
            return
        direction = session.clock.direction
        marks = self.marks()
        if (frame - before) * direction < 0:  # wrapped around the loop: only the frame shown counts
            target: int | None = frame if frame in marks else None
        else:
            target = crossed_mark(marks, before, frame)
        if target is not None:
            self._stop_on(target)

    def _stop_on(self, frame: int) -> None:
        self._stopping = True  # the pause and seek below report positions of their own
        try:
            self._viewer.pause()
            self._viewer.seek(frame)
        finally:
            self._stopping = False
        self._last = frame
        self.sig_message.emit(f"Notes only: stopped on frame {frame}")



"""The playhead and the viewer are one: a playlist plays in the viewer through ``PlaylistFrameSource``.

The viewer's frame cache reads ahead over the whole playlist (timeline frames), so the frames after a
cut are decoded before the playhead gets there. Dragging the playhead seeks the viewer; the viewer's
position moves the playhead. Opening a media from the browser takes the viewer back; touching the
playhead again brings the playlist back at that frame.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QObject

from horus_desktop.services.media_paths import open_media
from horus_desktop.timeline.playback import PlaylistFrameSource, resolve_frame
from horus_desktop.timeline.state import PlaylistState, TrackItem
from horus_desktop.ui.timeline.panel import TimelinePanel
from horus_desktop.ui.viewer.panel import ViewerPanel


def probe_frame(state: PlaylistState) -> int | None:
    """The first timeline frame showing real media (its size and colour space set the viewer's)."""
    for clip in sorted(state.clips(), key=lambda c: c.start):
        if clip.missing_media or not clip.media_path:
            continue
        hit = resolve_frame(state, clip.start)
        if hit is not None and not hit.clip.missing_media:
            return clip.start
    return None


class TimelinePlayer(QObject):
    """Keeps the viewer's slot A and the timeline's playhead in step while a playlist is active."""

    def __init__(self, panel: TimelinePanel, viewer: ViewerPanel, parent: QObject | None = None) -> None:
        super().__init__(parent or panel)
        self.panel, self.viewer = panel, viewer
        self.state: PlaylistState | None = None
        self.active = False
        panel.sig_state_changed.connect(self._on_state)
        panel.view.sig_seek.connect(self.seek)
        panel.view.sig_clip_activated.connect(self._on_clip_activated)
        viewer.sig_position.connect(self._on_viewer_position)
        viewer.sig_media_opened.connect(self._on_media_opened)

    def source(self) -> PlaylistFrameSource | None:
        """The playlist source the viewer plays now (None when it shows something else)."""
        slot = self.viewer.slots["A"]
        source = slot.session.source if slot is not None and slot.record is None else None
        return source if isinstance(source, PlaylistFrameSource) else None

    def showing(self, state: PlaylistState | None = None) -> bool:
        """True when the viewer plays this playlist state (the current one by default)."""
        source = self.source()
        wanted = state or self.state
        return source is not None and wanted is not None and source.state is wanted

    def activate(self, frame: int | None = None) -> None:
        """Put the playlist in the viewer at ``frame`` (the playhead's by default)."""
        state = self.state
        if state is None or not state.clips():
            return
        self.active = True
        at = self.panel.view.playhead.frame if frame is None else frame
        at = max(0, min(at, max(state.duration - 1, 0)))
        self.viewer.open_source(lambda: PlaylistFrameSource(state, opener=open_media),
                                title=f"Playlist · {state.name} {state.version or ''}", rate=state.rate,
                                probe_frame=probe_frame(state), start_frame=at)

    def seek(self, frame: int) -> None:
        """The user moved the playhead: the viewer follows (the playlist comes back into it if needed)."""
        if self.showing():
            self.viewer.seek(frame)
        else:
            self.activate(frame)

    def _on_state(self, state: PlaylistState | None) -> None:
        self.state = state
        if state is None:
            self.active = False
            return
        if self.active or self.panel.takes_viewer:
            self.activate()  # a playlist the user opened, or an edit of the one playing: the viewer gets the cut

    def _on_viewer_position(self, frame: int) -> None:
        # Only the source of the state shown moves the playhead: after an edit the viewer reopens the new cut
        # off the UI thread, and until then the old one still reports its frame (a version switch had put the
        # playhead on the new clip's frame and the old source's next report moved it back).
        if self.active and self.showing():
            view = self.panel.view
            view.set_playhead(frame)
            session = self.viewer.session
            if session is not None and session.playing:
                view.ensure_frame_visible(frame)

    def _on_media_opened(self, _record: object) -> None:
        self.active = False

    def _on_clip_activated(self, item: TrackItem) -> None:
        self.panel.view.user_seek(item.start)

    def playlist_id(self) -> uuid.UUID | None:
        """The playlist shown in the viewer, if any."""
        source = self.source()
        return source.state.id if source is not None else None

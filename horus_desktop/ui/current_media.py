"""The media every review panel follows: the one open in the viewer, or in a playlist the clip under the playhead.

Built once by the main window and handed to panels. In a playlist the viewer plays one ``PlaylistFrameSource``
(timeline frames, no media record); each shown frame is resolved (``timeline.playback.resolve_frame``) to its
clip, media and source frame. ``sig_media`` is emitted only when the media under the playhead changes (never
per frame, never when playback crosses a cut into another clip of the same media); ``sig_frame`` on every
shown frame with the media id and its SOURCE frame (1001-based when the media is). Media records of a
playlist's clips are read on the DB worker in one batch when the playlist opens, so crossing a cut needs no
query; a change of a record's status refreshes that record.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from horus_desktop.domain.records import MediaRecord
from horus_desktop.timeline.playback import FrameHit, PlaylistFrameSource
from horus_desktop.timeline.state import PlaylistState, TrackItem
from horus_desktop.ui.store_events import StoreEvents
from horus_desktop.ui.viewer.panel import ViewerPanel

if TYPE_CHECKING:
    from horus_desktop.store.unit_of_work import ChangeSet

RecordsOf = Callable[[list[uuid.UUID], Callable[[list[MediaRecord]], None]], None]


def clip_key(clip: TrackItem | None) -> tuple[object, ...] | None:
    """What tells two clips apart across playlist edits (an edit builds new items for the same clips)."""
    if clip is None:
        return None
    return (clip.clip_id, clip.index, clip.start, clip.duration, clip.source_start, clip.media_id)


class CurrentMedia(QObject):
    """The media under the playhead (or open alone in the viewer), its source frame and, in a playlist, its clip."""

    sig_media = Signal(object)  # MediaRecord or None: only when the media changes (an explicit open, a cut)
    sig_frame = Signal(object, int)  # media id, SOURCE frame: every shown frame
    sig_clip = Signal(object)  # TrackItem or None: the playlist clip under the playhead changed

    def __init__(self, viewer: ViewerPanel, events: StoreEvents, records_of: RecordsOf,
                 parent: QObject | None = None) -> None:
        """``records_of(ids, done)`` reads media records on the DB worker and hands them to ``done``."""
        super().__init__(parent)
        self._viewer = viewer
        self._records_of = records_of
        self._records: dict[uuid.UUID, MediaRecord | None] = {}  # None: asked for, or not in the store
        self._asked: set[uuid.UUID] = set()
        self._record: MediaRecord | None = None
        self._clip: TrackItem | None = None
        self._source: PlaylistFrameSource | None = None
        self._source_frame: int | None = None
        self._playlist_frame: int | None = None
        self._last_frame: tuple[object, ...] | None = None
        viewer.sig_media_opened.connect(self._on_media_opened)
        viewer.sig_position.connect(self._on_position)
        events.changed.connect(self._on_store_changed)

    # --- what is current -------------------------------------------------------------------------
    def record(self) -> MediaRecord | None:
        """The current media (None: nothing open, a gap or a clip without media)."""
        return self._record

    def source_frame(self) -> int | None:
        """The current media's frame on screen (as on disk)."""
        return self._source_frame

    def playlist_frame(self) -> int | None:
        """The timeline frame on screen (None when a single media is open)."""
        return self._playlist_frame if self._source is not None else None

    def in_playlist(self) -> bool:
        """True while the viewer plays a playlist."""
        return self._source is not None

    def clip(self) -> TrackItem | None:
        """The playlist clip under the playhead (None for a single media or a gap)."""
        return self._clip if self._source is not None else None

    def playlist_state(self) -> PlaylistState | None:
        """The playlist the viewer plays (None for a single media)."""
        return self._source.state if self._source is not None else None

    def source_range(self) -> tuple[int, int] | None:
        """First and last source frame of the current clip (None for a single media or a gap)."""
        clip = self.clip()
        if clip is None:
            return None
        first = clip.source_start or 0
        return first, first + clip.duration - 1

    # --- source frames <-> playlist frames -------------------------------------------------------
    def to_playlist_frame(self, source_frame: int) -> int | None:
        """The timeline frame showing ``source_frame`` of the current media: in the current clip first, then in
        another clip of the same media; None when no clip shows it."""
        state, record = self.playlist_state(), self._record
        if state is None or record is None:
            return None
        clips = [c for c in state.clips() if c.media_id == record.id]
        current = self.clip()
        if current is not None:
            clips.sort(key=lambda c: clip_key(c) != clip_key(current))
        for clip in clips:
            first = clip.source_start or 0
            if first <= source_frame < first + clip.duration:
                return clip.start + source_frame - first
        return None

    def playlist_frames(self, source_frames: Iterable[int]) -> set[int]:
        """Every timeline frame showing one of ``source_frames`` of the current media (marks on the slider);
        for a single media the frames themselves."""
        frames = set(source_frames)
        state, record = self.playlist_state(), self._record
        if state is None:
            return frames
        if record is None:
            return set()
        out: set[int] = set()
        for clip in state.clips():
            if clip.media_id != record.id:
                continue
            first = clip.source_start or 0
            out.update(clip.start + f - first for f in frames if first <= f < first + clip.duration)
        return out

    # --- the annotation canvas's frame map (ui/annotate/canvas.FrameMap) ---------------------------
    def source_of(self, shown: int, media_id: uuid.UUID | None) -> int | None:
        """The frame of ``media_id`` the viewer shows at ``shown`` (its own number for a single media)."""
        source = self._source
        if source is None:
            return shown
        if shown == self._playlist_frame and self._record is not None:
            return self._source_frame if self._record.id == media_id else None
        hit = source.hit(shown)
        return hit.source_frame if hit is not None and hit.media_id == media_id else None

    def shown_of(self, source_frames: set[int]) -> set[int]:
        """Where these frames of the current media are on the viewer's slider."""
        return self.playlist_frames(source_frames)

    def hold_window(self) -> tuple[int, int] | None:
        """Held and ghosted drawings come only from the current clip's source frames (None: any frame)."""
        return self.source_range()

    def seek_source(self, source_frame: int) -> None:
        """Go to a frame of the current media (a note's, a typed source frame): in a playlist, within the current
        clip when it shows that frame (else another clip of the media, else the clip's nearest frame)."""
        if self._source is None:
            self._viewer.seek(source_frame)
            return
        target = self.to_playlist_frame(source_frame)
        clip = self.clip()
        if target is None and clip is not None:
            first = clip.source_start or 0
            target = clip.start + max(0, min(source_frame - first, clip.duration - 1))
        if target is not None:
            self._viewer.seek(target)

    # --- following the viewer --------------------------------------------------------------------
    def _on_media_opened(self, record: MediaRecord) -> None:
        """An explicit open of one media: it is current (announced even when the same media is re-opened, so
        the panels re-read it, as they did before playlists)."""
        self._source = None
        self._clip = None
        self._playlist_frame = None
        self._set_record(record, force=True)
        frame = self._viewer.current_frame()
        if frame is not None:
            self._show_frame(record.id, frame, None)

    def _on_position(self, frame: int) -> None:
        slot = self._viewer.slots["A"]
        if slot is None:
            return
        if slot.record is not None:
            if self._source is None and self._record is not None and self._record.id == slot.record.id:
                self._show_frame(slot.record.id, frame, None)
            return  # a media opening: its first frame follows its announcement (_on_media_opened)
        source = slot.session.source
        if not isinstance(source, PlaylistFrameSource):
            return
        if source is not self._source:
            self._start_playlist(source)
        self._playlist_frame = frame
        self._follow(source.hit(frame), frame)

    def _start_playlist(self, source: PlaylistFrameSource) -> None:
        """A playlist came into the viewer: read every clip's media record at once (one batch)."""
        self._source = source
        self._clip = None
        self._last_frame = None
        self._ask([c.media_id for c in source.state.clips() if c.media_id is not None])

    def _follow(self, hit: FrameHit | None, frame: int) -> None:
        media_id = hit.media_id if hit is not None else None
        if media_id is not None and media_id not in self._records:
            # Shown once its record arrives (_on_records), if the playhead is still there. Until then no media is
            # current: the one shown before (a media opened alone, another playlist's clip) must not stay current
            # over this frame (its drawings were drawn over it, and a drawing or a status key went to it).
            self._ask([media_id])
        record = self._records.get(media_id) if media_id is not None else None
        if record is None:
            media_id = None
        clip = hit.clip if hit is not None else None
        # The new clip and source frame are in place before any signal: a listener of sig_media asks for them
        # (the annotation canvas maps the shown frame through source_of and hold_window at once).
        old_clip, self._clip = self._clip, clip  # the same clip after an edit: its newest item kept
        self._source_frame = hit.source_frame if record is not None and hit is not None else None
        self._set_record(record)
        if clip_key(clip) != clip_key(old_clip):
            self.sig_clip.emit(clip)
        if record is not None and hit is not None:
            self._show_frame(record.id, hit.source_frame, frame)

    def _set_record(self, record: MediaRecord | None, *, force: bool = False) -> None:
        old = self._record
        self._record = record
        if force or (old is None) != (record is None) or (old is not None and record is not None
                                                          and old.id != record.id):
            self._last_frame = None
            self.sig_media.emit(record)

    def _show_frame(self, media_id: uuid.UUID, source_frame: int, playlist_frame: int | None) -> None:
        self._source_frame = source_frame
        key = (media_id, source_frame, playlist_frame)
        if key != self._last_frame:
            self._last_frame = key
            self.sig_frame.emit(media_id, source_frame)

    # --- records ---------------------------------------------------------------------------------
    def _ask(self, ids: list[uuid.UUID]) -> None:
        wanted = [i for i in dict.fromkeys(ids) if i not in self._asked]
        if not wanted:
            return
        self._asked.update(wanted)
        self._records_of(wanted, lambda records: self._on_records(wanted, records))

    def _on_records(self, asked: list[uuid.UUID], records: list[MediaRecord]) -> None:
        found = {r.id: r for r in records}
        for media_id in asked:
            self._records[media_id] = found.get(media_id)
        if self._record is not None and self._record.id in found:
            self._record = found[self._record.id]  # a refreshed status; the media is the same: no signal
        source = self._source
        frame = self._playlist_frame
        if source is not None and frame is not None:
            self._follow(source.hit(frame), frame)

    def _on_store_changed(self, change_set: ChangeSet) -> None:
        """A status or record of a known media changed: read it again (the status box shows it on return)."""
        if not {"approval", "media"} & change_set.kinds():
            return
        changed = {c.media_id for c in change_set.of("approval")} | {
            c.row_id for c in change_set.of("media") if isinstance(c.row_id, uuid.UUID)}
        stale = [i for i in changed if i is not None and i in self._records]
        if stale:
            self._asked.difference_update(stale)
            self._ask(stale)

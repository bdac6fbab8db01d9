"""Playback of a playlist for the viewer: timeline frame -> (clip, media, source frame), read-ahead across cuts.

:class:`PlaylistFrameSource` is a ``FrameSource`` over the whole playlist (frames 0..duration-1), so the
media engine's ``FrameCache`` reads ahead through cuts with no change: frame n of the playlist is the
source frame of the top video clip at n. A gap or a missing-media clip raises ``MissingFrameError``: the
viewer draws its placeholder and playback goes on.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace

from horus_desktop.media.errors import MissingFrameError
from horus_desktop.media.frames import Frame, FrameSource
from horus_desktop.timeline.state import PlaylistState, TrackItem

Opener = Callable[[str], FrameSource]


def open_frame_source(path: str) -> FrameSource:
    """The media's frames (the decoders load here, on the first open, not when the window starts)."""
    from horus_desktop.media.open_source import open_frame_source as open_source

    return open_source(path)


@dataclass(frozen=True, slots=True)
class FrameHit:
    """What the playlist shows at a timeline frame."""

    frame: int
    clip: TrackItem
    media_id: uuid.UUID | None
    media_path: str | None
    source_frame: int


def resolve_frame(state: PlaylistState, frame: int) -> FrameHit | None:
    """The top enabled video clip at ``frame`` (higher tracks cover lower ones, as in OTIO); None in a gap."""
    for track in reversed(state.tracks):
        if track.kind != "video":
            continue
        item = track.item_at(frame)
        if item is not None and item.kind == "clip":
            return FrameHit(frame, item, item.media_id, item.media_path, item.source_frame(frame))
    return None


def upcoming(state: PlaylistState, frame: int, count: int, direction: int = 1) -> list[tuple[uuid.UUID | None, int]]:
    """The next ``count`` (media id, source frame) pairs from ``frame`` on, across clip boundaries (None in gaps)."""
    out: list[tuple[uuid.UUID | None, int]] = []
    step = 1 if direction >= 0 else -1
    n = frame
    while len(out) < count and 0 <= n < state.duration:
        hit = resolve_frame(state, n)
        out.append((hit.media_id, hit.source_frame) if hit else (None, n))
        n += step
    return out


class PlaylistFrameSource(FrameSource):
    """The frames of a playlist as one source: frame n = the top clip's source frame at timeline frame n."""

    decode_timeout = None  # each media source bounds its own decode

    def __init__(self, state: PlaylistState, *, opener: Opener = open_frame_source) -> None:
        self.state = state
        self.path = f"playlist:{state.name}"
        self._opener = opener
        self._sources: dict[str, FrameSource] = {}
        self._lock = threading.Lock()
        self._closed = False

    @property
    def frame_range(self) -> tuple[int, int]:
        """(0, duration - 1): timeline frames."""
        return (0, max(self.state.duration - 1, 0))

    def _source(self, path: str) -> FrameSource:
        with self._lock:
            source = self._sources.get(path)
        if source is not None:
            return source
        # Opened without the lock: opening a movie reads its header (70-180 ms under load), and every other
        # clip's frames waited behind it. Two reads opening the same media at once keep the first one made.
        opened = self._opener(path)
        with self._lock:
            source = self._sources.setdefault(path, opened) if not self._closed else None
        if source is not opened:
            opened.close()
        if source is None:
            raise MissingFrameError(self.path, "playlist source is closed")
        return source

    def hit(self, frame: int) -> FrameHit | None:
        """What is shown at ``frame``."""
        return resolve_frame(self.state, frame)

    def _decode(self, frame: int) -> Frame:
        return self.read(frame)

    def read(self, frame: int) -> Frame:
        """The frame at timeline ``frame`` (numbered with the timeline frame, source frame in metadata)."""
        hit = resolve_frame(self.state, frame)
        if hit is None:
            raise MissingFrameError(self.path, f"frame {frame}: no clip (gap)")
        if hit.clip.missing_media or not hit.media_path:
            raise MissingFrameError(hit.media_path or hit.clip.name,
                                    f"frame {frame}: media of clip {hit.clip.name!r} is missing")
        try:
            source = self._source(hit.media_path)
        except MissingFrameError:
            raise
        except Exception as exc:  # an unreadable file plays as a placeholder, like a missing frame
            raise MissingFrameError(hit.media_path, f"frame {frame}: cannot open: {exc}") from exc
        decoded = source.read(hit.source_frame)
        return replace(decoded, frame=frame, metadata={**decoded.metadata, "source_frame": hit.source_frame,
                                                       "media_id": str(hit.media_id), "clip": hit.clip.name})

    def close(self) -> None:
        """Close every media source opened."""
        with self._lock:
            self._closed = True
            sources = list(self._sources.values())
            self._sources.clear()
        for source in sources:
            source.close()

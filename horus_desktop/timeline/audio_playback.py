"""The sound of a playlist under its playhead (no Qt): a ``SoundPlan`` over timeline frames.

A playlist with audio tracks (an imported OTIO file's, or ones added in the timeline) plays them: every
enabled audio track's clip at the frame is mixed, each from its own source time. A playlist without audio
clips plays the sound of the top video clip's media: its sound file (an image sequence's, from the
record) or its movie's own audio. Gaps and clips whose sound is missing are silent.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from horus_desktop.media.audio_attach import SoundAttachment
from horus_desktop.media.audio_source import movie_has_audio, video_origin
from horus_desktop.playback.audio_feed import SoundRef
from horus_desktop.timeline.playback import resolve_frame
from horus_desktop.timeline.state import PlaylistState


@dataclass(frozen=True, slots=True)
class ClipSound:
    """The sound of one media used by video clips: a file, the media frame it starts at, its origin."""

    path: str
    first: int
    offset: int = 0
    origin: float = 0.0


class PlaylistSoundPlan:
    """What is heard at each timeline frame of a playlist (see the module's doc)."""

    def __init__(self, state: PlaylistState, clip_sounds: Mapping[str, ClipSound]) -> None:
        self.state = state
        self.fps: Fraction = state.rate
        self._clip_sounds = dict(clip_sounds)
        self._audio_tracks = [t for t in state.tracks
                              if t.kind == "audio" and any(i.kind == "clip" and i.media_path for i in t.items)]

    @property
    def uses_audio_tracks(self) -> bool:
        """True when the playlist's audio tracks are what plays."""
        return bool(self._audio_tracks)

    def refs_at(self, frame: int) -> Sequence[SoundRef]:
        """The sounds heard over timeline ``frame``."""
        if self._audio_tracks:
            refs = []
            for track in self._audio_tracks:
                item = track.item_at(frame)
                # A sound file is not a media record, so an audio clip is "missing" to the store: its path is
                # played as it is (a file that does not open is silent, its error kept by the feed).
                if item is not None and item.kind == "clip" and item.media_path:
                    refs.append(SoundRef(item.media_path, item.source_frame(frame)))
            return refs
        hit = resolve_frame(self.state, frame)
        if hit is None or not hit.media_path or hit.clip.missing_media:
            return ()
        sound = self._clip_sounds.get(hit.media_path)
        if sound is None:
            return ()
        return (SoundRef(sound.path, hit.source_frame - sound.first - sound.offset, sound.origin),)


def playlist_sound_plan(state: PlaylistState, attachments: Mapping[uuid.UUID, tuple[SoundAttachment, int]], *,
                        probe: Callable[[str], bool] = movie_has_audio) -> PlaylistSoundPlan:
    """The plan for ``state``; ``attachments``: media id -> (its sound file, its first frame) from the records.

    Opens each clip's movie once to see whether it has audio (call it off the UI thread).
    """
    sounds: dict[str, ClipSound] = {}
    for track in state.tracks:
        if track.kind != "video":
            continue
        for item in track.items:
            if item.kind != "clip" or not item.media_path or item.media_path in sounds:
                continue
            attached = attachments.get(item.media_id) if item.media_id is not None else None
            if attached is not None:
                sounds[item.media_path] = ClipSound(attached[0].path, attached[1], attached[0].offset)
            elif probe(item.media_path):
                sounds[item.media_path] = ClipSound(item.media_path, 1, 0, video_origin(item.media_path))
    return PlaylistSoundPlan(state, sounds)

"""Where the review marks of a playlist are, in playlist frames, and which one comes next or before.

A mark is a note or a drawn frame on a clip (or a marker the document carries). Only what the viewer shows
counts: a mark on a clip covered by a higher track at that frame is left out, so ``,`` / ``.`` never land on
a frame that shows another clip. Qt-free: the timeline dock, the note jump keys and the "notes only" play
mode all ask here.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence

from horus_desktop.timeline.playback import resolve_frame
from horus_desktop.timeline.state import PlaylistState

DEFAULT_KINDS = frozenset({"marker", "note", "drawing"})


def playlist_marks(state: PlaylistState, kinds: Iterable[str] = DEFAULT_KINDS) -> list[int]:
    """Sorted playlist frames (once each) of the marks of ``kinds`` on the clips the playlist shows there."""
    wanted = frozenset(kinds)
    frames: set[int] = set()
    for clip in state.clips():
        for marker in clip.markers:
            if marker.kind not in wanted or not clip.start <= marker.frame < clip.end:
                continue
            hit = resolve_frame(state, marker.frame)
            if hit is not None and hit.clip.clip_id == clip.clip_id:
                frames.add(marker.frame)
    return sorted(frames)


def next_mark(marks: Sequence[int], frame: int) -> int | None:
    """The first mark after ``frame`` (None past the last one)."""
    i = bisect_right(marks, frame)
    return marks[i] if i < len(marks) else None


def previous_mark(marks: Sequence[int], frame: int) -> int | None:
    """The last mark before ``frame`` (None before the first one)."""
    i = bisect_left(marks, frame)
    return marks[i - 1] if i > 0 else None


def step_mark(marks: Sequence[int], frame: int, step: int) -> int | None:
    """``,`` (``step`` < 0) and ``.`` (``step`` > 0): the neighbouring mark."""
    return next_mark(marks, frame) if step > 0 else previous_mark(marks, frame)


def crossed_mark(marks: Sequence[int], before: int, after: int) -> int | None:
    """The first mark playback passed going from ``before`` to ``after`` (either way; ``before`` itself not
    counted: playback starting on a mark goes on). None when it passed none."""
    if after > before:
        i = bisect_right(marks, before)
        return marks[i] if i < len(marks) and marks[i] <= after else None
    if after < before:
        i = bisect_left(marks, before)
        return marks[i - 1] if i > 0 and marks[i - 1] >= after else None
    return None

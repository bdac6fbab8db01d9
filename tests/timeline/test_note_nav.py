"""Note navigation over a whole playlist, without Qt: marks in playlist frames, next/previous across clips,
what playback crossed, and marks hidden under a higher track left out."""

from __future__ import annotations

import uuid
from fractions import Fraction

from horus_desktop.timeline.note_nav import crossed_mark, playlist_marks, step_mark
from horus_desktop.timeline.state import Marker, PlaylistState, TrackItem, TrackState


def _clip(start: int, duration: int, source_start: int, marks: dict[int, str], index: int = 0) -> TrackItem:
    markers = tuple(Marker(frame=start + f - source_start, duration=1, name=kind, source_frame=f, kind=kind)
                    for f, kind in sorted(marks.items()))
    return TrackItem(kind="clip", index=index, start=start, duration=duration, clip_id=uuid.uuid4(),
                     media_id=uuid.uuid4(), source_start=source_start, markers=markers)


def _state(*tracks: tuple[TrackItem, ...]) -> PlaylistState:
    built = tuple(TrackState(index=i, name=f"V{i + 1}", kind="video", path=(i,), items=items)
                  for i, items in enumerate(tracks))
    clips = {item.clip_id: (i, item) for i, t in enumerate(built) for item in t.items if item.clip_id}
    duration = max(i.end for t in built for i in t.items)
    return PlaylistState(id=uuid.uuid4(), name="D", project_id="p", timeline_type="dailies", status=None,
                         version="v001", description=None, rate=Fraction(24), duration=duration, tracks=built,
                         _clips=clips)


# three clips of 12 frames: sh010 1001-1012 (note on 1004, drawing on 1010), sh020 (none), sh030 (note+drawing 1003)
STATE = _state((_clip(0, 12, 1001, {1004: "note", 1010: "drawing"}),
                _clip(12, 12, 1001, {}, 1),
                _clip(24, 12, 1001, {1003: "note"}, 2)))


def test_marks_are_playlist_frames_of_notes_and_drawings() -> None:
    assert playlist_marks(STATE) == [3, 9, 26]
    assert playlist_marks(STATE, {"note"}) == [3, 26]


def test_next_and_previous_cross_clips_and_stop_at_the_ends() -> None:
    marks = playlist_marks(STATE)
    assert step_mark(marks, 9, 1) == 26  # from sh010's drawing over the empty sh020 to sh030's note
    assert step_mark(marks, 26, -1) == 9
    assert step_mark(marks, 15, -1) == 9
    assert step_mark(marks, 0, -1) is None
    assert step_mark(marks, 26, 1) is None
    assert step_mark(marks, 3, 1) == 9  # on a mark: the next one, not itself


def test_crossed_mark_while_playing_either_way() -> None:
    marks = [3, 9, 26]
    assert crossed_mark(marks, 1, 2) is None
    assert crossed_mark(marks, 2, 4) == 3  # a dropped frame skipped over 3: still stops there
    assert crossed_mark(marks, 3, 4) is None  # starting on a mark goes on
    assert crossed_mark(marks, 8, 30) == 9  # the first one passed
    assert crossed_mark(marks, 27, 20) == 26  # backwards
    assert crossed_mark(marks, 26, 25) is None


def test_a_mark_under_a_higher_track_is_not_shown_so_not_jumped_to() -> None:
    lower = _clip(0, 24, 1001, {1002: "note", 1020: "note"})
    upper = _clip(0, 10, 2001, {2005: "drawing"})  # V2 covers frames 0-9
    state = _state((lower,), (upper,))
    assert playlist_marks(state) == [4, 19]  # V1's note on frame 1 is hidden under V2

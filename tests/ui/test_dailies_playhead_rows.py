"""Which dailies list row is the playhead's (``ui.dailies.playhead_rows``, no Qt): the clip's last note at or
before the frame, else its version's row; a clicked note on a frame with several notes stays the one."""

from __future__ import annotations

import uuid

from horus_desktop.ui.dailies.playhead_rows import PlayheadRows

MEDIA, OTHER = uuid.uuid4(), uuid.uuid4()


def _rows() -> PlayheadRows[str]:
    rows: PlayheadRows[str] = PlayheadRows()
    rows.add_version(MEDIA, "v001", [(1003, "a"), (None, "general"), (1009, "b"), (1009, "c"), (1020, "late")])
    return rows


def test_the_row_is_the_clips_last_note_at_or_before_the_frame() -> None:
    rows = _rows()
    assert [rows.row_at(MEDIA, f, 1001, 1012) for f in (1001, 1003, 1008, 1009, 1012)] == \
        ["v001", "a", "a", "b", "b"]
    assert rows.row_at(MEDIA, 1012, 1010, 1012) == "v001", "a note outside this clip's frames is not its"
    assert rows.row_at(MEDIA, 1025, 1001, 1030) == "late"
    assert rows.row_at(OTHER, 1003, 1001, 1012) is None and rows.row_at(None, 0, 0, 5) is None


def test_a_clicked_note_among_several_on_the_frame_stays_highlighted() -> None:
    rows = _rows()
    assert rows.row_at(MEDIA, 1010, 1001, 1012, keep="c") == "c"
    assert rows.row_at(MEDIA, 1010, 1001, 1012, keep="a") == "b", "a note of an earlier frame is not kept"

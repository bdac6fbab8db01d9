"""What a note's header says: every note on a frame shows its timecode (older notes were stored without one),
and only a change of its text marks it "(edited)" (resolving and reopening do not)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from horus_desktop.ui.notes.model import FrameLabelRole

from ..helpers import open_row, wait_rows


def _open(qtbot, window, version: str = "v002"):  # noqa: ANN001, ANN202
    wait_rows(qtbot, window)
    record = open_row(qtbot, window, lambda r: r.version == version)
    qtbot.waitUntil(lambda: window.notes.media() is not None and window.notes.loads > 0, timeout=15000)
    return record


def _shown(qtbot, window, comment_id, check) -> None:  # noqa: ANN001
    """Wait until the panel shows the note and ``check(index)`` holds."""
    model = window.notes.model

    def ready() -> None:
        index = model.index_of(comment_id)
        assert index.isValid() and check(index)

    qtbot.waitUntil(ready, timeout=15000)


def test_a_note_stored_without_timecode_shows_it(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    record = _open(qtbot, window)
    old = demo_store.comments.add(media_id=record.id, content="older note", user_id="ben", user_name="Ben",
                                  frame_number=1001)
    assert old.timecode is None
    # 1001 frames at 24 fps: 41 s and 17 frames
    _shown(qtbot, window, old.id, lambda i: i.data(FrameLabelRole) == "f 1001 · 00:00:41:17")


def test_resolving_does_not_mark_a_note_edited_but_changing_its_text_does(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    record = _open(qtbot, window)
    note = demo_store.comments.add(media_id=record.id, content="soften the key", user_id="ben", user_name="Ben",
                                   frame_number=1001, created_at=datetime.now(UTC) - timedelta(hours=2))
    tooltip = 3  # Qt.ItemDataRole.ToolTipRole: the header's "(edited)" and the tooltip's "edited ..." agree
    _shown(qtbot, window, note.id, lambda i: "edited" not in i.data(tooltip))
    window.notes.select_note(note.id)
    window.notes.toggle_resolved()
    _shown(qtbot, window, note.id, lambda i: "resolved by ana" in i.data(tooltip))
    assert "edited" not in window.notes.model.index_of(note.id).data(tooltip)
    window.notes.toggle_resolved()  # reopen
    _shown(qtbot, window, note.id, lambda i: "resolved by" not in i.data(tooltip))
    assert "edited" not in window.notes.model.index_of(note.id).data(tooltip)
    demo_store.comments.edit(note.id, "soften the key light")
    _shown(qtbot, window, note.id, lambda i: "edited" in i.data(tooltip))

"""The Dailies Notes dock (pytest-qt, off-screen): opened from the View menu, it lists every note of the timeline's
playlist by shot then version, a click puts the playhead (and the viewer) on the note's playlist frame, and a note
added shows up in it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from horus_desktop.services import notes as notes_service
from horus_desktop.services.notes import Author

from .test_dailies_timeline import _clean_playlist, _draw, _open, _write

ANA = Author("ana", "Ana")
BO = Author("bo", "Bo")


def _rows(panel) -> list[tuple[str, str, str, str]]:  # noqa: ANN001
    """(shot, version, source frame, note) of every note row."""
    return [(row.parent().parent().text(0), row.parent().text(0), row.text(1).split()[0], row.text(0))
            for row in panel.note_items()]


def test_the_dock_lists_the_playlist_notes_by_shot_and_seeks_to_them(qtbot, make_window, demo_store) -> None:
    playlist, media = _clean_playlist(demo_store)
    first = notes_service.add_note(demo_store, media[2].id, "Hand pops", ANA, frame=1007).comment
    notes_service.reply(demo_store, first.id, "on it", BO)
    notes_service.add_note(demo_store, media[0].id, "Edge flickers", BO, frame=1002)
    _draw(demo_store, media[1].id, 1010)
    window = make_window(demo_store)
    panel = _open(qtbot, window, playlist)
    view_menu = window.menuBar().actions()[1].menu()
    toggle = next(a for a in view_menu.actions() if a.objectName() == "action_dailies_notes")
    dailies = window.dailies_tools.panel
    assert not dailies.isVisible()
    toggle.trigger()
    qtbot.waitUntil(lambda: len(dailies.note_items()) == 3, timeout=5000)
    assert _rows(dailies) == [("sh010", "v001 anim", "1002", "Bo: Edge flickers"),
                              ("sh020", "v001 lighting", "1010", "(drawing)"),
                              ("sh030", "v001 anim", "1007", "Ana: Hand pops  (+1 reply)")]
    assert dailies.note_items()[0].text(1).split("\n")[1].count(":") == 3, "the timecode under the frame"
    assert [row.text(2) for row in dailies.note_items()] == ["open", "drawing", "open"]
    assert "2 note(s) on 3 shot(s)" in dailies.title.text()
    hand = dailies.note_items()[2]
    rect = dailies.tree.visualItemRect(hand)
    qtbot.mouseClick(dailies.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.view.playhead.frame == 30  # sh030 starts at 24: its frame 1007
    qtbot.waitUntil(lambda: window.viewer.current_frame() == 30, timeout=5000)
    assert window.current.source_frame() in (None, 1007)
    _write(window, lambda: notes_service.add_note(demo_store, media[1].id, "Sky too blue", ANA, frame=1003))
    qtbot.waitUntil(lambda: len(dailies.note_items()) == 4, timeout=5000)
    assert _rows(dailies)[1] == ("sh020", "v001 lighting", "1003", "Ana: Sky too blue")

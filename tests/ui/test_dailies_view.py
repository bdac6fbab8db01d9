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
    qtbot.waitUntil(lambda: len(dailies.note_items()) == 3, timeout=15000)
    assert _rows(dailies) == [("sh010", "v001 anim", "1002", "Bo: Edge flickers"),
                              ("sh020", "v001 lighting", "1010", "(drawing)"),
                              ("sh030", "v001 anim", "1007", "Ana: Hand pops  (+1 reply)")]
    assert dailies.note_items()[0].text(1).split("\n")[1].count(":") == 3, "the timecode under the frame"
    assert [row.text(2) for row in dailies.note_items()] == ["open", "drawing", "open"]
    assert "2 notes on 3 shots" in dailies.title.text()
    hand = dailies.note_items()[2]
    rect = dailies.tree.visualItemRect(hand)
    qtbot.mouseClick(dailies.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.view.playhead.frame == 30  # sh030 starts at 24: its frame 1007
    qtbot.waitUntil(lambda: window.viewer.current_frame() == 30, timeout=15000)
    assert window.current.source_frame() in (None, 1007)
    _write(window, lambda: notes_service.add_note(demo_store, media[1].id, "Sky too blue", ANA, frame=1003))
    qtbot.waitUntil(lambda: len(dailies.note_items()) == 4, timeout=15000)
    assert _rows(dailies)[1] == ("sh020", "v001 lighting", "1003", "Ana: Sky too blue")


def _open_dock(qtbot, window, count: int):  # noqa: ANN001, ANN202
    """The Dailies Notes dock opened from the View menu, once it lists ``count`` notes."""
    dailies = window.dailies_tools.panel
    window.dailies_tools.dock.toggleViewAction().trigger()
    qtbot.waitUntil(lambda: len(dailies.note_items()) == count, timeout=15000)
    return dailies


def _selected(dailies) -> list[str]:  # noqa: ANN001
    return [row.text(0) for row in dailies.tree.selectedItems()]


def test_the_highlighted_row_follows_the_playhead_without_taking_the_focus(qtbot, make_window, demo_store) -> None:
    playlist, media = _clean_playlist(demo_store)
    notes_service.add_note(demo_store, media[0].id, "Edge flickers", ANA, frame=1003)  # playlist frames 2-11
    notes_service.add_note(demo_store, media[0].id, "Matte line", BO, frame=1009)  # 8-11
    notes_service.add_note(demo_store, media[2].id, "Hand pops", ANA, frame=1007)  # 30-35
    window = make_window(demo_store)
    _open(qtbot, window, playlist)
    dailies = _open_dock(qtbot, window, 3)
    viewer = window.viewer
    viewer.view.setFocus()
    qtbot.waitUntil(viewer.view.hasFocus, timeout=15000)
    expected = {0: "v001 anim", 2: "Ana: Edge flickers", 7: "Ana: Edge flickers", 8: "Bo: Matte line",
                11: "Bo: Matte line", 12: "v001 lighting  (no notes)", 29: "v001 anim", 30: "Ana: Hand pops",
                35: "Ana: Hand pops"}
    for frame, row in expected.items():  # before its first note a clip's own version row
        viewer.seek(frame)
        assert _selected(dailies) == [row], f"frame {frame}"
    viewer.seek(8)
    viewer.step(-1)
    assert _selected(dailies) == ["Ana: Edge flickers"], "a step back"
    assert viewer.view.hasFocus() and not dailies.tree.hasFocus(), "the keyboard stays in the viewer"
    sh030 = dailies.tree.topLevelItem(2)
    sh030.setExpanded(False)  # the user closed a shot: it stays closed, its row stands for its notes
    viewer.seek(31)
    assert _selected(dailies) == ["sh030"] and not sh030.isExpanded()
    sh030.setExpanded(True)
    shown: list[str] = []
    dailies.tree.currentItemChanged.connect(lambda item, _old: shown.append(item.text(0)) if item else None)
    viewer.seek(0)
    viewer.play()
    qtbot.waitUntil(lambda: viewer.current_frame() >= 31, timeout=15000)
    viewer.pause()
    assert [row for row in dict.fromkeys(shown) if row != "v001 anim"][-2:] == ["v001 lighting  (no notes)",
                                                                                  "Ana: Hand pops"]
    assert "Bo: Matte line" in shown, "played over sh010's second note"


def test_a_list_scrolled_by_hand_is_left_alone_while_playing_and_follows_again_on_a_step(
        qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    playlist, media = _clean_playlist(demo_store)
    for i in range(72):  # six notes on each frame of sh010: many more rows than the dock shows
        notes_service.add_note(demo_store, media[0].id, f"note {i:02d}", ANA, frame=1001 + i // 6)
    window = make_window(demo_store)
    _open(qtbot, window, playlist)
    dailies = _open_dock(qtbot, window, 72)
    viewer, tree = window.viewer, dailies.tree
    bar = tree.verticalScrollBar()

    def in_view() -> bool:
        return tree.viewport().rect().intersects(tree.visualItemRect(tree.currentItem()))

    viewer.seek(0)
    assert _selected(dailies) == ["Ana: note 00"] and bar.value() == 0
    viewer.seek(6)
    assert _selected(dailies) == ["Ana: note 36"] and in_view()
    assert bar.value() > 0, "scrolled down to it"
    viewer.play()
    bar.triggerAction(bar.SliderAction.SliderToMinimum)  # the user scrolls up to read the first notes again
    qtbot.waitUntil(lambda: viewer.current_frame() >= 9, timeout=15000)
    viewer.pause()
    assert bar.value() == 0, "playback did not scroll the list the user scrolled"
    assert _selected(dailies) != ["Ana: note 36"], "the highlight moved on all the same"
    assert not in_view()
    viewer.step(1)  # the user moves the playhead: the list follows again
    assert bar.value() > 0 and in_view()

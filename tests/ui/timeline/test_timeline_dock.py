"""The timeline dock in the main window: playhead <-> viewer, drops from the browser, editing with undo/redo
restoring the store, versions, update to latest, create/duplicate/import/export slots, playback across a cut."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QDropEvent, QMouseEvent
from PySide6.QtWidgets import QApplication

from horus_desktop.media.open_source import open_frame_source
from horus_desktop.timeline.edits import other_versions
from horus_desktop.timeline.playlists import create_playlist
from horus_desktop.timeline.state import load_state

from ..helpers import shown_code, wait_rows
from .conftest import pick


def _snapshot(store, playlist_id):  # noqa: ANN001, ANN202
    """What the store holds of a playlist, as the track view draws it."""
    state = load_state(store, playlist_id)
    return [(t.index, i.kind, i.start, i.duration, i.name, i.source_start, str(i.media_id))
            for t in state.tracks for i in t.items]


def _open(qtbot, window, playlist):  # noqa: ANN001, ANN202
    panel = window.timeline
    panel.load_playlist(playlist.id)
    qtbot.waitUntil(lambda: panel.state is not None and panel.state.id == playlist.id, timeout=15000)
    qtbot.waitUntil(lambda: window.timeline_player.showing(), timeout=15000)
    qtbot.waitUntil(lambda: window.viewer.view.layer("A").state.item is not None, timeout=15000)
    return panel


def _settled(qtbot, window) -> None:  # noqa: ANN001
    window.db.wait_idle()
    qtbot.wait(30)
    window.db.wait_idle()


def _mouse(widget, kind: QEvent.Type, pos: QPoint, buttons: Qt.MouseButton, button: Qt.MouseButton,
           modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:  # noqa: ANN001
    local = QPointF(pos)
    event = QMouseEvent(kind, local, QPointF(widget.mapToGlobal(pos)), button, buttons, modifiers)
    QApplication.sendEvent(widget, event)


def _drag(view, start: QPoint, end: QPoint) -> None:  # noqa: ANN001
    port = view.viewport()
    left = Qt.MouseButton.LeftButton
    _mouse(port, QEvent.Type.MouseButtonPress, start, left, left)
    for i in range(1, 6):
        step = start + (end - start) * (i / 5)
        _mouse(port, QEvent.Type.MouseMove, step, left, Qt.MouseButton.NoButton)
    _mouse(port, QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton, left)


def _point(view, frame: float, track_index: int = 0) -> QPoint:  # noqa: ANN001
    top, height = view.row_of(track_index)
    return view.mapFromScene(QPointF(frame, top + height / 2))


def test_playhead_and_viewer_move_together(qtbot, make_window, demo_store, playlist) -> None:
    window = make_window(demo_store)
    panel = _open(qtbot, window, playlist)
    view, viewer = panel.view, window.viewer
    # click in the ruler at frame 20: sh020 lighting v001, its 9th frame (1009)
    x = round(view.x_of_frame(20) + view.px_per_frame / 2)
    qtbot.mouseClick(view.ruler, Qt.MouseButton.LeftButton, pos=QPoint(x, 10))
    qtbot.waitUntil(lambda: viewer.current_frame() == 20 and viewer.shown_frame() == 20, timeout=15000)
    assert shown_code(window) == 1009
    # drag the playhead line itself to frame 5 (sh010 anim v001, 1006)
    _drag(view, _point(view, view.playhead.frame), _point(view, 5.2))
    qtbot.waitUntil(lambda: viewer.current_frame() == 5 and viewer.shown_frame() == 5, timeout=15000)
    assert shown_code(window) == 1006
    # the viewer moves the playhead: seek, step, End/Home in the track view
    viewer.seek(30)
    assert view.playhead.frame == 30
    viewer.step(1)
    assert view.playhead.frame == 31
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert view.playhead.frame == 35 and viewer.current_frame() == 35
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.playhead.frame == 0 and viewer.current_frame() == 0


def test_playback_across_a_cut_reads_from_the_cache(qtbot, make_window, demo_store, playlist) -> None:
    window = make_window(demo_store)
    panel = _open(qtbot, window, playlist)
    viewer = window.viewer
    panel.view.user_seek(8)  # four frames before the cut at 12
    qtbot.waitUntil(lambda: viewer.current_frame() == 8, timeout=15000)
    cache = viewer.session.cache
    qtbot.waitUntil(lambda: all(cache.peek(f) is not None for f in range(12, 16)), timeout=15000)
    assert viewer.current_frame() == 8, "the second clip's frames were decoded before the playhead got there"
    assert all(cache.peek(f).frame is not None for f in range(12, 16))
    shown: list[int] = []
    viewer.sig_position.connect(shown.append)
    viewer.play()
    qtbot.waitUntil(lambda: viewer.current_frame() >= 14, timeout=15000)
    viewer.pause()
    assert 12 in shown or 13 in shown
    viewer.seek(13)
    qtbot.waitUntil(lambda: viewer.shown_frame() == 13, timeout=15000)
    assert shown_code(window) == 1002  # sh020 lighting v001's second frame
    assert panel.view.playhead.frame == 13


def test_a_playlist_shows_each_clip_in_its_own_colour_space(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    # Dailies mix media: a scene-linear EXR comp then a display-sRGB JPEG lighting version. Each clip goes
    # through the view of its own colour space, not the first clip's.
    exr, jpeg = pick(demo_store, "sh010", "comp", "v001"), pick(demo_store, "sh020", "lighting", "v001")
    mixed = create_playlist(demo_store, name="Mixed", project_id=exr.project_id, user="ana",
                            media_ids=[exr.id, jpeg.id])
    window = make_window(demo_store)
    _open(qtbot, window, mixed)
    viewer = window.viewer
    assert viewer.colour.is_scene_linear(viewer.slots["A"].settings.colour_space)  # opened on the EXR clip
    cut = exr.frame_count
    viewer.seek(cut + 1)
    qtbot.waitUntil(lambda: viewer.shown_frame() == cut + 1, timeout=15000)
    with open_frame_source(jpeg.file_path) as source:
        jpeg_frame = source.read(jpeg.start_frame + 1)
    decoded = jpeg_frame.pixels
    shown = viewer.view.layer("A").state.item.pixels
    assert shown.shape == decoded.shape
    # 8-bit sRGB on an sRGB display passes through: exactly the file's pixels (the EXR's view would darken
    # and tone-map them)
    assert np.array_equal(shown, decoded)


def test_drop_from_the_browser_adds_a_clip(qtbot, make_window, demo_store, playlist) -> None:
    window = make_window(demo_store)
    wait_rows(qtbot, window, 11)
    panel = _open(qtbot, window, playlist)
    model = window.browser.model
    row = next(r for r in range(model.rowCount()) if model.record(r).shot == "sh020"
               and model.record(r).department == "comp")
    mime = model.mimeData([model.index(row, 0)])
    view = panel.view
    pos = QPointF(_point(view, 36))
    drop = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    view.dropEvent(drop)
    qtbot.waitUntil(lambda: len(panel.state.clips()) == 4, timeout=15000)
    added = panel.state.clips()[-1]
    assert added.media_id == model.record(row).id and added.start == 36 and added.duration == 12
    assert panel.undo_stack.count() == 1
    panel.undo_stack.undo()
    qtbot.waitUntil(lambda: len(panel.state.clips()) == 3, timeout=15000)


def test_reorder_trim_remove_with_undo_and_redo(qtbot, make_window, demo_store, playlist) -> None:
    window = make_window(demo_store)
    panel = _open(qtbot, window, playlist)
    view, stack = panel.view, panel.undo_stack
    original = _snapshot(demo_store, playlist.id)
    names = lambda: [c.name for c in panel.state.clips()]  # noqa: E731
    # reorder: drag the first clip past the last one
    _drag(view, _point(view, 6), _point(view, 34))
    qtbot.waitUntil(lambda: names() == ["sh020 v001", "sh030 v001", "sh010 v001"], timeout=15000)
    reordered = _snapshot(demo_store, playlist.id)
    stack.undo()
    qtbot.waitUntil(lambda: names() == ["sh010 v001", "sh020 v001", "sh030 v001"], timeout=15000)
    _settled(qtbot, window)
    assert _snapshot(demo_store, playlist.id) == original
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: names()[0] == "sh020 v001", timeout=15000)
    _settled(qtbot, window)
    assert _snapshot(demo_store, playlist.id) == reordered
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: names()[0] == "sh010 v001", timeout=15000)
    # trim: the first clip's out handle 4 frames left, then its in handle 2 frames right
    view.user_seek(30)  # the playhead away from the handles
    _drag(view, _point(view, 11.95), _point(view, 8))
    qtbot.waitUntil(lambda: panel.state.clips()[0].duration == 8, timeout=15000)
    assert panel.state.clips()[1].start == 8  # playlist trims ripple
    _drag(view, _point(view, 0.05), _point(view, 2))
    qtbot.waitUntil(lambda: panel.state.clips()[0].duration == 6, timeout=15000)
    assert panel.state.clips()[0].source_start == 1003
    stack.undo()
    stack.undo()
    qtbot.waitUntil(lambda: panel.state.clips()[0].duration == 12, timeout=15000)
    _settled(qtbot, window)
    assert _snapshot(demo_store, playlist.id) == original
    # remove: select the middle clip, Delete leaves a gap; Shift+Delete would ripple
    _drag(view, _point(view, 18), _point(view, 18))
    view.select_clip(panel.state.clips()[1].clip_id)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: len(panel.state.clips()) == 2, timeout=15000)
    assert [i.kind for i in panel.state.tracks[0].items] == ["clip", "gap", "clip"]
    stack.undo()
    qtbot.waitUntil(lambda: len(panel.state.clips()) == 3, timeout=15000)
    _settled(qtbot, window)
    assert _snapshot(demo_store, playlist.id) == original


def test_version_menu_switch_and_update_all_to_latest(qtbot, make_window, demo_store, playlist) -> None:
    window = make_window(demo_store)
    panel = _open(qtbot, window, playlist)
    first = panel.state.clips()[0]
    versions = other_versions(demo_store, first.media_id)
    menu = panel.version_menu(first, versions)
    labels = [a.text() for a in menu.actions()]
    assert any(t.startswith("v002 · anim") and "latest" in t for t in labels)
    current = next(a for a in menu.actions() if a.isChecked())
    assert current.text().startswith("v001")
    newer = next(a for a in menu.actions() if a.text().startswith("v002"))
    newer.trigger()
    qtbot.waitUntil(lambda: panel.state.clips()[0].version == "v002", timeout=15000)
    switched = panel.state.clips()[0]
    assert (switched.start, switched.duration, switched.clip_id) == (first.start, first.duration, first.clip_id)
    assert switched.media_id == pick(demo_store, "sh010", "anim", "v002").id
    panel.undo_stack.undo()
    qtbot.waitUntil(lambda: panel.state.clips()[0].version == "v001", timeout=15000)
    panel.actions_by_name["update_latest"].trigger()
    qtbot.waitUntil(lambda: [c.version for c in panel.state.clips()] == ["v002", "v002", "v002"], timeout=15000)
    assert all(c.is_latest_version for c in panel.state.clips())
    panel.undo_stack.undo()
    qtbot.waitUntil(lambda: [c.version for c in panel.state.clips()] == ["v001"] * 3, timeout=15000)


def test_create_duplicate_import_export_and_tracks(qtbot, make_window, demo_store, playlist, tmp_path) -> None:
    window = make_window(demo_store)
    panel = _open(qtbot, window, playlist)
    panel.actions_by_name["add_audio_track"].trigger()
    qtbot.waitUntil(lambda: len(panel.state.tracks) == 2, timeout=15000)
    assert panel.state.tracks[1].kind == "audio" and len(panel.view.rows) == 2
    for suffix in (".otio", ".edl"):
        panel.export_file(tmp_path / f"out{suffix}")
        _settled(qtbot, window)
        assert (tmp_path / f"out{suffix}").stat().st_size > 0
    panel.import_file(tmp_path / "out.otio", name="Back in")
    qtbot.waitUntil(lambda: panel.state.name == "Back in", timeout=15000)
    assert [c.name for c in panel.state.clips()] == ["sh010 v001", "sh020 v001", "sh030 v001"]
    assert not any(c.missing_media for c in panel.state.clips())
    panel.duplicate_current()
    qtbot.waitUntil(lambda: panel.state.version == "v002", timeout=15000)
    panel.create_from_rule("Comp latest", "latest:department=comp")
    qtbot.waitUntil(lambda: panel.state.name == "Comp latest", timeout=15000)
    assert sorted(c.version for c in panel.state.clips()) == ["v001", "v003"]
    selected = [pick(demo_store, "sh030", "anim", "v002").id]
    panel.create_from_media("Picked", selected)
    qtbot.waitUntil(lambda: panel.state.name == "Picked", timeout=15000)
    assert [c.media_id for c in panel.state.clips()] == selected
    panel.create_empty("Empty one")
    qtbot.waitUntil(lambda: panel.state.name == "Empty one", timeout=15000)
    stored = len(demo_store.timelines.list())  # the demo's own dailies, the fixture's, and the five above
    assert stored == 7
    qtbot.waitUntil(lambda: panel.playlist_box.count() == stored, timeout=15000)
    assert panel.playlist_box.currentText().startswith("Empty one")


def test_timeline_dock_sits_at_the_bottom_and_persists(qtbot, make_window, demo_store, settings) -> None:
    first = make_window(demo_store)
    assert first.dockWidgetArea(first.timeline_dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    first.addDockWidget(Qt.DockWidgetArea.TopDockWidgetArea, first.timeline_dock)
    first.close()
    second = make_window(demo_store, settings_=settings)
    assert second.dockWidgetArea(second.timeline_dock) == Qt.DockWidgetArea.TopDockWidgetArea
    second.actions_by_name["reset_layout"].trigger()
    assert second.dockWidgetArea(second.timeline_dock) == Qt.DockWidgetArea.BottomDockWidgetArea


def test_playlist_properties_change_type_status_and_description(qtbot, make_window, demo_store, playlist) -> None:  # noqa: ANN001
    from horus_desktop.ui.timeline.properties import PlaylistPropertiesDialog

    window = make_window(demo_store)
    panel = _open(qtbot, window, playlist)
    dialog = PlaylistPropertiesDialog(panel.state, panel)
    qtbot.addWidget(dialog)
    assert dialog.values()["status"] == "draft"
    dialog.status.setCurrentText("review")
    dialog.kind.setCurrentText("client")
    dialog.description.setPlainText("Client review, Friday")
    panel.set_properties(**dialog.values())
    qtbot.waitUntil(lambda: panel.state is not None and panel.state.status == "review", timeout=15000)
    stored = demo_store.timelines.get(playlist.id)
    assert (stored.status, stored.timeline_type, stored.description) == ("review", "client", "Client review, Friday")
    assert stored.last_modified_by == panel.user_id
    qtbot.waitUntil(lambda: "client · review" in panel.playlist_box.currentText(), timeout=15000)


def test_first_start_shows_the_demo_dailies_without_taking_the_viewer(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    panel = window.timeline
    qtbot.waitUntil(lambda: panel.state is not None, timeout=15000)
    assert panel.state.name == "Demo dailies" and panel.state.clips()
    assert "Demo dailies" in panel.playlist_box.currentText()
    assert window.viewer.slots["A"] is None  # shown in the dock only; the viewer waits for the playhead
    panel.view.user_seek(0)
    qtbot.waitUntil(lambda: window.timeline_player.showing(), timeout=15000)


def test_new_from_a_mistyped_rule_asks_the_rule_again_before_the_name(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    """New > From Rule: a rule that does not read is said in the rule's dialog, with the text kept to correct; the
    name is asked once the rule reads (it was asked first, and the rule refused after)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QInputDialog

    from horus_desktop.ui.timeline import asks

    window = make_window(demo_store)
    wait_rows(qtbot, window)
    panel = window.timeline
    qtbot.waitUntil(lambda: panel.state is not None, timeout=15000)
    before = len(demo_store.timelines.list())
    seen: list[tuple[str, str]] = []
    answers = iter(["latest:dept=comp", None, "Comp latest"])  # None: correct the kept text

    polls = iter(range(500))  # at most ~10 s of looking for the next dialog

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog) or dialog.labelText() in [label for label, _ in seen[-1:]]:
            if next(polls, None) is not None:
                QTimer.singleShot(20, answer)
            return
        seen.append((dialog.labelText(), dialog.textValue()))
        value = next(answers)
        dialog.setTextValue(value if value is not None else dialog.textValue().replace("dept", "department"))
        dialog.accept()
        if len(seen) < 3:
            QTimer.singleShot(20, answer)

    QTimer.singleShot(0, answer)
    asks.ask_from_rule(panel)
    assert len(seen) == 3
    assert seen[0][0].startswith("Rule (")
    assert "unknown key 'dept'" in seen[1][0] and seen[1][1] == "latest:dept=comp"
    assert seen[2][0] == "Name:" and seen[2][1] == "latest:department=comp"
    qtbot.waitUntil(lambda: len(demo_store.timelines.list()) == before + 1, timeout=15000)
    assert "Comp latest" in [t.name for t, _clips in demo_store.timelines.list()]
    qtbot.waitUntil(lambda: panel.state is not None and panel.state.name == "Comp latest", timeout=15000)
    _settled(qtbot, window)  # the dock shows the new playlist before the window closes


def test_a_playlist_of_one_clip_reads_singular(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    """The dock said "1 clips" in its info line and in the message of the playlist made."""
    window = make_window(demo_store)
    panel = window.timeline
    said: list[str] = []
    panel.sig_message.connect(said.append)
    panel.create_from_media("One shot", [pick(demo_store, "sh010", "anim", "v001").id])
    qtbot.waitUntil(lambda: panel.state is not None and panel.state.name == "One shot", timeout=15000)
    assert panel.info.text().strip() == "1 clip · 12 frames @ 24 fps"
    assert "Playlist One shot v001: 1 clip from the browser" in said
    qtbot.waitUntil(lambda: "One shot" in panel.playlist_box.currentText(), timeout=15000)
    assert "· 1 clip" in panel.playlist_box.currentText() and "clips" not in panel.playlist_box.currentText()


def test_two_playlists_of_one_name_can_be_told_apart_in_the_picker(qtbot, make_window, demo_store,  # noqa: ANN001
                                                                  playlist) -> None:
    """Two "Dailies" of the same three clips read the same in the picker ("Dailies v001 · dailies · draft · 3 clips",
    no tooltip); now each says when it was made, and its tooltip (the closed box's too, for the one shown) the
    project, duration, the time to the second and the id."""
    again = create_playlist(demo_store, name="Dailies", project_id=playlist.project_id, user="ana",
                            media_ids=[c.media_id for c in playlist.clips])
    window = make_window(demo_store)
    panel = window.timeline
    box = panel.playlist_box
    qtbot.waitUntil(lambda: box.count() == 3, timeout=15000)
    rows = {box.itemData(i): (box.itemText(i), box.itemData(i, Qt.ItemDataRole.ToolTipRole))
            for i in range(box.count())}
    first, second = rows[str(playlist.id)], rows[str(again.id)]
    assert first != second
    for made, (text, tip) in ((playlist, first), (again, second)):
        stored = demo_store.timelines.get(made.id).created_at.astimezone()
        assert text.startswith("Dailies v001 · ") and stored.strftime("%Y-%m-%d %H:%M") in text
        assert stored.strftime("%Y-%m-%d %H:%M:%S") in tip and str(made.id) in tip
    panel.load_playlist(again.id)
    qtbot.waitUntil(lambda: box.toolTip() == second[1], timeout=15000)

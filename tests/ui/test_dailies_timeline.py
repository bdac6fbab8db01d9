"""Dailies on the timeline (pytest-qt, off-screen): notes and drawn frames marked on the clips and following new
ones without a playlist reload, ``,`` / ``.`` jumping across clips, the "Notes Only" play mode stopping on marks,
a status set showing at once on the clip, and a version switch keeping the source frame under the playhead."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt

from horus_desktop.services import notes as notes_service
from horus_desktop.services.notes import Author
from horus_desktop.store import Store
from horus_desktop.timeline.edits import other_versions
from horus_desktop.timeline.playlists import create_playlist
from horus_desktop.ui import theme

from .timeline.conftest import PLAYLIST_MEDIA, pick

ANA = Author("ana", "Ana")


def _clean_playlist(store: Store):  # noqa: ANN202 - (Timeline, [MediaRecord])
    """The three 12-frame demo clips on V1 (0-11, 12-23, 24-35), with the demo's own notes and drawings on them
    removed so the marks are the test's."""
    media = [pick(store, *key) for key in PLAYLIST_MEDIA]
    for record in media:
        for comment in store.comments.list_for_media(record.id):
            store.comments.soft_delete(comment.id)
        for shape in store.annotations.list(record.id):
            store.annotations.soft_delete(shape.id)
    return create_playlist(store, name="Dailies", project_id=media[0].project_id, user="ana",
                           media_ids=[m.id for m in media]), media


def _draw(store: Store, media_id: uuid.UUID, frame: int) -> None:
    store.annotations.add(media_id=media_id, frame_number=frame, annotation_type="rectangle",
                          coordinates={"v": 1, "x": 0.1, "y": 0.1, "w": 0.2, "h": 0.2}, user_id="ana",
                          user_name="Ana", style_properties={"color": "#ff0000"})


def _write(window, work) -> None:  # noqa: ANN001
    """A store write on the app's DB worker (its one writer), as the panels do."""
    window.db.submit(work)
    window.db.wait_idle()


def _open(qtbot, window, playlist):  # noqa: ANN001, ANN202
    panel = window.timeline
    panel.load_playlist(playlist.id)
    qtbot.waitUntil(lambda: panel.state is not None and panel.state.id == playlist.id, timeout=15000)
    qtbot.waitUntil(lambda: window.timeline_player.showing(), timeout=15000)
    qtbot.waitUntil(lambda: window.viewer.view.layer("A").state.item is not None, timeout=15000)
    return panel


def _marks(panel, clip_index: int) -> list[tuple[str, int]]:  # noqa: ANN001
    clip = panel.state.clips()[clip_index]
    return [(m.kind, m.frame) for m in panel.view.clip_marks(clip.clip_id)]


def test_notes_and_drawings_are_marked_and_follow_without_a_reload(qtbot, make_window, demo_store) -> None:
    playlist, media = _clean_playlist(demo_store)
    notes_service.add_note(demo_store, media[0].id, "Edge flickers", ANA, frame=1004)
    _draw(demo_store, media[0].id, 1009)
    window = make_window(demo_store)
    panel = _open(qtbot, window, playlist)
    assert _marks(panel, 0) == [("note", 3), ("drawing", 8)]
    assert _marks(panel, 2) == []
    reloads: list[object] = []
    panel.sig_state_changed.connect(reloads.append)  # a reload would re-open the playlist in the viewer
    _write(window, lambda: notes_service.add_note(demo_store, media[2].id, "Timing", ANA, frame=1006))
    qtbot.waitUntil(lambda: _marks(panel, 2) == [("note", 29)], timeout=15000)
    _write(window, lambda: _draw(demo_store, media[1].id, 1002))
    qtbot.waitUntil(lambda: _marks(panel, 1) == [("drawing", 13)], timeout=15000)
    assert reloads == [], "marks came without reading the playlist again"
    assert window.timeline_player.showing()


def test_note_jumps_cross_clips_in_a_playlist(qtbot, make_window, demo_store) -> None:
    playlist, media = _clean_playlist(demo_store)
    notes_service.add_note(demo_store, media[0].id, "first", ANA, frame=1004)
    _draw(demo_store, media[2].id, 1003)  # sh020 in the middle has nothing
    window = make_window(demo_store)
    panel = _open(qtbot, window, playlist)
    viewer = window.viewer
    viewer.seek(0)
    next_note, previous_note = window.review.actions["next_note"], window.review.actions["previous_note"]
    next_note.trigger()
    assert viewer.current_frame() == 3 and panel.view.playhead.frame == 3
    next_note.trigger()
    assert viewer.current_frame() == 26, "over the middle clip to the third clip's drawing"
    next_note.trigger()
    assert viewer.current_frame() == 26, "no mark after the last one: stays"
    viewer.seek(20)
    previous_note.trigger()
    assert viewer.current_frame() == 3
    qtbot.keyClick(window, Qt.Key.Key_Period)
    assert viewer.current_frame() == 26


def test_notes_only_play_stops_on_each_marked_frame(qtbot, make_window, demo_store) -> None:
    playlist, media = _clean_playlist(demo_store)
    notes_service.add_note(demo_store, media[1].id, "sky", ANA, frame=1005)  # playlist frame 16
    _draw(demo_store, media[2].id, 1002)  # playlist frame 25
    window = make_window(demo_store)
    _open(qtbot, window, playlist)
    viewer = window.viewer
    mode = window.actions_by_name["notes_only"]
    assert mode in window.menuBar().actions()[2].menu().actions(), "in the Playback menu"
    mode.setChecked(True)
    viewer.seek(2)
    viewer.play()
    qtbot.waitUntil(lambda: not viewer.session.playing, timeout=15000)
    assert viewer.current_frame() == 16 and window.timeline.view.playhead.frame == 16
    viewer.play()
    qtbot.waitUntil(lambda: not viewer.session.playing, timeout=15000)
    assert viewer.current_frame() == 25
    mode.setChecked(False)
    viewer.seek(14)
    viewer.play()
    qtbot.waitUntil(lambda: viewer.current_frame() > 18, timeout=15000)
    assert viewer.session.playing, "with the mode off, playback goes over marks"
    viewer.pause()


def test_a_status_set_colours_the_clip_at_once(qtbot, make_window, demo_store) -> None:
    playlist, media = _clean_playlist(demo_store)
    window = make_window(demo_store)
    panel = _open(qtbot, window, playlist)
    clip = panel.state.clips()[1]
    graphic = panel.view.clip_items[clip.clip_id]
    reloads: list[object] = []
    panel.sig_state_changed.connect(reloads.append)
    _write(window, lambda: demo_store.media.set_status([media[1].id], "rejected", by="sup", by_name="Sue"))
    qtbot.waitUntil(lambda: graphic.item.approval_status == "rejected", timeout=15000)
    assert graphic.status_fill() == theme.status_colour("rejected").darker(115)
    panel.set_colour_mode("approval")
    assert graphic.fill() == theme.status_colour("rejected").darker(115)
    assert reloads == [] and window.timeline_player.showing()


def test_a_version_switch_keeps_the_source_frame_and_undoes(qtbot, make_window, demo_store) -> None:
    playlist, media = _clean_playlist(demo_store)
    old = media[0]  # sh010 anim v001, 1001-1012, on playlist frames 0-11
    demo_store.media.create(file_path="/renders/sh010/anim/v009/sh010_anim_v009.####.jpg",
                            project_id=old.project_id, sequence=old.sequence, shot=old.shot,
                            department=old.department, task_type=old.task_type, version="v009",
                            version_number=9, frame_rate=old.frame_rate, start_frame=1005, end_frame=1030,
                            frame_count=26)  # rendered from 1005: frames 1001-1004 do not exist
    window = make_window(demo_store)
    panel = _open(qtbot, window, playlist)
    viewer = window.viewer
    viewer.seek(7)
    qtbot.waitUntil(lambda: window.current.source_frame() == 1008, timeout=15000)
    clip_id = panel.state.clips()[0].clip_id
    menu = panel.version_menu(panel.state.clips()[0], other_versions(demo_store, old.id))
    next(a for a in menu.actions() if a.text().startswith("v009")).trigger()
    qtbot.waitUntil(lambda: panel.state.clip(clip_id)[1].version == "v009", timeout=15000)
    switched = panel.state.clip(clip_id)[1]
    assert (switched.start, switched.duration, switched.source_start) == (0, 12, 1005)
    assert panel.view.playhead.frame == 3, "source frame 1008 is now on playlist frame 3"
    qtbot.waitUntil(lambda: viewer.current_frame() == 3 and window.current.source_frame() == 1008, timeout=15000)
    panel.undo_stack.undo()
    qtbot.waitUntil(lambda: panel.state.clip(clip_id)[1].version == "v001", timeout=15000)
    assert panel.view.playhead.frame == 7
    qtbot.waitUntil(lambda: viewer.current_frame() == 7 and window.current.source_frame() == 1008, timeout=15000)


def test_notes_only_play_stops_on_notes_of_a_single_media(qtbot, make_window, demo_store) -> None:
    _playlist, media = _clean_playlist(demo_store)
    notes_service.add_note(demo_store, media[0].id, "pop", ANA, frame=1006)
    window = make_window(demo_store)
    viewer = window.viewer
    window.open_media(media[0])
    qtbot.waitUntil(lambda: 1006 in viewer.transport.slider.marks()[1], timeout=15000)
    window.actions_by_name["notes_only"].setChecked(True)
    viewer.seek(1001)
    viewer.play()
    qtbot.waitUntil(lambda: not viewer.session.playing, timeout=15000)
    assert viewer.current_frame() == 1006

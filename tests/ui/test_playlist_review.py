"""Dailies in a playlist: the clip under the playhead is the current media for every panel (notes, drawings,
status box, both clocks, approval keys, compare with the previous version), as a supervisor uses it."""

from __future__ import annotations

import uuid
from fractions import Fraction

from PySide6.QtCore import QEvent, QPointF

from horus_desktop.domain.media_query import MediaQuery
from horus_desktop.domain.records import MediaRecord
from horus_desktop.domain.shapes import Shape
from horus_desktop.domain.timecode import exact_rate, frame_to_timecode, source_timecode
from horus_desktop.playback.media_slot import media_start_timecode
from horus_desktop.services.notes import Author, add_note
from horus_desktop.store import Store
from horus_desktop.timeline.playlists import clip_for_media, create_from_document, media_range, new_document

PRESS, MOVE, RELEASE = QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.MouseButtonRelease
# Three shots of the demo project (JPEG sequences of 12 frames from 1001), sh010 cut in two clips.
SHOTS = (("sh010", "anim", "v002"), ("sh020", "lighting", "v001"), ("sh030", "anim", "v002"))


def _media(store: Store, shot: str, department: str, version: str) -> MediaRecord:
    items = store.media.search(MediaQuery(limit=100)).items
    return next(m for m in items if (m.shot, m.department, m.version) == (shot, department, version))


class Dailies:
    """The playlist: clip 0 = sh010 source 1001-1008 (playlist 0-7), clip 1 = sh010 source 1009-1012 (8-11),
    clip 2 = sh020 (12-23), clip 3 = sh030 (24-35); a note on each media, drawings on sh010 and sh020."""

    def __init__(self, store: Store) -> None:
        self.sh010, self.sh020, self.sh030 = (_media(store, *key) for key in SHOTS)
        self.first = media_range(self.sh010)[0]
        assert self.first == 1001 and all(media_range(m)[0] == 1001 for m in (self.sh020, self.sh030))
        rate = Fraction(24)
        doc = new_document("Dailies", rate)
        doc.tracks[0].append(clip_for_media(self.sh010, rate, source_start=1001, duration=8))
        doc.tracks[0].append(clip_for_media(self.sh010, rate, source_start=1009, duration=4))
        doc.tracks[0].append(clip_for_media(self.sh020, rate))
        doc.tracks[0].append(clip_for_media(self.sh030, rate))
        self.playlist = create_from_document(store, doc, name="Dailies", project_id=self.sh010.project_id, user="ana")
        ben = Author("ben", "Ben")
        add_note(store, self.sh010.id, "sh010: hand pops at 1005", ben, frame=1005)
        add_note(store, self.sh020.id, "sh020: key light too hot", ben, frame=1004)
        add_note(store, self.sh030.id, "sh030: nice", ben, frame=1010)
        self.sh020_drawing = self._draw(store, self.sh020, 1004)
        # held over 1007-1010 on sh010: the second clip starts at 1009, where it must not show
        self.held = self._draw(store, self.sh010, 1007, hold=4)

    @staticmethod
    def _draw(store: Store, media: MediaRecord, frame: int, *, hold: int = 1) -> uuid.UUID:
        fields = Shape("rectangle", box=(0.1, 0.1, 0.3, 0.3)).row_fields()
        fields["style_properties"] = {**fields["style_properties"], "hold": hold}
        key = uuid.uuid4()
        store.annotations.add_many([dict(id=key, media_id=media.id, frame_number=frame, user_id="ben",
                                         user_name="Ben", layer_name="default", layer_order=0, **fields)])
        return key


def _open(qtbot, window, dailies: Dailies) -> None:  # noqa: ANN001
    window.timeline.load_playlist(dailies.playlist.id)
    qtbot.waitUntil(lambda: window.timeline_player.showing(), timeout=15000)
    qtbot.waitUntil(lambda: window.current.record() is not None, timeout=15000)


def _at(qtbot, window, frame: int, media: MediaRecord) -> None:  # noqa: ANN001
    """Move the playhead as the user does (the timeline) and wait for the panels' reads."""
    window.timeline_player.seek(frame)
    qtbot.waitUntil(lambda: window.current.playlist_frame() == frame and window.current.record() is not None
                    and window.current.record().id == media.id, timeout=15000)
    window.db.wait_idle()
    qtbot.wait(30)
    window.db.wait_idle()
    qtbot.waitUntil(lambda: window.notes.media() is not None and window.notes.media().id == media.id
                    and window.review.controller.canvas.media_id == media.id, timeout=15000)


def _drawn(window) -> set[uuid.UUID]:  # noqa: ANN001
    return {i.annotation_id for i in window.review.controller.canvas.items()}


def test_panels_follow_the_clip_under_the_playhead(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    dailies = Dailies(demo_store)
    window = make_window(demo_store)
    _open(qtbot, window, dailies)
    notes, status, transport = window.notes, window.review.status_control, window.viewer.transport
    ctl = window.review.controller

    _at(qtbot, window, 4, dailies.sh010)  # sh010 at its frame 1005
    qtbot.waitUntil(lambda: "sh010: hand pops at 1005" in notes.model.texts(), timeout=15000)
    assert "sh020: key light too hot" not in notes.model.texts()
    assert "sh010" in notes.title.text() and notes.add_button.isEnabled()
    assert status.combo.currentData() == "approved" and status.combo.isEnabled()
    assert transport.frame_box.value() == 1005 and transport.playlist_box.value() == 4
    assert transport.playlist_box.isVisible() and transport.playlist_timecode.text() == "00:00:00:04"
    start, start_frame = media_start_timecode(dailies.sh010, 1001)
    rate = exact_rate(dailies.sh010.frame_rate, dailies.sh010.frame_rate_rational)
    assert transport.timecode.text() == source_timecode(1005, start_frame, start, rate)
    assert notes.context_label.text() == "New note on frame 1005"

    _at(qtbot, window, 7, dailies.sh010)  # 1008: the held drawing (1007 + 4) shows
    qtbot.waitUntil(lambda: dailies.held in _drawn(window), timeout=15000)
    loads = notes.loads
    media_changes: list[object] = []
    window.current.sig_media.connect(media_changes.append)
    _at(qtbot, window, 8, dailies.sh010)  # the cut into sh010's second clip, at 1009: same media
    assert window.current.source_frame() == 1009 and transport.frame_box.value() == 1009
    assert dailies.held not in _drawn(window)  # held only within its own clip
    assert media_changes == [] and notes.loads == loads  # no reload at a cut within the same media

    _at(qtbot, window, 15, dailies.sh020)  # sh020 at 1004: its note, its drawing, its status
    qtbot.waitUntil(lambda: "sh020: key light too hot" in notes.model.texts(), timeout=15000)
    assert "sh010: hand pops at 1005" not in notes.model.texts()
    qtbot.waitUntil(lambda: dailies.sh020_drawing in _drawn(window), timeout=15000)
    assert ctl.can_draw()
    assert status.combo.currentData() == "rejected"
    assert transport.frame_box.value() == 1004 and transport.playlist_box.value() == 15
    assert [m.id for m in media_changes] == [dailies.sh020.id]  # type: ignore[attr-defined]

    _at(qtbot, window, 16, dailies.sh020)  # the next frame: the drawing is not held
    assert dailies.sh020_drawing not in _drawn(window)
    _at(qtbot, window, 33, dailies.sh030)
    qtbot.waitUntil(lambda: "sh030: nice" in notes.model.texts(), timeout=15000)
    assert status.combo.currentData() == "pending"
    assert transport.frame_box.value() == 1010
    # the browser shows where the clip's media is, without opening it
    qtbot.waitUntil(lambda: [r.id for r in window.browser.selected_records()] == [dailies.sh030.id], timeout=15000)
    assert window.viewer.slots["A"].record is None  # still the playlist in the viewer


def test_playing_across_the_cuts_changes_the_media_once_per_shot(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    dailies = Dailies(demo_store)
    window = make_window(demo_store)
    _open(qtbot, window, dailies)
    _at(qtbot, window, 0, dailies.sh010)
    changes: list[object] = []
    frames: list[tuple[object, int]] = []
    window.current.sig_media.connect(changes.append)
    window.current.sig_frame.connect(lambda media_id, frame: frames.append((media_id, frame)))
    window.viewer.play()
    qtbot.waitUntil(lambda: window.current.playlist_frame() is not None and window.current.playlist_frame() >= 26,
                    timeout=15000)
    window.viewer.pause()
    assert [m.id for m in changes] == [dailies.sh020.id, dailies.sh030.id]  # type: ignore[attr-defined]
    # every shown frame is named by its media and source frame
    assert frames and all(1001 <= f <= 1012 for _m, f in frames)
    assert {m for m, _f in frames} == {dailies.sh010.id, dailies.sh020.id, dailies.sh030.id}


def test_a_note_and_a_drawing_land_on_the_clip_media_and_source_frame(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    dailies = Dailies(demo_store)
    window = make_window(demo_store)
    _open(qtbot, window, dailies)
    _at(qtbot, window, 19, dailies.sh020)  # sh020 at 1008
    ctl = window.review.controller
    before = {a.id for a in demo_store.annotations.list(dailies.sh020.id)}
    before_sh010 = {a.id for a in demo_store.annotations.list(dailies.sh010.id)}
    ctl.set_tool("rectangle")
    ctl.handle(PRESS, QPointF(20, 20))
    ctl.handle(MOVE, QPointF(60, 50))
    ctl.handle(RELEASE, QPointF(90, 70))
    window.notes.editor.setPlainText("dailies: warmer please")
    window.notes.send()
    window.db.wait_idle()
    qtbot.waitUntil(lambda: ctl.pending_writes == 0 and "dailies: warmer please" in window.notes.model.texts(),
                    timeout=15000)
    note = next(c for c in demo_store.comments.list_for_media(dailies.sh020.id) if c.content == "dailies: warmer please")
    assert note.frame_number == 1008
    drawn = [a for a in demo_store.annotations.list(dailies.sh020.id) if a.id not in before]
    assert [(a.frame_number, a.annotation_type) for a in drawn] == [(1008, "rectangle")]
    assert (drawn[0].style_properties or {}).get("comment_id") == str(note.id)  # the note links its drawing
    assert {a.id for a in demo_store.annotations.list(dailies.sh010.id)} == before_sh010
    assert drawn[0].id in _drawn(window)
    assert 19 in window.viewer.transport.slider.marks()[0]  # the slider marks the playlist frame


def test_approval_keys_act_on_the_clip_under_the_playhead(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    dailies = Dailies(demo_store)
    window = make_window(demo_store)
    _open(qtbot, window, dailies)
    _at(qtbot, window, 30, dailies.sh030)
    window.actions_by_name["approve"].trigger()
    window.db.wait_idle()
    qtbot.waitUntil(lambda: window.review.status_control.combo.currentData() == "approved", timeout=15000)
    assert demo_store.media.get(dailies.sh030.id).approval_status == "approved"
    assert demo_store.media.get(dailies.sh020.id).approval_status == "rejected"  # untouched
    assert demo_store.media.get(dailies.sh010.id).approval_status == "approved"
    _at(qtbot, window, 13, dailies.sh020)
    window.actions_by_name["hold"].trigger()
    window.db.wait_idle()
    qtbot.waitUntil(lambda: window.review.status_control.combo.currentData() == "on_hold", timeout=15000)
    assert demo_store.media.get(dailies.sh020.id).approval_status == "on_hold"
    _at(qtbot, window, 30, dailies.sh030)  # back on sh030: its new status, not the one read at the start
    assert window.review.status_control.combo.currentData() == "approved"


def test_either_clock_can_be_typed(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    dailies = Dailies(demo_store)
    window = make_window(demo_store)
    _open(qtbot, window, dailies)
    _at(qtbot, window, 14, dailies.sh020)
    transport = window.viewer.transport
    transport.frame_box.setValue(1010)  # a source frame of the clip under the playhead
    qtbot.waitUntil(lambda: window.current.playlist_frame() == 21, timeout=15000)
    assert window.current.source_frame() == 1010 and window.timeline.view.playhead.frame == 21
    transport.playlist_box.setValue(27)  # a playlist frame: sh030 at 1004
    qtbot.waitUntil(lambda: window.current.source_frame() == 1004 and window.current.record().id == dailies.sh030.id,
                    timeout=15000)
    assert transport.frame_box.value() == 1004
    assert transport.playlist_timecode.text() == frame_to_timecode(27, Fraction(24))


def test_notes_seek_within_the_clip(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    dailies = Dailies(demo_store)
    window = make_window(demo_store)
    _open(qtbot, window, dailies)
    _at(qtbot, window, 12, dailies.sh020)
    qtbot.waitUntil(lambda: "sh020: key light too hot" in window.notes.model.texts(), timeout=15000)
    item = next(t for t in window.notes.model.threads() if t.comment.content == "sh020: key light too hot")
    window.notes.jump_to(item)  # a click on the note
    qtbot.waitUntil(lambda: window.current.playlist_frame() == 15, timeout=15000)
    assert window.current.source_frame() == 1004


def test_compare_with_the_previous_version_follows_the_clips(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    dailies = Dailies(demo_store)
    window = make_window(demo_store)
    _open(qtbot, window, dailies)
    viewer = window.viewer
    _at(qtbot, window, 3, dailies.sh010)
    window.actions_by_name["compare_previous"].trigger()

    def b_version() -> str | None:
        slot = viewer.slots["B"]
        return f"{slot.record.shot} {slot.record.version}" if slot is not None and slot.record else None

    qtbot.waitUntil(lambda: b_version() == "sh010 v001" and viewer.state.compare_mode != "off", timeout=15000)
    assert viewer.state.b_frame_for(3) == 1004  # B shows the clip's source frame, not the playlist frame
    _at(qtbot, window, 14, dailies.sh020)  # sh020 lighting v001 has no earlier version: A alone
    qtbot.waitUntil(lambda: viewer.state.compare_mode == "off", timeout=15000)
    _at(qtbot, window, 28, dailies.sh030)  # sh030 anim v002: B is its v001, compare on again
    qtbot.waitUntil(lambda: b_version() == "sh030 v001" and viewer.state.compare_mode != "off", timeout=15000)
    assert viewer.state.b_frame_for(28) == 1005


def test_turning_compare_off_ends_the_previous_version_mode(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    dailies = Dailies(demo_store)
    window = make_window(demo_store)
    _open(qtbot, window, dailies)
    viewer = window.viewer
    _at(qtbot, window, 28, dailies.sh030)
    window.actions_by_name["compare_previous"].trigger()
    qtbot.waitUntil(lambda: viewer.slots["B"] is not None and viewer.slots["B"].record.version == "v001"
                    and viewer.state.compare_mode != "off", timeout=15000)
    qtbot.waitUntil(lambda: viewer.b_box.currentText().startswith("B: v001 · anim"), timeout=15000)  # the B list
    window.actions_by_name["compare_off"].trigger()  # Shift+T
    _at(qtbot, window, 3, dailies.sh010)  # sh010 has a v001 too: not opened, compare stays off
    window.db.wait_idle()
    qtbot.wait(300)
    assert viewer.state.compare_mode == "off"
    assert viewer.slots["B"].record.shot == "sh030"


def test_a_gap_has_no_current_media(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    import opentimelineio as otio

    from horus_desktop.timeline.otio_doc import trange

    sh010 = _media(demo_store, *SHOTS[0])
    sh020 = _media(demo_store, *SHOTS[1])
    rate = Fraction(24)
    doc = new_document("With a gap", rate)
    doc.tracks[0].append(clip_for_media(sh010, rate))
    doc.tracks[0].append(otio.schema.Gap(source_range=trange(0, 6, 24)))
    doc.tracks[0].append(clip_for_media(sh020, rate))
    playlist = create_from_document(demo_store, doc, name="With a gap", project_id=sh010.project_id, user="ana")
    window = make_window(demo_store)
    window.timeline.load_playlist(playlist.id)
    qtbot.waitUntil(lambda: window.timeline_player.showing() and window.current.record() is not None, timeout=15000)
    window.timeline_player.seek(14)  # in the gap (frames 12-17)
    qtbot.waitUntil(lambda: window.current.playlist_frame() == 14 and window.current.record() is None, timeout=15000)
    notes, status, transport = window.notes, window.review.status_control, window.viewer.transport
    assert notes.media() is None and not notes.add_button.isEnabled() and notes.model.texts() == []
    assert not status.combo.isEnabled() and not transport.frame_box.isEnabled()
    assert transport.playlist_box.value() == 14 and not window.review.controller.can_draw()
    window.timeline_player.seek(20)  # sh020 at 1003
    qtbot.waitUntil(lambda: notes.media() is not None and notes.media().id == sh020.id, timeout=15000)
    assert transport.frame_box.isEnabled() and transport.frame_box.value() == 1003 and status.combo.isEnabled()

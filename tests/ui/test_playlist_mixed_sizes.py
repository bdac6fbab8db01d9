"""A playlist whose clips differ in resolution: each clip's drawings are laid out over its own image."""

from __future__ import annotations

import threading
import uuid
from fractions import Fraction
from pathlib import Path
from typing import Any

from horus_desktop.domain.records import MediaRecord
from horus_desktop.domain.shapes import Shape
from horus_desktop.media.synthetic import write_jpeg_sequence
from horus_desktop.store import Store
from horus_desktop.timeline import state as timeline_state
from horus_desktop.timeline.playlists import clip_for_media, create_from_document, media_range, new_document

from .viewer_fixtures import ingest_one

BOX = (0.25, 0.5, 0.5, 0.25)


def _draw(store: Store, media: MediaRecord, frame: int) -> uuid.UUID:
    key = uuid.uuid4()
    fields = Shape("rectangle", box=BOX).row_fields()
    store.annotations.add_many([dict(id=key, media_id=media.id, frame_number=frame, user_id="ben", user_name="Ben",
                                     layer_name="default", layer_order=0, **fields)])
    return key


def _hold_records_back(store: Store, monkeypatch) -> threading.Event:  # noqa: ANN001
    """Media records asked for by anything but the playlist's own loading wait until the event is set (a busy
    DB worker)."""
    released, loading = threading.Event(), threading.local()
    load_info, get_many = timeline_state.media_info_by_id, store.media.get_many

    def info_while_loading(*args: Any) -> Any:
        loading.on = True
        try:
            return load_info(*args)
        finally:
            loading.on = False

    def slow_get_many(ids: list[uuid.UUID]) -> list[MediaRecord]:
        if not getattr(loading, "on", False):
            released.wait(20)
        return get_many(ids)

    monkeypatch.setattr(timeline_state, "media_info_by_id", info_while_loading)
    monkeypatch.setattr(store.media, "get_many", slow_get_many)
    return released


def test_each_clip_draws_over_its_own_resolution(qtbot, make_window, tmp_path: Path) -> None:  # noqa: ANN001
    write_jpeg_sequence(tmp_path / "m" / "sq010" / "sh010" / "comp" / "v001", 6, size=(192, 108), name="sh010_comp_v001")
    write_jpeg_sequence(tmp_path / "n" / "sq010" / "sh020" / "anim" / "v001", 6, size=(64, 64), name="sh020_anim_v001")
    store = Store.open(tmp_path / "horus.sqlite")
    wide = ingest_one(store, tmp_path / "m")
    square = ingest_one(store, tmp_path / "n")
    rate = Fraction(24)
    doc = new_document("Mixed", rate)
    doc.tracks[0].append(clip_for_media(wide, rate))
    doc.tracks[0].append(clip_for_media(square, rate))
    playlist = create_from_document(store, doc, name="Mixed", project_id=wide.project_id, user="ana")
    first = media_range(square)[0]
    assert media_range(wide)[0] == first
    drawings = {wide.id: _draw(store, wide, first + 2), square.id: _draw(store, square, first + 2)}
    window = make_window(store)
    window.timeline.load_playlist(playlist.id)
    qtbot.waitUntil(lambda: window.timeline_player.showing(), timeout=15000)

    placed: dict[uuid.UUID, tuple[float, float]] = {}
    canvas = window.review.controller.canvas
    for playlist_frame, media, size in ((2, wide, (192, 108)), (8, square, (64, 64))):
        window.timeline_player.seek(playlist_frame)
        qtbot.waitUntil(lambda media=media: canvas.item_for(drawings[media.id]) is not None, timeout=15000)
        qtbot.waitUntil(lambda size=size: window.viewer.view.layer("A").image_size() == size, timeout=15000)
        rect = canvas.item_for(drawings[media.id]).sceneBoundingRect()
        width, height = window.viewer.view.layer("A").image_size()
        placed[media.id] = (rect.center().x() / width, rect.center().y() / height)
    # the same normalised box sits at the same place on both images (centre within 2% of the image)
    (wx, wy), (sx, sy) = placed[wide.id], placed[square.id]
    assert abs(wx - sx) < 0.02 and abs(wy - sy) < 0.02, placed


def test_a_seek_before_the_clips_records_arrive_still_shows_the_drawing(qtbot, make_window, tmp_path: Path,  # noqa: ANN001
                                                                        monkeypatch) -> None:  # noqa: ANN001
    """The panels read the clips' media records on the DB worker once the playlist shows; a seek made before
    they come back shows the frame's drawing when they do (it once stayed empty until the next frame)."""
    write_jpeg_sequence(tmp_path / "m" / "sq010" / "sh010" / "comp" / "v001", 6, size=(192, 108), name="sh010_comp_v001")
    store = Store.open(tmp_path / "horus.sqlite")
    wide = ingest_one(store, tmp_path / "m")
    rate = Fraction(24)
    doc = new_document("One", rate)
    doc.tracks[0].append(clip_for_media(wide, rate))
    playlist = create_from_document(store, doc, name="One", project_id=wide.project_id, user="ana")
    drawing = _draw(store, wide, media_range(wide)[0] + 2)
    released = _hold_records_back(store, monkeypatch)
    window = make_window(store)
    window.timeline.load_playlist(playlist.id)
    qtbot.waitUntil(lambda: window.timeline_player.showing(), timeout=15000)
    window.timeline_player.seek(2)
    qtbot.waitUntil(lambda: window.viewer.shown_frame() == 2, timeout=15000)
    canvas = window.review.controller.canvas
    assert canvas.item_for(drawing) is None  # the media under the playhead is not known yet
    released.set()
    qtbot.waitUntil(lambda: canvas.item_for(drawing) is not None, timeout=15000)


def test_a_playlist_opened_after_a_media_leaves_nothing_of_it_current_until_the_records_arrive(
        qtbot, make_window, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """A playlist opened while a media was on screen: until the DB worker answers with the clips' media records,
    the media shown before is no longer current (its drawing stayed over the playlist's first frame, and a
    drawing or a status key would have gone to it)."""
    write_jpeg_sequence(tmp_path / "m" / "sq010" / "sh010" / "comp" / "v001", 6, size=(192, 108), name="sh010_comp_v001")
    write_jpeg_sequence(tmp_path / "n" / "sq010" / "sh020" / "anim" / "v001", 6, size=(64, 64), name="sh020_anim_v001")
    store = Store.open(tmp_path / "horus.sqlite")
    wide = ingest_one(store, tmp_path / "m")
    square = ingest_one(store, tmp_path / "n")
    rate = Fraction(24)
    doc = new_document("Square", rate)
    doc.tracks[0].append(clip_for_media(square, rate))
    playlist = create_from_document(store, doc, name="Square", project_id=square.project_id, user="ana")
    shown = media_range(wide)[0]
    drawing = _draw(store, wide, shown)
    window = make_window(store)
    canvas = window.review.controller.canvas
    window.open_media(wide)
    qtbot.waitUntil(lambda: canvas.item_for(drawing) is not None, timeout=15000)
    window.db.wait_idle()
    released = _hold_records_back(store, monkeypatch)
    window.timeline.load_playlist(playlist.id)
    qtbot.waitUntil(lambda: window.timeline_player.showing(), timeout=15000)
    qtbot.waitUntil(lambda: window.viewer.shown_frame() == 0, timeout=15000)
    try:
        assert canvas.item_for(drawing) is None  # the square clip is on screen, not the wide media's frame
        assert window.current.record() is None
        assert not window.review.controller.can_draw()
    finally:
        released.set()
    qtbot.waitUntil(lambda: window.current.record() is not None and window.current.record().id == square.id,
                    timeout=15000)

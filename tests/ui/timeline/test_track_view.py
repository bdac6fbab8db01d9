"""The track view on its own: one item class per OTIO type, colouring, zoom around the cursor, ruler ticks,
reorder index, missing media drawn with its name."""

from __future__ import annotations

from fractions import Fraction

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QPainter, QWheelEvent

from horus_desktop.timeline.files import import_playlist
from horus_desktop.timeline.state import load_state
from horus_desktop.ui import theme
from horus_desktop.ui.theme import status_colour
from horus_desktop.ui.timeline import style
from horus_desktop.ui.timeline.clip_drag import reorder_index
from horus_desktop.ui.timeline.items import (
    ITEM_CLASSES,
    ClipItem,
    GapItem,
    MarkerItem,
    StackItem,
    TransitionItem,
)
from horus_desktop.ui.timeline.ruler import label_step, tick_labels
from horus_desktop.ui.timeline.view import TrackView

from .conftest import write_multitrack_otio


def _view(qtbot, state) -> TrackView:  # noqa: ANN001
    view = TrackView()
    qtbot.addWidget(view)
    view.resize(900, 320)
    view.show()
    view.set_state(state)
    qtbot.waitExposed(view, timeout=15000)
    return view


def _multitrack(demo_store, tmp_path):  # noqa: ANN001, ANN202
    path = tmp_path / "multi.otio"
    write_multitrack_otio(path, demo_store)
    report = import_playlist(demo_store, path, user="ana")
    return load_state(demo_store, report.timeline.id)


def test_one_item_class_per_otio_type(qtbot, demo_store, tmp_path) -> None:
    state = _multitrack(demo_store, tmp_path)
    view = _view(qtbot, state)
    items = view.scene().items()
    by_class = {type(i) for i in items}
    assert {ClipItem, GapItem, TransitionItem, StackItem, MarkerItem} <= by_class
    assert set(ITEM_CLASSES) == {"clip", "gap", "transition", "stack", "marker"}
    for item in items:
        if hasattr(item, "item") and hasattr(item, "kind") and item.kind:
            assert ITEM_CLASSES[item.item.kind] is type(item)
    names = [t.name for t, _, _ in view.rows]
    assert names[0] == "inner" or "V2" in names and names[-1] == "A1"  # highest video on top, audio last
    missing = [i for i in items if isinstance(i, ClipItem) and i.item.missing_media]
    assert len(missing) == 1 and missing[0].label() == "sh099_comp_v001"
    assert "MISSING MEDIA" in missing[0].tooltip() and missing[0].fill() == theme.MISSING_FILL
    markers = [i for i in items if isinstance(i, MarkerItem)]
    assert any("check the hand" in m.tooltip() for m in markers)
    image = QImage(900, 320, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    view.render(painter)
    painter.end()
    assert not image.isNull()


def test_colour_toggle_department_and_approval(qtbot, demo_store, playlist) -> None:
    view = _view(qtbot, load_state(demo_store, playlist.id))
    clip = next(iter(view.clip_items.values()))
    assert clip.fill() == style.department_colour(clip.item.department)
    view.set_colour_mode("approval")
    assert clip.fill() == status_colour(clip.item.approval_status).darker(115)
    assert {i.colour_mode for i in view.clip_items.values()} == {"approval"}
    view.set_colour_mode("department")
    assert clip.fill() == style.department_colour(clip.item.department)


def test_zoom_keeps_the_frame_under_the_cursor(qtbot, demo_store, playlist) -> None:
    view = _view(qtbot, load_state(demo_store, playlist.id))
    view.zoom_at(20.0 / view.px_per_frame, 0)  # 20 px a frame: room to scroll both ways
    view.scroll_frame_to(10, 0)
    for factor, x in ((1.5, 300), (0.8, 120), (1.2, 610)):
        before = view.frame_at_x(x)
        scale = view.px_per_frame
        view.zoom_at(factor, x)
        assert abs(view.px_per_frame - scale * factor) < 1e-9
        assert abs(view.frame_at_x(x) - before) <= 1.0 / view.px_per_frame + 1e-6
    before = view.frame_at_x(250)
    scale = view.px_per_frame
    wheel = QWheelEvent(QPointF(250, 40), QPointF(view.viewport().mapToGlobal(QPoint(250, 40))), QPoint(0, 0),
                        QPoint(0, 120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    view.wheelEvent(wheel)
    assert view.px_per_frame > scale
    assert abs(view.frame_at_x(250) - before) <= 1.0 / view.px_per_frame + 1e-6


def test_ruler_ticks_in_frames_and_timecode() -> None:
    assert label_step(2.0, Fraction(24)) >= 55
    labels = dict(tick_labels(0, 200, 2.0, Fraction(24)))
    assert labels[0] == "0  00:00:00:00"
    assert any(text.endswith("00:00:05:00") for text in labels.values())
    assert dict(tick_labels(0, 100, 40.0, Fraction(25)))[5] == "5  00:00:00:05"


def test_reorder_index(demo_store, playlist) -> None:
    state = load_state(demo_store, playlist.id)
    track = state.tracks[0]
    a, b, c = track.items
    assert reorder_index(track, a, c.end - 1) == 2  # after the last one
    assert reorder_index(track, c, 1) == 0
    assert reorder_index(track, a, 2) is None  # where it already is

"""The CPU colour path plays frames at the size the view draws them (coloured after the reduction) and shows
full-resolution frames when paused: the image keeps its full size on the scene, so the pixel readout and
drawings stay in image coordinates."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt

from horus_desktop.domain.shapes import shape_from_row
from horus_desktop.media.view_size import reduced_size

from .helpers import open_row, wait_rows

PRESS, MOVE, RELEASE = QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.MouseButtonRelease


def _open_zoomed_out(qtbot, window, zoom: float = 0.4):  # noqa: ANN001, ANN202
    wait_rows(qtbot, window, 11)
    record = open_row(qtbot, window, lambda r: (r.shot, r.department, r.version) == ("sh010", "comp", "v002"))
    viewer = window.viewer
    view = viewer.view
    qtbot.waitUntil(lambda: viewer.shown_frame() is not None, timeout=15000)
    view.zoom_by(zoom / view.zoom())  # drawn at 40%: a frame reduced 2.5 times is still at least as large
    return record, viewer, view


def _values(pixels, x: int, y: int) -> str:  # noqa: ANN001
    return "  ".join(f"{n} {v}" for n, v in zip("RGBA", pixels[y, x], strict=False))


@pytest.mark.parametrize(("zoom", "factor"), [(0.5, 2), (0.7, 1.375)])
def test_playing_shows_reduced_frames_over_the_full_image_and_pausing_full_resolution(
        qtbot, make_window, demo_store, zoom: float, factor: float) -> None:  # noqa: ANN001
    window = make_window(demo_store)
    _, viewer, view = _open_zoomed_out(qtbot, window, zoom)
    layer = view.layer("A")
    full_w, full_h = layer.state.item.image_size
    assert layer.state.item.scale == 1 and layer.state.item.width == full_w
    assert view.playback_reduction() == factor

    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert viewer.session.playing
    qtbot.waitUntil(lambda: layer.state.item is not None and layer.state.item.scale == factor, timeout=15000)
    item = layer.state.item
    # coloured at the size it is drawn (at least)
    assert (item.width, item.height) == (reduced_size(full_w, factor), reduced_size(full_h, factor))
    assert item.width >= full_w * zoom and item.height >= full_h * zoom
    assert item.image_size == (full_w, full_h)
    rect = layer.sceneBoundingRect()
    assert (rect.width(), rect.height()) == (full_w, full_h)  # drawn over the whole image rectangle
    # the readout speaks image coordinates while playing, from the reduced pixel that covers them
    for x, y in ((full_w - 4, full_h - 4), (11, 7)):
        info = view.pixel_info(QPointF(x + 0.5, y + 0.5))
        assert info.startswith(f"x {x}  y {y} ")
        assert _values(item.pixels, int(x // factor), int(y // factor)) in info

    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert not viewer.session.playing
    qtbot.waitUntil(lambda: layer.state.item is not None and layer.state.item.scale == 1
                    and layer.state.item.frame == viewer.current_frame(), timeout=15000)
    item = layer.state.item
    assert (item.width, item.height) == (full_w, full_h)
    for x, y in ((full_w - 3, full_h - 3), (1, 1), (full_w // 2 + 1, full_h // 2 + 1)):
        info = view.pixel_info(QPointF(x + 0.5, y + 0.5))
        assert info.startswith(f"x {x}  y {y} ") and _values(item.pixels, x, y) in info


def test_zooming_in_while_playing_goes_back_to_full_resolution(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    window = make_window(demo_store)
    _, viewer, view = _open_zoomed_out(qtbot, window)
    layer = view.layer("A")
    viewer.play()
    qtbot.waitUntil(lambda: layer.state.item is not None and layer.state.item.scale > 1, timeout=15000)
    view.zoom_by(1.0 / view.zoom())  # 100%: one image pixel per screen pixel
    assert view.playback_reduction() == 1
    qtbot.waitUntil(lambda: layer.state.item is not None and layer.state.item.scale == 1, timeout=15000)
    assert viewer.session.playing
    viewer.pause()


def test_a_drawing_made_after_playing_lands_at_its_image_coordinates(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    window = make_window(demo_store)
    record, viewer, view = _open_zoomed_out(qtbot, window)
    layer = view.layer("A")
    viewer.play()
    qtbot.waitUntil(lambda: layer.state.item is not None and layer.state.item.scale > 1, timeout=15000)
    viewer.pause()
    qtbot.waitUntil(lambda: layer.state.item.scale == 1, timeout=15000)
    ctl = window.review.controller
    qtbot.waitUntil(lambda: ctl.can_draw(), timeout=15000)
    w, h = ctl.image_size()
    assert (w, h) == layer.state.item.image_size
    before = len(demo_store.annotations.list(record.id))
    ctl.set_tool("rectangle")
    ctl.handle(PRESS, QPointF(w * 0.25, h * 0.5))
    ctl.handle(MOVE, QPointF(w * 0.5, h * 0.75))
    ctl.handle(RELEASE, QPointF(w * 0.5, h * 0.75))
    window.db.wait_idle()
    qtbot.waitUntil(lambda: ctl.pending_writes == 0, timeout=15000)
    rows = demo_store.annotations.list(record.id)
    assert len(rows) == before + 1
    new = next(r for r in rows if r.annotation_type == "rectangle" and r.frame_number == viewer.current_frame())
    box = shape_from_row(new.annotation_type, new.coordinates, new.style_properties).box
    assert box is not None
    assert abs(box[0] - 0.25) < 1e-3 and abs(box[1] - 0.5) < 1e-3  # the same place on the image...
    corner = QRectF(w * 0.25 - 2, h * 0.5 - 2, 4, 4)  # the rectangle's top-left corner on the scene
    drawn = [i for i in view.scene().items(corner)
             if getattr(i, "annotation_id", None) == new.id]
    assert drawn  # ...and on the scene, over the frame's image rectangle
    assert layer.sceneBoundingRect().contains(QPointF(w * 0.5, h * 0.75))

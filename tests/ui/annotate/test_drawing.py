"""Drawing on the viewer: every tool's round trip (draw -> row -> scene after reload), undo/redo, layers, hold
and ghost, and a drawing that survives an immediate frame or media change."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF

from horus_desktop.domain.shapes import shape_from_row

from ..helpers import open_row, wait_rows

PRESS, MOVE, RELEASE = QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.MouseButtonRelease


def _open(qtbot, window):  # noqa: ANN001, ANN202
    wait_rows(qtbot, window)
    record = open_row(qtbot, window, lambda r: r.version == "v002")
    ctl = window.review.controller
    qtbot.waitUntil(lambda: ctl.can_draw(), timeout=15000)
    return record, ctl


def _drag(ctl, points, tool: str) -> None:  # noqa: ANN001
    ctl.set_tool(tool)
    ctl.handle(PRESS, QPointF(*points[0]))
    for p in points[1:]:
        ctl.handle(MOVE, QPointF(*p))
    ctl.handle(RELEASE, QPointF(*points[-1]))


def _stored(qtbot, window, store, media_id, count: int):  # noqa: ANN001, ANN202
    window.db.wait_idle()
    qtbot.waitUntil(lambda: window.review.controller.pending_writes == 0, timeout=15000)
    rows = store.annotations.list(media_id)
    assert len(rows) == count
    return rows


def _drawn_at(window, area):  # noqa: ANN001, ANN202
    """The drawings visible on the viewer's scene over ``area``, the one drawn on top first."""
    scene = window.viewer.view.scene()
    return [i for i in scene.items(area) if i.isVisible() and getattr(i, "annotation_id", None) is not None]


def test_every_tool_round_trips_through_the_store(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    window = make_window(demo_store)
    record, ctl = _open(qtbot, window)
    before = len(demo_store.annotations.list(record.id))
    w, h = ctl.image_size()
    ctl.text_asker = lambda: "fix the edge"
    strokes = {
        "pen": [(10, 10), (40, 30), (80, 20)],
        "line": [(20, 100), (200, 120)],
        "arrow": [(30, 200), (150, 160)],
        "rectangle": [(250, 40), (350, 120)],
        "ellipse": [(300, 150), (420, 240)],
        "text": [(60, 240)],
    }
    for tool, points in strokes.items():
        _drag(ctl, points, tool)
    ctl.set_tool("laser")
    ctl.handle(PRESS, QPointF(100, 100))
    ctl.handle(MOVE, QPointF(120, 120))
    ctl.handle(RELEASE, QPointF(130, 130))
    assert ctl.tools["laser"].trail_length() > 0
    rows = _stored(qtbot, window, demo_store, record.id, before + 6)
    mine = [r for r in rows if r.user_id == "ana" and r.frame_number == ctl.frame and
            r.annotation_type in {"freehand", "line", "arrow", "rectangle", "ellipse", "text"}]
    kinds = {r.annotation_type for r in mine}
    assert kinds == {"freehand", "line", "arrow", "rectangle", "ellipse", "text"}
    rect = next(r for r in mine if r.annotation_type == "rectangle")
    box = shape_from_row(rect.annotation_type, rect.coordinates, rect.style_properties).box
    assert box is not None and abs(box[0] * w - 250) < 1 and abs(box[3] * h - 80) < 1
    text = next(r for r in mine if r.annotation_type == "text")
    assert text.content == "fix the edge"
    # after a reload (a new window on the same store) the scene shows every shape with its row id
    window.viewer.reload_annotations()
    qtbot.waitUntil(lambda: {r.id for r in mine} <= {i.annotation_id for i in ctl.canvas.items()}, timeout=15000)
    kinds_on_scene = {type(i).__name__ for i in ctl.canvas.items() if i.annotation_id in {r.id for r in mine}}
    assert kinds_on_scene == {"FreehandItem", "LineItem", "ArrowItem", "RectangleItem", "EllipseItem", "TextItem"}
    # the laser never writes
    qtbot.waitUntil(lambda: ctl.tools["laser"].trail_length() == 0, timeout=15000)
    assert len(demo_store.annotations.list(record.id)) == before + 6


def test_undo_redo_move_resize_restyle_erase(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    window = make_window(demo_store)
    record, ctl = _open(qtbot, window)
    before = len(demo_store.annotations.list(record.id))
    _drag(ctl, [(100, 100), (200, 160)], "rectangle")
    rows = _stored(qtbot, window, demo_store, record.id, before + 1)
    new = next(r for r in rows if r.id == ctl.undo_stack.command(0).rows[0].id)
    ctl.undo_stack.undo()
    _stored(qtbot, window, demo_store, record.id, before)
    ctl.undo_stack.redo()
    _stored(qtbot, window, demo_store, record.id, before + 1)
    # move with the select tool
    ctl.set_tool("select")
    ctl.select([new.id])
    _drag(ctl, [(100, 130), (130, 150)], "select")
    window.db.wait_idle()
    qtbot.waitUntil(lambda: ctl.pending_writes == 0, timeout=15000)
    w, h = ctl.image_size()
    moved = demo_store.annotations.get(new.id)
    assert abs(moved.coordinates["x"] * w - 130) < 1 and abs(moved.coordinates["y"] * h - 120) < 1
    # resize from the corner handle
    ctl.select([new.id])
    _drag(ctl, [(230, 180), (260, 200)], "select")
    window.db.wait_idle()
    qtbot.waitUntil(lambda: ctl.pending_writes == 0, timeout=15000)
    resized = demo_store.annotations.get(new.id)
    assert abs(resized.coordinates["w"] * w - 130) < 1.5
    # restyle the selection from the palette
    ctl.select([new.id])
    window.review.toolbar.set_colour("#34c759")
    window.db.wait_idle()
    qtbot.waitUntil(lambda: ctl.pending_writes == 0, timeout=15000)
    assert demo_store.annotations.get(new.id).style_properties["color"] == "#34c759"
    ctl.undo_stack.undo()  # restyle
    ctl.undo_stack.undo()  # resize
    ctl.undo_stack.undo()  # move
    window.db.wait_idle()
    qtbot.waitUntil(lambda: ctl.pending_writes == 0, timeout=15000)
    back = demo_store.annotations.get(new.id)
    assert back.coordinates == new.coordinates and back.style_properties["color"] == new.style_properties["color"]
    # the eraser deletes what it touches; undo restores it
    _drag(ctl, [(100, 130), (101, 131)], "eraser")
    _stored(qtbot, window, demo_store, record.id, before)
    ctl.undo_stack.undo()
    _stored(qtbot, window, demo_store, record.id, before + 1)
    # Delete key path
    ctl.set_tool("select")
    ctl.select([new.id])
    ctl.delete_selected()
    _stored(qtbot, window, demo_store, record.id, before)


def test_layers_create_rename_hide_lock_reorder(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    window = make_window(demo_store)
    record, ctl = _open(qtbot, window)
    layers = window.review.layers
    layers.create_layer("paint")
    qtbot.waitUntil(lambda: "paint" in layers.layer_names(), timeout=15000)
    assert ctl.current_layer == "paint"
    _drag(ctl, [(50, 50), (120, 90)], "rectangle")
    window.db.wait_idle()
    shape = [r for r in demo_store.annotations.list(record.id) if r.layer_name == "paint"]
    assert len(shape) == 1
    area = ctl.canvas.item_for(shape[0].id).sceneBoundingRect()
    assert _drawn_at(window, area) and _drawn_at(window, area)[0].annotation_id == shape[0].id
    layers.tree.setCurrentItem(layers.tree.topLevelItem(layers.layer_names().index("paint")))
    layers.rename_current("comp fixes")
    qtbot.waitUntil(lambda: "comp fixes" in layers.layer_names(), timeout=15000)
    window.db.wait_idle()
    assert demo_store.annotations.get(shape[0].id).layer_name == "comp fixes"
    layers.create_layer("top")
    qtbot.waitUntil(lambda: layers.layer_names()[0] == "top", timeout=15000)  # listed top first
    count = len(demo_store.annotations.list(record.id))
    _drag(ctl, [(50, 50), (120, 90)], "rectangle")  # the same rectangle on the new layer: drawn over the first
    over = next(r for r in _stored(qtbot, window, demo_store, record.id, count + 1) if r.layer_name == "top")
    qtbot.waitUntil(lambda: [i.annotation_id for i in _drawn_at(window, area)] == [over.id, shape[0].id],
                    timeout=15000)
    layers.tree.setCurrentItem(layers.tree.topLevelItem(0))
    layers.move_current(-1)
    names = layers.layer_names
    qtbot.waitUntil(lambda: names().index("top") > names().index("comp fixes"), timeout=15000)
    # moved below: the "comp fixes" rectangle is now drawn over the "top" one
    qtbot.waitUntil(lambda: [i.annotation_id for i in _drawn_at(window, area)] == [shape[0].id, over.id],
                    timeout=15000)
    item = layers.tree.topLevelItem(layers.layer_names().index("comp fixes"))
    item.setCheckState(0, item.checkState(0).__class__.Unchecked)
    qtbot.waitUntil(lambda: not ctl.canvas.layer("comp fixes").visible, timeout=15000)
    assert [i.annotation_id for i in _drawn_at(window, area)] == [over.id]  # the hidden layer's shape is gone
    item = layers.tree.topLevelItem(layers.layer_names().index("comp fixes"))
    item.setCheckState(1, item.checkState(1).__class__.Checked)
    qtbot.waitUntil(lambda: ctl.canvas.layer("comp fixes").locked, timeout=15000)
    stored = {x.layer_name: x for x in demo_store.layers.list(record.id)}
    assert stored["comp fixes"].is_locked and not stored["comp fixes"].is_visible
    assert "paint" not in stored  # the old name did not come back as an empty layer after the rename


def test_hold_and_ghost(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    window = make_window(demo_store)
    record, ctl = _open(qtbot, window)
    viewer = window.viewer
    first, last = viewer.session.media_range
    viewer.seek(first)
    qtbot.waitUntil(lambda: ctl.frame == first and ctl.canvas.current_frame() == first, timeout=15000)
    window.review.toolbar.hold_box.setValue(3)
    _drag(ctl, [(10, 10), (60, 60)], "rectangle")
    held = ctl.undo_stack.command(ctl.undo_stack.count() - 1).rows[0]
    assert held.style_properties["hold"] == 3
    for frame, shown in ((first + 1, True), (first + 2, True), (first + 3, False)):
        viewer.seek(frame)
        qtbot.waitUntil(lambda f=frame: ctl.canvas.current_frame() == f, timeout=15000)
        assert (ctl.canvas.item_for(held.id) is not None) == shown, frame
    window.review.toolbar.ghost_action.setChecked(True)
    viewer.seek(first + 3)
    qtbot.waitUntil(lambda: any(i.annotation_id == held.id for i in ctl.canvas.ghost_items()), timeout=15000)
    window.review.toolbar.ghost_action.setChecked(False)
    assert not ctl.canvas.ghost_items()


def test_drawing_right_before_changing_frame_or_media_survives(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    window = make_window(demo_store)
    record, ctl = _open(qtbot, window)
    frame = ctl.frame
    _drag(ctl, [(10, 10), (30, 50), (90, 20)], "pen")
    window.viewer.step(1)  # at once, before the DB worker has run
    first = ctl.undo_stack.command(ctl.undo_stack.count() - 1).rows[0].id
    _drag(ctl, [(15, 15), (60, 60)], "line")
    second = ctl.undo_stack.command(ctl.undo_stack.count() - 1).rows[0].id
    model = window.browser.model
    other = next(model.record(r) for r in range(model.rowCount()) if model.record(r).id != record.id)
    window.open_media(other)
    window.db.wait_idle()
    qtbot.waitUntil(lambda: ctl.media is not None and ctl.media.id == other.id, timeout=15000)
    assert demo_store.annotations.get(first).frame_number == frame
    assert demo_store.annotations.get(second).media_id == record.id


def test_a_stroke_started_while_playing_goes_on_the_frame_it_starts_on(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    """Putting the pen down while the media plays stops playback on the frame shown: the stroke is stored there
    (it went on the frame shown when the pen came up, frames later)."""
    window = make_window(demo_store)
    record, ctl = _open(qtbot, window)
    viewer = window.viewer
    start = viewer.shown_frame()
    viewer.play()
    qtbot.waitUntil(lambda: viewer.shown_frame() not in (None, start), timeout=15000)  # it plays
    before = {a.id for a in demo_store.annotations.list(record.id)}
    ctl.set_tool("pen")
    pen_down_on = viewer.shown_frame()
    ctl.handle(PRESS, QPointF(10, 10))
    assert not viewer.state.playing
    for x in range(20, 100, 20):
        qtbot.wait(60)  # a slow stroke: frames would have gone by had it played on
        ctl.handle(MOVE, QPointF(x, x / 2))
    ctl.handle(RELEASE, QPointF(100, 50))
    rows = _stored(qtbot, window, demo_store, record.id, len(before) + 1)
    stroke = next(a for a in rows if a.id not in before)
    assert stroke.frame_number == pen_down_on == viewer.shown_frame()

"""Direct clip editing in the track view: press on a clip and drag to move or reorder it, drag an edge to
trim it, and the drop line that shows where a dragged clip or a dropped media will land.

The gesture never edits the store: on release it emits the view's ``sig_move_clip``, ``sig_reorder_clip``
or ``sig_trim_clip`` request (or puts the clip back when the drag changes nothing).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QGraphicsLineItem

from horus_desktop.timeline.state import TrackItem, TrackState
from horus_desktop.ui import theme
from horus_desktop.ui.timeline import style
from horus_desktop.ui.timeline.items import ClipItem, TrackItemGraphic

if TYPE_CHECKING:
    from horus_desktop.ui.timeline.view import TrackView

DRAG_START_PX = 4  # a press that moves less than this is a click, not a drag


def reorder_index(track: TrackState, moved: TrackItem, frame: float) -> int | None:
    """The ``reorder_clip`` index that puts ``moved`` where ``frame`` falls among its track's items (None: no-op)."""
    solid = [i for i in track.items if i.kind != "transition" and i.clip_id != moved.clip_id]
    slot = next((i.index for i in solid if i.start + i.duration / 2 > frame),
                (track.items[-1].index + 1) if track.items else 0)
    if slot in (moved.index, moved.index + 1):
        return None
    return slot if slot < moved.index else slot - 1


def edge_at(view: TrackView, item: ClipItem, pos: QPoint) -> str | None:
    """``"in"`` or ``"out"`` when viewport ``pos`` is on that trim handle of ``item``, else None."""
    left = view.mapFromScene(item.scenePos()).x()
    right = view.mapFromScene(item.scenePos() + QPointF(item.item.duration, 0)).x()
    grab = min(style.EDGE_GRAB_PX, max((right - left) / 4, 1))
    if abs(pos.x() - left) <= grab:
        return "in"
    if abs(pos.x() - right) <= grab:
        return "out"
    return None


class ClipDrag:
    """One view's move/reorder/trim gesture and its drop line (an item of the view's scene)."""

    def __init__(self, view: TrackView) -> None:
        self.view = view
        self.drop_line = QGraphicsLineItem()
        pen = QPen(theme.DROP_INDICATOR, 3)
        pen.setCosmetic(True)
        self.drop_line.setPen(pen)
        self.drop_line.setZValue(20)
        self.drop_line.hide()
        view.scene().addItem(self.drop_line)
        self._press: tuple[str, TrackItemGraphic, QPointF] | None = None
        self._dragging = False

    @property
    def active(self) -> bool:
        """True between a press on a clip or on empty track space and its release."""
        return self._press is not None

    def press_clip(self, item: ClipItem, pos: QPoint) -> None:
        """Start a gesture on ``item``: a trim when ``pos`` is on an edge, else a move."""
        mode = edge_at(self.view, item, pos) or "move"
        self._press = (mode, item, self.view.mapToScene(pos))
        self._dragging = False

    def press_scrub(self, pos: QPoint) -> None:
        """Start scrubbing the playhead from ``pos`` (a press on empty track space)."""
        self._press = ("scrub", self.view.playhead, self.view.mapToScene(pos))  # type: ignore[arg-type]

    def move(self, pos: QPoint) -> None:
        """Follow the mouse: scrub, or once past ``DRAG_START_PX``, show the clip where it would land."""
        assert self._press is not None
        view = self.view
        mode, graphic, start = self._press
        scene_pos = view.mapToScene(pos)
        if mode == "scrub":
            view.user_seek(math.floor(scene_pos.x()))
            return
        delta = round(scene_pos.x() - start.x())
        moved_px = abs(view.mapFromScene(scene_pos).x() - view.mapFromScene(start).x())
        if not self._dragging and moved_px < DRAG_START_PX:
            return
        self._dragging = True
        item = graphic.item
        if mode == "in":
            delta = min(delta, item.duration - 1)
            graphic.set_span(item.start + delta, item.duration - delta)
        elif mode == "out":
            delta = max(delta, 1 - item.duration)
            graphic.set_span(item.start, item.duration + delta)
        else:
            graphic.setX(max(0, item.start + delta))
            track = view.track_at_y(scene_pos.y())
            row = view.row_of(track.index) if track is not None and track.kind == graphic.track.kind else None
            graphic.setY(row[0] if row else view.row_of(graphic.track.index)[0])  # type: ignore[index]
            self.show_drop_line(scene_pos.x(), track if row else graphic.track)

    def release(self, pos: QPoint) -> bool:
        """End the gesture; emits the edit request. False when it was no drag (the view handles the click)."""
        press, self._press = self._press, None
        self.drop_line.hide()
        dragging, self._dragging = self._dragging, False
        if press is None or not dragging:
            return False
        view = self.view
        mode, graphic, start = press
        scene_pos = view.mapToScene(pos)
        delta = round(scene_pos.x() - start.x())
        item = graphic.item
        clip_id = str(item.clip_id)
        if mode == "in":
            delta = min(delta, item.duration - 1)
            if delta:
                view.sig_trim_clip.emit(clip_id, delta, 0)
        elif mode == "out":
            delta = max(delta, 1 - item.duration)
            if delta:
                view.sig_trim_clip.emit(clip_id, 0, delta)
        else:
            track = view.track_at_y(scene_pos.y())
            if track is None or track.kind != graphic.track.kind:
                track = graphic.track
            if track.index == graphic.track.index:
                index = reorder_index(track, item, scene_pos.x())
                if index is not None:
                    view.sig_reorder_clip.emit(clip_id, index)
                else:
                    self._restore(graphic)
            else:
                view.sig_move_clip.emit(clip_id, track.index, max(0, item.start + delta))
        return True

    def _restore(self, graphic: TrackItemGraphic) -> None:
        row = self.view.row_of(graphic.track.index)
        graphic.set_span(graphic.item.start, graphic.item.duration)
        if row is not None:
            graphic.setY(row[0])

    def show_drop_line(self, frame: float, track: TrackState) -> None:
        """Show the insertion line at ``frame`` on ``track``'s row."""
        row = self.view.row_of(track.index)
        if row is None:
            return
        self.drop_line.setLine(round(frame), row[0], round(frame), row[0] + row[1])
        self.drop_line.show()

"""The Select tool: click a shape to select it (Shift adds), drag to move it, drag the corner handle to
resize it; and the dashed box with its handle drawn around the selection.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem

from horus_desktop.domain.shapes import Shape
from horus_desktop.ui.annotate.items import build_item
from horus_desktop.ui.annotate.tool_base import PREVIEW_Z, Tool, ToolHost
from horus_desktop.ui.theme import SELECTION, SELECTION_GRIP_EDGE

SELECTION_Z = 50.0
HANDLE_PX = 9.0  # the resize handle's size on screen, whatever the zoom


class SelectTool(Tool):
    """Click a shape to select it (Shift adds), drag to move, drag the corner handle to resize."""

    name = "select"
    cursor = Qt.CursorShape.ArrowCursor

    def __init__(self, host: ToolHost) -> None:
        super().__init__(host)
        self._mode: str | None = None
        self._start = QPointF()
        self._origin: dict[uuid.UUID, Shape] = {}
        self._previews: list[QGraphicsItem] = []
        self.add_to_selection = False

    def handle_rect(self, bounds: QRectF) -> QRectF:
        """The resize handle at a box's bottom-right corner (scene units)."""
        s = HANDLE_PX * self.host.pixels_per_screen_pixel()
        return QRectF(bounds.right() - s / 2, bounds.bottom() - s / 2, s, s)

    def selection_bounds(self) -> QRectF | None:
        """Pixel bounds of the selected shapes."""
        w, h = self.host.image_size()
        rect: QRectF | None = None
        for key in self.host.selected_ids():
            row = self.host.row(key)
            if row is None:
                continue
            x, y, bw, bh = self.host.shape_of(row).to_pixels(w, h).bounds()
            r = QRectF(x, y, max(bw, 1.0), max(bh, 1.0))
            rect = r if rect is None else rect.united(r)
        return rect

    def press(self, pos: QPointF, pressure: float) -> None:
        self._start = pos
        bounds = self.selection_bounds()
        if bounds is not None and self.handle_rect(bounds).adjusted(-4, -4, 4, 4).contains(pos):
            self._mode = "resize"
        else:
            r = 4.0 * self.host.pixels_per_screen_pixel()
            path = QPainterPath()
            path.addEllipse(pos, r, r)
            hits = self.host.hit_items(path)
            if hits:
                chosen = self.host.selected_ids()
                picked = [h for h in hits if getattr(h, "annotation_id", None) in chosen]
                key = (picked or hits)[-1].annotation_id
                if self.add_to_selection:
                    chosen = [k for k in chosen if k != key] + ([] if key in chosen else [key])
                elif key not in chosen:
                    chosen = [key]
                self.host.select(chosen)
                self._mode = "move"
            elif bounds is not None and bounds.contains(pos):
                self._mode = "move"
            else:
                self.host.select([])
                self._mode = None
                return
        self._origin = {}
        for key in self.host.selected_ids():
            row = self.host.row(key)
            if row is not None:
                self._origin[key] = self.host.shape_of(row)

    def _moved_shapes(self, pos: QPointF, mode: str | None = None) -> dict[uuid.UUID, Shape]:
        w, h = self.host.image_size()
        if (mode or self._mode) == "move":
            dx, dy = (pos.x() - self._start.x()) / w, (pos.y() - self._start.y()) / h
            return {k: s.moved(dx, dy) for k, s in self._origin.items()}
        out: dict[uuid.UUID, Shape] = {}
        for key, shape in self._origin.items():
            x, y, bw, bh = shape.bounds()
            dx, dy = (pos.x() - self._start.x()) / w, (pos.y() - self._start.y()) / h
            out[key] = shape.resized((x, y, max(bw + dx, 0.002), max(bh + dy, 0.002)))
        return out

    def move(self, pos: QPointF, pressure: float) -> None:
        if self._mode is None or not self._origin:
            return
        self._clear_previews()
        w, h = self.host.image_size()
        for shape in self._moved_shapes(pos).values():
            item = build_item(shape.to_pixels(w, h), float(h))
            item.setZValue(PREVIEW_Z)
            item.setOpacity(0.7)
            self.host.scene.addItem(item)
            self._previews.append(item)

    def release(self, pos: QPointF, pressure: float) -> None:
        mode, self._mode = self._mode, None
        self._clear_previews()
        if mode is None or not self._origin or (pos - self._start).manhattanLength() < 1.0:
            return
        self.host.edit_shapes(self._moved_shapes(pos, mode), "Move drawing" if mode == "move" else "Resize drawing")

    def _clear_previews(self) -> None:
        for item in self._previews:
            self.host.scene.removeItem(item)
        self._previews = []

    def cancel(self) -> None:
        self._mode = None
        self._clear_previews()


def selection_decoration(bounds: QRectF, handle: QRectF) -> list[QGraphicsItem]:
    """A dashed box and a corner handle around the selected shapes."""
    box = QGraphicsRectItem(bounds.adjusted(-3, -3, 3, 3))
    pen = QPen(SELECTION, 0)
    pen.setStyle(Qt.PenStyle.DashLine)
    pen.setCosmetic(True)
    box.setPen(pen)
    grip = QGraphicsRectItem(handle)
    grip.setPen(QPen(SELECTION_GRIP_EDGE, 0))
    grip.setBrush(QBrush(SELECTION))
    for item in (box, grip):
        item.setZValue(SELECTION_Z)
    return [box, grip]

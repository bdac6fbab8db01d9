"""Drawing tools: each turns press/move/release in scene (image pixel) coordinates into shapes
(line, arrow, rectangle, ellipse, pen, text), removes them (eraser) or shows a fading trail (laser);
``TOOL_CLASSES`` maps each palette name to its tool.

A tool never writes: it hands finished shapes (normalized) to its host, which shows and stores them.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem

from horus_desktop.domain.shapes import Shape
from horus_desktop.ui.annotate.items import build_item
from horus_desktop.ui.annotate.select_tool import SelectTool
from horus_desktop.ui.annotate.tool_base import PREVIEW_Z, Tool, ToolHost
from horus_desktop.ui.theme import LASER

LASER_FADE_S = 0.7


class _PreviewTool(Tool):
    """Shows the shape being drawn as an item of its kind; commits it on release."""

    cursor = Qt.CursorShape.CrossCursor
    kind = "line"

    def __init__(self, host: ToolHost) -> None:
        super().__init__(host)
        self._start: QPointF | None = None
        self._preview: QGraphicsItem | None = None

    def _shape(self, start: QPointF, end: QPointF) -> Shape:
        raise NotImplementedError

    def _show(self, shape: Shape) -> None:
        if self._preview is not None:
            self.host.scene.removeItem(self._preview)
        w, h = self.host.image_size()
        self._preview = build_item(shape.to_pixels(w, h), float(h))
        self._preview.setZValue(PREVIEW_Z)
        self.host.scene.addItem(self._preview)

    def press(self, pos: QPointF, pressure: float) -> None:
        self._start = pos
        self._show(self._shape(pos, pos))

    def move(self, pos: QPointF, pressure: float) -> None:
        if self._start is not None:
            self._show(self._shape(self._start, pos))

    def release(self, pos: QPointF, pressure: float) -> None:
        start, self._start = self._start, None
        self.cancel()
        if start is None:
            return
        if (pos - start).manhattanLength() < 2 * self.host.pixels_per_screen_pixel():
            return  # a click, not a drag
        self.host.commit_shape(self._shape(start, pos))

    def cancel(self) -> None:
        if self._preview is not None:
            self.host.scene.removeItem(self._preview)
            self._preview = None


class LineTool(_PreviewTool):
    """Two points."""

    name = kind = "line"

    def _shape(self, start: QPointF, end: QPointF) -> Shape:
        return Shape(self.kind, points=(self._norm(start), self._norm(end)), style=self.host.style())


class ArrowTool(LineTool):
    """Two points, a head at the second."""

    name = kind = "arrow"


class RectangleTool(_PreviewTool):
    """A box dragged corner to corner."""

    name = kind = "rectangle"

    def _shape(self, start: QPointF, end: QPointF) -> Shape:
        r = QRectF(start, end).normalized()
        x, y = self._norm(r.topLeft())
        x2, y2 = self._norm(r.bottomRight())
        return Shape(self.kind, box=(x, y, x2 - x, y2 - y), style=self.host.style())


class EllipseTool(RectangleTool):
    """An ellipse in the dragged box."""

    name = kind = "ellipse"


class PenTool(_PreviewTool):
    """Freehand; points carry the tablet pressure (1.0 with a mouse)."""

    name = kind = "pen"

    def __init__(self, host: ToolHost) -> None:
        super().__init__(host)
        self._points: list[tuple[float, float, float]] = []

    def _stroke(self) -> Shape:
        return Shape("freehand", points=tuple(self._points), style=self.host.style())

    def press(self, pos: QPointF, pressure: float) -> None:
        self._points = [(*self._norm(pos), round(pressure, 3))]
        self._start = pos
        self._show(self._stroke())

    def move(self, pos: QPointF, pressure: float) -> None:
        if self._start is None:
            return
        self._points.append((*self._norm(pos), round(pressure, 3)))
        self._show(self._stroke())

    def release(self, pos: QPointF, pressure: float) -> None:
        if self._start is None:
            return
        if len(self._points) == 1 or self._points[-1][:2] != self._norm(pos):
            self._points.append((*self._norm(pos), round(pressure, 3)))
        shape = self._stroke()
        self._start = None
        self._points = []
        self.cancel()
        self.host.commit_shape(shape)


class TextTool(Tool):
    """A click asks for the text and places it there."""

    name = "text"
    cursor = Qt.CursorShape.IBeamCursor

    def release(self, pos: QPointF, pressure: float) -> None:
        text = self.host.ask_text()
        if text and text.strip():
            self.host.commit_shape(Shape("text", box=(*self._norm(pos), 0.0, 0.0), text=text.strip(),
                                         style=self.host.style()))


class EraserTool(Tool):
    """Deletes every shape it touches during one drag (one undo step)."""

    name = "eraser"
    cursor = Qt.CursorShape.PointingHandCursor

    def __init__(self, host: ToolHost) -> None:
        super().__init__(host)
        self._hit: dict[uuid.UUID, QGraphicsItem] = {}
        self._down = False

    def _rub(self, pos: QPointF) -> None:
        r = 8.0 * self.host.pixels_per_screen_pixel()
        path = QPainterPath()
        path.addEllipse(pos, r, r)
        for item in self.host.hit_items(path):
            key = getattr(item, "annotation_id", None)
            if key is not None and key not in self._hit:
                self._hit[key] = item
                item.setVisible(False)

    def press(self, pos: QPointF, pressure: float) -> None:
        self._down = True
        self._hit = {}
        self._rub(pos)

    def move(self, pos: QPointF, pressure: float) -> None:
        if self._down:
            self._rub(pos)

    def release(self, pos: QPointF, pressure: float) -> None:
        if not self._down:
            return
        self._rub(pos)
        self._down = False
        ids, self._hit = list(self._hit), {}
        if ids:
            self.host.erase(ids)


class LaserTool(Tool):
    """A glowing trail that fades within a second; nothing is stored."""

    name = "laser"
    cursor = Qt.CursorShape.CrossCursor

    def __init__(self, host: ToolHost, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(host)
        self._clock = clock
        self._trail: list[tuple[float, QPointF]] = []
        self._item: QGraphicsPathItem | None = None
        self._timer = QTimer()
        self._timer.setInterval(30)
        self._timer.timeout.connect(self._fade)

    def press(self, pos: QPointF, pressure: float) -> None:
        self._trail.append((self._clock(), pos))
        self._timer.start()
        self._draw()

    def move(self, pos: QPointF, pressure: float) -> None:
        if self._timer.isActive():
            self._trail.append((self._clock(), pos))
            self._draw()

    def release(self, pos: QPointF, pressure: float) -> None:
        self.move(pos, pressure)

    def trail_length(self) -> int:
        """Points still glowing."""
        return len(self._trail)

    def _fade(self) -> None:
        now = self._clock()
        self._trail = [(t, p) for t, p in self._trail if now - t < LASER_FADE_S]
        self._draw()
        if not self._trail:
            self._timer.stop()

    def _draw(self) -> None:
        if self._item is None:
            self._item = QGraphicsPathItem()
            self._item.setZValue(PREVIEW_Z + 1)
            w, h = self.host.image_size()
            pen = QPen(LASER, max(3.0, h * 0.006))
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            self._item.setPen(pen)
            self.host.scene.addItem(self._item)
        path = QPainterPath()
        for i, (_t, p) in enumerate(self._trail):
            if i == 0:
                path.moveTo(p)
            else:
                path.lineTo(p)
        self._item.setPath(path)
        if not self._trail:
            self.cancel()

    def cancel(self) -> None:
        self._trail = []
        self._timer.stop()
        if self._item is not None:
            self.host.scene.removeItem(self._item)
            self._item = None


TOOL_CLASSES: dict[str, type[Tool]] = {
    "hand": Tool, "select": SelectTool, "pen": PenTool, "line": LineTool, "arrow": ArrowTool,
    "rectangle": RectangleTool, "ellipse": EllipseTool, "text": TextTool, "eraser": EraserTool, "laser": LaserTool,
}

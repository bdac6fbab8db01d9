"""Drawing tools: each turns press/move/release in scene (image pixel) coordinates into shapes.

A tool never writes: it hands finished shapes (normalized) to its host, which shows and stores them.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QBrush, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsRectItem, QGraphicsScene

from horus_desktop.domain.records import Annotation
from horus_desktop.domain.shapes import Shape, Style
from horus_desktop.ui.annotate.items import build_item
from horus_desktop.ui.theme import LASER, SELECTION, SELECTION_GRIP_EDGE

PREVIEW_Z = 40.0
SELECTION_Z = 50.0
LASER_FADE_S = 0.7
HANDLE_PX = 9.0


class ToolHost(Protocol):
    """What tools use from the controller."""

    scene: QGraphicsScene

    def image_size(self) -> tuple[int, int]: ...
    def style(self) -> Style: ...
    def pixels_per_screen_pixel(self) -> float: ...
    def commit_shape(self, shape: Shape) -> None: ...
    def hit_items(self, path: QPainterPath) -> list[QGraphicsItem]: ...
    def erase(self, ids: list[uuid.UUID]) -> None: ...
    def ask_text(self) -> str | None: ...
    def selected_ids(self) -> list[uuid.UUID]: ...
    def select(self, ids: list[uuid.UUID]) -> None: ...
    def row(self, annotation_id: uuid.UUID) -> Annotation | None: ...
    def shape_of(self, row: Annotation) -> Shape: ...
    def edit_shapes(self, shapes: dict[uuid.UUID, Shape], text: str) -> None: ...


@dataclass(frozen=True)
class ToolSpec:
    """A tool as the palette shows it."""

    name: str
    label: str
    shortcut: str
    tip: str


TOOL_SPECS: tuple[ToolSpec, ...] = (
    ToolSpec("hand", "Hand", "H", "Pan and zoom, no drawing (H)"),
    ToolSpec("select", "Select", "V", "Select, move (drag), resize (corner handle), Delete removes (V)"),
    ToolSpec("pen", "Pen", "P", "Freehand pen; tablet pressure sets the width (P)"),
    ToolSpec("line", "Line", "N", "Straight line (N)"),
    ToolSpec("arrow", "Arrow", "A", "Arrow pointing where you release (A)"),
    ToolSpec("rectangle", "Rect", "R", "Rectangle (R)"),
    ToolSpec("ellipse", "Ellipse", "O", "Ellipse (O)"),
    ToolSpec("text", "Text", "Y", "Text label: click where it goes (Y)"),
    ToolSpec("eraser", "Eraser", "E", "Eraser: deletes the shapes it touches (E)"),
    ToolSpec("laser", "Laser", "Q", "Laser pointer: a fading trail, never stored (Q)"),
)


class Tool:
    """Base: does nothing."""

    name = "hand"
    cursor = Qt.CursorShape.ArrowCursor

    def __init__(self, host: ToolHost) -> None:
        self.host = host

    def press(self, pos: QPointF, pressure: float) -> None:
        """Button or pen down."""

    def move(self, pos: QPointF, pressure: float) -> None:
        """Dragging."""

    def release(self, pos: QPointF, pressure: float) -> None:
        """Button or pen up."""

    def cancel(self) -> None:
        """Drop whatever is in progress."""

    def _norm(self, pos: QPointF) -> tuple[float, float]:
        w, h = self.host.image_size()
        return (pos.x() / w, pos.y() / h)


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


TOOL_CLASSES: dict[str, type[Tool]] = {
    "hand": Tool, "select": SelectTool, "pen": PenTool, "line": LineTool, "arrow": ArrowTool,
    "rectangle": RectangleTool, "ellipse": EllipseTool, "text": TextTool, "eraser": EraserTool, "laser": LaserTool,
}


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


def annotation_fields(shape: Shape) -> dict[str, Any]:
    """The row fields a changed shape writes (geometry, style, text)."""
    fields = shape.row_fields()
    fields.pop("annotation_type")
    return fields

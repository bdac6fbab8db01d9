"""Drawn notes over the frame, read-only: one group item per layer above the image (z = 10 + layer order).

Rows are read with ``domain.shapes.shape_from_row`` (normalized coordinates, styles with width and font
size as fractions of the image height, ``hold`` frames); shape kind -> item builder through one lookup table.
Items keep their annotation id (``item.data(0)``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsItemGroup,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
)

from horus_desktop.domain.records import Annotation
from horus_desktop.domain.shapes import Shape, ShapeError, shape_from_row, shown_on

log = logging.getLogger(__name__)


def _relative(value: float, height: float) -> float:
    """A size stored as a fraction of the image height; values above 1 can only be pixels (older rows)."""
    return value if value > 1.0 else value * height


def _pen(shape: Shape, height: float) -> QPen:
    colour = QColor(shape.style.color)
    colour.setAlphaF(shape.style.opacity)
    pen = QPen(colour)
    pen.setWidthF(max(1.0, _relative(shape.style.width, height)))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _box(shape: Shape) -> QRectF:
    assert shape.box is not None
    return QRectF(*shape.box)


def _rectangle(shape: Shape, height: float) -> QGraphicsItem:
    item = QGraphicsRectItem(_box(shape))
    item.setPen(_pen(shape, height))
    return item


def _ellipse(shape: Shape, height: float) -> QGraphicsItem:
    item = QGraphicsEllipseItem(_box(shape))
    item.setPen(_pen(shape, height))
    return item


def _point(shape: Shape, height: float) -> QGraphicsItem:
    assert shape.box is not None
    r = max(4.0, height * 0.012)
    item = QGraphicsEllipseItem(QRectF(shape.box[0] - r, shape.box[1] - r, 2 * r, 2 * r))
    pen = _pen(shape, height)
    item.setPen(pen)
    item.setBrush(QBrush(pen.color()))
    return item


def _freehand(shape: Shape, height: float) -> QGraphicsItem:
    path = QPainterPath(QPointF(shape.points[0][0], shape.points[0][1]))
    for p in shape.points[1:]:
        path.lineTo(p[0], p[1])
    item = QGraphicsPathItem(path)
    item.setPen(_pen(shape, height))
    return item


def _line(shape: Shape, height: float, *, head: bool = False) -> QGraphicsItem:
    start = QPointF(shape.points[0][0], shape.points[0][1])
    end = QPointF(shape.points[-1][0], shape.points[-1][1])
    pen = _pen(shape, height)
    path = QPainterPath(start)
    path.lineTo(end)
    if head:
        back = QLineF(end, start)
        for angle in (25.0, -25.0):
            side = QLineF(back)
            side.setLength(max(10.0, pen.widthF() * 5))
            side.setAngle(back.angle() + angle)
            path.moveTo(end)
            path.lineTo(side.p2())
    item = QGraphicsPathItem(path)
    item.setPen(pen)
    return item


def _text(shape: Shape, height: float) -> QGraphicsItem:
    assert shape.box is not None
    item = QGraphicsSimpleTextItem(shape.text or "")
    font = QFont()
    font.setPixelSize(max(8, int(_relative(shape.style.font_size, height))))
    font.setBold(True)
    item.setFont(font)
    colour = QColor(shape.style.color)
    colour.setAlphaF(shape.style.opacity)
    item.setBrush(QBrush(colour))
    item.setPos(shape.box[0], shape.box[1])
    return item


SHAPE_ITEMS: dict[str, Callable[[Shape, float], QGraphicsItem]] = {
    "rectangle": _rectangle, "ellipse": _ellipse, "point": _point, "freehand": _freehand,
    "line": _line, "arrow": lambda s, h: _line(s, h, head=True), "text": _text,
}


class AnnotationOverlay:
    """Shows the shapes on screen at the current frame (held shapes included), grouped per layer."""

    def __init__(self, scene: QGraphicsScene) -> None:
        self._scene = scene
        self._rows: list[Annotation] = []
        self._groups: list[QGraphicsItemGroup] = []
        self._frame: int | None = None
        self._size = (1, 1)
        self.visible = True
        self.problems: list[str] = []

    def set_annotations(self, annotations: list[Annotation], image_size: tuple[int, int]) -> None:
        """All shapes of the media."""
        self._rows = [a for a in annotations if a.is_visible is not False]
        self._size = image_size
        frame, self._frame = self._frame, None
        if frame is not None:
            self.show_frame(frame)

    def frames(self) -> set[int]:
        """Frames where a shape starts."""
        return {a.frame_number for a in self._rows}

    def clear(self) -> None:
        """Remove every item."""
        for group in self._groups:
            self._scene.removeItem(group)
        self._groups = []

    def show_frame(self, frame: int) -> None:
        """Items for ``frame``."""
        if frame == self._frame:
            return
        self._frame = frame
        self.clear()
        if not self.visible:
            return
        width, height = self._size
        layers: dict[tuple[int, str], QGraphicsItemGroup] = {}
        for a in self._rows:
            if not shown_on(a.frame_number, a.style_properties, frame):
                continue
            try:
                shape = shape_from_row(a.annotation_type, a.coordinates, a.style_properties, a.content,
                                       image_size=self._size).to_pixels(width, height)
                item = SHAPE_ITEMS[shape.kind](shape, float(height))
            except (ShapeError, KeyError) as exc:
                self.problems.append(f"annotation {a.id}: {exc}")
                log.warning("annotation %s not drawn: %s", a.id, exc)
                continue
            item.setData(0, a.id)
            key = (a.layer_order or 0, a.layer_name or "default")
            group = layers.get(key)
            if group is None:
                group = QGraphicsItemGroup()
                group.setZValue(10 + key[0])
                self._scene.addItem(group)
                layers[key] = group
                self._groups.append(group)
            group.addToGroup(item)

    def set_visible(self, visible: bool) -> None:
        """Show or hide the drawings (hidden while B is shown alone: they belong to A)."""
        self.visible = visible
        for group in self._groups:
            group.setVisible(visible)
        if visible and not self._groups and self._frame is not None:
            frame, self._frame = self._frame, None
            self.show_frame(frame)

    def item_count(self) -> int:
        """Shapes on screen."""
        return sum(len(g.childItems()) for g in self._groups)

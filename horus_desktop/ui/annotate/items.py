"""One QGraphicsItem class per stored shape kind, chosen through one lookup table (``ITEM_CLASSES``).

Items are built from a shape in pixel coordinates of slot A's image and keep their row id
(``item.annotation_id`` and ``item.data(0)``) and the stored, normalized shape (``item.shape_norm``).
Sizes in styles are fractions of the image height (values above 1 are pixels, from older rows).
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from horus_desktop.domain.shapes import Shape
from horus_desktop.ui.theme import text_shade

HIT_MARGIN = 6.0


def relative(value: float, height: float) -> float:
    """A size stored as a fraction of the image height, in pixels (values above 1 already are)."""
    return value if value > 1.0 else value * height


def shape_pen(shape: Shape, height: float, *, opacity: float | None = None) -> QPen:
    """The stroke of a shape."""
    colour = QColor(shape.style.color)
    colour.setAlphaF(shape.style.opacity if opacity is None else opacity)
    pen = QPen(colour)
    pen.setWidthF(max(1.0, relative(shape.style.width, height)))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


class _ShapeItemMixin:
    """What every shape item carries: its row id and stored (normalized) shape."""

    KIND = ""
    annotation_id: uuid.UUID | None
    shape_norm: Shape | None

    def init_shape(self, annotation_id: uuid.UUID | None, shape_norm: Shape | None) -> None:
        """Remember the row this item draws."""
        self.annotation_id = annotation_id
        self.shape_norm = shape_norm
        self.setData(0, annotation_id)  # type: ignore[attr-defined]

    def outline(self) -> QPainterPath:
        """Where the item can be hit (eraser, select), in scene coordinates."""
        item: QGraphicsItem = self  # type: ignore[assignment]
        path = item.shape()
        stroker = QPainterPathStroker()
        stroker.setWidth(HIT_MARGIN)
        return item.sceneTransform().map(path.united(stroker.createStroke(path)))


class FreehandItem(_ShapeItemMixin, QGraphicsPathItem):
    """A pen stroke; with tablet pressure, each segment's width follows the pressure."""

    KIND = "freehand"

    def __init__(self, shape: Shape, height: float) -> None:
        super().__init__()
        path = QPainterPath(QPointF(shape.points[0][0], shape.points[0][1]))
        if len(shape.points) == 1:
            path.lineTo(shape.points[0][0] + 0.01, shape.points[0][1])
        for p in shape.points[1:]:
            path.lineTo(p[0], p[1])
        self.setPath(path)
        self.setPen(shape_pen(shape, height))
        self._points = shape.points
        self._pressured = any(len(p) > 2 and p[2] < 0.999 for p in shape.points)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if not self._pressured:
            super().paint(painter, option, widget)
            return
        pen = QPen(self.pen())
        base = pen.widthF()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for a, b in zip(self._points, self._points[1:], strict=False):
            pressure = (a[2] if len(a) > 2 else 1.0) * 0.5 + (b[2] if len(b) > 2 else 1.0) * 0.5
            pen.setWidthF(max(0.5, base * max(0.15, pressure)))
            painter.setPen(pen)
            painter.drawLine(QPointF(a[0], a[1]), QPointF(b[0], b[1]))


class LineItem(_ShapeItemMixin, QGraphicsPathItem):
    """A straight line between two points."""

    KIND = "line"
    HEAD = False

    def __init__(self, shape: Shape, height: float) -> None:
        super().__init__()
        start = QPointF(shape.points[0][0], shape.points[0][1])
        end = QPointF(shape.points[-1][0], shape.points[-1][1])
        pen = shape_pen(shape, height)
        path = QPainterPath(start)
        path.lineTo(end)
        if self.HEAD:
            back = QLineF(end, start)
            for angle in (25.0, -25.0):
                side = QLineF(back)
                side.setLength(max(10.0, pen.widthF() * 5))
                side.setAngle(back.angle() + angle)
                path.moveTo(end)
                path.lineTo(side.p2())
        self.setPath(path)
        self.setPen(pen)


class ArrowItem(LineItem):
    """A line with a head at its second point."""

    KIND = "arrow"
    HEAD = True


def _box(shape: Shape) -> QRectF:
    assert shape.box is not None
    return QRectF(*shape.box).normalized()


def _ring(rect_path: QPainterPath, pen: QPen) -> QPainterPath:
    stroker = QPainterPathStroker()
    stroker.setWidth(max(pen.widthF(), 1.0))
    return stroker.createStroke(rect_path)


class RectangleItem(_ShapeItemMixin, QGraphicsRectItem):
    """An outlined rectangle (hit on its outline only)."""

    KIND = "rectangle"

    def __init__(self, shape: Shape, height: float) -> None:
        super().__init__(_box(shape))
        self.setPen(shape_pen(shape, height))

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(self.rect())
        return _ring(path, self.pen())


class EllipseItem(_ShapeItemMixin, QGraphicsEllipseItem):
    """An outlined ellipse (hit on its outline only)."""

    KIND = "ellipse"

    def __init__(self, shape: Shape, height: float) -> None:
        super().__init__(_box(shape))
        self.setPen(shape_pen(shape, height))

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addEllipse(self.rect())
        return _ring(path, self.pen())


class PointItem(_ShapeItemMixin, QGraphicsEllipseItem):
    """A pin (a filled dot)."""

    KIND = "point"

    def __init__(self, shape: Shape, height: float) -> None:
        assert shape.box is not None
        r = max(4.0, height * 0.012)
        super().__init__(QRectF(shape.box[0] - r, shape.box[1] - r, 2 * r, 2 * r))
        pen = shape_pen(shape, height)
        self.setPen(pen)
        self.setBrush(QBrush(pen.color()))


class TextItem(_ShapeItemMixin, QGraphicsSimpleTextItem):
    """A text label, its top-left at the stored point; on a dark box so it reads on any plate."""

    KIND = "text"

    def __init__(self, shape: Shape, height: float) -> None:
        assert shape.box is not None
        super().__init__(shape.text or "")
        font = QFont()
        font.setPixelSize(max(8, int(relative(shape.style.font_size, height))))
        font.setBold(True)
        self.setFont(font)
        colour = QColor(shape.style.color)
        colour.setAlphaF(shape.style.opacity)
        self.setBrush(QBrush(colour))
        self.setPos(shape.box[0], shape.box[1])

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        shade = text_shade(self.brush().color().alphaF())
        painter.fillRect(self.boundingRect().adjusted(-3, -1, 3, 1), shade)
        super().paint(painter, option, widget)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(self.boundingRect())
        return path


ShapeItem = FreehandItem | LineItem | RectangleItem | EllipseItem | PointItem | TextItem

ITEM_CLASSES: dict[str, type[QGraphicsItem]] = {
    cls.KIND: cls for cls in (FreehandItem, LineItem, ArrowItem, RectangleItem, EllipseItem, PointItem, TextItem)
}


def build_item(shape_px: Shape, height: float, *, annotation_id: uuid.UUID | None = None,
               shape_norm: Shape | None = None) -> QGraphicsItem:
    """The item of a shape in pixel coordinates (KeyError for an unknown kind)."""
    item = ITEM_CLASSES[shape_px.kind](shape_px, height)  # type: ignore[call-arg]
    item.init_shape(annotation_id, shape_norm)  # type: ignore[attr-defined]
    return item


def is_shape_item(item: QGraphicsItem) -> bool:
    """True for items drawn from a stored shape."""
    return isinstance(item, _ShapeItemMixin) and getattr(item, "annotation_id", None) is not None

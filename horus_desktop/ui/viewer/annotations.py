"""Drawn notes over the frame, read-only: one group item per layer above the image (z = layer order).

Coordinates follow Horus's shape schema v1 (``{"v": 1, "kind": ..., "space": "normalized"|"pixels"}``):
rect/ellipse ``x y w h``, point ``x y``, arrow ``x1 y1 x2 y2``, stroke ``points``, text ``x y`` + content.
Shape type -> item builder through one lookup table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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

DEFAULT_COLOUR = "#ff4040"
Scale = tuple[float, float]


def _pen(style: dict[str, Any], scale: Scale) -> QPen:
    pen = QPen(QColor(style.get("color") or style.get("colour") or DEFAULT_COLOUR))
    pen.setWidthF(float(style.get("width", 3.0)))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _xy(c: dict[str, Any], kx: str, ky: str, scale: Scale) -> QPointF:
    return QPointF(float(c.get(kx, 0.0)) * scale[0], float(c.get(ky, 0.0)) * scale[1])


def _rect(c: dict[str, Any], scale: Scale) -> QRectF:
    return QRectF(float(c["x"]) * scale[0], float(c["y"]) * scale[1], float(c["w"]) * scale[0],
                  float(c["h"]) * scale[1])


def _rect_item(a: Annotation, c: dict[str, Any], scale: Scale) -> QGraphicsItem:
    item = QGraphicsRectItem(_rect(c, scale))
    item.setPen(_pen(a.style_properties or {}, scale))
    return item


def _ellipse_item(a: Annotation, c: dict[str, Any], scale: Scale) -> QGraphicsItem:
    item = QGraphicsEllipseItem(_rect(c, scale))
    item.setPen(_pen(a.style_properties or {}, scale))
    return item


def _point_item(a: Annotation, c: dict[str, Any], scale: Scale) -> QGraphicsItem:
    centre = _xy(c, "x", "y", scale)
    item = QGraphicsEllipseItem(QRectF(centre.x() - 8, centre.y() - 8, 16, 16))
    pen = _pen(a.style_properties or {}, scale)
    item.setPen(pen)
    item.setBrush(QBrush(pen.color()))
    return item


def _stroke_item(a: Annotation, c: dict[str, Any], scale: Scale) -> QGraphicsItem:
    points = [QPointF(float(p[0]) * scale[0], float(p[1]) * scale[1]) for p in c.get("points", [])]
    path = QPainterPath()
    if points:
        path.moveTo(points[0])
        for p in points[1:]:
            path.lineTo(p)
    item = QGraphicsPathItem(path)
    item.setPen(_pen(a.style_properties or {}, scale))
    return item


def _arrow_item(a: Annotation, c: dict[str, Any], scale: Scale) -> QGraphicsItem:
    start, end = _xy(c, "x1", "y1", scale), _xy(c, "x2", "y2", scale)
    pen = _pen(a.style_properties or {}, scale)
    path = QPainterPath(start)
    path.lineTo(end)
    line = QLineF(end, start)
    head = max(12.0, pen.widthF() * 5)
    for angle in (25.0, -25.0):
        side = QLineF(line)
        side.setLength(head)
        side.setAngle(line.angle() + angle)
        path.moveTo(end)
        path.lineTo(side.p2())
    item = QGraphicsPathItem(path)
    item.setPen(pen)
    return item


def _text_item(a: Annotation, c: dict[str, Any], scale: Scale) -> QGraphicsItem:
    style = a.style_properties or {}
    item = QGraphicsSimpleTextItem(a.content or c.get("text", ""))
    font = QFont()
    font.setPixelSize(int(style.get("font_size", 28)))
    font.setBold(True)
    item.setFont(font)
    item.setBrush(QBrush(QColor(style.get("color") or DEFAULT_COLOUR)))
    item.setPos(_xy(c, "x", "y", scale))
    return item


SHAPE_ITEMS: dict[str, Callable[[Annotation, dict[str, Any], Scale], QGraphicsItem]] = {
    "rectangle": _rect_item, "rect": _rect_item, "ellipse": _ellipse_item, "circle": _ellipse_item,
    "point": _point_item, "pin": _point_item, "freehand": _stroke_item, "stroke": _stroke_item,
    "pen": _stroke_item, "arrow": _arrow_item, "text": _text_item,
}


class AnnotationOverlay:
    """Shows the shapes of the current frame, grouped per layer."""

    def __init__(self, scene: QGraphicsScene) -> None:
        self._scene = scene
        self._by_frame: dict[int, list[Annotation]] = {}
        self._groups: list[QGraphicsItemGroup] = []
        self._frame: int | None = None
        self._size = (1, 1)
        self.visible = True

    def set_annotations(self, annotations: list[Annotation], image_size: tuple[int, int]) -> None:
        """All shapes of the media (grouped by frame here)."""
        self._by_frame = {}
        for a in annotations:
            if a.is_visible is not False:
                self._by_frame.setdefault(a.frame_number, []).append(a)
        self._size = image_size
        frame, self._frame = self._frame, None
        if frame is not None:
            self.show_frame(frame)

    def frames(self) -> set[int]:
        """Frames with drawings."""
        return set(self._by_frame)

    def clear(self) -> None:
        """Remove every item."""
        for group in self._groups:
            self._scene.removeItem(group)
        self._groups = []

    def show_frame(self, frame: int) -> None:
        """Items for ``frame`` (nothing when it has none)."""
        if frame == self._frame:
            return
        self._frame = frame
        self.clear()
        if not self.visible:
            return
        layers: dict[tuple[int, str], QGraphicsItemGroup] = {}
        for a in self._by_frame.get(frame, []):
            c = a.coordinates if isinstance(a.coordinates, dict) else {}
            scale = (float(self._size[0]), float(self._size[1])) if c.get("space", "normalized") == "normalized" \
                else (1.0, 1.0)
            builder = SHAPE_ITEMS.get(a.annotation_type) or SHAPE_ITEMS.get(str(c.get("kind")))
            if builder is None:
                continue
            try:
                item = builder(a, c, scale)
            except (KeyError, TypeError, ValueError):
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

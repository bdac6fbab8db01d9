"""The playhead: a vertical line over every track that the user drags; fixed width at any zoom."""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsSceneMouseEvent, QStyleOptionGraphicsItem, QWidget

from horus_desktop.ui import theme
from horus_desktop.ui.timeline.items import Z_PLAYHEAD

GRAB_PX = 5


class PlayheadItem(QGraphicsItem):
    """At scene x = the current frame; dragging it calls ``on_drag(frame)`` (the view seeks the viewer)."""

    def __init__(self, on_drag: Callable[[int], None]) -> None:
        super().__init__()
        self.on_drag = on_drag
        self.height = 100.0
        self.setZValue(Z_PLAYHEAD)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setCursor(Qt.CursorShape.SizeHorCursor)
        self.setToolTip("Playhead: drag to scrub")

    @property
    def frame(self) -> int:
        """The frame the playhead is on."""
        return round(self.x())

    def set_frame(self, frame: int) -> None:
        """Move to ``frame`` (no signal)."""
        if frame != self.x():
            self.setX(frame)

    def set_height(self, height: float) -> None:
        """Span every track."""
        if height != self.height:
            self.prepareGeometryChange()
            self.height = height

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return QRectF(-GRAB_PX, 0, 2 * GRAB_PX, self.height)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,  # noqa: D102
              widget: QWidget | None = None) -> None:
        pen = QPen(theme.PLAYHEAD, 1.5)
        painter.setPen(pen)
        painter.drawLine(QPointF(0, 0), QPointF(0, self.height))

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            event.accept()
        else:
            event.ignore()

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802 - Qt override
        self.on_drag(max(0, math.floor(event.scenePos().x())))

"""The items on the viewer's scene: one frame layer per slot (A, B) drawn at z=0, and the A/B wipe handle."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QFont, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from horus_desktop.media.colour import GpuShaderRecipe
from horus_desktop.playback.session import ShownFrame
from horus_desktop.ui import theme

if TYPE_CHECKING:  # numpy loads in the functions that use it: the window shows before it is imported
    import numpy as np

    from horus_desktop.ui.viewer.view import ViewerView

PLACEHOLDER_SIZE = (960, 540)


@dataclass
class LayerState:
    """What one slot (A or B) shows: its current frame and how to colour it."""

    item: ShownFrame | None = None
    recipe: GpuShaderRecipe | None = None
    size: tuple[int, int] | None = None


class FrameLayerItem(QGraphicsItem):
    """One slot's frame at z=0: paints the CPU image or a placeholder; on GL the background draws it."""

    def __init__(self, slot: str, view: ViewerView) -> None:
        super().__init__()
        self.slot = slot
        self._view = view
        self.state = LayerState()
        self.clip: QRectF | None = None
        self.setZValue(0)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def image_size(self) -> tuple[int, int]:
        """Width and height of what this layer shows (a placeholder size before any frame)."""
        return self.state.size or PLACEHOLDER_SIZE

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        w, h = self.image_size()
        return QRectF(0, 0, w, h)

    def set_state(self, state: LayerState) -> None:
        """Show another frame."""
        if state.size != self.state.size:
            self.prepareGeometryChange()
        self.state = state
        self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        item = self.state.item
        rect = self.boundingRect()
        painter.save()
        if self.clip is not None:
            painter.setClipRect(self.clip.translated(-self.pos()))
        if item is None or item.pixels is None:
            painter.fillRect(rect, theme.FRAME_MISSING_FILL)
            painter.setPen(QPen(theme.FRAME_MISSING_EDGE, 2))
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
            if item is not None:
                painter.drawLine(rect.topLeft(), rect.bottomRight())
                painter.drawLine(rect.topRight(), rect.bottomLeft())
            font = QFont()
            font.setPixelSize(max(12, int(rect.height() / 24)))
            painter.setFont(font)
            painter.setPen(theme.FRAME_MESSAGE_TEXT)
            text = (item.error or "") if item is not None else "Loading..."
            painter.fillRect(rect.adjusted(rect.width() * 0.1, rect.height() * 0.42, -rect.width() * 0.1,
                                           -rect.height() * 0.42), theme.FRAME_MESSAGE_BACK)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
        elif not self._view.uses_gl:
            pixels = self._view.blended_pixels() if self.slot == "A" else None
            image = _qimage(item.pixels if pixels is None else pixels)
            if image is not None:
                if item.scale > 1 and pixels is None:  # reduced for the view: over the whole image rect
                    painter.setClipRect(rect, Qt.ClipOperation.IntersectClip)
                    painter.scale(item.scale, item.scale)
                painter.drawImage(QPointF(0, 0), image)
        painter.restore()


class WipeHandleItem(QGraphicsItem):
    """The draggable divider of the A/B wipe (A left of it, B right)."""

    def __init__(self, view: ViewerView) -> None:
        super().__init__()
        self._view = view
        self.height = float(PLACEHOLDER_SIZE[1])
        self.setZValue(50)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges, True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, False)
        self.setCursor(Qt.CursorShape.SplitHCursor)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        grip = 50.0 / max(self._view.transform().m11(), 1e-3)
        return QRectF(-grip, 0, 2 * grip, self.height)

    def shape(self) -> QPainterPath:
        grip = 10.0 / max(self._view.transform().m11(), 1e-3)
        path = QPainterPath()
        path.addRect(QRectF(-grip, 0, 2 * grip, self.height))
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        pen = QPen(theme.WIPE_HANDLE, 0)
        pen.setCosmetic(True)
        pen.setWidth(2)
        painter.setPen(pen)
        painter.drawLine(QPointF(0, 0), QPointF(0, self.height))
        scale = max(self._view.transform().m11(), 1e-3)
        r = 9.0 / scale
        painter.setBrush(QBrush(theme.WIPE_HANDLE))
        painter.drawEllipse(QPointF(0, self.height / 2), r, r)
        font = QFont()
        font.setPixelSize(max(1, int(16 / scale)))
        font.setBold(True)
        painter.setFont(font)
        gap = 8.0 / scale
        box = 40.0 / scale
        painter.drawText(QRectF(-gap - box, gap, box, box), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, "A")
        painter.drawText(QRectF(gap, gap, box, box), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, "B")

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object) -> object:  # noqa: N802
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionChange and isinstance(value, QPointF):
            width = self._view.layer("A").image_size()[0]
            return QPointF(min(max(value.x(), 0.0), float(width)), 0.0)
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            self._view.wipe_moved()
        return super().itemChange(change, value)


def _qimage(pixels: np.ndarray) -> QImage | None:
    import numpy as np
    if pixels.dtype != np.uint8 or pixels.ndim != 3:
        return None
    h, w, c = pixels.shape
    fmt = {3: QImage.Format.Format_RGB888, 4: QImage.Format.Format_RGBA8888}.get(c)
    if fmt is None:
        return None
    return QImage(pixels.data, w, h, w * c, fmt)

"""Frames with their drawings burned in, drawn by the viewer's own items (no second drawing code).

A :class:`FrameBurner` holds one off-screen scene laid out as the viewer's: the slot-A frame layer
(``FrameLayerItem``: the frame, or the viewer's "cannot show this frame" card on a neutral background) and the
annotation canvas (``AnnotationCanvas``: one item class per shape kind, held shapes included). Rendering that
scene at the image's size gives the same pixels as the viewer's own render of its scene at that size.

Qt needs this on the thread that owns the application (the UI thread, or the CLI's main thread); one frame
takes a few milliseconds, so a job composes frame by frame between events (see ui/reports/export_job.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QImage, QPainter
from PySide6.QtWidgets import QGraphicsScene

from horus_desktop.domain.records import Annotation, AnnotationLayer
from horus_desktop.playback.session import ShownFrame
from horus_desktop.ui import theme
from horus_desktop.ui.annotate.canvas import AnnotationCanvas
from horus_desktop.ui.viewer.view_items import FrameLayerItem, LayerState


class _CpuViewFacts:
    """What a frame layer asks of its view: the CPU path, no A/B blend (a report shows one frame)."""

    uses_gl = False

    def blended_pixels(self) -> np.ndarray | None:
        """No blend."""
        return None


class FrameBurner:
    """Draws frames with their drawings, as the viewer shows them, onto images."""

    def __init__(self) -> None:
        self.scene = QGraphicsScene()
        self._layer = FrameLayerItem("A", _CpuViewFacts())  # type: ignore[arg-type]
        self.scene.addItem(self._layer)
        self.canvas = AnnotationCanvas(self.scene)

    def render(self, shown: ShownFrame, size: tuple[int, int], drawings: Sequence[Annotation],
               layers: Sequence[AnnotationLayer] = (), *, slate: str | None = None) -> QImage:
        """The frame ``shown`` (or its problem card) at ``size`` with ``drawings`` on screen at its frame
        (hidden layers stay hidden); an optional slate line under the image."""
        width, height = size
        media = {d.media_id for d in drawings}
        self.canvas.set_media(next(iter(media)) if len(media) == 1 else None, size)
        self.canvas.set_layers(list(layers))
        self.canvas.set_annotations(list(drawings), size)
        self.canvas.show_frame(shown.frame)
        self.canvas.refresh()
        self._layer.set_state(LayerState(shown, None, size))
        slate_height = max(24, height // 24) if slate else 0
        image = QImage(width, height + slate_height, QImage.Format.Format_RGB32)
        image.fill(theme.BURN_IN_BACKGROUND)
        painter = QPainter(image)
        self.scene.render(painter, QRectF(0, 0, width, height), QRectF(0, 0, width, height),
                          Qt.AspectRatioMode.IgnoreAspectRatio)
        if slate:
            _draw_slate(painter, QRectF(0, height, width, slate_height), slate)
        painter.end()
        return image

    def problems(self) -> list[str]:
        """Shapes that could not be drawn (unreadable coordinates), as the viewer logs them."""
        return list(self.canvas.problems)


def _draw_slate(painter: QPainter, rect: QRectF, text: str) -> None:
    painter.fillRect(rect, theme.BURN_IN_BACKGROUND)
    font = QFont("DejaVu Sans")
    font.setPixelSize(max(10, int(rect.height() * 0.6)))
    painter.setFont(font)
    painter.setPen(theme.BURN_IN_SLATE_TEXT)
    painter.drawText(rect.adjusted(8, 0, -8, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)


def qimage_pixels(image: QImage) -> np.ndarray:
    """An image's pixels as HxWx3 uint8 RGB (a copy), for saving or comparing."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    h, w = rgb.height(), rgb.width()
    buffer = np.frombuffer(rgb.constBits(), np.uint8, count=rgb.bytesPerLine() * h).reshape(h, rgb.bytesPerLine())
    return buffer[:, : w * 3].reshape(h, w, 3).copy()

"""The ruler above the tracks: ticks in frames, labels in frames and timecode, the playhead's handle.

Painted in viewport pixels by the track view (it stays at the top while the tracks scroll).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Protocol

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QWidget

from horus_desktop.domain.timecode import frame_to_timecode
from horus_desktop.ui import theme
from horus_desktop.ui.timeline import style

_STEPS = (1, 2, 5, 10, 12, 24, 48, 120, 240, 480, 720, 1440, 2880, 7200, 14400, 43200, 86400)
LABEL_SPACING_PX = 110


def label_step(px_per_frame: float, rate: Fraction) -> int:
    """Frames between labelled ticks so labels sit at least ``LABEL_SPACING_PX`` apart."""
    fps = max(1, round(float(rate)))
    steps = sorted({*_STEPS, fps, fps * 2, fps * 5, fps * 10, fps * 30, fps * 60})
    for step in steps:
        if step * px_per_frame >= LABEL_SPACING_PX:
            return step
    return steps[-1]


def tick_labels(first: int, last: int, px_per_frame: float, rate: Fraction) -> list[tuple[int, str]]:
    """(frame, "frame  timecode") of every labelled tick between ``first`` and ``last``."""
    step = label_step(px_per_frame, rate)
    start = max(0, (first // step) * step)
    return [(f, f"{f}  {frame_to_timecode(f, rate)}") for f in range(start, last + 1, step)]


def paint_ruler(painter: QPainter, width: int, *, frame_at: float, px_per_frame: float, rate: Fraction,
                playhead: int | None, x_of: Callable[[int], float]) -> None:
    """Paint the ruler across ``width`` viewport pixels; ``x_of(frame)`` maps a frame to a viewport x."""
    height = style.RULER_HEIGHT
    painter.fillRect(QRectF(0, 0, width, height), theme.RULER_BACKGROUND)
    first = max(0, int(frame_at))
    last = int(frame_at + width / max(px_per_frame, 1e-6)) + 1
    step = label_step(px_per_frame, rate)
    minor = max(1, step // 5 if step % 5 == 0 else step // 4 if step % 4 == 0 else step // 2 or 1)
    pen = QPen(theme.RULER_TICK)
    pen.setCosmetic(True)
    painter.setPen(pen)
    if minor * px_per_frame >= 4:
        start = max(0, (first // minor) * minor)
        for f in range(start, last + 1, minor):
            x = x_of(f)
            painter.drawLine(QPointF(x, height - 6), QPointF(x, height))
    font = QFont(painter.font())
    font.setPointSizeF(8.0)
    painter.setFont(font)
    for f, text in tick_labels(first, last, px_per_frame, rate):
        x = x_of(f)
        painter.setPen(pen)
        painter.drawLine(QPointF(x, height - 14), QPointF(x, height))
        painter.setPen(theme.RULER_TEXT)
        painter.drawText(QRectF(x + 3, 2, LABEL_SPACING_PX, height - 14),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
    painter.setPen(theme.GAP_OUTLINE)
    painter.drawLine(QPointF(0, height - 0.5), QPointF(width, height - 0.5))
    if playhead is not None:
        x = x_of(playhead)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(theme.PLAYHEAD)
        painter.drawPolygon(QPolygonF([QPointF(x - 6, height - 12), QPointF(x + 6, height - 12),
                                       QPointF(x, height)]))
        painter.setPen(theme.PLAYHEAD)
        painter.drawText(QRectF(x + 8, height - 14, 140, 13), Qt.AlignmentFlag.AlignLeft,
                         f"{playhead}  {frame_to_timecode(playhead, rate)}")


class RulerWidget(QWidget):
    """The ruler strip above the track view's viewport; click or drag in it to move the playhead."""

    def __init__(self, view: TrackViewLike, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.setObjectName("timelineRuler")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Click or drag to move the playhead")

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        view = self.view
        paint_ruler(painter, self.width(), frame_at=view.frame_at_x(0), px_per_frame=view.px_per_frame,
                    rate=view.rate, playhead=view.playhead_frame(), x_of=view.x_of_frame)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            self.view.user_seek(math.floor(self.view.frame_at_x(event.position().x())))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.view.user_seek(math.floor(self.view.frame_at_x(event.position().x())))


class TrackViewLike(Protocol):
    """What the ruler needs from the track view."""

    px_per_frame: float
    rate: Fraction

    def frame_at_x(self, x: float) -> float: ...
    def x_of_frame(self, frame: int) -> float: ...
    def playhead_frame(self) -> int | None: ...
    def user_seek(self, frame: int) -> None: ...

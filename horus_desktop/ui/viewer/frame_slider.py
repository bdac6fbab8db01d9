"""The frame slider: playhead, in/out range and the cache bar (which frames are decoded) in one strip."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from horus_desktop.ui import theme


class FrameSlider(QWidget):
    """Click or drag to seek; draws source frame numbers' range, in/out and cached frames."""

    sig_seek = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("frameSlider")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(26)
        self.setMouseTracking(False)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._first, self._last = 1, 1
        self._value = 1
        self._in_out: tuple[int, int] | None = None
        self._cached: frozenset[int] = frozenset()
        self._marks: frozenset[int] = frozenset()
        self._note_marks: frozenset[int] = frozenset()
        self.has_media = False

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(400, 26)

    # --- state -----------------------------------------------------------------------------------
    def set_range(self, first: int, last: int) -> None:
        """Frame numbers of the media (as on disk)."""
        self.has_media = True
        self._first, self._last = first, max(first, last)
        self._value = min(max(self._value, self._first), self._last)
        self.update()

    def frame_range(self) -> tuple[int, int]:
        """(first, last)."""
        return (self._first, self._last)

    def value(self) -> int:
        """The playhead frame."""
        return self._value

    def set_value(self, frame: int) -> None:
        """Move the playhead (no signal)."""
        if frame != self._value:
            self._value = frame
            self.update()

    def set_in_out(self, in_out: tuple[int, int] | None) -> None:
        """The in/out range (None: the whole media)."""
        self._in_out = in_out
        self.update()

    def set_cached(self, frames: set[int] | frozenset[int]) -> None:
        """Frames in the cache."""
        frames = frozenset(frames)
        if frames != self._cached:
            self._cached = frames
            self.update()

    def cached(self) -> frozenset[int]:
        """Frames drawn as cached."""
        return self._cached

    def set_marks(self, frames: set[int] | frozenset[int]) -> None:
        """Frames with notes or drawings (ticks above the track)."""
        self._marks = frozenset(frames)
        self.update()

    def set_note_marks(self, frames: set[int] | frozenset[int]) -> None:
        """Frames with notes (blue ticks below the track)."""
        self._note_marks = frozenset(frames)
        self.update()

    def marks(self) -> tuple[frozenset[int], frozenset[int]]:
        """(frames with drawings, frames with notes)."""
        return (self._marks, self._note_marks)

    # --- geometry --------------------------------------------------------------------------------
    def _x_of(self, frame: float) -> float:
        span = max(1, self._last - self._first + 1)
        return 4 + (frame - self._first) * (self.width() - 8) / span

    def frame_at(self, x: float) -> int:
        """The frame under an x position."""
        span = max(1, self._last - self._first + 1)
        frame = self._first + int((x - 4) * span / max(1, self.width() - 8))
        return min(max(frame, self._first), self._last)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton and self.has_media:
            self._seek_to(event.position().x())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.buttons() & Qt.MouseButton.LeftButton and self.has_media:
            self._seek_to(event.position().x())

    def _seek_to(self, x: float) -> None:
        frame = self.frame_at(x)
        self.set_value(frame)
        self.sig_seek.emit(frame)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        pal = self.palette()
        h = self.height()
        track = QRectF(4, 8, self.width() - 8, h - 14)
        painter.fillRect(track, pal.color(QPalette.ColorRole.Base))
        if not self.has_media:
            painter.end()
            return
        if self._in_out is not None:
            x0, x1 = self._x_of(self._in_out[0]), self._x_of(self._in_out[1] + 1)
            painter.fillRect(QRectF(x0, track.top(), x1 - x0, track.height()), theme.SLIDER_IN_OUT)
        cache_colour = theme.SLIDER_CACHED
        cache_y = track.bottom() - 3
        for start, end in _runs(sorted(self._cached)):
            x0, x1 = self._x_of(start), self._x_of(end + 1)
            painter.fillRect(QRectF(x0, cache_y, max(1.0, x1 - x0), 3), cache_colour)
        painter.setPen(theme.SLIDER_DRAWING_MARK)
        for frame in self._marks:
            x = self._x_of(frame + 0.5)
            painter.drawLine(int(x), 2, int(x), 7)
        painter.setPen(theme.SLIDER_NOTE_MARK)
        for frame in self._note_marks:
            x = self._x_of(frame + 0.5)
            painter.drawLine(int(x), h - 6, int(x), h - 1)
        x0, x1 = self._x_of(self._value), self._x_of(self._value + 1)
        painter.fillRect(QRectF(x0, 2, max(2.0, x1 - x0), h - 4), pal.color(QPalette.ColorRole.Highlight))
        painter.end()


def _runs(frames: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for f in frames:
        if runs and f == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], f)
        else:
            runs.append((f, f))
    return runs

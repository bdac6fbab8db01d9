"""The media title above the image: elided in the middle to the width it gets, the full text as tooltip, and
the row it shares with the layer and compare controls (two lines on a narrow viewer)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QWidget

MIN_TITLE_WIDTH = 80


class ElidedTitle(QLabel):
    """A one-line label that never overflows: a long name is shown as "start…end" and never overlaps its
    neighbours (it takes what the layout gives it, down to MIN_TITLE_WIDTH)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(MIN_TITLE_WIDTH)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.setText(text)

    def full_text(self) -> str:
        """The whole title, as set."""
        return self._full

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        """Show ``text``, elided to the current width; the tooltip holds all of it."""
        self._full = text
        self.setToolTip(text)
        self._elide()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + 8, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(MIN_TITLE_WIDTH, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = max(0, self.contentsRect().width())
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle, room)
        if shown != super().text():
            super().setText(shown)


class TitleRow(QWidget):
    """The title and the controls beside it (layer, compare, B). On a narrow viewer the title takes a line of
    its own above the controls, so it is never squeezed to a few letters; on a wide one they share a line."""

    def __init__(self, title: ElidedTitle, controls: list[tuple[QWidget, int]], *, wrap_below: int = 720,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.wrap_below = wrap_below
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(6, 2, 6, 2)
        self._grid.setVerticalSpacing(2)
        self._controls = QWidget()
        row = QHBoxLayout(self._controls)
        row.setContentsMargins(0, 0, 0, 0)
        for widget, stretch in controls:
            row.addWidget(widget, stretch)
        self._wrapped: bool | None = None
        self._place(False)

    def is_wrapped(self) -> bool:
        """True when the title is on a line of its own."""
        return bool(self._wrapped)

    def _place(self, wrapped: bool) -> None:
        if wrapped == self._wrapped:
            return
        self._wrapped = wrapped
        self._grid.removeWidget(self.title)
        self._grid.removeWidget(self._controls)
        if wrapped:
            self._grid.addWidget(self.title, 0, 0)
            self._grid.addWidget(self._controls, 1, 0)
            self._grid.setColumnStretch(0, 1)
            self._grid.setColumnStretch(1, 0)
        else:
            self._grid.addWidget(self.title, 0, 0)
            self._grid.addWidget(self._controls, 0, 1)
            self._grid.setColumnStretch(0, 1)
            self._grid.setColumnStretch(1, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        self._place(event.size().width() < self.wrap_below)
        super().resizeEvent(event)

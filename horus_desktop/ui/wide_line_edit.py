"""A line edit at least as wide as a given text, measured in the font and style it is shown with."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLineEdit, QStyle, QStyleOptionFrame, QWidget


class WideLineEdit(QLineEdit):
    """A ``QLineEdit`` whose size hints hold ``fit`` whole (a placeholder saying what empty means, a long name).

    Qt sizes a line edit for 17 "x" whatever it is for; the app's stylesheet font and padding reach a widget only
    when it is shown, so the width is measured each time Qt asks (a font or style change asks again), not once.
    """

    def __init__(self, text: str = "", fit: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._fit = fit

    def _widened(self, hint: QSize) -> QSize:
        option = QStyleOptionFrame()
        self.initStyleOption(option)
        margins, metrics = self.textMargins(), self.fontMetrics()
        # As QLineEdit lays its text out inside the frame and the stylesheet's padding: 2 + 2 pixels of its own
        # margins, the font's overhanging glyphs each side (it elides a placeholder by them) and the pixel it adds.
        bearings = max(0, -metrics.minLeftBearing()) + max(0, -metrics.minRightBearing()) + 1
        inner = metrics.horizontalAdvance(self._fit) + 4 + bearings + margins.left() + margins.right()
        outer = self.style().sizeFromContents(QStyle.ContentsType.CT_LineEdit, option, QSize(inner, hint.height()),
                                              self)
        return QSize(max(hint.width(), outer.width()), hint.height())

    def sizeHint(self) -> QSize:  # noqa: D102, N802 - Qt override
        return self._widened(super().sizeHint())

    def minimumSizeHint(self) -> QSize:  # noqa: D102, N802 - Qt override
        return self._widened(super().minimumSizeHint())

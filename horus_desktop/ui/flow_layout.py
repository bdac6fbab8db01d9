"""A row of controls that wraps onto more lines when its panel is narrow (a laptop screen, a narrow dock),
instead of making the whole window wider than the screen. On a wide panel it is one line, like QHBoxLayout,
with the spare width given to the items added with a stretch."""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QSizePolicy, QSpacerItem, QWidget, QWidgetItem


class FlowLayout(QLayout):
    """Items left to right at their preferred width, wrapped to a new line when the next one does not fit."""

    def __init__(self, parent: QWidget | None = None, *, spacing: int = 6, line_spacing: int = 2) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._stretch: list[int] = []
        self._line_spacing = line_spacing
        self.setSpacing(spacing)

    # --- QHBoxLayout-like building ------------------------------------------------------------------
    def addWidget(self, widget: QWidget, stretch: int = 0) -> None:  # noqa: N802 - QBoxLayout's name
        """Append a widget; ``stretch`` > 0 shares the spare width of its line."""
        self.insertWidget(len(self._items), widget, stretch)

    def insertWidget(self, index: int, widget: QWidget, stretch: int = 0) -> None:  # noqa: N802
        """Insert a widget at ``index``."""
        self.addChildWidget(widget)
        self._insert(index, QWidgetItem(widget), stretch)

    def addSpacing(self, size: int) -> None:  # noqa: N802
        """A fixed gap (dropped at the start of a line)."""
        self._insert(len(self._items), QSpacerItem(size, 0, QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum), 0)

    def addStretch(self, stretch: int = 1) -> None:  # noqa: N802
        """Spare width of its line goes here (pushes the following items right)."""
        self._insert(len(self._items), QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum),
                     max(stretch, 1))

    def _insert(self, index: int, item: QLayoutItem, stretch: int) -> None:
        index = max(0, min(index, len(self._items)))
        self._items.insert(index, item)
        self._stretch.insert(index, stretch)
        self.invalidate()

    # --- QLayout -----------------------------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt override
        self._insert(len(self._items), item, 0)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        if not 0 <= index < len(self._items):
            return None
        self._stretch.pop(index)
        item = self._items.pop(index)
        self.invalidate()
        return item

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt override
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt override
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Everything on one line."""
        shown = self._shown()
        width = sum(self._hint(item).width() for item, _s in shown) + self.spacing() * max(len(shown) - 1, 0)
        height = max((self._hint(item).height() for item, _s in shown), default=0)
        return QSize(width, height).grownBy(self.contentsMargins())

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt override
        """As narrow as the widest single item and one line tall: the lines a narrow width needs come from
        heightForWidth, taken from a stretching neighbour (the image), so the window's minimum stays small."""
        margins = self.contentsMargins()
        shown = self._shown()
        width = max((item.minimumSize().width() for item, _s in shown), default=0)
        height = max((self._hint(item).height() for item, _s in shown), default=0)
        return QSize(width, height).grownBy(margins)

    # --- placement ---------------------------------------------------------------------------------
    def _shown(self) -> list[tuple[QLayoutItem, int]]:
        return [(item, stretch) for item, stretch in zip(self._items, self._stretch, strict=True)
                if not item.isEmpty() or isinstance(item, QSpacerItem)]

    @staticmethod
    def _hint(item: QLayoutItem) -> QSize:
        return item.sizeHint().expandedTo(item.minimumSize())

    def _lines(self, width: int) -> list[list[tuple[QLayoutItem, int, int]]]:
        """Items per line as (item, stretch, width), each width within the line."""
        lines: list[list[tuple[QLayoutItem, int, int]]] = [[]]
        used = 0
        for item, stretch in self._shown():
            line = lines[-1]
            wanted = min(self._hint(item).width(), width)
            gap = self.spacing() if line else 0
            if line and used + gap + wanted > width:
                lines.append([])
                line, used, gap = lines[-1], 0, 0
            if not line and isinstance(item, QSpacerItem):
                continue  # a gap or a stretch has nothing to separate at the start of a line
            line.append((item, stretch, wanted))
            used += gap + wanted
        return [line for line in lines if line]

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        margins: QMargins = self.contentsMargins()
        inner = rect.marginsRemoved(margins)
        width = max(inner.width(), 1)
        y = inner.y()
        lines = self._lines(width)
        for number, line in enumerate(lines):
            height = max(self._hint(item).height() for item, _s, _w in line)
            spare = width - sum(w for _i, _s, w in line) - self.spacing() * (len(line) - 1)
            total_stretch = sum(s for _i, s, _w in line)
            x = inner.x()
            for item, stretch, item_width in line:
                extra = spare * stretch // total_stretch if total_stretch and spare > 0 else 0
                w = item_width + extra
                if apply:
                    h = min(self._hint(item).height(), height) if not item.expandingDirections() & \
                        Qt.Orientation.Vertical else height
                    item.setGeometry(QRect(QPoint(x, y + (height - h) // 2), QSize(w, h)))
                x += w + self.spacing()
            y += height + (self._line_spacing if number < len(lines) - 1 else 0)
        return y - inner.y() + margins.top() + margins.bottom()

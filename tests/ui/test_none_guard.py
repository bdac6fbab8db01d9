"""PySide6 6.12 drops a reference to None per Python override call; the guard keeps None alive."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QWidget

from horus_desktop.ui.none_guard import LOW_WATER, top_up_none_refcount


class _Painted(QWidget):
    def paintEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        return None


def test_none_survives_many_override_calls(qtbot) -> None:
    widget = _Painted()
    qtbot.addWidget(widget)
    widget.show()
    for _ in range(2000):
        widget.repaint()
    if sys.version_info < (3, 12):
        assert sys.getrefcount(None) > LOW_WATER // 2
        top_up_none_refcount()
        assert sys.getrefcount(None) >= LOW_WATER

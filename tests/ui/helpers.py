"""Helpers shared by the widget tests."""

from __future__ import annotations

from typing import Any

import numpy as np

from horus_desktop.demo.frames import read_frame_code


def wait_rows(qtbot, window, count: int | None = None, timeout: int = 15000) -> None:  # noqa: ANN001
    """Wait until the browser model has loaded (``count`` rows when given)."""
    model = window.browser.model

    def loaded() -> None:
        assert not model.is_loading
        if count is None:
            assert model.rowCount() > 0
        else:
            assert model.rowCount() == count

    qtbot.waitUntil(loaded, timeout=timeout)


def open_row(qtbot: Any, window: Any, predicate: Any) -> Any:
    """Select and open (Return) the first row whose record matches; wait for its first frame."""
    model = window.browser.model
    for row in range(model.rowCount()):
        record = model.record(row)
        if predicate(record):
            window.browser.select_row(row)
            window.actions_by_name["open_selected"].trigger()
            qtbot.waitUntil(lambda: window.viewer.shown_frame() is not None
                            and window.viewer.view.layer("A").state.item.pixels is not None, timeout=15000)
            return record
    raise AssertionError("no such media in the browser")


def shown_code(window: Any, slot: str = "A") -> int:
    """The frame number burned into the image on screen in a slot (read from its pixels)."""
    item = window.viewer.view.layer(slot).state.item
    assert item is not None and item.pixels is not None
    return read_frame_code(np.asarray(item.pixels))


def reads_whole(field: Any, text: str) -> bool:
    """Whether a shown QLineEdit draws ``text`` (its text or placeholder) whole, as its paintEvent elides it:
    inside the style's contents rectangle, less Qt's 2-pixel margins each side and the font's left overhang."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QStyle, QStyleOptionFrame

    option = QStyleOptionFrame()
    field.initStyleOption(option)
    metrics = field.fontMetrics()
    room = (field.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, field).width() - 4
            - max(0, -metrics.minLeftBearing()))
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, room) == text

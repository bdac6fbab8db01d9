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

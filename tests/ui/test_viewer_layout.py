"""The row above the image: a long media title is elided in the middle, never cut off or overlapped."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget

from .viewer_fixtures import bare_viewer  # noqa: F401 - fixture

LONG_TITLE = ("sq0420_the_long_sequence / sh0420_0170 / compositing_and_lighting / v0123   "
              "sq0420_sh0420_0170_compositing_and_lighting_v0123_final_for_client.####.exr")


@pytest.mark.parametrize("width", [700, 1280, 1920])
def test_long_title_is_elided_in_the_middle_and_not_overlapped(qtbot, bare_viewer, width: int) -> None:  # noqa: ANN001, F811
    bare_viewer.resize(width, 720)
    bare_viewer.title.setText(LONG_TITLE)
    qtbot.waitUntil(lambda: bare_viewer.title.width() > 0, timeout=15000)
    title = bare_viewer.title
    shown = title.text()
    assert title.fontMetrics().horizontalAdvance(shown) <= title.contentsRect().width(), "title cut off"
    for neighbour in (bare_viewer.compare_box, bare_viewer.b_box, bare_viewer.layer_menu):
        assert not _on_panel(bare_viewer, title).intersects(_on_panel(bare_viewer, neighbour))
    # On a narrow viewer the title has a line of its own: most of the panel's width, not a few letters.
    assert title.width() >= 0.4 * bare_viewer.width()
    assert title.toolTip() == LONG_TITLE
    assert shown.startswith("sq0420") and shown.endswith(".exr"), "elided at the end, not in the middle"
    fits = title.fontMetrics().horizontalAdvance(LONG_TITLE) <= title.contentsRect().width()
    assert shown == LONG_TITLE if fits else "…" in shown


def _on_panel(panel: QWidget, widget: QWidget) -> QRect:
    """A widget's rectangle in the panel's coordinates (the title and the controls have other parents)."""
    return QRect(widget.mapTo(panel, widget.rect().topLeft()), widget.size())

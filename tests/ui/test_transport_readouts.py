"""The transport's readouts keep a fixed width measured in the font they show, also when the stylesheet (and its
fonts) is set after they were built, as the app does (see ui/app.py run_gui)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QAction

from horus_desktop.ui.viewer.transport import TransportBar

NAMES = ("go_start", "step_back", "play_backward", "play_pause", "step_forward", "go_end", "set_in", "set_out",
         "clear_in_out")


@pytest.fixture
def late_stylesheet(qapp) -> Iterator[None]:  # noqa: ANN001 - pytest-qt's QApplication
    yield
    qapp.setStyleSheet("")


def test_readouts_fit_a_font_set_after_they_were_built(qtbot, qapp, late_stylesheet) -> None:  # noqa: ANN001
    actions = {name: QAction(name) for name in NAMES}
    bar = TransportBar(actions)  # type: ignore[arg-type]
    qtbot.addWidget(bar)
    before = bar.timecode.width()
    qapp.setStyleSheet("#timecodeLabel { font-size: 30pt; }")
    bar.show()
    qtbot.waitExposed(bar)
    widest = bar.timecode.fontMetrics().horizontalAdvance("00:00:00;00")
    assert bar.timecode.minimumWidth() == bar.timecode.maximumWidth() >= widest
    assert bar.timecode.width() > before

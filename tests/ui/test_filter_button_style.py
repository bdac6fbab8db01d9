"""A browser filter button takes the stylesheet's "active" look while a value is chosen, and loses it when the
choice is cleared (restyled when its active state changes)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QPalette

from horus_desktop.ui.browser.filters import MultiSelect

ACTIVE = QColor("#f0b43c")


@pytest.fixture
def active_stylesheet(qapp) -> Iterator[None]:  # noqa: ANN001 - pytest-qt's QApplication
    qapp.setStyleSheet('QToolButton[active="true"] { color: #f0b43c; }')
    yield
    qapp.setStyleSheet("")


def _text_colour(button: MultiSelect) -> QColor:
    return button.palette().color(QPalette.ColorRole.ButtonText)


def test_a_chosen_value_restyles_the_button(qtbot, active_stylesheet) -> None:  # noqa: ANN001
    button = MultiSelect("Status")
    qtbot.addWidget(button)
    button.set_values(["approved", "pending"])
    button.show()
    qtbot.waitExposed(button)
    assert _text_colour(button) != ACTIVE
    button.set_chosen(("approved",))
    assert _text_colour(button) == ACTIVE
    button.set_chosen(("approved", "pending"))
    assert _text_colour(button) == ACTIVE
    button.set_chosen(())
    assert _text_colour(button) != ACTIVE

"""File > Preferences: the fields are wide enough for what people type in them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from horus_desktop.domain.records import User
from horus_desktop.ui.notes.preferences import PreferencesDialog
from horus_desktop.ui.resources import stylesheet

from ..helpers import reads_whole


@pytest.fixture(autouse=True)
def app_stylesheet(qapp) -> Iterator[None]:  # noqa: ANN001 - pytest-qt's QApplication
    """Sizes as the app shows them: its stylesheet pads fields and sets their font when they are shown."""
    qapp.setStyleSheet(stylesheet("dark"))
    yield
    qapp.setStyleSheet("")


def test_a_long_full_name_and_address_read_whole(qtbot) -> None:  # noqa: ANN001
    """The Full name field was about 12 characters wide: a name was cut while typed."""
    name, address = "Maria Fernanda Gutiérrez de la Fuente", "maria.gutierrez@studio-example.com"
    dialog = PreferencesDialog(User(id="mg", username="mgutierrez", email="mg@localhost"))
    qtbot.addWidget(dialog)
    dialog.full_name.setText(name)
    dialog.email.setText(address)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert reads_whole(dialog.full_name, name) and reads_whole(dialog.email, address)

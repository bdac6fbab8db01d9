"""The notes panel's row of note actions (Reply, Edit, Resolve, React, Attach..., Delete) under the list."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMenu, QToolButton

from horus_desktop.ui.flow_layout import FlowLayout
from horus_desktop.ui.notes.model import REACTIONS

ACTIONS = (("reply", "Reply"), ("edit", "Edit"), ("resolve", "Resolve"), ("react", "React"),
           ("attach", "Attach..."), ("delete", "Delete"))


def build_actions_row(handlers: dict[str, Callable[[], object]],
                      react: Callable[[str], object]) -> tuple[FlowLayout, dict[str, QToolButton]]:
    """The row and its buttons by key (objectName ``note_<key>``); React opens a menu of ``REACTIONS``.

    The row wraps in a narrow notes column (a laptop) instead of widening it.
    """
    row = FlowLayout()
    row.setContentsMargins(0, 0, 0, 0)
    buttons: dict[str, QToolButton] = {}
    for key, text in ACTIONS:
        button = QToolButton()
        button.setText(text)
        button.setObjectName(f"note_{key}")
        handler = handlers.get(key)
        if handler is not None:
            button.clicked.connect(lambda _c=False, h=handler: h())
        row.addWidget(button)
        buttons[key] = button
    react_menu = QMenu(buttons["react"])
    for kind, glyph in REACTIONS.items():
        react_menu.addAction(f"{glyph}  {kind}", lambda k=kind: react(k))
    buttons["react"].setMenu(react_menu)
    buttons["react"].setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    row.addStretch(1)
    return row, buttons

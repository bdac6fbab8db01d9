"""Item-view states the delegates paint by, looked up when first painted rather than imported with the window:
QStyle's Python type (about 10 ms of large enums) then loads after the window's first frame, which needs none
of it."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStyle


@cache
def selected_state() -> QStyle.StateFlag:
    """QStyle's selected state (an item's ``option.state & selected_state()``)."""
    from PySide6.QtWidgets import QStyle

    return QStyle.StateFlag.State_Selected

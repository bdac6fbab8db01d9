"""The status bar's sync indicator: offline / syncing / up to date / N waiting / N conflicts.

Its tooltip gives the time of the last successful sync (and why the server is unreachable); a click opens
the Conflicts view when conflicts wait, else asks for a round now.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QToolButton, QWidget

from horus_desktop.sync.service import SyncState
from horus_desktop.ui.theme import SYNC_COLOURS, SYNC_UNKNOWN

# Colours (ui/theme.py) say the state at a glance; the words say it for everyone (and for screen readers).


class SyncIndicator(QToolButton):
    """A flat button showing the sync state."""

    sig_open_conflicts = Signal()
    sig_sync_now = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncIndicator")
        self.setAutoRaise(True)
        self.state = SyncState("off")
        self.clicked.connect(self._clicked)
        self.show_state(self.state)

    def show_state(self, state: SyncState) -> None:
        """Show a new state (called on the UI thread)."""
        self.state = state
        self.setText(f"● {state.text()}")
        self.setToolTip(state.tooltip())
        self.setStyleSheet(f"QToolButton#syncIndicator {{ color: {SYNC_COLOURS.get(state.phase, SYNC_UNKNOWN)}; }}")

    def _clicked(self) -> None:
        if self.state.conflicts:
            self.sig_open_conflicts.emit()
        else:
            self.sig_sync_now.emit()

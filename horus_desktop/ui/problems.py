"""Problems a job found (files it could not ingest, damaged frames): the status bar's button, which opens the
list (ui/problems_dialog.py) when the job ends and again on a click."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton, QWidget

from horus_desktop.domain.wording import counted

if TYPE_CHECKING:
    from horus_desktop.ui.problems_dialog import ProblemsDialog

Problem = tuple[str, str]  # (file, reason)


class ProblemsButton(QToolButton):
    """Status-bar button: "⚠ N problems" after a job that had some; a click shows the list again."""

    def __init__(self, dialog_parent: QWidget, parent: QWidget | None = None) -> None:
        """``dialog_parent``: the window the list opens over (built the first time a job has problems)."""
        super().__init__(parent)
        self.setObjectName("problemsButton")
        self.setAutoRaise(True)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self._dialog_parent = dialog_parent
        self._dialog: ProblemsDialog | None = None
        self.clicked.connect(self.show_dialog)
        self.hide()

    @property
    def dialog(self) -> ProblemsDialog:
        """The problems list."""
        if self._dialog is None:
            from horus_desktop.ui.problems_dialog import ProblemsDialog  # loads on use

            self._dialog = ProblemsDialog(self._dialog_parent)
        return self._dialog

    def set_problems(self, title: str, problems: Sequence[Problem]) -> None:
        """Remember a job's problems (none: the button hides, and the list is not built for them)."""
        if problems or self._dialog is not None:
            self.dialog.set_problems(title, problems)
        self.setText(f"⚠ {counted(len(problems), 'problem')}")
        self.setToolTip(f"{title}: show the files that could not be used")
        self.setVisible(bool(problems))

    def show_dialog(self) -> None:
        """Open (or raise) the problems list."""
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()

"""The list of a job's problems (files it could not ingest, damaged frames), to read, sort and copy: built the
first time a job has problems (see ui/problems.py, the status bar's button), not with the window."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from horus_desktop.domain.wording import counted
from horus_desktop.ui.problems import Problem


def problems_text(problems: Sequence[Problem]) -> str:
    """Tab-separated lines (file, reason): pastes into a spreadsheet, a ticket or an e-mail."""
    return "".join(f"{path}\t{reason}\n" for path, reason in problems)


class ProblemsDialog(QDialog):
    """The problems of the last job: file and reason, selectable, with a Copy button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problemsDialog")
        self.setWindowTitle("Problems")
        self.resize(960, 380)
        self.problems: list[Problem] = []
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels(["File", "Reason"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # the file name and shot stay in view
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton("Copy All")
        self.copy_button.setToolTip("Copy every problem (file, tab, reason; one a line)")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def set_problems(self, title: str, problems: Sequence[Problem]) -> None:
        """Show the problems of a job (``title`` says which)."""
        self.problems = list(problems)
        self.setWindowTitle(f"{title}: {counted(len(self.problems), 'problem')}")
        self.summary.setText(f"{title} could not use these files or frames; the others were ingested.")
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(self.problems))
        for row, (path, reason) in enumerate(self.problems):
            file_item = QTableWidgetItem(path)
            file_item.setToolTip(path)
            reason_item = QTableWidgetItem(reason)
            reason_item.setToolTip(reason)
            self.table.setItem(row, 0, file_item)
            self.table.setItem(row, 1, reason_item)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.resizeColumnToContents(0)
        self.table.setColumnWidth(0, min(self.table.columnWidth(0), 480))

    def copy(self) -> None:
        """Put every problem on the clipboard."""
        QApplication.clipboard().setText(problems_text(self.problems))

"""Settings > Paths: where this machine keeps its copies of studio media (the path mappings).

Each row says "media the studio names under this root is found under this folder here", as
``horus paths map SERVER_ROOT LOCAL_ROOT`` does. The longest matching studio root wins, so a row for
``/projects/show/plates`` can send plates to a fast disk while ``/projects`` covers the rest.
"""

from __future__ import annotations

import os
from dataclasses import replace

from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from horus_desktop.machine_settings import MachineSettings, SettingsError

_SERVER, _LOCAL = 0, 1


class PathsTab(QWidget):
    """A table of studio root -> local root rows, with Add, Choose folder and Remove."""

    def __init__(self, settings: MachineSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("pathMaps")
        self.table.setHorizontalHeaderLabels(["Studio root (as media records name it)", "Folder on this machine"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for mapping in settings.path_maps:
            self.add_row(mapping.server_root, mapping.local_root)
        add = QPushButton("Add")
        add.setObjectName("addPathMap")
        add.clicked.connect(lambda: self._edit_new_row())
        choose = QPushButton("Choose Folder…")
        choose.setToolTip("Pick the local folder of the selected row")
        choose.clicked.connect(self._choose_folder)
        remove = QPushButton("Remove")
        remove.setObjectName("removePathMap")
        remove.clicked.connect(self._remove_selected)
        buttons = QHBoxLayout()
        for button in (add, choose, remove):
            buttons.addWidget(button)
        buttons.addStretch(1)
        hint = QLabel("A media recorded as /projects/show/a.exr opens from the folder of the longest matching "
                      "studio root. Take Offline… on the timeline's toolbar copies a playlist's media into these folders.")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(hint)

    def add_row(self, server_root: str = "", local_root: str = "") -> int:
        """Append a mapping row; returns its index."""
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, _SERVER, QTableWidgetItem(server_root))
        self.table.setItem(row, _LOCAL, QTableWidgetItem(local_root))
        return row

    def rows(self) -> list[tuple[str, str]]:
        """(studio root, local folder) of every row, as typed."""
        out = []
        for row in range(self.table.rowCount()):
            server, local = (self.table.item(row, c) for c in (_SERVER, _LOCAL))
            out.append(((server.text() if server else "").strip(), (local.text() if local else "").strip()))
        return out

    def _edit_new_row(self) -> None:
        row = self.add_row()
        self.table.setCurrentCell(row, _SERVER)
        self.table.editItem(self.table.item(row, _SERVER))

    def _remove_selected(self) -> None:
        for row in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(row)

    def _choose_folder(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            row = self.add_row()
        current = self.table.item(row, _LOCAL)
        folder = QFileDialog.getExistingDirectory(self, "Folder on this machine", current.text() if current else "")
        if folder:
            self.table.setItem(row, _LOCAL, QTableWidgetItem(folder))

    def apply(self, settings: MachineSettings) -> MachineSettings:
        """The settings with these mappings; a half-filled row or a studio root given twice is refused."""
        result = replace(settings, path_maps=())
        seen: set[str] = set()
        for number, (server, local) in enumerate(self.rows(), start=1):
            if not server and not local:
                continue  # an empty row added by mistake
            if not server or not local:
                missing = "studio root" if not server else "folder on this machine"
                raise SettingsError(f"Paths, row {number}: the {missing} is empty")
            result = result.with_path_map(server, os.path.expanduser(local))
            key = result.path_maps[-1].server_root
            if key in seen:
                raise SettingsError(f"Paths, row {number}: {server} is mapped twice")
            seen.add(key)
        return result

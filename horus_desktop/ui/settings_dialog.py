"""Settings: this machine's settings (:mod:`horus_desktop.machine_settings`) as a dialog of tabs.

Each tab edits part of one :class:`MachineSettings` value: it is built from the saved settings and, on OK,
``apply(settings) -> settings`` folds its fields in. The Server tab is here; other tabs (path mappings) are
added with :meth:`SettingsDialog.add_tab`. Nothing is saved unless every tab's fields are valid.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from horus_desktop.machine_settings import MachineSettings, SettingsError, save_settings
from horus_desktop.services.media_paths import media_paths
from horus_desktop.ui.settings_paths_tab import PathsTab
from horus_desktop.ui.theme import ERROR_TEXT
from horus_desktop.ui.wide_line_edit import WideLineEdit


class SettingsTab(Protocol):
    """A tab of the dialog."""

    def apply(self, settings: MachineSettings) -> MachineSettings:
        """``settings`` with this tab's fields; raises SettingsError naming a bad field."""


class ServerTab(QWidget):
    """The studio server and the projects this machine follows."""

    def __init__(self, settings: MachineSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        empty = "postgresql://studio-db/horus   (empty: no sync, this machine works alone)"
        # The placeholder says what an empty field means: the field holds it whole (it was cut at "this
        # machine wor" in the dialog as it opened).
        self.url = WideLineEdit(settings.server_url or "", fit=empty)
        self.url.setObjectName("serverUrl")
        self.url.setPlaceholderText(empty)
        self.projects = QPlainTextEdit("\n".join(settings.followed_projects))
        self.projects.setObjectName("followedProjects")
        self.projects.setPlaceholderText("one project per line (empty: every project on the server)")
        hint = QLabel("The password is never kept here: libpq reads it from ~/.pgpass, a service file "
                      "(service=...) or PGPASSWORD. A laptop that follows some projects pulls only theirs.")
        hint.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("Server:", self.url)
        form.addRow("Followed projects:", self.projects)
        form.addRow(hint)

    def apply(self, settings: MachineSettings) -> MachineSettings:
        """The settings with this server and these projects (a URL with a password is refused)."""
        projects = tuple(dict.fromkeys(p.strip() for p in self.projects.toPlainText().splitlines() if p.strip()))
        return replace(settings.with_server(self.url.text().strip() or None), followed_projects=projects)


class SettingsDialog(QDialog):
    """Settings > Server (and the tabs others add). Emits ``sig_saved`` with what was written."""

    sig_saved = Signal(object)  # MachineSettings

    def __init__(self, settings: MachineSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.resize(620, 360)
        self._settings = settings
        self.tabs = QTabWidget()
        self.server_tab = ServerTab(settings)
        self._tab_list: list[SettingsTab] = []
        self.add_tab(self.server_tab, "Server")
        self.paths_tab = PathsTab(settings)
        self.add_tab(self.paths_tab, "Paths")
        self.sig_saved.connect(lambda _saved: media_paths().forget())  # new mappings apply at once
        self.error = QLabel("")
        self.error.setObjectName("settingsError")
        self.error.setStyleSheet(f"color: {ERROR_TEXT};")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def add_tab(self, tab: QWidget, title: str) -> None:
        """Add a tab; it must have ``apply(settings) -> settings`` (see :class:`SettingsTab`)."""
        self._tab_list.append(tab)  # type: ignore[arg-type]
        self.tabs.addTab(tab, title)

    def accept(self) -> None:
        """Save when every field is valid; otherwise say which one is not and stay open."""
        settings = self._settings
        try:
            for tab in self._tab_list:
                settings = tab.apply(settings)
            save_settings(settings)
        except (SettingsError, OSError) as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self._settings = settings
        self.sig_saved.emit(settings)
        super().accept()

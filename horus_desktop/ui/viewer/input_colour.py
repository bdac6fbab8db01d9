"""The viewer's input colour space: a label saying which space a media is read in (and why), a menu to
override it per media, and the store calls behind them (through the DB worker, never on the UI thread).

The override is written to the media record's `color_space` (flagged in extra_metadata, see
media/colour_defaults.py), so it is synced like any field; "Automatic" clears it. A project's default
(`horus_project_configs.settings["input_colour_space"]`) is read once per project and applied when it
arrives, if no override or file rule decides first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from horus_desktop.domain.records import MediaRecord
from horus_desktop.media.colour import ColourConfig
from horus_desktop.media.colour_defaults import PROJECT_DEFAULT_KEY, InputColourSpace, override_values

AUTOMATIC = "Automatic"
_ORDER_TIP = ("Input colour space of the media in A. Automatic: the studio config's file rules, then the "
              "project's default, then what the file says. Picking a space stores it on the media record.")


class ViewerStoreCalls(Protocol):
    """What the viewer asks the store for its colour settings (the main window runs them on the DB worker)."""

    def project_default(self, project_id: str, done: Callable[[str | None], None]) -> None:
        """A project's default input colour space (None if it has none)."""

    def set_input_space(self, record: MediaRecord, space: str | None, done: Callable[[MediaRecord], None],
                        failed: Callable[[BaseException], None]) -> None:
        """Store (or clear, with None) a media's input colour space override."""


class DbStoreCalls:
    """ViewerStoreCalls on a store, each call run on the DB worker."""

    def __init__(self, db: Any, store: Any) -> None:
        self._db, self._store = db, store

    def project_default(self, project_id: str, done: Callable[[str | None], None]) -> None:
        """Read the project's config on the DB thread."""
        store = self._store

        def read() -> str | None:
            config = store.projects.get(project_id)
            value = (config.settings or {}).get(PROJECT_DEFAULT_KEY) if config is not None else None
            return value if isinstance(value, str) and value.strip() else None

        self._db.submit(read, on_done=done)

    def run(self, work: Callable[[Any], Any], done: Callable[[Any], None], failed: Callable[[BaseException], None]) -> None:
        """``work(store)`` on the DB thread (the viewer's other writes: a media's sound file)."""
        self._db.submit(lambda: work(self._store), on_done=done, on_error=failed)

    def set_input_space(self, record: MediaRecord, space: str | None, done: Callable[[MediaRecord], None],
                        failed: Callable[[BaseException], None]) -> None:
        """Write the override on the DB thread, from the record as stored now (not the copy on screen)."""
        store = self._store

        def write() -> MediaRecord:
            current = store.media.get(record.id)
            return store.media.update(record.id, **override_values(space, current.color_space,
                                                                   current.extra_metadata))

        self._db.submit(write, on_done=done, on_error=failed)


class InputColourBox(QWidget):
    """"Input" menu (Automatic + the config's colour spaces) and the label of the space in use."""

    sig_picked = Signal(object)  # a colour space name, or None for Automatic

    def __init__(self, colour: ColourConfig, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.menu = QComboBox()
        self.menu.setObjectName("inputColourSpace")
        self.menu.addItem(AUTOMATIC, None)
        for name in colour.colour_spaces():
            self.menu.addItem(name, name)
        self.menu.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.menu.setMinimumContentsLength(9)
        self.menu.setToolTip(_ORDER_TIP)
        self.label = QLabel("Input: -")
        self.label.setObjectName("inputColourLabel")
        self.label.setToolTip(_ORDER_TIP)
        layout.addWidget(self.label)
        layout.addWidget(self.menu)
        self.menu.setEnabled(False)
        self.menu.activated.connect(lambda index: self.sig_picked.emit(self.menu.itemData(index)))

    def show_space(self, space: InputColourSpace | None, *, editable: bool) -> None:
        """Show the space in use; the menu says Automatic unless the user chose it."""
        self.label.setText(f"Input: {space.describe()}" if space is not None else "Input: per clip")
        self.label.setToolTip(f"{space.describe() if space else 'Each clip in its own colour space'}\n\n{_ORDER_TIP}")
        index = self.menu.findData(space.name) if space is not None and space.source == "override" else 0
        self.menu.setCurrentIndex(max(index, 0))
        self.menu.setEnabled(editable)

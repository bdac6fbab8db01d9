"""Hierarchy navigation: project > episode > sequence > shot, each crumb a menu of what is below."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QToolButton, QWidget

from horus_desktop.domain.media_query import MediaQuery
from horus_desktop.ui.db_worker import DbWorker
from horus_desktop.ui.resources import icon

if TYPE_CHECKING:
    from horus_desktop.store import Store

LEVELS = (("project_id", "project"), ("episode", "episode"), ("sequence", "sequence"), ("shot", "shot"))


class Breadcrumbs(QWidget):
    """Emits ``sig_changed(dict)`` with the chosen level values (None = all)."""

    sig_changed = Signal(dict)

    def __init__(self, store: Store, db: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("breadcrumbs")
        self._store = store
        self._db = db
        self.values: dict[str, str | None] = {field: None for field, _ in LEVELS}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(2)
        self.home = QToolButton()
        self.home.setIcon(icon("home"))
        self.home.setToolTip("All media")
        self.home.setAutoRaise(True)
        self.home.clicked.connect(lambda: self.set_level(0, None))
        layout.addWidget(self.home)
        self.buttons: list[QToolButton] = []
        self.separators: list[QLabel] = []
        for i, (_field, name) in enumerate(LEVELS):
            sep = QLabel("›")
            sep.setObjectName("crumbSeparator")
            button = QToolButton()
            button.setObjectName(f"crumb_{name}")
            button.setAutoRaise(True)
            button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
            menu = QMenu(button)
            menu.aboutToShow.connect(lambda i=i, m=menu: self._fill_menu(i, m))
            button.setMenu(menu)
            layout.addWidget(sep)
            layout.addWidget(button)
            self.buttons.append(button)
            self.separators.append(sep)
        layout.addStretch(1)
        self._refresh_buttons()

    def _parent_query(self, level: int) -> MediaQuery:
        values = {field: self.values[field] for field, _ in LEVELS[:level]}
        return MediaQuery(**{k: v for k, v in values.items() if v})

    def _fill_menu(self, level: int, menu: QMenu) -> None:
        menu.clear()
        field, name = LEVELS[level]
        all_action = menu.addAction(f"All {name}s")
        all_action.triggered.connect(lambda: self.set_level(level, None))
        loading = menu.addAction("Loading...")
        loading.setEnabled(False)

        def fill(values: list[str]) -> None:
            menu.removeAction(loading)
            for value in values:
                action = menu.addAction(value)
                action.triggered.connect(lambda _c=False, v=value: self.set_level(level, v))
            if not values:
                none = menu.addAction(f"(no {name}s)")
                none.setEnabled(False)

        self.fetch_values(level, fill)

    def fetch_values(self, level: int, callback: Callable[[list[str]], None]) -> None:
        """The distinct values of a level under the levels above it (on the DB worker)."""
        field, _ = LEVELS[level]
        self._db.submit(self._store.media.distinct_values, field, self._parent_query(level), on_done=callback)

    def set_level(self, level: int, value: str | None) -> None:
        """Choose ``value`` at ``level`` and clear the levels below it."""
        field, _ = LEVELS[level]
        self.values[field] = value
        for deeper, _ in LEVELS[level + 1:]:
            self.values[deeper] = None
        if level == 0 and value is None:
            for f, _ in LEVELS:
                self.values[f] = None
        self._refresh_buttons()
        self.sig_changed.emit(dict(self.values))

    def set_values(self, **values: str | None) -> None:
        """Jump to a place in the hierarchy (e.g. the shot of a media)."""
        for field, _ in LEVELS:
            self.values[field] = values.get(field)
        self._refresh_buttons()
        self.sig_changed.emit(dict(self.values))

    def _refresh_buttons(self) -> None:
        show_next = True
        for (field, name), button, sep in zip(LEVELS, self.buttons, self.separators, strict=True):
            value = self.values[field]
            button.setText(value if value else f"All {name}s")
            button.setProperty("chosen", bool(value))
            button.setVisible(show_next)
            sep.setVisible(show_next)
            show_next = bool(value)

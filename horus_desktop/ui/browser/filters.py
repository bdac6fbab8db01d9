"""Filters above the browser: text search (300 ms debounce), department, status, artist, file type,
date range and latest-only. Emits the filter part of a MediaQuery."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from horus_desktop.domain.vocabulary import APPROVAL_STATUSES
from horus_desktop.ui.db_worker import DbWorker
from horus_desktop.ui.flow_layout import FlowLayout
from horus_desktop.ui.resources import icon
from horus_desktop.ui.theme import STATUS_LABELS

if TYPE_CHECKING:
    from horus_desktop.store import Store

SEARCH_DEBOUNCE_MS = 300
FILE_TYPES = ("exr", "jpg", "png", "dpx", "tif", "movie", "sequence", "still")
DATE_RANGES = (("Any date", None), ("Last 24 hours", 1), ("Last 7 days", 7), ("Last 30 days", 30))


class MultiSelect(QToolButton):
    """A drop-down of checkable values; the text says what is chosen."""

    sig_changed = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setObjectName(f"filter_{title.lower().replace(' ', '_')}")
        self._menu = QMenu(self)
        self.setMenu(self._menu)
        self._labels: dict[str, str] = {}
        self.setProperty("active", False)
        self._refresh_text()

    def set_values(self, values: list[str], labels: dict[str, str] | None = None) -> None:
        """The values offered (checked ones stay checked)."""
        chosen = set(self.chosen())
        self._menu.clear()
        self._labels = labels or {}
        for value in values:
            action = QAction(self._labels.get(value, value), self._menu)
            action.setCheckable(True)
            action.setChecked(value in chosen)
            action.setData(value)
            action.toggled.connect(self._on_toggled)
            self._menu.addAction(action)
        if not values:
            empty = self._menu.addAction("(none)")
            empty.setEnabled(False)
        self._refresh_text()

    def chosen(self) -> tuple[str, ...]:
        """The checked values."""
        return tuple(a.data() for a in self._menu.actions() if a.isCheckable() and a.isChecked())

    def set_chosen(self, values: tuple[str, ...]) -> None:
        """Check exactly these values."""
        for action in self._menu.actions():
            if action.isCheckable():
                action.blockSignals(True)
                action.setChecked(action.data() in values)
                action.blockSignals(False)
        self._refresh_text()
        self.sig_changed.emit()

    def _on_toggled(self, _checked: bool) -> None:
        self._refresh_text()
        self.sig_changed.emit()

    def _refresh_text(self) -> None:
        chosen = self.chosen()
        if not chosen:
            self.setText(f"{self.title}: all")
        elif len(chosen) == 1:
            self.setText(f"{self.title}: {self._labels.get(chosen[0], chosen[0])}")
        else:
            self.setText(f"{self.title}: {len(chosen)}")
        active = bool(chosen)
        if self.property("active") != active:  # the stylesheet styles [active="true"]: restyled when it changes
            self.setProperty("active", active)
            self.style().unpolish(self)
            self.style().polish(self)


class FilterBar(QWidget):
    """Emits ``sig_changed(dict)`` of MediaQuery fields whenever a filter changes (search debounced)."""

    sig_changed = Signal(dict)

    def __init__(self, store: Store, db: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterBar")
        self._store = store
        self._db = db
        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText("Search names, shots, artists, tags...")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.departments = MultiSelect("Department")
        self.statuses = MultiSelect("Status")
        self.statuses.set_values(list(APPROVAL_STATUSES), STATUS_LABELS)
        self.artists = MultiSelect("Artist")
        self.file_types = MultiSelect("Type")
        self.file_types.set_values(list(FILE_TYPES))
        self.dates = QComboBox()
        self.dates.setObjectName("dateRange")
        for label, days in DATE_RANGES:
            self.dates.addItem(label, days)
        self.latest_only = QCheckBox("Latest versions")
        self.latest_only.setObjectName("latestOnly")
        self.latest_only.setToolTip("Only the latest version of each shot and department")
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search, 1)
        top.addWidget(self.latest_only)
        row = FlowLayout(spacing=4)  # wraps in a narrow dock instead of widening the window
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.departments, self.statuses, self.artists, self.file_types, self.dates):
            row.addWidget(widget)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addLayout(row)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self._emit)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self._emit_now)
        for multi in (self.departments, self.statuses, self.artists, self.file_types):
            multi.sig_changed.connect(self._emit)
        self.dates.currentIndexChanged.connect(lambda _i: self._emit())
        self.latest_only.toggled.connect(lambda _c: self._emit())
        self.refresh_values()

    def refresh_values(self) -> None:
        """Reload the departments and artists offered (after an ingest)."""
        self._db.submit(self._store.media.distinct_values, "department", on_done=self.departments.set_values)
        self._db.submit(self._store.media.distinct_values, "artist_name", on_done=self.artists.set_values)

    def _emit_now(self) -> None:
        self._debounce.stop()
        self._emit()

    def _emit(self) -> None:
        self.sig_changed.emit(self.values())

    def values(self) -> dict[str, Any]:
        """The MediaQuery fields the filters set."""
        days = self.dates.currentData()
        text = self.search.text().strip()
        return {
            "text": text or None,
            "departments": self.departments.chosen(),
            "statuses": self.statuses.chosen(),
            "artists": self.artists.chosen(),
            "file_types": self.file_types.chosen(),
            "created_from": datetime.now(UTC) - timedelta(days=days) if days else None,
            "latest_only": self.latest_only.isChecked(),
        }

    def focus_search(self) -> None:
        """Ctrl+F."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

"""The "B" list above the image: the other versions of the media in A, to compare with (fetched through the
window's DB worker)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from horus_desktop.domain.records import MediaRecord
from horus_desktop.ui.browser.model import display_name

VersionsOf = Callable[[MediaRecord, Callable[[list[MediaRecord]], None]], None]


class VersionBox(QComboBox):
    """Lists A's other versions; ``sig_picked(MediaRecord)`` when the user picks one as B."""

    sig_picked = Signal(object)

    def __init__(self, versions_of: VersionsOf | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._versions_of = versions_of
        self._versions: list[MediaRecord] = []
        self._b: MediaRecord | None = None
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(10)
        self.setToolTip("The version shown as B")
        self.setPlaceholderText("B: pick a version")
        self.activated.connect(self._on_activated)

    def load(self, record: MediaRecord) -> None:
        """A opened ``record``: list its other versions (when the store answers)."""
        if self._versions_of is None:
            return

        def fill(versions: list[MediaRecord]) -> None:
            self._versions = [v for v in versions if v.id != record.id]
            self.clear()
            for v in self._versions:
                self.addItem(f"B: {v.version} · {v.department or ''} · {display_name(v.file_name)}", str(v.id))
            self.show_b(self._b)

        self._versions_of(record, fill)

    def show_b(self, record: MediaRecord | None) -> None:
        """Select the version open as B (none: nothing selected)."""
        self._b = record
        self.setCurrentIndex(self.findData(str(record.id)) if record is not None else -1)

    def _on_activated(self, index: int) -> None:
        if 0 <= index < len(self._versions):
            self.sig_picked.emit(self._versions[index])

"""The playlist properties dialog: name, type, review status and description."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from horus_desktop.domain.vocabulary import TIMELINE_STATUSES, TIMELINE_TYPES
from horus_desktop.timeline.state import PlaylistState


class PlaylistPropertiesDialog(QDialog):
    """Edits what a playlist is (its clips are edited on the tracks)."""

    def __init__(self, state: PlaylistState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Playlist {state.name} {state.version or ''}".strip())
        self.name = QLineEdit(state.name)
        self.name.setMaxLength(255)
        self.kind = QComboBox()
        self.kind.addItems(list(TIMELINE_TYPES))
        self.status = QComboBox()
        self.status.addItems(list(TIMELINE_STATUSES))
        for box, value in ((self.kind, state.timeline_type), (self.status, state.status or "draft")):
            if box.findText(value) < 0:  # an imported word outside the vocabulary stays visible, not dropped
                box.addItem(value)
            box.setCurrentText(value)
        self.description = QPlainTextEdit(state.description or "")
        self.description.setPlaceholderText("What this playlist is for (shown to the people reviewing it)")
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("Type", self.kind)
        form.addRow("Status", self.status)
        form.addRow("Description", self.description)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.name.textChanged.connect(
            lambda text: buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(text.strip())))
        form.addRow(buttons)

    def values(self) -> dict[str, Any]:
        """The fields as the store takes them."""
        return {"name": self.name.text().strip(), "timeline_type": self.kind.currentText(),
                "status": self.status.currentText(),
                "description": self.description.toPlainText().strip() or None}

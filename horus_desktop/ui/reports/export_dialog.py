"""File > Export Notes…: the dialog that asks what to export, and how."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

SCOPES = {"playlist": "The playlist in the timeline", "media": "The media in the viewer",
          "browser": "The browser's selection (or its filter, when nothing is selected)"}
FORMAT_LABELS = {"pdf": "PDF report", "html": "HTML page (one file)", "csv": "CSV table (+ frame images)"}


@dataclass(frozen=True)
class ExportChoice:
    """What the user asked for."""

    fmt: str
    scope: str
    grouping: str
    open_only: bool
    image_width: int
    path: Path


class ExportNotesDialog(QDialog):
    """Format, scope, grouping, open notes only, image size and where to write."""

    def __init__(self, available: dict[str, bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Notes")
        form = QFormLayout(self)
        self.format = QComboBox()
        for key, label in FORMAT_LABELS.items():
            self.format.addItem(label, key)
        self.scope = QComboBox()
        for key, label in SCOPES.items():
            self.scope.addItem(label, key)
            if not available.get(key, False):
                self.scope.model().item(self.scope.count() - 1).setEnabled(False)  # type: ignore[attr-defined]
        first = next((i for i, key in enumerate(SCOPES) if available.get(key)), 0)
        self.scope.setCurrentIndex(first)
        self.grouping = QComboBox()
        for key, label in (("none", "None"), ("artist", "By artist"), ("department", "By department")):
            self.grouping.addItem(label, key)
        self.open_only = QCheckBox("Open notes only")
        self.image_width = QSpinBox()
        self.image_width.setRange(240, 3840)
        self.image_width.setSingleStep(80)
        self.image_width.setValue(960)
        self.image_width.setSuffix(" px wide")
        self.path = QLineEdit(str(Path.home() / "dailies_notes.pdf"))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow("Format", self.format)
        form.addRow("Notes of", self.scope)
        form.addRow("Grouping", self.grouping)
        form.addRow("", self.open_only)
        form.addRow("Frame images", self.image_width)
        form.addRow("Save to", row)
        self.format.currentIndexChanged.connect(self._suffix)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(any(available.values()))

    def _suffix(self) -> None:
        path = Path(self.path.text() or "dailies_notes")
        self.path.setText(str(path.with_suffix("." + str(self.format.currentData()))))

    def _browse(self) -> None:
        fmt = str(self.format.currentData())
        chosen, _ = QFileDialog.getSaveFileName(self, "Export notes to", self.path.text(),
                                                f"{fmt.upper()} (*.{fmt})")
        if chosen:
            self.path.setText(chosen)

    def choice(self) -> ExportChoice:
        """The answers."""
        return ExportChoice(str(self.format.currentData()), str(self.scope.currentData()),
                            str(self.grouping.currentData()), self.open_only.isChecked(), self.image_width.value(),
                            Path(self.path.text()).expanduser())

"""The drawing tool bar: tools, colour, width, opacity, font size, hold frames, ghosting, undo/redo.

Sizes are shown in pixels of a 1080-line image and stored as fractions of the image height, so a
drawing keeps its look on a proxy. The last used values persist in QSettings.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QIcon, QKeySequence, QPixmap, QUndoStack
from PySide6.QtWidgets import QColorDialog, QLabel, QMenu, QSpinBox, QToolBar, QToolButton, QWidget

from horus_desktop.domain.shapes import Style
from horus_desktop.ui.annotate.tool_base import TOOL_SPECS
from horus_desktop.ui.theme import DRAW_DEFAULT, DRAW_PRESETS

REFERENCE_HEIGHT = 1080.0


def swatch(colour: str, size: int = 14) -> QIcon:
    """A filled square icon of a colour."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class AnnotateToolBar(QToolBar):
    """Tool buttons and style controls; emits the chosen tool and style."""

    sig_tool = Signal(str)
    sig_style = Signal(object)  # Style
    sig_ghost = Signal(bool)

    def __init__(self, settings: QSettings, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__("Draw", parent)
        self.setObjectName("annotateToolbar")
        self._settings = settings
        self.tool_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        group.setExclusive(True)
        for spec in TOOL_SPECS:
            action = QAction(spec.label, self)
            action.setObjectName(f"action_tool_{spec.name}")
            action.setCheckable(True)
            action.setShortcut(QKeySequence(spec.shortcut))
            action.setToolTip(spec.tip)
            action.triggered.connect(lambda _c=False, n=spec.name: self.sig_tool.emit(n))
            group.addAction(action)
            self.addAction(action)
            self.tool_actions[spec.name] = action
        self.tool_actions["hand"].setChecked(True)
        self.addSeparator()
        self._colour = str(settings.value("annotate/color", DRAW_DEFAULT))
        self.colour_button = QToolButton(self)
        self.colour_button.setObjectName("annotateColour")
        self.colour_button.setToolTip("Colour (click: presets; Other... picks any)")
        self.colour_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.colour_button)
        for colour in DRAW_PRESETS:
            menu.addAction(swatch(colour), colour, lambda c=colour: self.set_colour(c))
        menu.addSeparator()
        menu.addAction("Other...", self._pick_colour)
        self.colour_button.setMenu(menu)
        self.addWidget(self.colour_button)
        self.width_box = self._spin("Width", "annotate/width_px", 1, 60, 4, " px", "Stroke width (pixels at 1080p)")
        self.opacity_box = self._spin("Opacity", "annotate/opacity_pct", 5, 100, 100, " %", "Opacity")
        self.font_box = self._spin("Font", "annotate/font_px", 8, 200, 32, " px", "Text size (pixels at 1080p)")
        self.hold_box = self._spin("Hold", "annotate/hold", 1, 999, 1, " fr",
                                   "Frames a new shape stays on screen from its frame (1 = that frame only)")
        self.addSeparator()
        self.ghost_action = QAction("Ghost", self)
        self.ghost_action.setObjectName("action_ghost")
        self.ghost_action.setCheckable(True)
        self.ghost_action.setShortcut(QKeySequence("G"))
        self.ghost_action.setToolTip("Show the previous and next annotated frames faded (G)")
        self.ghost_action.setChecked(str(settings.value("annotate/ghost", "false")).lower() == "true")
        self.ghost_action.toggled.connect(self._on_ghost)
        self.addAction(self.ghost_action)
        self.undo_action = undo_stack.createUndoAction(self, "Undo")
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo_action = undo_stack.createRedoAction(self, "Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.addAction(self.undo_action)
        self.addAction(self.redo_action)
        self.set_colour(self._colour, emit=False)

    def _spin(self, label: str, key: str, lo: int, hi: int, default: int, suffix: str, tip: str) -> QSpinBox:
        box = QSpinBox(self)
        box.setRange(lo, hi)
        box.setSuffix(suffix)
        box.setToolTip(tip)
        box.setKeyboardTracking(False)
        box.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        try:
            box.setValue(int(self._settings.value(key, default)))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            box.setValue(default)
        box.valueChanged.connect(lambda v, k=key: self._changed(k, v))
        caption = QLabel(f" {label} ", self)
        self.addWidget(caption)
        self.addWidget(box)
        return box

    def _changed(self, key: str, value: object) -> None:
        self._settings.setValue(key, value)
        self.sig_style.emit(self.style())

    def _on_ghost(self, on: bool) -> None:
        self._settings.setValue("annotate/ghost", on)
        self.sig_ghost.emit(on)

    def _pick_colour(self) -> None:
        colour = QColorDialog.getColor(QColor(self._colour), self, "Drawing colour")
        if colour.isValid():
            self.set_colour(colour.name())

    def set_colour(self, colour: str, *, emit: bool = True) -> None:
        """Colour of new shapes (#rrggbb)."""
        self._colour = QColor(colour).name()
        self.colour_button.setIcon(swatch(self._colour, 16))
        self._settings.setValue("annotate/color", self._colour)
        if emit:
            self.sig_style.emit(self.style())

    def style(self) -> Style:
        """The style the controls describe."""
        return Style(color=self._colour, width=round(self.width_box.value() / REFERENCE_HEIGHT, 5),
                     opacity=self.opacity_box.value() / 100.0,
                     font_size=round(self.font_box.value() / REFERENCE_HEIGHT, 5), hold=self.hold_box.value())

    def set_tool(self, name: str) -> None:
        """Check a tool's button (no signal)."""
        self.tool_actions[name].setChecked(True)

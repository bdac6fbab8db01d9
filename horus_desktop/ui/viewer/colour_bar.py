"""Colour controls above the viewer: (input colour space,) OCIO display and view, exposure, gamma, channels."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QToolButton,
    QWidget,
)

from horus_desktop.media.colour import ColourConfig
from horus_desktop.ui.flow_layout import FlowLayout

CHANNEL_BUTTONS = (("rgb", "RGB"), ("r", "R"), ("g", "G"), ("b", "B"), ("a", "A"), ("luminance", "L"))


@dataclass(frozen=True)
class DisplayOptions:
    """What the user picked: display, view, exposure (stops), display gamma and channel."""

    display: str
    view: str
    exposure: float = 0.0
    gamma: float = 1.0
    channel: str = "rgb"


class ColourBar(QWidget):
    """Emits ``sig_changed(DisplayOptions)`` whenever a control changes."""

    sig_changed = Signal(object)

    def __init__(self, colour: ColourConfig, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("colourBar")
        self._colour = colour
        layout = FlowLayout(self)  # wraps on a narrow viewer (laptop screens) instead of widening the window
        layout.setContentsMargins(6, 2, 6, 2)
        layout.setSpacing(6)
        self.display_box = QComboBox()
        self.display_box.setToolTip("OCIO display")
        self.display_box.addItems(colour.displays())
        self.view_box = QComboBox()
        self.view_box.setToolTip("OCIO view")
        for box in (self.display_box, self.view_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(10)
        self.exposure = QDoubleSpinBox()
        self.exposure.setRange(-10.0, 10.0)
        self.exposure.setSingleStep(0.5)
        self.exposure.setDecimals(1)
        self.exposure.setPrefix("EV ")
        self.exposure.setSuffix(" st")
        self.exposure.setToolTip("Exposure in stops, applied in scene-linear")
        self.gamma = QDoubleSpinBox()
        self.gamma.setRange(0.1, 4.0)
        self.gamma.setSingleStep(0.1)
        self.gamma.setDecimals(2)
        self.gamma.setValue(1.0)
        self.gamma.setPrefix("γ ")
        self.gamma.setToolTip("Display gamma")
        self.channels = QButtonGroup(self)
        self.channels.setExclusive(True)
        layout.addWidget(self.display_box, 2)
        layout.addWidget(self.view_box, 3)
        layout.addWidget(self.exposure)
        layout.addWidget(self.gamma)
        # The channel buttons wrap as one group: a lone "L" on a row of its own reads as a stray control.
        channel_row = QWidget()
        channel_row.setObjectName("channelButtons")
        channel_layout = QHBoxLayout(channel_row)
        channel_layout.setContentsMargins(0, 0, 0, 0)
        channel_layout.setSpacing(2)
        for key, text in CHANNEL_BUTTONS:
            button = QToolButton()
            button.setText(text)
            button.setCheckable(True)
            button.setObjectName(f"channel_{key}")
            button.setToolTip({"rgb": "All channels", "luminance": "Luminance"}.get(key, f"{text} channel only"))
            button.setProperty("channel", key)
            self.channels.addButton(button)
            channel_layout.addWidget(button)
            if key == "rgb":
                button.setChecked(True)
        layout.addWidget(channel_row)
        layout.addStretch(1)
        self.display_box.setCurrentText(colour.default_display())
        self._fill_views()
        self.display_box.currentTextChanged.connect(self._on_display)
        self.view_box.currentTextChanged.connect(self._emit)
        self.exposure.valueChanged.connect(self._emit)
        self.gamma.valueChanged.connect(self._emit)
        self.channels.buttonClicked.connect(self._emit)

    def add_leading(self, widget: QWidget) -> None:
        """Put a control (the input colour space) before the display and view menus."""
        layout = self.layout()
        assert isinstance(layout, FlowLayout)
        layout.insertWidget(0, widget, 2)

    def _fill_views(self) -> None:
        display = self.display_box.currentText()
        self.view_box.blockSignals(True)
        self.view_box.clear()
        self.view_box.addItems(self._colour.views(display))
        self.view_box.setCurrentText(self._colour.default_view(display))
        self.view_box.blockSignals(False)

    def _on_display(self, _text: str) -> None:
        self._fill_views()
        self._emit()

    def options(self) -> DisplayOptions:
        """The current choice."""
        button = self.channels.checkedButton()
        return DisplayOptions(
            self.display_box.currentText(), self.view_box.currentText(), round(self.exposure.value(), 3),
            round(self.gamma.value(), 3), str(button.property("channel")) if button else "rgb",
        )

    def set_channel(self, channel: str) -> None:
        """Select a channel button (keyboard shortcuts)."""
        for button in self.channels.buttons():
            if button.property("channel") == channel:
                button.setChecked(True)
        self._emit()

    def _emit(self, *_args: object) -> None:
        self.sig_changed.emit(self.options())

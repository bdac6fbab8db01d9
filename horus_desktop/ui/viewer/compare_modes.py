"""The compare modes' menu entries and the controls of the blend modes (difference gain, onion opacity).

The pixel maths is the display pipeline's (media/display.py `blend`): on display pixels, so the difference
is what a reviewer would see change on screen; the GL path composes the two drawn layers in a shader
(gl_compare.py) with the same formulas.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QSlider, QWidget

from horus_desktop.media.display import BLEND_MODES, DEFAULT_GAIN, DEFAULT_OPACITY

COMPARE_MODES = (("off", "Compare off"), ("ab", "A/B toggle"), ("wipe", "Wipe"), ("side", "Side by side"),
                 ("diff", "Difference"), ("onion", "Onion skin"))


class BlendControls(QWidget):
    """Gain of the difference and opacity of the onion skin; each shows only in its mode."""

    sig_changed = Signal(float, float)  # gain, opacity

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.gain = QDoubleSpinBox()
        self.gain.setObjectName("differenceGain")
        self.gain.setRange(1.0, 100.0)
        self.gain.setDecimals(1)
        self.gain.setSingleStep(1.0)
        self.gain.setPrefix("gain ×")
        self.gain.setValue(DEFAULT_GAIN)
        self.gain.setToolTip("Difference gain: |A - B| is multiplied by this so small changes show")
        self.opacity_label = QLabel("B")
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setObjectName("onionOpacity")
        self.opacity.setRange(0, 100)
        self.opacity.setValue(round(DEFAULT_OPACITY * 100))
        self.opacity.setFixedWidth(110)
        self.opacity.setToolTip("Onion skin: opacity of B over A")
        layout.addWidget(self.gain)
        layout.addWidget(self.opacity_label)
        layout.addWidget(self.opacity)
        self.gain.valueChanged.connect(self._emit)
        self.opacity.valueChanged.connect(self._emit)
        self.set_mode("off")

    def set_mode(self, mode: str) -> None:
        """Show the control of ``mode`` (none outside the blend modes)."""
        self.gain.setVisible(mode == "diff")
        self.opacity.setVisible(mode == "onion")
        self.opacity_label.setVisible(mode == "onion")
        self.setVisible(mode in BLEND_MODES)

    def values(self) -> tuple[float, float]:
        """Gain and opacity (0-1)."""
        return float(self.gain.value()), self.opacity.value() / 100.0

    def _emit(self, *_args: object) -> None:
        self.sig_changed.emit(*self.values())

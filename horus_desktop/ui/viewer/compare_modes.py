"""Compare modes that blend A and B into one image (difference, onion skin) and their controls.

Both work on display pixels: the view transform has already been applied to A and B, so the difference is
what a reviewer would see change on screen (RV's difference does the same). Where B does not cover A (other
size), B counts as black. The CPU path composes here; the GL path composes the two drawn layers in a shader
(gl_compare.py) with the same formulas.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QSlider, QWidget

COMPARE_MODES = (("off", "Compare off"), ("ab", "A/B toggle"), ("wipe", "Wipe"), ("side", "Side by side"),
                 ("diff", "Difference"), ("onion", "Onion skin"))
#: Modes drawn as one image made from A and B.
BLEND_MODES = frozenset({"diff", "onion"})
DEFAULT_GAIN = 4.0
DEFAULT_OPACITY = 0.5


def _rgb(pixels: np.ndarray) -> np.ndarray:
    """Display pixels (RGB/RGBA or grey) as HxWx3 (a view when possible)."""
    if pixels.ndim == 2:
        pixels = pixels[:, :, None]
    if pixels.shape[2] == 1:
        pixels = np.repeat(pixels, 3, axis=2)
    return pixels[:, :, :3]


def _as_uint8(pixels: np.ndarray) -> np.ndarray:
    if pixels.dtype == np.uint8:
        return pixels
    return np.clip(pixels.astype(np.float32) + 0.5, 0, 255).astype(np.uint8)


def _b_over_a(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """B's pixels on A's canvas (top-left aligned, black where B does not reach)."""
    if a.shape == b.shape:
        return b
    out = np.zeros_like(a)
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    out[:h, :w] = b[:h, :w]
    return out


def difference(a: np.ndarray, b: np.ndarray, gain: float = DEFAULT_GAIN) -> np.ndarray:
    """|A - B| x gain per channel, as uint8 RGB the size of A (identical frames are black).

    In 8-bit integers with a 256-entry gain table (~10x faster than in floats: it runs on the UI thread
    for each new frame pair during playback)."""
    fa = _as_uint8(_rgb(a))
    fb = _b_over_a(fa, _as_uint8(_rgb(b)))
    absolute = np.maximum(fa, fb) - np.minimum(fa, fb)
    table = np.clip(np.arange(256, dtype=np.float32) * float(gain) + 0.5, 0, 255).astype(np.uint8)
    return table[absolute]


def onion(a: np.ndarray, b: np.ndarray, opacity: float = DEFAULT_OPACITY) -> np.ndarray:
    """B laid over A at ``opacity`` (0 = only A, 1 = only B), as uint8 RGB the size of A (rounded half up,
    opacity in 1/256 steps)."""
    fa = _as_uint8(_rgb(a))
    fb = _b_over_a(fa, _as_uint8(_rgb(b)))
    w = round(min(max(float(opacity), 0.0), 1.0) * 256)
    mixed = fa.astype(np.uint16) * (256 - w) + fb.astype(np.uint16) * w + 128
    return (mixed >> 8).astype(np.uint8)


def blend(mode: str, a: np.ndarray, b: np.ndarray, *, gain: float, opacity: float) -> np.ndarray:
    """The image a blend mode shows."""
    if mode == "diff":
        return difference(a, b, gain)
    if mode == "onion":
        return onion(a, b, opacity)
    raise ValueError(f"not a blend compare mode: {mode!r}")


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

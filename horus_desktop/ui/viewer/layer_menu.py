"""The viewer's layer menu for multi-part / multi-layer EXRs (like RV's channel menu): beauty, AOVs, depth;
and the bit depth of what is shown (of the part/layer picked, not of the file's first part)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from horus_desktop.media.exr_layers import ExrLayer

_TIP = "Part / layer of the EXR to show (beauty, AOVs, depth)"


def depth_text(bits: int | None, *, is_float: bool) -> str:
    """ "16-bit half", "32-bit float", "10-bit" ("" if unknown)."""
    if not bits:
        return ""
    if is_float:
        return f"{bits}-bit {'half' if bits == 16 else 'float'}"
    return f"{bits}-bit"


class LayerMenu(QWidget):
    """A menu of the EXR's parts/layers (shown when there is more than one) and a bit depth label."""

    sig_picked = Signal(object)  # the ExrLayer picked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.menu = QComboBox()
        self.menu.setObjectName("layerMenu")
        self.menu.setToolTip(_TIP)
        self.menu.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.depth = QLabel("")
        self.depth.setObjectName("bitDepthLabel")
        self.depth.setToolTip("Bit depth of the image shown (of the part/layer picked)")
        layout.addWidget(self.menu)
        layout.addWidget(self.depth)
        self._layers: list[ExrLayer] = []
        self.menu.activated.connect(self._on_activated)
        self.show_layers([], None, "")

    def layers(self) -> list[ExrLayer]:
        """The layers listed."""
        return list(self._layers)

    def show_layers(self, layers: list[ExrLayer], chosen: ExrLayer | None, depth: str) -> None:
        """List ``layers`` with ``chosen`` selected; show ``depth``."""
        self._layers = list(layers)
        self.menu.blockSignals(True)
        self.menu.clear()
        for layer in layers:
            self.menu.addItem(layer.label)
            self.menu.setItemData(self.menu.count() - 1, f"{layer.label}: {', '.join(layer.channels)}",
                                  Qt.ItemDataRole.ToolTipRole)
        if chosen is not None and chosen in self._layers:
            self.menu.setCurrentIndex(self._layers.index(chosen))
        self.menu.blockSignals(False)
        self.menu.setVisible(len(layers) > 1)
        self.depth.setText(depth)
        self.depth.setVisible(bool(depth))
        self.setVisible(len(layers) > 1 or bool(depth))

    def pick(self, index: int) -> None:
        """Choose the layer at ``index`` (as the user would)."""
        self.menu.setCurrentIndex(index)
        self._on_activated(index)

    def _on_activated(self, index: int) -> None:
        if 0 <= index < len(self._layers):
            self.sig_picked.emit(self._layers[index])

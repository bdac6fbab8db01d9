"""The layers panel: the drawing layers of the media on screen (top first); create, rename, colour,
show/hide, lock, reorder, delete. The selected layer is where new shapes go."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from horus_desktop.domain.records import AnnotationLayer
from horus_desktop.ui.annotate.canvas import LayerInfo
from horus_desktop.ui.annotate.controller import AnnotationController
from horus_desktop.ui.annotate.palette import swatch
from horus_desktop.ui.db_worker import DbWorker
from horus_desktop.ui.theme import LAYER_DEFAULT

if TYPE_CHECKING:
    from horus_desktop.store import Store

VISIBLE, LOCKED, NAME = 0, 1, 2


def layer_stack(layers: list[AnnotationLayer]) -> list[AnnotationLayer]:
    """Layer records in the order the canvas stacks them (bottom first; ties by name)."""
    return sorted(layers, key=lambda layer: (layer.layer_order or 0, layer.layer_name))


class LayersPanel(QWidget):
    """Layers of the media on screen; edits go through the DB worker."""

    sig_message = Signal(str)

    def __init__(self, store: Store, db: DbWorker, controller: AnnotationController,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("layersPanel")
        self._store, self._db, self._ctl = store, db, controller
        self._layers: list[LayerInfo] = []
        self.tree = QTreeWidget()
        self.tree.setObjectName("layersTree")
        self.tree.setHeaderLabels(["Show", "Lock", "Layer"])
        self.tree.setRootIsDecorated(False)
        self.tree.setColumnWidth(VISIBLE, 44)
        self.tree.setColumnWidth(LOCKED, 40)
        self.tree.itemChanged.connect(self._on_item_changed)
        self.tree.currentItemChanged.connect(self._on_current)
        self.tree.itemDoubleClicked.connect(lambda _i, _c: self.rename_current())
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, QToolButton] = {}
        for key, text, tip, handler in (
            ("new", "+", "New layer", self.create_layer),
            ("rename", "Rename", "Rename the layer", self.rename_current),
            ("colour", "Colour", "Layer colour", self.recolour_current),
            ("up", "▲", "Move up", lambda: self.move_current(1)),
            ("down", "▼", "Move down", lambda: self.move_current(-1)),
            ("delete", "✕", "Delete the layer and its shapes", self.delete_current),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _c=False, h=handler: h())
            buttons.addWidget(button)
            self.buttons[key] = button
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        controller.sig_layers.connect(self.set_layers)

    def set_layers(self, layers: list[LayerInfo]) -> None:
        """Show a media's layers (top first)."""
        self._layers = list(layers)
        self.tree.blockSignals(True)
        self.tree.clear()
        current = None
        for layer in reversed(layers):
            item = QTreeWidgetItem(["", "", layer.name])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(VISIBLE, Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked)
            item.setCheckState(LOCKED, Qt.CheckState.Checked if layer.locked else Qt.CheckState.Unchecked)
            if layer.colour:
                item.setIcon(NAME, swatch(layer.colour))
            item.setData(NAME, Qt.ItemDataRole.UserRole, layer.name)
            self.tree.addTopLevelItem(item)
            if layer.name == self._ctl.current_layer:
                current = item
        if current is not None:
            self.tree.setCurrentItem(current)
        self.tree.blockSignals(False)

    def layer_names(self) -> list[str]:
        """Names top first, as listed."""
        return [self.tree.topLevelItem(i).text(NAME) for i in range(self.tree.topLevelItemCount())]

    def _current(self) -> LayerInfo | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        name = item.data(NAME, Qt.ItemDataRole.UserRole)
        return next((layer for layer in self._layers if layer.name == name), None)

    def _on_current(self, item: QTreeWidgetItem | None, _previous: object) -> None:
        if item is not None:
            self._ctl.pick_layer(str(item.data(NAME, Qt.ItemDataRole.UserRole)))

    # --- edits -----------------------------------------------------------------------------------
    def _with_records(self, then: Callable[[dict[str, uuid.UUID]], Any]) -> None:
        """Run ``then(ids by name)`` on the DB worker once every layer has a record."""
        self._with_layers(lambda records: then({layer.layer_name: layer.id for layer in records}))

    def _with_layers(self, then: Callable[[list[AnnotationLayer]], Any]) -> None:
        """Run ``then(records bottom first)`` on the DB worker once every layer has a record."""
        media = self._ctl.media
        if media is None:
            self.sig_message.emit("Open a media first.")
            return
        store, user = self._store, self._ctl.user_id

        def work() -> Any:
            # Read from the store here, never from the panel's list: that list can lag behind a rename whose
            # shapes have not been reloaded yet, and would bring the old name back as an empty layer.
            records = store.layers.ensure_for_shapes(media.id, created_by=user)
            if not records:  # the listed default layer, before anything is drawn on it, becomes a record
                store.layers.create(media.id, "default", layer_order=0, created_by=user)
                records = store.layers.list(media.id)
            return then(layer_stack(records))

        def settled() -> None:
            self._ctl.pending_layer_edits -= 1
            self._ctl.reload_layers()

        def failed(error: BaseException) -> None:
            settled()
            self.sig_message.emit(f"Layers: {error}")

        self._ctl.pending_layer_edits += 1
        if self._db.submit(work, on_done=lambda _r: settled(), on_error=failed) is None:
            self._ctl.pending_layer_edits -= 1  # the worker has shut down: nothing will settle

    def create_layer(self, name: str | None = None) -> None:
        """A new layer on top (asks for its name)."""
        from PySide6.QtWidgets import QInputDialog  # loads on use
        media = self._ctl.media
        if media is None:
            self.sig_message.emit("Open a media first.")
            return
        if name is None:
            name, ok = QInputDialog.getText(self, "New layer", "Layer name:", text=f"layer {len(self._layers) + 1}")
            if not ok or not name.strip():
                return
        new_name = name.strip()
        self._ctl.pick_layer(new_name)
        self._with_records(lambda _ids: self._store.layers.create(media.id, new_name, created_by=self._ctl.user_id))

    def rename_current(self, name: str | None = None) -> None:
        """Rename the selected layer (its shapes follow)."""
        from PySide6.QtWidgets import QInputDialog  # loads on use
        layer = self._current()
        if layer is None:
            return
        if name is None:
            name, ok = QInputDialog.getText(self, "Rename layer", "Layer name:", text=layer.name)
            if not ok or not name.strip() or name.strip() == layer.name:
                return
        new_name = name.strip()
        if self._ctl.current_layer == layer.name:
            self._ctl.pick_layer(new_name)
        self._with_records(lambda ids: self._store.layers.update(ids[layer.name], layer_name=new_name))

    def recolour_current(self, colour: str | None = None) -> None:
        """Set the selected layer's colour."""
        from PySide6.QtWidgets import QColorDialog  # loads on use
        layer = self._current()
        if layer is None:
            return
        if colour is None:
            picked = QColorDialog.getColor(QColor(layer.colour or LAYER_DEFAULT), self, "Layer colour")
            if not picked.isValid():
                return
            colour = picked.name()
        self._with_records(lambda ids: self._store.layers.update(ids[layer.name], layer_color=colour))

    def move_current(self, step: int) -> None:
        """Raise (+1) or lower (-1) the selected layer."""
        layer = self._current()
        media = self._ctl.media
        if layer is None or media is None:
            return
        name = layer.name

        def swap(records: list[AnnotationLayer]) -> None:
            # The stored stack, not the listed one: a reload still on its way must not undo another edit.
            ids = [x.id for x in records]
            i = next((k for k, x in enumerate(records) if x.layer_name == name), None)
            if i is None or not 0 <= i + step < len(ids):
                return
            ids[i], ids[i + step] = ids[i + step], ids[i]
            self._store.layers.reorder(media.id, ids)

        self._with_layers(swap)

    def delete_current(self, confirm: bool = True) -> None:
        """Delete the selected layer and its shapes."""
        from PySide6.QtWidgets import QMessageBox  # loads on use
        layer = self._current()
        if layer is None:
            return
        if confirm and QMessageBox.question(self, "Delete layer", f"Delete layer {layer.name} and its shapes?") \
                != QMessageBox.StandardButton.Yes:
            return
        self._with_records(lambda ids: self._store.layers.delete(ids[layer.name]))

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        name = str(item.data(NAME, Qt.ItemDataRole.UserRole))
        if column == VISIBLE:
            on = item.checkState(VISIBLE) == Qt.CheckState.Checked
            self._with_records(lambda ids: self._store.layers.update(ids[name], is_visible=on))
        elif column == LOCKED:
            on = item.checkState(LOCKED) == Qt.CheckState.Checked
            self._with_records(lambda ids: self._store.layers.update(ids[name], is_locked=on))

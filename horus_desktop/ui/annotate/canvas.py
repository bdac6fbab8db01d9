"""The drawings on the viewer scene: one group item per layer above the image (z = 10 + layer order),
held shapes, ghosts of the previous/next annotated frames, and local edits shown before the store has them.

Rows come from the store (``set_annotations``); edits made here are shown at once as overrides
(``apply_local``) and dropped when the DB worker has written them (``settle``): a reload that was
queued before the write never hides a fresh drawing.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtWidgets import QGraphicsItem, QGraphicsItemGroup, QGraphicsScene

from horus_desktop.domain.records import Annotation, AnnotationLayer
from horus_desktop.domain.shapes import Shape, ShapeError, ghost_frames, shape_from_row, shown_on
from horus_desktop.ui.annotate.items import build_item

log = logging.getLogger(__name__)

LAYER_Z = 10.0
GHOST_Z = 9.0
GHOST_OPACITY = 0.28


class FrameMap(Protocol):
    """How the frames the viewer shows map to the media's frames (a playlist: timeline frame -> source frame)."""

    def source_of(self, shown: int, media_id: uuid.UUID | None) -> int | None:
        """The frame of ``media_id`` on screen at ``shown`` (None: another media or a gap is shown there)."""

    def shown_of(self, source_frames: set[int]) -> set[int]:
        """The shown frames where these frames of the current media are (the slider's marks)."""

    def hold_window(self) -> tuple[int, int] | None:
        """The source frames held and ghosted drawings may come from (a playlist: the clip's own; None: all)."""


@dataclass
class LayerInfo:
    """How a layer is shown (from ``horus_annotation_layers``, or implied by shapes' layer names)."""

    name: str
    order: int = 0
    visible: bool = True
    locked: bool = False
    colour: str | None = None
    id: uuid.UUID | None = None


class AnnotationCanvas:
    """Shows the shapes on screen at the current frame, grouped per layer; items keep their row id."""

    def __init__(self, scene: QGraphicsScene) -> None:
        self._scene = scene
        self._stored: dict[uuid.UUID, Annotation] = {}
        self._overrides: dict[uuid.UUID, Annotation | None] = {}
        self._inflight: dict[uuid.UUID, int] = {}
        self._layers: dict[str, LayerInfo] = {}
        self._groups: list[QGraphicsItemGroup] = []
        self._group_by_layer: dict[str, QGraphicsItemGroup] = {}
        self._ghost_group: QGraphicsItemGroup | None = None
        self._frame: int | None = None  # the media's frame (a playlist's clip: its source frame)
        self._shown: int | None = None  # the frame the viewer shows (a playlist: its timeline frame)
        self._window: tuple[int, int] | None = None
        self._frame_map: FrameMap | None = None
        self._size = (1, 1)
        self.media_id: uuid.UUID | None = None
        self.visible = True
        self.ghost = False
        self.problems: list[str] = []
        self._row_listeners: list[Callable[[], None]] = []

    def set_frame_map(self, frame_map: FrameMap | None) -> None:
        """Map the viewer's frames to the media's (the window's current media, once it is built)."""
        self._frame_map = frame_map
        self._resolve()

    def listen_rows(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after stored rows change (a reload or a settled write), to re-derive selections."""
        self._row_listeners.append(listener)

    def _rows_changed(self) -> None:
        for listener in self._row_listeners:
            listener()

    # --- data ------------------------------------------------------------------------------------
    def set_annotations(self, annotations: list[Annotation], image_size: tuple[int, int]) -> None:
        """All stored shapes of the media (local edits not yet written stay on top)."""
        media = {a.media_id for a in annotations}
        if annotations and len(media) == 1:
            new_media = next(iter(media))
            if new_media != self.media_id:
                self._overrides = {k: v for k, v in self._overrides.items() if v is None or v.media_id == new_media}
            self.media_id = new_media
        self._stored = {a.id: a for a in annotations}
        self._size = image_size
        self.refresh()
        self._rows_changed()

    def set_media(self, media_id: uuid.UUID | None, image_size: tuple[int, int] | None = None) -> None:
        """A new media is on screen: forget the old one's rows and layers."""
        if media_id != self.media_id:
            self._stored = {}
            self._layers = {}
        self.media_id = media_id
        if image_size is not None:
            self._size = image_size
        if not self._resolve():
            self.refresh()

    def set_image_size(self, image_size: tuple[int, int]) -> None:
        """The image on screen has another size (a playlist's clip of another resolution): shapes are stored in
        normalised image space, so they are laid out again over the new image."""
        if image_size != self._size:
            self._size = image_size
            self.refresh()

    def set_layers(self, layers: list[AnnotationLayer]) -> None:
        """The media's layer records (order, visibility, lock, colour)."""
        self._layers = {
            layer.layer_name: LayerInfo(layer.layer_name, layer.layer_order or 0, layer.is_visible is not False,
                                        bool(layer.is_locked), layer.layer_color, layer.id)
            for layer in layers
        }
        self.refresh()

    def apply_local(self, annotation_id: uuid.UUID, row: Annotation | None) -> None:
        """Show an edit now (``None``: deleted); call ``settle`` once the DB worker has written it."""
        self._overrides[annotation_id] = row
        self._inflight[annotation_id] = self._inflight.get(annotation_id, 0) + 1
        self.refresh()

    def settle(self, annotation_id: uuid.UUID, stored: Annotation | None = None, *, deleted: bool = False) -> None:
        """A queued write of this row has landed (its stored row, or deleted)."""
        left = self._inflight.get(annotation_id, 1) - 1
        if deleted:
            self._stored.pop(annotation_id, None)
        elif stored is not None and stored.media_id == self.media_id:
            self._stored[annotation_id] = stored
        if left <= 0:
            self._inflight.pop(annotation_id, None)
            self._overrides.pop(annotation_id, None)
        else:
            self._inflight[annotation_id] = left
        self.refresh()
        self._rows_changed()

    def rows(self) -> list[Annotation]:
        """Live shapes of the media as shown (stored rows with local edits applied)."""
        merged = dict(self._stored)
        for key, row in self._overrides.items():
            if row is None:
                merged.pop(key, None)
            elif row.media_id == self.media_id:
                merged[key] = row
        return [a for a in merged.values() if a.is_visible is not False and not a.is_deleted]

    def row(self, annotation_id: uuid.UUID) -> Annotation | None:
        """One shown row by id."""
        if annotation_id in self._overrides:
            return self._overrides[annotation_id]
        return self._stored.get(annotation_id)

    def frames(self) -> set[int]:
        """Frames where a shape starts (the media's frame numbers)."""
        return {a.frame_number for a in self.rows()}

    def marked_frames(self) -> set[int]:
        """``frames`` as the viewer's slider numbers them (a playlist: timeline frames of the media's clips)."""
        frames = self.frames()
        return self._frame_map.shown_of(frames) if self._frame_map is not None else frames

    def layers(self) -> list[LayerInfo]:
        """Layers bottom first: the stored ones and those only named by shapes."""
        known = dict(self._layers)
        for a in self.rows():
            name = a.layer_name or "default"
            if name not in known:
                known[name] = LayerInfo(name, a.layer_order or 0)
        if not known:
            known["default"] = LayerInfo("default")  # where the first shape goes: listed before it is drawn
        return sorted(known.values(), key=lambda layer: (layer.order, layer.name))

    def layer(self, name: str) -> LayerInfo:
        """A layer's state (implied ones are visible and unlocked)."""
        return self._layers.get(name) or LayerInfo(name)

    def image_size(self) -> tuple[int, int]:
        """Pixel size of slot A's image (scene units)."""
        return self._size

    # --- scene -----------------------------------------------------------------------------------
    def clear(self) -> None:
        """Remove every item."""
        for group in [*self._groups, *([self._ghost_group] if self._ghost_group else [])]:
            self._scene.removeItem(group)
        self._groups = []
        self._group_by_layer = {}
        self._ghost_group = None

    def show_frame(self, frame: int) -> None:
        """Items for the viewer's ``frame`` (a playlist's timeline frame is mapped to its clip's source frame)."""
        self._shown = frame
        self._resolve()

    def _resolve(self) -> bool:
        """Work out the media frame and hold window of the shown frame; True when they changed (redrawn)."""
        shown, frame_map = self._shown, self._frame_map
        if shown is None:
            return False
        frame = frame_map.source_of(shown, self.media_id) if frame_map is not None else shown
        window = frame_map.hold_window() if frame_map is not None else None
        if (frame, window) == (self._frame, self._window):
            return False
        self._frame, self._window = frame, window
        self.refresh()
        return True

    def current_frame(self) -> int | None:
        """The media's frame shown (None: a playlist shows another media or a gap)."""
        return self._frame

    def refresh(self) -> None:
        """Rebuild the items of the current frame."""
        self.clear()
        frame = self._frame
        if frame is None or not self.visible:
            return
        rows = self.rows()
        if self._window is not None:  # a playlist: holds and ghosts only from the clip's own frames
            first, last = self._window
            rows = [a for a in rows if first <= a.frame_number <= last]
        for info in self.layers():
            group = QGraphicsItemGroup()
            group.setZValue(LAYER_Z + info.order)
            group.setVisible(info.visible)
            group.setData(1, info.name)
            self._scene.addItem(group)
            self._groups.append(group)
            self._group_by_layer[info.name] = group
        for a in rows:
            if shown_on(a.frame_number, a.style_properties, frame):
                item = self._item(a)
                if item is not None:
                    self._group_by_layer[a.layer_name or "default"].addToGroup(item)
        if self.ghost:
            self._add_ghosts(rows, frame)

    def _add_ghosts(self, rows: list[Annotation], frame: int) -> None:
        before, after = ghost_frames({a.frame_number for a in rows}, frame)
        group = QGraphicsItemGroup()
        group.setZValue(GHOST_Z)
        group.setOpacity(GHOST_OPACITY)
        for a in rows:
            if a.frame_number in (before, after) and not shown_on(a.frame_number, a.style_properties, frame) \
                    and self.layer(a.layer_name or "default").visible:
                item = self._item(a)
                if item is not None:
                    group.addToGroup(item)
        self._scene.addItem(group)
        self._ghost_group = group

    def _item(self, a: Annotation) -> QGraphicsItem | None:
        width, height = self._size
        try:
            shape = self.shape_of(a)
            return build_item(shape.to_pixels(width, height), float(height), annotation_id=a.id, shape_norm=shape)
        except (ShapeError, KeyError) as exc:
            self.problems.append(f"annotation {a.id}: {exc}")
            log.warning("annotation %s not drawn: %s", a.id, exc)
            return None

    def shape_of(self, a: Annotation) -> Shape:
        """The normalized shape of a row."""
        return shape_from_row(a.annotation_type, a.coordinates, a.style_properties, a.content,
                              image_size=self._size)

    def set_visible(self, visible: bool) -> None:
        """Show or hide the drawings (hidden while B is shown alone: they belong to A)."""
        if visible != self.visible:
            self.visible = visible
            self.refresh()

    def set_ghost(self, on: bool) -> None:
        """Show the previous/next annotated frames' drawings faded."""
        self.ghost = on
        self.refresh()

    def items(self) -> list[QGraphicsItem]:
        """Shape items on screen (ghosts left out), bottom layer first."""
        return [i for g in self._groups if g.isVisible() for i in g.childItems()]

    def ghost_items(self) -> list[QGraphicsItem]:
        """Faded items of the neighbouring annotated frames."""
        return list(self._ghost_group.childItems()) if self._ghost_group is not None else []

    def item_for(self, annotation_id: uuid.UUID) -> QGraphicsItem | None:
        """The item drawing a row, if on screen."""
        for item in self.items():
            if getattr(item, "annotation_id", None) == annotation_id:
                return item
        return None

    def item_count(self) -> int:
        """Shapes on screen."""
        return sum(len(g.childItems()) for g in self._groups)

"""Drawing on the viewer: routes pointer and tablet events to the current tool, shows edits at once and queues
every write on the DB worker in order (so a drawing is never lost to a frame or media change right after).

The canvas (``viewer.overlay``) draws; tools make shapes; commands (on ``undo_stack``) say what changes;
this controller applies them locally and writes them.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainterPath, QTabletEvent, QUndoStack
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView, QInputDialog

from horus_desktop.domain.records import Annotation, AnnotationLayer, MediaRecord
from horus_desktop.domain.shapes import Shape, Style
from horus_desktop.services import drawings
from horus_desktop.ui.annotate.canvas import AnnotationCanvas
from horus_desktop.ui.annotate.commands import AddShapesCommand, DeleteShapesCommand, EditShapesCommand
from horus_desktop.ui.annotate.items import is_shape_item
from horus_desktop.ui.annotate.select_tool import SelectTool, selection_decoration
from horus_desktop.ui.annotate.tool_base import Tool, annotation_fields
from horus_desktop.ui.annotate.tools import TOOL_CLASSES
from horus_desktop.ui.current_user import CurrentUser
from horus_desktop.ui.db_worker import DbWorker
from horus_desktop.ui.store_events import StoreEvents

if TYPE_CHECKING:
    from horus_desktop.store import Store
    from horus_desktop.store.unit_of_work import ChangeSet

log = logging.getLogger(__name__)

_PRESS = {QEvent.Type.MouseButtonPress, QEvent.Type.TabletPress}
_MOVE = {QEvent.Type.MouseMove, QEvent.Type.TabletMove}
_RELEASE = {QEvent.Type.MouseButtonRelease, QEvent.Type.TabletRelease}


class AnnotationController(QObject):
    """The drawing side of the viewer: tools, style, layers in use, selection, undo, ordered writes."""

    sig_message = Signal(str)
    sig_layers = Signal(object)  # list[LayerInfo] of the media on screen
    sig_tool = Signal(str)
    sig_marks = Signal(object)  # frames with drawings
    sig_press = Signal()  # a tool is put down on the frame (the window stops playback on it: ViewerPanel.hold)

    def __init__(self, store: Store, db: DbWorker, events: StoreEvents, view: QGraphicsView,
                 canvas: AnnotationCanvas, user: CurrentUser, *,
                 slot_record: Callable[[], MediaRecord | None] | None = None, parent: QObject | None = None) -> None:
        """``slot_record`` tells which media the viewer shows now (the window's current media: in a playlist the
        clip's under the playhead; None in a gap)."""
        super().__init__(parent)
        self.store, self.db, self.view, self.canvas = store, db, view, canvas
        canvas.listen_rows(self._on_canvas_rows_changed)
        self.scene = view.scene()
        self._user = user
        self.undo_stack = QUndoStack(self)
        self.media: MediaRecord | None = None
        self.frame: int | None = None
        self.current_layer = "default"
        self._style = Style()
        self.tools: dict[str, Tool] = {name: cls(self) for name, cls in TOOL_CLASSES.items()}
        self.tool: Tool = self.tools["hand"]
        self._selected: list[uuid.UUID] = []
        self._decoration: list[QGraphicsItem] = []
        self._drawing = False
        self.pending_writes = 0
        # Layer edits queued on the DB worker: while one is, a layer picked by the user may not be stored yet.
        self.pending_layer_edits = 0
        self._highlight: str | None = None  # the note whose drawings are outlined (highlight_note)
        self.session_drawings: dict[tuple[uuid.UUID, int], list[uuid.UUID]] = {}
        self.text_asker: Callable[[], str | None] = self._ask_text_dialog
        self.slot_record = slot_record
        self._drag_mode = view.dragMode()
        view.viewport().installEventFilter(self)
        view.viewport().setAttribute(Qt.WidgetAttribute.WA_TabletTracking, True)
        events.changed.connect(self._on_store_changed)

    @property
    def user_id(self) -> str:
        """Who draws."""
        return self._user.id

    @property
    def user_name(self) -> str:
        """The name drawings are signed with."""
        return self._user.name

    # --- host protocol for tools -----------------------------------------------------------------
    def image_size(self) -> tuple[int, int]:
        """Slot A's image in pixels."""
        return self.canvas.image_size()

    def style(self) -> Style:
        """The style new shapes get."""
        return self._style

    def pixels_per_screen_pixel(self) -> float:
        """Image pixels under one screen pixel at the current zoom."""
        scale = self.view.transform().m11()
        return 1.0 / scale if scale > 0 else 1.0

    def hit_items(self, path: QPainterPath) -> list[QGraphicsItem]:
        """Shape items on unlocked, visible layers that ``path`` touches (bottom first)."""
        out = []
        for item in self.canvas.items():
            row = self.canvas.row(getattr(item, "annotation_id", None))  # type: ignore[arg-type]
            if row is None or self.canvas.layer(row.layer_name or "default").locked:
                continue
            if is_shape_item(item) and item.isVisible() and item.outline().intersects(path):  # type: ignore[attr-defined]
                out.append(item)
        return out

    def row(self, annotation_id: uuid.UUID) -> Annotation | None:
        """A shown row by id."""
        return self.canvas.row(annotation_id)

    def shape_of(self, row: Annotation) -> Shape:
        """Its normalized shape."""
        return self.canvas.shape_of(row)

    def ask_text(self) -> str | None:
        """The text of a new label (a dialog; tests replace ``text_asker``)."""
        try:
            return self.text_asker()
        finally:
            # The dialog hands focus back to whatever had it before (or, with no window manager to re-activate
            # the main window, to nothing): the tool keys must reach the viewer at once.
            self.view.window().activateWindow()
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _ask_text_dialog(self) -> str | None:
        text, ok = QInputDialog.getText(self.view, "Text on the frame", "Text:")
        return text if ok else None

    def selected_ids(self) -> list[uuid.UUID]:
        """Selected shapes."""
        return [k for k in self._selected if self.canvas.row(k) is not None]

    def select(self, ids: list[uuid.UUID]) -> None:
        """Select shapes (outlined, with a resize handle)."""
        self._highlight = None
        self._selected = list(ids)
        self._decorate()

    # --- state -----------------------------------------------------------------------------------
    def can_draw(self) -> bool:
        """A media is shown (alone, or a playlist's clip under the playhead) and a frame of it is on screen."""
        if self.media is None or self.frame is None or self.canvas.media_id != self.media.id:
            return False
        shown = self.slot_record() if self.slot_record is not None else self.media
        return shown is not None and shown.id == self.media.id

    def set_media(self, record: MediaRecord | None) -> None:
        """The viewer now shows ``record`` (None: no media, a playlist's gap): load its layers; undo history
        starts over."""
        if record is None or self.media is None or record.id != self.media.id:
            self.tool.cancel()
            self.undo_stack.clear()
            self._selected = []
            self._highlight = None
            self._decorate()
        if record is None:
            self.media = None
            self.frame = None
            self.canvas.set_media(None)
            self.sig_layers.emit(self.canvas.layers())
            return
        self.media = record
        self.canvas.set_media(record.id)
        self.reload_layers()

    def set_frame(self, media_id: uuid.UUID, frame: int) -> None:
        """The frame on screen changed."""
        if self.media is not None and media_id == self.media.id:
            self.frame = frame
            self._decorate()

    def set_tool(self, name: str) -> None:
        """Switch tools (``hand`` pans and draws nothing)."""
        self.tool.cancel()
        self.tool = self.tools[name]
        drawing = name != "hand"
        self.view.setDragMode(QGraphicsView.DragMode.NoDrag if drawing else self._drag_mode)
        self.view.viewport().setCursor(self.tool.cursor)
        if name != "select":
            self.select([])
        self.sig_tool.emit(name)

    def set_style(self, style: Style) -> None:
        """Style for new shapes; with the select tool, also restyles the selection (undoable)."""
        self._style = style
        if self.tool.name == "select" and self.selected_ids():
            changed: dict[uuid.UUID, Shape] = {}
            for key in self.selected_ids():
                row = self.canvas.row(key)
                if row is None:
                    continue
                old = self.canvas.shape_of(row)
                new = old.restyled(replace(style, comment_id=old.style.comment_id))
                if new != old:
                    changed[key] = new
            if changed:
                self.edit_shapes(changed, "Restyle drawing")

    def set_ghost(self, on: bool) -> None:
        """Onion-skin the neighbouring annotated frames."""
        self.canvas.set_ghost(on)
        self._decorate()

    # --- events ----------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if self.tool.name == "hand" or kind not in _PRESS | _MOVE | _RELEASE:
            return False
        if getattr(self.view, "_space_down", False):
            return False
        if isinstance(event, QTabletEvent):
            pressure = float(event.pressure())
            pos = event.position()
        elif isinstance(event, QMouseEvent):
            if kind in _PRESS and event.button() != Qt.MouseButton.LeftButton:
                return False
            if kind in _MOVE and not (event.buttons() & Qt.MouseButton.LeftButton) and not self._drawing:
                return False
            pressure = 1.0
            pos = event.position()
        else:
            return False
        if not self.can_draw():
            if kind in _PRESS:
                self.sig_message.emit("No media here to draw on (open a media, or stop the playlist on a clip).")
            return True
        scene_pos = self.view.mapToScene(pos.toPoint())
        if isinstance(event, QMouseEvent) and kind in _PRESS and isinstance(self.tool, SelectTool):
            self.tool.add_to_selection = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        self.handle(kind, QPointF(scene_pos), pressure)
        event.accept()
        return True

    def handle(self, kind: QEvent.Type, pos: QPointF, pressure: float = 1.0) -> None:
        """Feed one press/move/release (scene coordinates) to the current tool."""
        if kind in _PRESS:
            self.sig_press.emit()  # first: a stroke goes on the frame it starts on
            self._drawing = True
            self.tool.press(pos, pressure)
        elif kind in _MOVE:
            self.tool.move(pos, pressure)
        elif kind in _RELEASE and self._drawing:
            self._drawing = False
            self.tool.release(pos, pressure)

    # --- edits (tools -> commands) ---------------------------------------------------------------
    def commit_shape(self, shape: Shape) -> Annotation | None:
        """A finished shape: shown now, written now (queued), undoable."""
        if not self.can_draw():
            return None
        assert self.media is not None and self.frame is not None
        layer = self.canvas.layer(self.current_layer)
        row = Annotation(id=uuid.uuid4(), media_id=self.media.id, frame_number=self.frame,
                         user_id=self.user_id, user_name=self.user_name, layer_name=layer.name,
                         layer_order=layer.order, **shape.row_fields())
        if layer.locked:
            self.sig_message.emit(f"Layer {layer.name} is locked.")
            return None
        self.session_drawings.setdefault((self.media.id, self.frame), []).append(row.id)
        self.undo_stack.push(AddShapesCommand(self, [row], f"Draw {shape.kind}"))
        return row

    def erase(self, ids: list[uuid.UUID]) -> None:
        """Delete shapes (eraser, Delete key); undoable."""
        rows = [r for r in (self.canvas.row(k) for k in ids) if r is not None]
        if rows:
            self.undo_stack.push(DeleteShapesCommand(self, rows, "Erase" if self.tool.name == "eraser"
                                                     else "Delete drawing"))

    def delete_selected(self) -> None:
        """Delete the selected shapes."""
        ids = self.selected_ids()
        self.select([])
        self.erase(ids)

    def edit_shapes(self, shapes: dict[uuid.UUID, Shape], text: str) -> None:
        """Moved, resized or restyled shapes; undoable."""
        changes = []
        for key, shape in shapes.items():
            row = self.canvas.row(key)
            if row is None:
                continue
            before = annotation_fields(self.canvas.shape_of(row))
            changes.append((key, before, annotation_fields(shape)))
        if changes:
            self.undo_stack.push(EditShapesCommand(self, changes, text))

    # --- writes (commands -> canvas now, DB worker in order) -------------------------------------
    def _submit(self, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None], what: str) -> None:
        self.pending_writes += 1

        def done(result: Any) -> None:
            self.pending_writes -= 1
            on_done(result)

        def failed(error: BaseException) -> None:
            self.pending_writes -= 1
            log.error("%s failed: %s", what, error)
            self.sig_message.emit(f"{what} not saved: {error}")

        self.db.submit(fn, *args, on_done=done, on_error=failed)

    def write_add(self, rows: list[Annotation]) -> None:
        """Store new shapes (one transaction; the media's artist is told once)."""
        for row in rows:
            self.canvas.apply_local(row.id, row)
        shapes = [dict(id=r.id, media_id=r.media_id, frame_number=r.frame_number,
                       annotation_type=r.annotation_type, coordinates=r.coordinates, user_id=r.user_id,
                       user_name=r.user_name, style_properties=r.style_properties, content=r.content,
                       layer_name=r.layer_name, layer_order=r.layer_order) for r in rows]

        def done(stored: list[Annotation]) -> None:
            for row in stored:
                self.canvas.settle(row.id, row)
            self._after_change()

        self._submit(lambda: self.store.annotations.add_many(shapes, notify_owner=True), on_done=done,
                     what="Drawing")
        self._after_change()

    def write_update(self, annotation_id: uuid.UUID, fields: dict[str, Any]) -> None:
        """Store changed fields of a shape."""
        row = self.canvas.row(annotation_id)
        if row is not None:
            self.canvas.apply_local(annotation_id, replace(row, **fields))
        self._submit(lambda: self.store.annotations.update(annotation_id, **fields),
                     on_done=lambda stored: self._settled(annotation_id, stored), what="Drawing change")
        self._after_change()

    def write_delete(self, ids: list[uuid.UUID]) -> None:
        """Soft-delete shapes."""
        for key in ids:
            self.canvas.apply_local(key, None)
        self._selected = [k for k in self._selected if k not in ids]

        def done(_result: object) -> None:
            for key in ids:
                self.canvas.settle(key, deleted=True)
            self._after_change()

        self._submit(drawings.delete_drawings, self.store, ids, on_done=done, what="Delete")
        self._after_change()

    def write_restore(self, rows: list[Annotation]) -> None:
        """Bring soft-deleted shapes back."""
        for row in rows:
            self.canvas.apply_local(row.id, row)

        def done(stored: list[Annotation]) -> None:
            for row in stored:
                self.canvas.settle(row.id, row)
            self._after_change()

        self._submit(drawings.restore_drawings, self.store, [r.id for r in rows], on_done=done, what="Restore")
        self._after_change()

    def _settled(self, annotation_id: uuid.UUID, stored: Annotation) -> None:
        self.canvas.settle(annotation_id, stored)
        self._after_change()

    def _after_change(self) -> None:
        self._decorate()
        self.sig_marks.emit(self.canvas.frames())

    def _decorate(self) -> None:
        for item in self._decoration:
            if item.scene() is not None:
                self.scene.removeItem(item)
        self._decoration = []
        tool = self.tools["select"]
        assert isinstance(tool, SelectTool)
        bounds = tool.selection_bounds() if self._selected else None
        if bounds is None or self.tool.name != "select":
            return
        self._decoration = selection_decoration(bounds, tool.handle_rect(bounds))
        for item in self._decoration:
            self.scene.addItem(item)

    # --- notes link ------------------------------------------------------------------------------
    def take_session_drawings(self, media_id: uuid.UUID, frame: int) -> list[uuid.UUID]:
        """Drawings made on this frame in this session and not yet attached to a note (and forget them)."""
        ids = self.session_drawings.pop((media_id, frame), [])
        return [k for k in ids if self.canvas.row(k) is not None]

    def highlight_note(self, comment_id: uuid.UUID) -> list[uuid.UUID]:
        """Select the drawings attached to a note (shown with the selection outline).

        The note stays highlighted as rows come back from the store, so drawings linked to a note just sent
        (their rows still on their way from the DB worker) are outlined once they arrive."""
        self._highlight = str(comment_id)
        return self._show_highlight()

    def _show_highlight(self) -> list[uuid.UUID]:
        key = self._highlight
        ids = [r.id for r in self.canvas.rows() if (r.style_properties or {}).get("comment_id") == key]
        self._selected = ids
        if ids and self.tool.name != "select":
            tool = self.tools["select"]
            assert isinstance(tool, SelectTool)
            for item in self._decoration:
                self.scene.removeItem(item)
            bounds = tool.selection_bounds()
            self._decoration = [] if bounds is None else selection_decoration(bounds, tool.handle_rect(bounds))[:1]
            for item in self._decoration:
                self.scene.addItem(item)
        else:
            self._decorate()
        return ids

    def pick_layer(self, name: str) -> None:
        """New shapes go on layer ``name`` (the layers panel's selection)."""
        self.current_layer = name

    def _on_canvas_rows_changed(self) -> None:
        if self._highlight is not None:
            self._show_highlight()

    # --- layers ----------------------------------------------------------------------------------
    def reload_layers(self) -> None:
        """Fetch the media's layer records."""
        media = self.media
        if media is None:
            return

        def fill(layers: list[AnnotationLayer]) -> None:
            if self.media is None or self.media.id != media.id:
                return
            self.canvas.set_layers(layers)
            names = [layer.name for layer in self.canvas.layers()]
            if self.current_layer not in names and names and not self.pending_layer_edits:
                self.current_layer = names[-1]
            self.sig_layers.emit(self.canvas.layers())

        self.db.submit(self.store.layers.list, media.id, on_done=fill)

    def _on_store_changed(self, change_set: ChangeSet) -> None:
        media_id = self.media.id if self.media is not None else None
        if media_id is not None and (change_set.of("layer") or change_set.of("drawing", media_id)):
            self.reload_layers()

    def shutdown(self) -> None:
        """Drop tool previews."""
        for tool in self.tools.values():
            tool.cancel()

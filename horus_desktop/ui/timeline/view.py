"""The track view: a QGraphicsView over the playlist's tracks, x in frames (zoomed around the cursor),
with the ruler and track headers beside its viewport, the draggable playhead, drops from the browser,
and direct editing (drag to reorder or move, edge handles to trim, Delete to remove).

The view never edits the store: it emits ``sig_*`` requests; the panel runs them on the DB worker and
hands back the new state.
"""

from __future__ import annotations

import json
import math
import uuid
from fractions import Fraction

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsView,
    QToolTip,
    QWidget,
)

from horus_desktop.timeline.state import Marker, PlaylistState, TrackItem, TrackState
from horus_desktop.ui import theme
from horus_desktop.ui.browser.model import MEDIA_MIME
from horus_desktop.ui.timeline import style
from horus_desktop.ui.timeline.clip_drag import ClipDrag, edge_at
from horus_desktop.ui.timeline.items import STATUS_STRIP_PX, ClipItem, MarkerItem, make_item
from horus_desktop.ui.timeline.playhead import PlayheadItem
from horus_desktop.ui.timeline.ruler import RulerWidget

MIN_PX_PER_FRAME = 0.01
MAX_PX_PER_FRAME = 60.0

class TrackHeaders(QWidget):
    """Track names at the left of the viewport, following the vertical scroll."""

    def __init__(self, view: TrackView) -> None:
        super().__init__(view)
        self.view = view
        self.setObjectName("timelineHeaders")

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), theme.RULER_BACKGROUND)
        for track, y, height in self.view.rows:
            top = self.view.mapFromScene(QPointF(0, y)).y()
            box = QRectF(2, top + 1, self.width() - 4, height - 2)
            painter.fillRect(box, theme.HEADER_FILL)
            painter.setPen(theme.HEADER_TEXT)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, track.name)
        painter.end()


class TrackView(QGraphicsView):
    """Tracks of one playlist, drawn with one item per OTIO object; emits editing requests."""

    sig_seek = Signal(int)  # the user moved the playhead
    sig_drop_media = Signal(list, int, int)  # media ids, track index, frame
    sig_move_clip = Signal(str, int, int)  # clip id, track index, frame
    sig_reorder_clip = Signal(str, int)  # clip id, index among the track's items
    sig_trim_clip = Signal(str, int, int)  # clip id, in delta, out delta
    sig_remove_clips = Signal(list, bool)  # clip ids, ripple
    sig_clip_menu = Signal(object, QPoint)  # TrackItem, global position
    sig_clip_activated = Signal(object)  # TrackItem double-clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trackView")
        self.setScene(QGraphicsScene(self))
        self.scene().setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self.setBackgroundBrush(theme.TIMELINE_BACKGROUND)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setViewportMargins(style.HEADER_WIDTH, style.RULER_HEIGHT, 0, 0)
        self.ruler = RulerWidget(self, self)
        self.headers = TrackHeaders(self)
        self.state: PlaylistState | None = None
        self.rate = Fraction(24)
        self.px_per_frame = 2.0
        self.colour_mode = "department"
        self.rows: list[tuple[TrackState, float, float]] = []
        self.clip_items: dict[uuid.UUID, ClipItem] = {}
        self._clip_marks: dict[uuid.UUID, list[MarkerItem]] = {}
        self.playhead = PlayheadItem(self.user_seek)
        self.scene().addItem(self.playhead)
        self.drag = ClipDrag(self)
        self._fitted = False
        self.horizontalScrollBar().valueChanged.connect(self._on_scrolled)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self._apply_scale()

    # --- state -----------------------------------------------------------------------------------
    def set_state(self, state: PlaylistState | None) -> None:
        """Draw a playlist (None: empty); keeps zoom, scroll, playhead and selection where possible."""
        selected = set(self.selected_clip_ids())
        scene = self.scene()
        for item in list(scene.items()):
            if item is not self.playhead and item is not self.drag.drop_line and item.parentItem() is None:
                scene.removeItem(item)
        self.clip_items.clear()
        self._clip_marks.clear()
        self.rows = []
        first_state = self.state is None or state is None or self.state.id != state.id
        self.state = state
        if state is None:
            self.rate = Fraction(24)
            self._update_scene_rect()
            return
        self.rate = state.rate
        y = 0.0
        for track in self._row_order(state):
            height = style.track_height(track.kind)
            self.rows.append((track, y, height))
            band = scene.addRect(QRectF(-1e6, y, 2e6, height), QPen(Qt.PenStyle.NoPen),
                                 theme.TRACK_AUDIO if track.kind == "audio" else theme.TRACK_VIDEO)
            band.setZValue(-10)
            for entry in track.items:
                graphic = make_item(entry, track, y, height, self.colour_mode)
                scene.addItem(graphic)
                if isinstance(graphic, ClipItem) and entry.clip_id is not None and entry.kind == "clip":
                    self.clip_items[entry.clip_id] = graphic
                    graphic.setSelected(entry.clip_id in selected)
                marks = [self._mark(marker, y, height) for marker in entry.markers]
                if entry.clip_id is not None and entry.kind == "clip":
                    self._clip_marks[entry.clip_id] = marks
            for marker in track.markers:
                scene.addItem(MarkerItem(marker, y + 1))
            y += height + style.TRACK_SPACING
        for marker in state.markers:
            scene.addItem(MarkerItem(marker, 0))
        self.playhead.set_height(max(y, 1))
        self._update_scene_rect()
        if first_state:
            self._fitted = False
            self.fit()
        self.headers.update()
        self.ruler.update()

    def _mark(self, marker: Marker, top: float, height: float) -> MarkerItem:
        """A marker's item in the scene: a note's flag at the row's top, a drawn frame's diamond at its bottom."""
        y = top + height - MarkerItem.SIZE - STATUS_STRIP_PX - 3 if marker.kind == "drawing" else top + 1
        item = MarkerItem(marker, y)
        self.scene().addItem(item)
        return item

    def update_clips(self, state: PlaylistState) -> None:
        """Show a state whose clips sit where the drawn ones do but whose marks or statuses changed (a note, a
        drawing, an approval): only the clips that changed are touched, nothing is rebuilt."""
        if self.state is None or state.id != self.state.id:
            self.set_state(state)
            return
        self.state = state
        for clip in state.clips():
            graphic = self.clip_items.get(clip.clip_id) if clip.clip_id is not None else None
            if graphic is None or graphic.item is clip:
                continue
            old: TrackItem = graphic.item
            graphic.set_item(clip)
            if old.markers != clip.markers:
                for item in self._clip_marks.pop(clip.clip_id, []):  # type: ignore[arg-type]
                    self.scene().removeItem(item)
                row = graphic.y(), graphic.height
                self._clip_marks[clip.clip_id] = [self._mark(m, *row) for m in clip.markers]  # type: ignore[index]

    def clip_marks(self, clip_id: uuid.UUID) -> list[Marker]:
        """The marks drawn on a clip (notes, drawn frames, document markers), left to right."""
        return [item.marker for item in self._clip_marks.get(clip_id, [])]

    @staticmethod
    def _row_order(state: PlaylistState) -> list[TrackState]:
        """Video tracks top-down from the highest (as editors show them), then audio tracks."""
        video = [t for t in state.tracks if t.kind == "video"]
        audio = [t for t in state.tracks if t.kind == "audio"]
        return list(reversed(video)) + audio

    def _update_scene_rect(self) -> None:
        duration = self.state.duration if self.state else 0
        height = self.rows[-1][1] + self.rows[-1][2] if self.rows else 0
        self.scene().setSceneRect(QRectF(-2, 0, duration + style.SCENE_MARGIN_FRAMES, max(height, 1)))

    def set_colour_mode(self, mode: str) -> None:
        """Colour clips by ``department`` or ``approval`` status."""
        self.colour_mode = mode
        for item in self.clip_items.values():
            item.set_colour_mode(mode)

    def selected_clip_ids(self) -> list[str]:
        """Ids of the selected clips."""
        return [str(i.item.clip_id) for i in self.clip_items.values() if i.isSelected()]

    def select_clip(self, clip_id: uuid.UUID | str) -> None:
        """Select one clip."""
        self.scene().clearSelection()
        item = self.clip_items.get(uuid.UUID(str(clip_id)))
        if item is not None:
            item.setSelected(True)

    def track_at_y(self, y: float) -> TrackState | None:
        """The track whose row covers scene ``y``."""
        for track, top, height in self.rows:
            if top <= y < top + height + style.TRACK_SPACING:
                return track
        return None

    def row_of(self, track_index: int) -> tuple[float, float] | None:
        """(top, height) of a track's row."""
        for track, top, height in self.rows:
            if track.index == track_index:
                return top, height
        return None

    # --- frames <-> pixels, zoom and scroll ---------------------------------------------------------
    def frame_at_x(self, x: float) -> float:
        """The frame at viewport ``x``."""
        return self.mapToScene(QPoint(0, 0)).x() + x / self.px_per_frame

    def x_of_frame(self, frame: int | float) -> float:
        """Viewport x of a frame's left edge."""
        return (frame - self.mapToScene(QPoint(0, 0)).x()) * self.px_per_frame

    def _apply_scale(self) -> None:
        self.setTransform(QTransform.fromScale(self.px_per_frame, 1.0))

    def zoom_at(self, factor: float, viewport_x: float) -> None:
        """Zoom by ``factor``, keeping the frame under ``viewport_x`` where it is."""
        frame = self.mapToScene(QPoint(0, 0)).x() + viewport_x / self.px_per_frame
        self.px_per_frame = min(MAX_PX_PER_FRAME, max(MIN_PX_PER_FRAME, self.px_per_frame * factor))
        self._apply_scale()
        self.scroll_frame_to(frame, viewport_x)
        self._on_scrolled()

    def scroll_frame_to(self, frame: float, viewport_x: float) -> None:
        """Scroll so that ``frame`` sits at ``viewport_x``."""
        bar = self.horizontalScrollBar()
        left = frame - viewport_x / self.px_per_frame
        bar.setValue(bar.value() + round((left - self.mapToScene(QPoint(0, 0)).x()) * self.px_per_frame))

    def fit(self) -> None:
        """Zoom so the whole playlist fits the width."""
        if self.state is None:
            return
        width = max(self.viewport().width() - 8, 50)
        self.px_per_frame = min(MAX_PX_PER_FRAME, max(MIN_PX_PER_FRAME, width / max(self.state.duration + 4, 1)))
        self._apply_scale()
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().minimum())
        self._on_scrolled()

    def ensure_frame_visible(self, frame: int) -> None:
        """Scroll by a page when the playhead leaves the view (as during playback)."""
        x = self.x_of_frame(frame)
        width = self.viewport().width()
        if x < 0 or x > width - 10:
            self.scroll_frame_to(frame, width * 0.1 if x > 0 else width * 0.5)

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            for item in self.items(event.pos()):
                tooltip = getattr(item, "tooltip", None)
                if callable(tooltip):  # built on demand: 2,000 clips do not each carry a tooltip string
                    QToolTip.showText(event.globalPos(), tooltip(), self.viewport())
                    return True
            QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt override
        delta = event.angleDelta()
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier or abs(delta.x()) > abs(delta.y()):
            step = delta.x() or delta.y()
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() - step)
        elif delta.y():
            self.zoom_at(1.2 ** (delta.y() / 120), event.position().x())
        event.accept()

    def _on_scrolled(self, *_args: object) -> None:
        self.ruler.update()
        self.headers.update()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        rect = self.viewport().geometry()
        self.ruler.setGeometry(rect.left(), rect.top() - style.RULER_HEIGHT, rect.width(), style.RULER_HEIGHT)
        self.headers.setGeometry(rect.left() - style.HEADER_WIDTH, rect.top(), style.HEADER_WIDTH, rect.height())
        if not self._fitted and self.state is not None and self.viewport().width() > 100:
            self._fitted = True
            self.fit()

    # --- playhead ----------------------------------------------------------------------------------
    def playhead_frame(self) -> int | None:
        """The playhead's frame (None with no playlist)."""
        return self.playhead.frame if self.state is not None else None

    def set_playhead(self, frame: int) -> None:
        """Move the playhead (from the viewer); no signal."""
        if frame != self.playhead.frame:
            self.playhead.set_frame(frame)
            self.ruler.update()

    def user_seek(self, frame: int) -> None:
        """The user put the playhead on ``frame``: move it and say so."""
        if self.state is None:
            return
        frame = max(0, min(frame, max(self.state.duration - 1, 0)))
        self.playhead.set_frame(frame)
        self.ruler.update()
        self.sig_seek.emit(frame)

    # --- keys --------------------------------------------------------------------------------------
    _OWN_KEYS = (Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_Delete, Qt.Key.Key_Backspace)

    def event(self, event: QEvent) -> bool:  # noqa: D102
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and event.key() in self._OWN_KEYS:
            event.accept()  # the timeline's Home/End/Delete win over the window's shortcuts while it has focus
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if key == Qt.Key.Key_Home and self.state is not None:
            self.user_seek(0)
            self.scroll_frame_to(0, 0)
        elif key == Qt.Key.Key_End and self.state is not None:
            last = max(self.state.duration - 1, 0)
            self.user_seek(last)
            self.ensure_frame_visible(last)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            ids = self.selected_clip_ids()
            if ids:
                self.sig_remove_clips.emit(ids, bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier))
        else:
            super().keyPressEvent(event)

    # --- mouse: select, trim, drag -------------------------------------------------------------------
    def _graphic_at(self, pos: QPoint) -> QGraphicsItem | None:
        for item in self.items(pos):
            if isinstance(item, PlayheadItem | ClipItem):
                return item
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        pos = event.position().toPoint()
        item = self._graphic_at(pos)
        if isinstance(item, PlayheadItem) or event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self.setFocus()
        if isinstance(item, ClipItem) and item.kind == "clip":
            if not item.isSelected() and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.scene().clearSelection()
            item.setSelected(True)
            self.drag.press_clip(item, pos)
            event.accept()
            return
        self.scene().clearSelection()
        self.user_seek(math.floor(self.mapToScene(pos).x()))
        self.drag.press_scrub(pos)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        pos = event.position().toPoint()
        if self.drag.active:
            self.drag.move(pos)
            return
        item = self._graphic_at(pos)
        edge = edge_at(self, item, pos) if isinstance(item, ClipItem) and item.kind == "clip" else None
        self.viewport().setCursor(Qt.CursorShape.SizeHorCursor if edge else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self.drag.release(event.position().toPoint()):
            event.accept()
        else:
            super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        item = self._graphic_at(event.position().toPoint())
        if isinstance(item, ClipItem):
            self.sig_clip_activated.emit(item.item)
        super().mouseDoubleClickEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt override
        item = self._graphic_at(event.pos())
        if isinstance(item, ClipItem) and item.kind == "clip":
            self.scene().clearSelection()
            item.setSelected(True)
            self.sig_clip_menu.emit(item.item, event.globalPos())
            event.accept()

    # --- drops from the browser ------------------------------------------------------------------------
    def _drop_target(self, pos: QPointF) -> tuple[TrackState, int] | None:
        if self.state is None or not self.rows:
            return None
        scene_pos = self.mapToScene(pos.toPoint())
        track = self.track_at_y(scene_pos.y())
        if track is None or track.kind != "video":
            track = next((t for t, _, _ in self.rows if t.kind == "video"), None)
        if track is None:
            return None
        return track, max(0, round(scene_pos.x()))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasFormat(MEDIA_MIME) and self.state is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 - Qt override
        target = self._drop_target(event.position())
        if target is None or not event.mimeData().hasFormat(MEDIA_MIME):
            event.ignore()
            return
        self.drag.show_drop_line(target[1], target[0])
        event.acceptProposedAction()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:  # noqa: N802 - Qt override
        self.drag.drop_line.hide()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        self.drag.drop_line.hide()
        target = self._drop_target(event.position())
        if target is None or not event.mimeData().hasFormat(MEDIA_MIME):
            event.ignore()
            return
        try:
            ids = [str(uuid.UUID(i)) for i in json.loads(bytes(event.mimeData().data(MEDIA_MIME)).decode())]
        except (ValueError, TypeError):
            event.ignore()
            return
        event.acceptProposedAction()
        if ids:
            self.sig_drop_media.emit(ids, target[0].index, target[1])

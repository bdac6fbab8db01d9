"""The viewer's QGraphicsView: frames drawn at z=0 (OCIO shader on a GL viewport, or a CPU image), placeholders
for frames that failed, fit/100%/wheel zoom at the cursor, pan, pixel readout, A/B wipe, difference and onion
skin (the scene's items are in view_items.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QWheelEvent,
)
from PySide6.QtOpenGLWidgets import QOpenGLWidget
from PySide6.QtWidgets import (
    QGraphicsScene,
    QGraphicsView,
    QWidget,
)

from horus_desktop.media.display import BLEND_MODES, DEFAULT_GAIN, DEFAULT_OPACITY, blend
from horus_desktop.media.view_size import view_factor
from horus_desktop.ui import theme
from horus_desktop.ui.viewer.view_items import FrameLayerItem, LayerState, WipeHandleItem

if TYPE_CHECKING:  # numpy loads in the functions that use it: the window shows before it is imported
    import numpy as np

    from horus_desktop.ui.viewer.gl_compare import GlCompositor
    from horus_desktop.ui.viewer.gl_renderer import OcioGlRenderer

SIDE_BY_SIDE_GAP = 16.0


class ViewerView(QGraphicsView):
    """Shows slot A (and B when comparing) with the view transform; zoom, pan, readout, wipe."""

    sig_pixel_info = Signal(str)
    sig_zoom_changed = Signal(float)
    sig_space_tapped = Signal()

    def __init__(self, *, use_gl: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.uses_gl = use_gl
        self.renderer: OcioGlRenderer | None = None
        self.compositor: GlCompositor | None = None
        if use_gl:  # the GL path's modules load only for it (the CPU path never needs them)
            from horus_desktop.ui.viewer.gl_compare import GlCompositor
            from horus_desktop.ui.viewer.gl_renderer import OcioGlRenderer

            self.renderer, self.compositor = OcioGlRenderer(), GlCompositor()
        if use_gl:
            self.setViewport(QOpenGLWidget())
            self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setScene(QGraphicsScene(self))
        self.setObjectName("viewerView")
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setBackgroundBrush(theme.VIEWER_BACKGROUND)
        self._layers = {slot: FrameLayerItem(slot, self) for slot in ("A", "B")}
        for item in self._layers.values():
            self.scene().addItem(item)
        self._layers["A"].setVisible(False)
        self._layers["B"].setVisible(False)
        self.has_media = False
        self.empty_text = "Double-click a thumbnail in the Media panel, or drop files and folders here"
        self.wipe_handle = WipeHandleItem(self)
        self.scene().addItem(self.wipe_handle)
        self.wipe_handle.setVisible(False)
        self.mode = "single"
        self.shown_slot = "A"
        self.exposure = 0.0
        self.gamma = 1.0
        self.channel = "rgb"
        self.blend_gain = DEFAULT_GAIN
        self.blend_opacity = DEFAULT_OPACITY
        self._blended: tuple[tuple[object, ...], np.ndarray] | None = None
        self._fitted = True
        self._middle_pan: QPointF | None = None
        self._space_down = False
        self._space_panned = False
        self.last_gl_draw: dict[str, bool] = {}

    # --- content ---------------------------------------------------------------------------------
    def layer(self, slot: str) -> FrameLayerItem:
        """The item of slot "A" or "B"."""
        return self._layers[slot]

    def set_frame(self, slot: str, state: LayerState) -> None:
        """Show a frame (or placeholder) in a slot."""
        layer = self._layers[slot]
        resized = state.size != layer.state.size
        layer.set_state(state)
        if resized:
            self._layout()
        self.viewport().update()

    def set_blend(self, gain: float, opacity: float) -> None:
        """Difference gain and onion-skin opacity of B."""
        self.blend_gain, self.blend_opacity = gain, opacity
        self.viewport().update()

    def blended_pixels(self) -> np.ndarray | None:
        """In a blend mode on the CPU path, the display image made from A and B (cached per frame pair)."""
        if self.mode not in BLEND_MODES or self.uses_gl:
            return None
        a, b = self._layers["A"].state.item, self._layers["B"].state.item
        if a is None or b is None or a.pixels is None or b.pixels is None or a.scale != b.scale:
            return None
        key = (id(a.pixels), id(b.pixels), self.mode, self.blend_gain, self.blend_opacity)
        if self._blended is None or self._blended[0] != key:
            self._blended = (key, blend(self.mode, a.pixels, b.pixels, gain=self.blend_gain,
                                        opacity=self.blend_opacity))
        return self._blended[1]

    def set_mode(self, mode: str, shown_slot: str = "A") -> None:
        """single (only ``shown_slot``), wipe, side-by-side, or a blend of A and B (diff, onion)."""
        self.mode = mode
        self.shown_slot = shown_slot
        self._layout()
        if self._fitted:
            self.fit()
        self.viewport().update()

    def set_display_options(self, *, exposure: float, gamma: float, channel: str) -> None:
        """GL-path uniforms (the CPU path bakes them into the prepared frames)."""
        self.exposure, self.gamma, self.channel = exposure, gamma, channel
        self.viewport().update()

    def set_has_media(self, has_media: bool) -> None:
        """Show the layers (or the empty-state hint before anything is opened)."""
        self.has_media = has_media
        self._layout()
        self.viewport().update()

    def _layout(self) -> None:
        a, b = self._layers["A"], self._layers["B"]
        if not self.has_media:
            a.setVisible(False)
            b.setVisible(False)
            self.wipe_handle.setVisible(False)
            return
        a.setPos(0, 0)
        b.setPos(0, 0)
        a.clip = b.clip = None
        blended = self.mode in BLEND_MODES  # one image on A's canvas, made from A and B
        a.setVisible(self.mode != "single" or self.shown_slot == "A")
        b.setVisible(not blended and (self.mode != "single" or self.shown_slot == "B"))
        self.wipe_handle.setVisible(self.mode == "wipe")
        aw, ah = a.image_size()
        bw, bh = b.image_size()
        if self.mode == "side":
            b.setPos(aw + SIDE_BY_SIDE_GAP, 0)
        if self.mode == "wipe":
            self.wipe_handle.prepareGeometryChange()
            self.wipe_handle.height = float(max(ah, bh))
            if not 0 < self.wipe_handle.x() < aw:
                self.wipe_handle.setPos(aw / 2, 0)
            self.wipe_moved()
        rect = QRectF()
        for layer in (a, b):
            if layer.isVisible():
                rect = rect.united(layer.sceneBoundingRect())
        self.scene().setSceneRect(rect.adjusted(-rect.width() * 2, -rect.height() * 2,
                                                rect.width() * 2, rect.height() * 2))

    def wipe_moved(self) -> None:
        """The divider moved: re-clip A and B."""
        if self.mode != "wipe":
            return
        x = self.wipe_handle.x()
        a, b = self._layers["A"], self._layers["B"]
        big = 1e6
        a.clip = QRectF(-big, -big, big + x, 2 * big)
        b.clip = QRectF(x, -big, 2 * big, 2 * big)
        a.update()
        b.update()
        self.viewport().update()

    def content_rect(self) -> QRectF:
        """Scene rectangle of everything shown."""
        rect = QRectF()
        for layer in self._layers.values():
            if layer.isVisible():
                rect = rect.united(layer.sceneBoundingRect())
        return rect

    # --- zoom and pan ----------------------------------------------------------------------------
    def fit(self) -> None:
        """Fit what is shown in the view (F)."""
        rect = self.content_rect()
        if rect.isEmpty():
            return
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        self._fitted = True
        self.sig_zoom_changed.emit(self.zoom())

    def actual_size(self) -> None:
        """One image pixel per screen pixel (1)."""
        dpr = self.devicePixelRatioF()
        centre = self.mapToScene(self.viewport().rect().center())
        self.resetTransform()
        self.scale(1.0 / dpr, 1.0 / dpr)
        self.centerOn(centre)
        self._fitted = False
        self.sig_zoom_changed.emit(self.zoom())

    def zoom(self) -> float:
        """Screen pixels per image pixel."""
        return self.transform().m11() * self.devicePixelRatioF()

    def playback_reduction(self) -> float:
        """The reduction a CPU-path frame of slot A may be played at: the largest factor (view_size) that keeps
        it at least as large as it is drawn (1 at 80% and closer, and while comparing: A and B are then
        drawn and blended as decoded)."""
        if self.uses_gl or self.mode != "single" or self.shown_slot != "A":
            return 1
        return view_factor(self.zoom())

    def zoom_by(self, factor: float) -> None:
        """Zoom around the cursor (or the centre)."""
        current = self.transform().m11()
        factor = min(max(factor, 0.02 / current), 64.0 / current)
        self.scale(factor, factor)
        self._fitted = False
        self.sig_zoom_changed.emit(self.zoom())

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt override
        delta = event.angleDelta().y()
        if delta:
            self.zoom_by(1.0015 ** delta)
        event.accept()

    def resizeEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)  # type: ignore[arg-type]
        if self._fitted:
            self.fit()

    # Space: a tap plays/pauses (as the Space shortcut does elsewhere); held down, dragging pans.
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and \
                event.key() == Qt.Key.Key_Space and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Space and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            if not event.isAutoRepeat():
                self._space_down, self._space_panned = True, False
                self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat() and self._space_down:
            self._space_down = False
            self.viewport().unsetCursor()
            if not self._space_panned:
                self.sig_space_tapped.emit()
            event.accept()
            return
        super().keyReleaseEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton and self._space_down:
            self._space_panned = True
            self._middle_pan = event.position()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        if event.button() == Qt.MouseButton.MiddleButton:
            self._middle_pan = event.position()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() in (Qt.MouseButton.MiddleButton, Qt.MouseButton.LeftButton) and \
                self._middle_pan is not None:
            self._middle_pan = None
            if self._space_down:
                self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            else:
                self.viewport().unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._middle_pan is not None:
            delta = event.position() - self._middle_pan
            self._middle_pan = event.position()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - int(delta.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - int(delta.y()))
            self._fitted = False
            event.accept()
            return
        super().mouseMoveEvent(event)
        self.sig_pixel_info.emit(self.pixel_info(self.mapToScene(event.position().toPoint())))

    def pixel_info(self, scene_pos: QPointF) -> str:
        """Readout of the source value under a scene point: slot, x, y and channel values."""
        import numpy as np
        for slot in ("B", "A"):
            layer = self._layers[slot]
            if not layer.isVisible():
                continue
            local = scene_pos - layer.pos()
            if layer.clip is not None and not layer.clip.contains(scene_pos):
                continue
            item = layer.state.item
            if item is None or item.pixels is None:
                continue
            x, y = int(local.x()), int(local.y())
            blended = self.blended_pixels() if slot == "A" else None
            pixels = item.pixels if blended is None else blended
            width, height = item.image_size if blended is None else (pixels.shape[1], pixels.shape[0])
            if 0 <= x < width and 0 <= y < height:
                value = pixels[int(y // item.scale), int(x // item.scale)] if blended is None else pixels[y, x]
                names = "RGBA"[: len(np.atleast_1d(value))]
                text = "  ".join(f"{n} {_fmt(v)}" for n, v in zip(names, np.atleast_1d(value), strict=False))
                prefix = "" if self.mode == "single" else f"{slot}  "
                if blended is not None:  # the CPU path shows the blended display value
                    prefix = {"diff": "|A-B|  ", "onion": "A+B  "}[self.mode]
                what = "source" if self.uses_gl else "display"
                return f"{prefix}x {x}  y {y}   {text}  ({what})"
        return ""

    # --- drawing ---------------------------------------------------------------------------------
    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802 - Qt override
        if self.has_media:
            return
        painter.save()
        painter.resetTransform()
        painter.setPen(theme.VIEWER_HINT)
        font = QFont()
        font.setPixelSize(15)
        painter.setFont(font)
        painter.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
        painter.restore()

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802 - Qt override
        super().drawBackground(painter, rect)
        if not self.uses_gl or self.renderer is None:
            return
        painter.beginNativePainting()
        try:
            self._draw_gl()
        finally:
            painter.endNativePainting()

    def _draw_gl(self) -> None:
        assert self.renderer is not None
        dpr = self.devicePixelRatioF()
        vw = max(1, round(self.viewport().width() * dpr))
        vh = max(1, round(self.viewport().height() * dpr))
        if self.mode in BLEND_MODES:
            self._draw_gl_blend(vw, vh, dpr)
            return
        for slot in ("A", "B"):
            layer = self._layers[slot]
            state = layer.state
            item = state.item
            self.last_gl_draw[slot] = False
            if not layer.isVisible() or item is None or item.pixels is None or state.recipe is None:
                continue
            self.renderer.upload(slot, (id(item.pixels), item.frame), item.pixels)
            # Exact (float) viewport rectangle: QPolygon's integer bounding rect is one pixel too wide and
            # tall, which stretched the image at 100% (a row and a column drawn twice).
            r = self._on_viewport(layer.sceneBoundingRect())
            x0, y0 = r.left() * dpr, r.top() * dpr
            x1, y1 = (r.left() + r.width()) * dpr, (r.top() + r.height()) * dpr
            ndc = (2 * x0 / vw - 1, 1 - 2 * y0 / vh, 2 * x1 / vw - 1, 1 - 2 * y1 / vh)
            scissor = None
            if layer.clip is not None:
                clip = self._on_viewport(layer.clip.intersected(layer.sceneBoundingRect()))
                sx0 = max(0, int(clip.left() * dpr))
                sx1 = min(vw, int((clip.left() + clip.width()) * dpr))
                scissor = (sx0, 0, max(0, sx1 - sx0), vh)
            self.last_gl_draw[slot] = self.renderer.draw(
                slot, state.recipe, ndc, viewport_px=(vw, vh), scissor_px=scissor,
                exposure=self.exposure, gamma=self.gamma, channel=self.channel,
            )

    def _on_viewport(self, scene_rect: QRectF) -> QRectF:
        """A scene rectangle in viewport coordinates (device-independent pixels, not rounded)."""
        return self.viewportTransform().mapRect(scene_rect)

    def _draw_gl_blend(self, vw: int, vh: int, dpr: float) -> None:
        """Difference / onion skin on the GPU: A and B each drawn through their view into an offscreen
        buffer at A's rectangle, then combined by the compositor into the viewport's framebuffer."""
        assert self.renderer is not None and self.compositor is not None
        layer = self._layers["A"]
        r = self._on_viewport(layer.sceneBoundingRect())
        x0, y0 = r.left() * dpr, r.top() * dpr
        x1, y1 = (r.left() + r.width()) * dpr, (r.top() + r.height()) * dpr
        ndc = (2 * x0 / vw - 1, 1 - 2 * y0 / vh, 2 * x1 / vw - 1, 1 - 2 * y1 / vh)
        bw, bh = self._layers["B"].image_size()
        aw, ah = layer.image_size()
        # B top-left aligned on A's canvas, at its own size (as on the CPU path).
        b_ndc = (ndc[0], ndc[1], ndc[0] + (ndc[2] - ndc[0]) * bw / aw, ndc[1] + (ndc[3] - ndc[1]) * bh / ah)
        draws = {}
        for slot, rect in (("A", ndc), ("B", b_ndc)):
            state = self._layers[slot].state
            item = state.item
            self.last_gl_draw[slot] = False
            if item is None or item.pixels is None or state.recipe is None:
                continue
            self.renderer.upload(slot, (id(item.pixels), item.frame), item.pixels)
            draws[slot] = (state.recipe, rect)
        viewport = self.viewport()
        target = viewport.defaultFramebufferObject() if isinstance(viewport, QOpenGLWidget) else 0
        drawn = self.compositor.draw(self.renderer, draws, mode=self.mode, gain=self.blend_gain,
                                     opacity=self.blend_opacity, viewport_px=(vw, vh), target_fbo=target,
                                     exposure=self.exposure, gamma=self.gamma, channel=self.channel)
        for slot in draws:
            self.last_gl_draw[slot] = drawn

    def release_gl(self) -> None:
        """Free GL objects while the context is current (before the window closes)."""
        if self.renderer is None:
            return
        viewport = self.viewport()
        if isinstance(viewport, QOpenGLWidget) and viewport.context() is not None:
            viewport.makeCurrent()
            self.renderer.release()
            if self.compositor is not None:
                self.compositor.release()
            viewport.doneCurrent()


def _fmt(value: object) -> str:
    import numpy as np
    if isinstance(value, np.floating | float):
        return f"{float(value):.4f}"
    return str(value)

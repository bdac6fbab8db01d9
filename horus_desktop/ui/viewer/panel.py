"""The viewer panel: opens media into slots A and B, drives playback from a precise timer, and keeps the
view, transport bar and colour controls in step. Disk work (opening, decoding, colour) runs off the UI thread."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction
from typing import Any

import numpy as np
from PySide6.QtCore import QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QVBoxLayout, QWidget

from horus_desktop.domain.records import Annotation, MediaRecord
from horus_desktop.domain.timecode import exact_rate, frame_to_timecode, source_timecode
from horus_desktop.media.colour import ColourConfig, GpuShaderRecipe, ViewSettings
from horus_desktop.media.colour_defaults import InputColourSpace
from horus_desktop.media.exr_layers import ExrLayer
from horus_desktop.media.frames import Frame, FrameSource
from horus_desktop.playback.clock import SHUTTLE_SPEEDS, LoopMode, SlowPolicy
from horus_desktop.playback.session import PlaybackSession, ShownFrame
from horus_desktop.services.media_paths import open_media
from horus_desktop.ui.annotate.canvas import AnnotationCanvas
from horus_desktop.ui.browser.model import display_name
from horus_desktop.ui.viewer.colour_bar import ColourBar, DisplayOptions
from horus_desktop.ui.viewer.compare_modes import COMPARE_MODES, BlendControls
from horus_desktop.ui.viewer.input_colour import ViewerStoreCalls
from horus_desktop.ui.viewer.input_colour_control import InputColourControl
from horus_desktop.ui.viewer.layer_menu import LayerMenu, default_layer, depth_text, exr_layers_of
from horus_desktop.ui.viewer.opener import Opener
from horus_desktop.ui.viewer.slot_colour import (
    MediaSlot,
    cpu_convert,
    frame_settings,
    gpu_convert,
    gpu_recipe_for,
    gpu_view_for,
    recipe_key,
)
from horus_desktop.ui.viewer.title_label import ElidedTitle, TitleRow
from horus_desktop.ui.viewer.transport import TransportBar
from horus_desktop.ui.viewer.view import LayerState, ViewerView

log = logging.getLogger(__name__)

PLAY_INTERVAL_MS = 3
IDLE_INTERVAL_MS = 30


class ViewerPanel(QWidget):
    """Centre panel: colour bar, compare bar, the view and the transport bar."""

    sig_frame_changed = Signal(object, int)  # media id, frame
    sig_position = Signal(int)  # slot A's playhead, whenever the transport shows it
    sig_media_opened = Signal(object)  # MediaRecord of slot A
    sig_colour_path = Signal(str)
    sig_message = Signal(str)

    def __init__(
        self,
        colour: ColourConfig,
        actions: dict[str, QAction],
        *,
        use_gl: bool,
        versions_of: Callable[[MediaRecord, Callable[[list[MediaRecord]], None]], None] | None = None,
        annotations_of: Callable[[MediaRecord, Callable[[list[Annotation]], None]], None] | None = None,
        store_calls: ViewerStoreCalls | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("viewerPanel")
        self.colour = colour
        self.use_gl = use_gl
        self._versions_of = versions_of
        self._annotations_of = annotations_of
        self.slots: dict[str, MediaSlot | None] = {"A": None, "B": None}
        self._tokens: dict[str, object] = {"A": None, "B": None}
        self.compare_mode = "off"
        self.shown_slot = "A"
        self.policy = SlowPolicy.DROP
        self.loop_mode = LoopMode.LOOP
        self._opener = Opener(self)
        self._opener.sig_opened.connect(self._on_opened)
        self.colour_bar = ColourBar(colour)
        self.input_colour = InputColourControl(colour, self.slots, self.apply_input_space, store_calls, self)
        self.colour_bar.add_leading(self.input_colour.box)
        self.view = ViewerView(use_gl=use_gl)
        self.overlay = AnnotationCanvas(self.view.scene())
        self.transport = TransportBar(actions)
        self.compare_box = QComboBox()
        for key, label in COMPARE_MODES:
            self.compare_box.addItem(label, key)
        self.b_box = QComboBox()
        self.b_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.b_box.setMinimumContentsLength(10)
        self.b_box.setToolTip("The version shown as B")
        self.b_box.setPlaceholderText("B: pick a version")
        self.title = ElidedTitle("")
        self.title.setObjectName("viewerTitle")
        self.layer_menu = LayerMenu()
        self.blend_controls = BlendControls()
        self.title_row = TitleRow(self.title, [(self.layer_menu, 0), (self.compare_box, 0), (self.blend_controls, 0),
                                               (self.b_box, 1)])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.colour_bar)
        layout.addWidget(self.title_row)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.transport)
        self._options = self.colour_bar.options()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_tick)
        self._timer.start(IDLE_INTERVAL_MS)
        self._last_cache_paint = 0.0
        self._versions: list[MediaRecord] = []
        self.colour_bar.sig_changed.connect(self._on_colour_changed)
        self.view.sig_space_tapped.connect(self.play_pause)
        self.transport.sig_seek.connect(self.seek)
        self.transport.sig_loop_mode.connect(self.set_loop_mode)
        self.compare_box.currentIndexChanged.connect(lambda _i: self.set_compare_mode(self.compare_box.currentData()))
        self.b_box.activated.connect(self._on_b_picked)
        self.blend_controls.sig_changed.connect(self.view.set_blend)
        self.input_colour.sig_message.connect(self.sig_message)
        self.layer_menu.sig_picked.connect(self.show_layer)
        self._connect_actions(actions)

    def _connect_actions(self, actions: dict[str, QAction]) -> None:
        handlers: dict[str, Callable[[], object]] = {
            "play_pause": self.play_pause,
            "play_backward": lambda: self.play(direction=-1),
            "step_forward": lambda: self.step(1),
            "step_back": lambda: self.step(-1),
            "shuttle_forward": lambda: self.shuttle(1),
            "shuttle_backward": lambda: self.shuttle(-1),
            "shuttle_stop": self.pause,
            "go_start": self.go_start,
            "go_end": self.go_end,
            "set_in": self.set_in,
            "set_out": self.set_out,
            "clear_in_out": self.clear_in_out,
            "fit": self.view.fit,
            "actual_size": self.view.actual_size,
            "zoom_in": lambda: self.view.zoom_by(1.25),
            "zoom_out": lambda: self.view.zoom_by(0.8),
            "toggle_ab": self.toggle_ab,
            "compare_wipe": lambda: self.set_compare_mode("wipe"),
            "compare_side": lambda: self.set_compare_mode("side"),
            "compare_off": lambda: self.set_compare_mode("off"),
            "compare_diff": lambda: self.set_compare_mode("diff"),
            "compare_onion": lambda: self.set_compare_mode("onion"),
        }
        for name, handler in handlers.items():
            actions[name].triggered.connect(lambda _checked=False, h=handler: h())
        for channel in ("rgb", "r", "g", "b", "a", "luminance"):
            actions[f"channel_{channel}"].triggered.connect(
                lambda _checked=False, c=channel: self.colour_bar.set_channel(c))
        actions["play_every_frame"].toggled.connect(
            lambda on: self.set_policy(SlowPolicy.EVERY_FRAME if on else SlowPolicy.DROP))

    # --- state queries ---------------------------------------------------------------------------
    def colour_path(self) -> str:
        """Which colour path draws the frames."""
        return "Colour: GPU (OpenGL, OCIO shader)" if self.use_gl else "Colour: CPU (OCIO baked LUT)"

    @property
    def session(self) -> PlaybackSession | None:
        """Slot A's playback session (what the transport drives)."""
        slot = self.slots["A"]
        return slot.session if slot else None

    def current_frame(self) -> int | None:
        """Slot A's playhead."""
        return self.session.current if self.session else None

    def shown_frame(self, slot: str = "A") -> int | None:
        """The frame number of the image on screen in a slot."""
        item = self.view.layer(slot).state.item
        return item.frame if item is not None else None

    # --- opening ---------------------------------------------------------------------------------
    def open_media(self, record: MediaRecord, slot: str = "A", *, layer: ExrLayer | None = None,
                   at_frame: int | None = None) -> None:
        """Open a media into slot A (the main one) or B (compare); returns at once.

        ``layer``: the EXR part/layer to show (default: the first colour layer); ``at_frame``: where to start."""
        token = object()
        self._tokens[slot] = token
        options = self._options
        colour, use_gl, resolve = self.colour, self.use_gl, self.input_colour.resolve

        def work() -> MediaSlot:
            choice = {} if layer is None else {"part": layer.part_index, "layer": layer.layer}
            source = open_media(record.file_path, **choice)  # this machine's copy (path mappings)
            try:
                first_frame = source.frame_range[0]
                layers = exr_layers_of(source, first_frame)
                probe = source.read(first_frame)
                space = resolve(record, probe.colour_space, is_float=probe.pixels.dtype.kind == "f")
                settings = ViewSettings(space.name, options.display, options.view, options.exposure, options.gamma)
                recipe = gpu_recipe_for(colour, settings, probe.pixels.dtype) if use_gl else None
                convert = gpu_convert if use_gl else cpu_convert(colour, settings, options.channel)
                rate = exact_rate(record.frame_rate, record.frame_rate_rational)
                session = PlaybackSession(source, rate, convert=convert, policy=self.policy, mode=self.loop_mode)
                if at_frame is not None:
                    session.seek(at_frame)
            except Exception:
                source.close()
                raise
            return MediaSlot(record, session, settings, recipe, (probe.width, probe.height), rate,
                             probe.pixels.dtype, input_space=space, file_space=probe.colour_space or None,
                             layers=layers, layer=layer or default_layer(layers))

        self.view.set_frame(slot, LayerState(None, None, self.view.layer(slot).state.size))
        self.view.set_has_media(True)
        if slot == "A":
            self.title.setText(f"Opening {record.file_name}...")
        self._opener.submit(work, ("open", slot, token, record))

    def open_source(self, make_source: Callable[[], FrameSource], *, title: str, rate: Fraction,
                    probe_frame: int | None = None, start_frame: int | None = None) -> None:
        """Open any FrameSource into slot A (a playlist): no media record, so no versions, drawings or notes.

        ``make_source`` runs on the opener thread; ``probe_frame`` is a frame that decodes (its size and
        colour space set the view); without one, or if it fails, the view assumes 1920x1080 sRGB.
        """
        token = object()
        self._tokens["A"] = token
        options, colour, use_gl = self._options, self.colour, self.use_gl

        def work() -> MediaSlot:
            source = make_source()
            try:
                try:
                    probe: Frame | None = source.read(source.frame_range[0] if probe_frame is None else probe_frame)
                except Exception:  # a gap or missing media: placeholders, the view still opens
                    probe = None
                is_float = probe is not None and probe.pixels.dtype.kind == "f"
                colour_space = colour.resolve_colour_space(probe.colour_space if probe else None, is_float=is_float)
                settings = ViewSettings(colour_space, options.display, options.view, options.exposure, options.gamma)
                dtype = probe.pixels.dtype if probe is not None else np.dtype(np.uint8)
                recipe = gpu_recipe_for(colour, settings, dtype) if use_gl else None
                convert = gpu_convert if use_gl else cpu_convert(colour, settings, options.channel, per_frame=True)
                session = PlaybackSession(source, rate, convert=convert, policy=self.policy, mode=self.loop_mode)
                if start_frame is not None:
                    session.seek(start_frame)
            except Exception:
                source.close()
                raise
            size = (probe.width, probe.height) if probe is not None else (1920, 1080)
            return MediaSlot(None, session, settings, recipe, size, Fraction(rate), dtype)

        self.view.set_frame("A", LayerState(None, None, self.view.layer("A").state.size))
        self.view.set_has_media(True)
        self.title.setText(f"Opening {title}...")
        self._opener.submit(work, ("open", "A", token, None, title))

    @Slot(object)
    def _on_opened(self, packet: tuple[tuple[Any, ...], object]) -> None:
        what, result = packet
        self._opener.claim(result)
        if what[0] == "recipe":
            self._on_recipe(what[1], what[2], result)
            return
        if what[0] == "frame recipe":
            self._on_frame_recipe(what[1], what[2], what[3], result)
            return
        _, slot, token, record = what[:4]
        if record is None:
            self._on_source_opened(token, what[4], result)
            return
        if self._tokens.get(slot) is not token:
            if isinstance(result, MediaSlot):
                result.session.close()
            return
        if isinstance(result, Exception):
            message = f"Cannot open {record.file_path}: {result}"
            self.view.set_frame(slot, LayerState(ShownFrame(0, None, message), None, None))
            self.sig_message.emit(message)
            if slot == "A":
                self.title.setText(record.file_name)
            return
        assert isinstance(result, MediaSlot)
        old = self.slots[slot]
        if old is not None:
            old.session.close()
        self.slots[slot] = result
        self.input_colour.opened(slot)
        if slot == "A":
            self._show_layers(result)
            start, _first = media_start_timecode(record, result.session.media_range[0])
            self.transport.set_timecode_source(start)
            first, last = result.session.media_range
            self.transport.set_range(first, last)
            self.transport.slider.set_in_out(None)
            self.title.setText(_title(record))
            self._show_position(result.session.current)
            self.sig_media_opened.emit(record)
            self._load_versions(record)
            self._load_annotations(record, result.size)
            self.view.fit()
        else:
            self._follow_a()
            index = self.b_box.findData(str(record.id))
            self.b_box.setCurrentIndex(index)
            if self.compare_mode == "off":
                self.set_compare_mode("ab")
        self.view.set_frame(slot, LayerState(None, result.recipe, result.size))
        self._apply_view_mode()

    def _show_layers(self, slot: MediaSlot) -> None:
        is_float = slot.source_dtype.kind == "f"
        bits = slot.layer.bit_depth if slot.layer is not None else (slot.record.bit_depth if slot.record else None)
        self.layer_menu.show_layers(slot.layers, slot.layer, depth_text(bits, is_float=is_float))

    def show_layer(self, layer: ExrLayer) -> None:
        """Show another part/layer of the EXR in A, at the same frame (re-opened off the UI thread)."""
        slot = self.slots["A"]
        if slot is None or slot.record is None or layer == slot.layer:
            return
        self.open_media(slot.record, "A", layer=layer, at_frame=slot.session.current)

    def _on_source_opened(self, token: object, title: str, result: object) -> None:
        if self._tokens.get("A") is not token:
            if isinstance(result, MediaSlot):
                result.session.close()
            return
        if isinstance(result, Exception):
            message = f"Cannot open {title}: {result}"
            self.view.set_frame("A", LayerState(ShownFrame(0, None, message), None, None))
            self.sig_message.emit(message)
            self.title.setText(title)
            return
        assert isinstance(result, MediaSlot)
        old = self.slots["A"]
        if old is not None:
            old.session.close()
        self.slots["A"] = result
        self.input_colour.opened("A")
        self._show_layers(result)
        self.transport.set_timecode_source(None)
        first, last = result.session.media_range
        self.transport.set_range(first, last)
        self.transport.slider.set_in_out(None)
        self.transport.slider.set_marks(set())
        self.title.setText(title)
        self.overlay.set_annotations([], result.size)
        self._show_position(result.session.current)
        self.view.set_frame("A", LayerState(None, result.recipe, result.size))
        self.view.fit()
        self._apply_view_mode()

    def compare(self, a: MediaRecord, b: MediaRecord) -> None:
        """Open two versions as A and B, and compare them."""
        self.open_media(a, "A")
        self.open_media(b, "B")
        if self.compare_mode == "off":
            self.set_compare_mode("ab")

    def _load_versions(self, record: MediaRecord) -> None:
        if self._versions_of is None:
            return

        def fill(versions: list[MediaRecord]) -> None:
            self._versions = [v for v in versions if v.id != record.id]
            self.b_box.clear()
            for v in self._versions:
                self.b_box.addItem(f"B: {v.version} · {v.department or ''} · {display_name(v.file_name)}", str(v.id))
            b = self.slots["B"]
            if b is not None:
                index = self.b_box.findData(str(b.record.id))
                self.b_box.setCurrentIndex(index)
            else:
                self.b_box.setCurrentIndex(-1)

        self._versions_of(record, fill)

    def _load_annotations(self, record: MediaRecord, size: tuple[int, int], *, clear: bool = True) -> None:
        if clear:  # a reload keeps what is shown until the new rows arrive (no flicker)
            self.overlay.set_annotations([], size)
        if self._annotations_of is None:
            return

        def fill(annotations: list[Annotation]) -> None:
            slot = self.slots["A"]
            if slot is None or slot.record is None or slot.record.id != record.id:
                return
            self.overlay.set_annotations(annotations, size)
            self.transport.slider.set_marks(self.overlay.frames())

        self._annotations_of(record, fill)

    def reload_annotations(self) -> None:
        """The store says drawings changed."""
        slot = self.slots["A"]
        if slot is not None and slot.record is not None:
            self._load_annotations(slot.record, slot.size, clear=False)

    def _on_b_picked(self, index: int) -> None:
        if 0 <= index < len(self._versions):
            self.open_media(self._versions[index], "B")

    # --- compare ---------------------------------------------------------------------------------
    def _apply_view_mode(self) -> None:
        mode, shown = self._view_mode()
        self.view.set_mode(mode, shown)
        self.overlay.set_visible(not (mode == "single" and shown == "B"))

    def _view_mode(self) -> tuple[str, str]:
        if self.slots["B"] is None or self.compare_mode == "off":
            return ("single", "A")
        if self.compare_mode == "ab":
            return ("single", self.shown_slot)
        return (self.compare_mode, "A")

    def set_compare_mode(self, mode: str) -> None:
        """off, ab, wipe, side, diff (difference) or onion (onion skin)."""
        self.compare_mode = mode
        self.blend_controls.set_mode(mode)
        if mode != "ab":
            self.shown_slot = "A"
        index = self.compare_box.findData(mode)
        if index != self.compare_box.currentIndex():
            self.compare_box.blockSignals(True)
            self.compare_box.setCurrentIndex(index)
            self.compare_box.blockSignals(False)
        if mode != "off" and self.slots["B"] is None and self._tokens["B"] is None:
            self.sig_message.emit("Pick a version as B (the B list above the viewer) or select two versions "
                                  "in the browser and use Compare Selected.")
        self._apply_view_mode()
        self._follow_a()

    def toggle_ab(self) -> None:
        """Flip between A and B (turns A/B compare on)."""
        if self.compare_mode != "ab":
            self.set_compare_mode("ab")
            if self.slots["B"] is None:
                return
        self.shown_slot = "B" if self.shown_slot == "A" else "A"
        self._apply_view_mode()
        self._follow_a()

    def _b_frame_for(self, a_frame: int) -> int | None:
        a, b = self.slots["A"], self.slots["B"]
        if a is None or b is None:
            return None
        offset = a_frame - a.session.media_range[0]
        first, last = b.session.media_range
        return min(first + offset, last)

    def _follow_a(self) -> None:
        """Keep B on the frame matching A's (same offset from the first frame)."""
        a, b = self.slots["A"], self.slots["B"]
        if a is None or b is None or self.compare_mode == "off":
            return
        target = self._b_frame_for(a.session.current)
        if target is not None and b.session.current != target:
            b.session.seek(target)
        if a.session.playing:
            upcoming = [self._b_frame_for(f) for f in a.session.clock.upcoming(a.session.read_ahead)]
            b.session.cache.request([target, *[f for f in upcoming if f is not None]], playhead=target)

    # --- transport -------------------------------------------------------------------------------
    def play(self, direction: int = 1, speed: float = 1.0) -> None:
        """Start playing."""
        if self.session is None:
            return
        self.session.play(direction=direction, speed=speed)
        self._timer.start(PLAY_INTERVAL_MS)
        self.transport.show_speed(speed, direction)
        self._sync_play_icon()

    def pause(self) -> None:
        """Stop on the current frame."""
        if self.session is None:
            return
        self.session.pause()
        self._timer.start(IDLE_INTERVAL_MS)
        self.transport.show_speed(1.0, 1)
        self._sync_play_icon()
        self._show_position(self.session.current)

    def play_pause(self) -> None:
        """Space."""
        if self.session is None:
            return
        if self.session.playing:
            self.pause()
        else:
            self.play()

    def shuttle(self, direction: int) -> None:
        """J/L: play in a direction, faster on each press."""
        session = self.session
        if session is None:
            return
        clock = session.clock
        if session.playing and clock.direction == direction:
            index = SHUTTLE_SPEEDS.index(clock.speed) if clock.speed in SHUTTLE_SPEEDS else 0
            speed = SHUTTLE_SPEEDS[min(index + 1, len(SHUTTLE_SPEEDS) - 1)]
        else:
            speed = 1.0
        self.play(direction=direction, speed=speed)

    def step(self, n: int) -> None:
        """Left/Right."""
        if self.session is None:
            return
        self._timer.start(IDLE_INTERVAL_MS)
        self._show_position(self.session.step(n))
        self._sync_play_icon()

    def seek(self, frame: int) -> None:
        """Slider, frame box, notes."""
        if self.session is None:
            return
        self._show_position(self.session.seek(frame))

    def go_start(self) -> None:
        """Home: the in point."""
        if self.session is not None:
            self.seek(self.session.in_out[0])

    def go_end(self) -> None:
        """End: the out point."""
        if self.session is not None:
            self.seek(self.session.in_out[1])

    def set_in(self) -> None:
        """[: in point at the playhead."""
        if self.session is not None:
            self._apply_in_out(self.session.current, self.session.in_out[1])

    def set_out(self) -> None:
        """]: out point at the playhead."""
        if self.session is not None:
            self._apply_in_out(self.session.in_out[0], self.session.current)

    def clear_in_out(self) -> None:
        """Play the whole media again."""
        if self.session is not None:
            self.session.set_in_out(None, None)
            self.transport.slider.set_in_out(None)

    def _apply_in_out(self, first: int, last: int) -> None:
        assert self.session is not None
        lo, hi = self.session.set_in_out(first, last)
        whole = (lo, hi) == self.session.media_range
        self.transport.slider.set_in_out(None if whole else (lo, hi))

    def set_loop_mode(self, mode: LoopMode | str) -> None:
        """Loop, ping-pong or once."""
        mode = LoopMode(mode)
        self.loop_mode = mode
        for slot in self.slots.values():
            if slot is not None:
                slot.session.clock.set_mode(mode)

    def set_policy(self, policy: SlowPolicy) -> None:
        """Drop frames (default) or play every frame slower when decoding cannot keep up."""
        self.policy = policy
        for slot in self.slots.values():
            if slot is not None:
                slot.session.clock.policy = policy

    def _sync_play_icon(self) -> None:
        playing = bool(self.session and self.session.playing)
        from horus_desktop.ui.resources import icon

        self.transport.buttons["play_pause"].defaultAction().setIcon(icon("pause" if playing else "play"))

    def _show_position(self, frame: int) -> None:
        slot = self.slots["A"]
        timecode = frame_to_timecode(frame, slot.rate if slot else Fraction(24))
        if slot is not None and slot.record is not None:
            start, first = media_start_timecode(slot.record, slot.session.media_range[0])
            timecode = source_timecode(frame, first, start, slot.rate)
        self.transport.show_frame(frame, timecode)
        self.sig_position.emit(frame)

    # --- colour ----------------------------------------------------------------------------------
    def _on_colour_changed(self, options: DisplayOptions) -> None:
        previous = self._options
        self._options = options
        self.view.set_display_options(exposure=options.exposure, gamma=options.gamma, channel=options.channel)
        view_changed = (options.display, options.view) != (previous.display, previous.view)
        for name, slot in self.slots.items():
            if slot is not None:
                self._restyle(name, slot, replace(slot.settings, display=options.display, view=options.view,
                                                  exposure=options.exposure, gamma=options.gamma), view_changed)

    def apply_input_space(self, name: str, space: InputColourSpace) -> None:
        """Read an open slot's media in another input colour space (menu, project default)."""
        slot = self.slots.get(name)
        if slot is None:
            return
        slot.input_space = space
        if space.name != slot.settings.colour_space:
            self._restyle(name, slot, replace(slot.settings, colour_space=space.name), False)

    def _restyle(self, name: str, slot: MediaSlot, settings: ViewSettings, view_changed: bool) -> None:
        """New view settings for a slot: a new shader (GL) or a new conversion in the decode workers (CPU)."""
        slot.settings = settings
        slot.recipes.clear()
        slot.recipes_pending.clear()
        slot.frame_views.clear()
        if self.use_gl:
            wanted = (settings.colour_space, settings.display, gpu_view_for(self.colour, settings, slot.source_dtype))
            current = (slot.recipe.colour_space, slot.recipe.display, slot.recipe.view) if slot.recipe else None
            if view_changed or wanted != current:
                self._rebuild_recipe(name, slot)
        else:
            convert = cpu_convert(self.colour, settings, self._options.channel, per_frame=slot.record is None)
            self._opener.retire(slot.session.set_convert(convert))

    def _rebuild_recipe(self, name: str, slot: MediaSlot) -> None:
        colour, settings = self.colour, slot.settings
        dtype = slot.source_dtype
        self._opener.submit(lambda: gpu_recipe_for(colour, settings, dtype), ("recipe", name, slot))

    def _on_recipe(self, name: str, slot: MediaSlot, recipe: object) -> None:
        if isinstance(recipe, Exception):
            self.sig_message.emit(f"Colour: {recipe}")
            return
        if isinstance(recipe, GpuShaderRecipe) and self.slots.get(name) is slot:
            slot.recipe = recipe
            state = self.view.layer(name).state
            shown = recipe if state.item is None else self._recipe_for(name, slot, state.item)
            self.view.set_frame(name, LayerState(state.item, shown, state.size))

    def _recipe_for(self, name: str, slot: MediaSlot, shown: ShownFrame) -> GpuShaderRecipe | None:
        """The GL recipe for a frame: the slot's, or for a playlist frame of another colour space its own
        (built on the opener thread; until it is ready the frame shows with the slot's)."""
        if not self.use_gl or slot.record is not None or shown.pixels is None:
            return slot.recipe
        dtype = shown.pixels.dtype
        view = slot.frame_views.get((shown.colour_space, dtype.str))
        if view is None:
            settings = frame_settings(self.colour, slot.settings, shown.colour_space, dtype)
            view = slot.frame_views[(shown.colour_space, dtype.str)] = (settings, recipe_key(self.colour, settings, dtype))
        settings, key = view
        own = slot.recipe
        if own is not None and key == (own.colour_space, own.display, own.view, slot.source_dtype.str):
            return own
        recipe = slot.recipes.get(key)
        if recipe is None and key not in slot.recipes_pending:
            slot.recipes_pending.add(key)
            colour = self.colour
            self._opener.submit(lambda: gpu_recipe_for(colour, settings, dtype), ("frame recipe", name, slot, key))
        return recipe or slot.recipe

    def _on_frame_recipe(self, name: str, slot: MediaSlot, key: tuple[str, str, str, str], recipe: object) -> None:
        slot.recipes_pending.discard(key)
        if isinstance(recipe, Exception):
            self.sig_message.emit(f"Colour: {recipe}")
            return
        if not isinstance(recipe, GpuShaderRecipe) or self.slots.get(name) is not slot:
            return
        slot.recipes[key] = recipe
        state = self.view.layer(name).state
        if state.item is not None:  # redraw the frame on screen with its own view
            self.view.set_frame(name, LayerState(state.item, self._recipe_for(name, slot, state.item), state.size))

    # --- the tick --------------------------------------------------------------------------------
    def _on_tick(self) -> None:
        now = time.monotonic()
        a = self.slots["A"]
        if a is None:
            return
        shown = a.session.tick()
        if shown is not None:
            self.view.set_frame("A", LayerState(shown, self._recipe_for("A", a, shown), _size_of(shown, a.size)))
            self._show_position(shown.frame)
            self.overlay.show_frame(shown.frame)
            if a.record is not None:
                self.sig_frame_changed.emit(a.record.id, shown.frame)
        elif not a.session.playing and self.transport.slider.value() != a.session.current:
            self._show_position(a.session.current)
        b = self.slots["B"]
        if b is not None and self.compare_mode != "off":
            self._follow_a()
            shown_b = b.session.tick()
            if shown_b is not None:
                self.view.set_frame("B", LayerState(shown_b, self._recipe_for("B", b, shown_b), _size_of(shown_b, b.size)))
        if not a.session.playing and self._timer.interval() != IDLE_INTERVAL_MS:
            self._timer.start(IDLE_INTERVAL_MS)
            self._sync_play_icon()
        if now - self._last_cache_paint > 0.1:
            self._last_cache_paint = now
            self.transport.slider.set_cached(a.session.cache.cached_frames())
            self.transport.show_rates(a.rate, a.session.actual_fps(), a.session.meter.dropped,
                                      a.session.playing, a.session.clock.policy.value)

    def close_media(self) -> None:
        """Stop playback and release every slot's decoders."""
        self._timer.stop()
        for name, slot in self.slots.items():
            if slot is not None:
                slot.session.close()
            self.slots[name] = None

    def save_state(self, settings: QSettings) -> None:
        """Remember the display, the view and the loop mode for the next run."""
        options = self.colour_bar.options()
        settings.setValue("viewer/display", options.display)
        settings.setValue("viewer/view", options.view)
        settings.setValue("viewer/loop", self.transport.loop_box.currentText())

    def restore_state(self, settings: QSettings) -> None:
        """The display, view and loop mode of the last run (a name no longer offered is skipped)."""
        bar = self.colour_bar
        for box, key in ((bar.display_box, "viewer/display"), (bar.view_box, "viewer/view")):
            text = str(settings.value(key, "") or "")
            if text and box.findText(text) >= 0:
                box.setCurrentText(text)
        loop = self.transport.loop_box
        index = loop.findText(str(settings.value("viewer/loop", "") or ""))
        if index >= 0:
            loop.setCurrentIndex(index)

    def shutdown(self) -> None:
        """Close media, stop the opener thread, free GL objects."""
        self.close_media()
        self._opener.shutdown()
        self.view.release_gl()


def media_start_timecode(record: MediaRecord, first_frame: int) -> tuple[str | None, int]:
    """The source timecode the file gave (ingest keeps it in extra_metadata) and the frame it belongs to:
    the record's first frame."""
    start = (record.extra_metadata or {}).get("start_timecode")
    first = record.start_frame if record.start_frame is not None else first_frame
    return (start if isinstance(start, str) and start else None), first


def _size_of(item: ShownFrame, fallback: tuple[int, int]) -> tuple[int, int]:
    if item.pixels is not None:
        return (item.width, item.height)
    return fallback


def _title(record: MediaRecord) -> str:
    parts = [record.sequence, record.shot, record.department, record.version]
    where = " / ".join(p for p in parts if p)
    name = display_name(record.file_name)
    return f"{where}   {name}" if where else name

"""Drives the viewer's state from a precise timer and shows what each verb and tick returns: the frames
(through the slots' colour), the position and timecode, the play icon, the cache bar and the rates."""

from __future__ import annotations

import time
from collections.abc import Callable
from fractions import Fraction

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from horus_desktop.domain.timecode import frame_to_timecode
from horus_desktop.playback.viewer_state import ViewerState
from horus_desktop.ui.annotate.canvas import AnnotationCanvas
from horus_desktop.ui.viewer.slot_colour import SlotColour
from horus_desktop.ui.viewer.transport import TransportBar
from horus_desktop.ui.viewer.view import ViewerView

PLAY_INTERVAL_MS = 3
IDLE_INTERVAL_MS = 30
CACHE_BAR_EVERY_S = 0.1


class PlaybackDriver(QObject):
    """The transport verbs of the viewer (on slot A) and the tick that puts frames on screen."""

    sig_position = Signal(int)  # slot A's playhead, whenever the transport shows it
    sig_frame_changed = Signal(object, int)  # media id, frame shown

    def __init__(self, state: ViewerState, view: ViewerView, colours: SlotColour, transport: TransportBar,
                 overlay: AnnotationCanvas, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state, self._view, self._colours = state, view, colours
        self._transport, self._overlay = transport, overlay
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_tick)
        self._timer.start(IDLE_INTERVAL_MS)
        self._last_cache_paint = 0.0

    # --- verbs -----------------------------------------------------------------------------------
    def play(self, direction: int = 1, speed: float = 1.0) -> None:
        """Start playing."""
        if self._state.play(direction, speed):
            self._playing_changed(speed, direction)

    def pause(self) -> None:
        """Stop on the current frame."""
        frame = self._state.pause()
        if frame is not None:
            self._playing_changed(1.0, 1)
            self.show_position(frame)

    def play_pause(self) -> None:
        """Space."""
        if self._state.playing:
            self.pause()
        else:
            self.play()

    def shuttle(self, direction: int) -> None:
        """J/L: play in a direction, faster on each press."""
        speed = self._state.shuttle(direction)
        if speed is not None:
            self._playing_changed(speed, direction)

    def step(self, n: int) -> None:
        """Left/Right."""
        frame = self._state.step(n)
        if frame is not None:
            self._playing_changed(1.0, 1)
            self.show_position(frame)

    def seek(self, frame: int) -> None:
        """Slider, frame box, notes."""
        self._moved(self._state.seek(frame))

    def go_start(self) -> None:
        """Home: the in point."""
        self._moved(self._state.go_start())

    def go_end(self) -> None:
        """End: the out point."""
        self._moved(self._state.go_end())

    def change_in_out(self, verb: Callable[[], None]) -> None:
        """Run an in/out verb of the state ([, ], clear) and mark the result on the slider."""
        verb()
        self._transport.slider.set_in_out(self._state.in_out_marks())

    def stop(self) -> None:
        """No more ticks (the viewer closes)."""
        self._timer.stop()

    # --- what the transport shows ----------------------------------------------------------------
    def show_position(self, frame: int) -> None:
        """Put A's frame number and timecode on the transport."""
        slot = self._state.slots["A"]
        self._transport.show_frame(frame, slot.timecode(frame) if slot else frame_to_timecode(frame, Fraction(24)))
        self.sig_position.emit(frame)

    def _moved(self, frame: int | None) -> None:
        if frame is not None:
            self.show_position(frame)

    def _playing_changed(self, speed: float, direction: int) -> None:
        from horus_desktop.ui.resources import icon  # as the panel always did: resources load on first use

        playing = self._state.playing
        self._timer.start(PLAY_INTERVAL_MS if playing else IDLE_INTERVAL_MS)
        self._transport.show_speed(speed if playing else 1.0, direction if playing else 1)
        self._transport.buttons["play_pause"].defaultAction().setIcon(icon("pause" if playing else "play"))

    # --- the tick --------------------------------------------------------------------------------
    def _on_tick(self) -> None:
        a = self._state.slots["A"]
        if a is None:
            return
        tick = self._state.tick()
        if tick.a is not None:
            self._view.set_frame("A", self._colours.layer_state("A", a, tick.a))
            self.show_position(tick.a.frame)
            self._overlay.show_frame(tick.a.frame)
            if a.record is not None:
                self.sig_frame_changed.emit(a.record.id, tick.a.frame)
        elif not a.session.playing and self._transport.slider.value() != a.session.current:
            self.show_position(a.session.current)
        b = self._state.slots["B"]
        if tick.b is not None and b is not None:
            self._view.set_frame("B", self._colours.layer_state("B", b, tick.b))
        if not a.session.playing and self._timer.interval() != IDLE_INTERVAL_MS:
            self._playing_changed(1.0, 1)
        now = time.monotonic()
        if now - self._last_cache_paint > CACHE_BAR_EVERY_S:
            self._last_cache_paint = now
            self._transport.slider.set_cached(a.session.cache.cached_frames())
            self._transport.show_rates(a.rate, a.session.actual_fps(), a.session.meter.dropped,
                                       a.session.playing, a.session.clock.policy.value)

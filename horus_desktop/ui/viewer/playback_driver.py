"""Drives the viewer's state from a precise timer and shows what each verb and tick returns: the frames
(through the slots' colour), the position and timecode, the play icon, the cache bar and the rates.

It also drives slot A's sound (``playback/audio_player.AudioPlayer``): after every verb the sound restarts
where the picture is (or stops), and while it plays at 1x the picture clock follows the audio clock. What a
media sounds like (its movie's audio, its sound file, a playlist's audio tracks) is worked out on a thread
of its own when A changes, never on the UI thread. The audio output opens after the window's first frame (on
the second tick of the idle timer: the first runs in the event loop's first pass, with the first paint) or at
the first play, whichever comes first; the transport says which device it found then.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from horus_desktop.domain.records import MediaRecord
from horus_desktop.domain.timecode import frame_to_timecode
from horus_desktop.media.audio_attach import sound_of
from horus_desktop.playback.audio_feed import MediaSound, SoundPlan
from horus_desktop.playback.audio_player import AudioPlayer
from horus_desktop.playback.media_slot import MediaSlot
from horus_desktop.playback.session import PlaybackSession
from horus_desktop.playback.viewer_state import ViewerState
from horus_desktop.ui.annotate.canvas import AnnotationCanvas
from horus_desktop.ui.viewer.audio_controls import ask_sound_file
from horus_desktop.ui.viewer.audio_output import DeferredOutput, OutputChoice
from horus_desktop.ui.viewer.slot_colour import SlotColour
from horus_desktop.ui.viewer.transport import TransportBar
from horus_desktop.ui.viewer.view import ViewerView

PLAY_INTERVAL_MS = 3
IDLE_INTERVAL_MS = 30
CACHE_BAR_EVERY_S = 0.1


def sound_plan_for(record: MediaRecord | None, session: PlaybackSession,
                   attachments: dict[Any, Any] | None = None) -> tuple[SoundPlan | None, str]:
    """What a slot's media sounds like, and a few words saying so (opens files: call it off the UI thread).

    ``attachments``: for a playlist, its media's sound files (``services.sound.sound_attachments``)."""
    from horus_desktop.timeline.audio_playback import playlist_sound_plan

    source = session.source
    state = getattr(source, "state", None)
    if state is not None:  # a playlist
        plan = playlist_sound_plan(state, attachments or {})
        return plan, "the playlist's audio tracks" if plan.uses_audio_tracks else "each clip's movie sound"
    first = session.media_range[0]
    fps = session.clock.fps
    attached = sound_of(record.extra_metadata) if record is not None else None
    if attached is not None:
        return MediaSound(attached.path, first, fps, attached.offset), f"sound file {attached.path}"
    path = str(getattr(source, "path", ""))
    from horus_desktop.media.audio_source import movie_has_audio, video_origin  # PyAV: loaded on this thread

    if path and movie_has_audio(path):
        return MediaSound(path, first, fps, origin=video_origin(path)), "the movie's sound"
    return None, "no sound"


class PlaybackDriver(QObject):
    """The transport verbs of the viewer (on slot A) and the tick that puts frames on screen."""

    sig_position = Signal(int)  # slot A's playhead, whenever the transport shows it
    sig_frame_changed = Signal(object, int)  # media id, frame shown
    sig_sound_plan = Signal(object, object, str)  # session, plan, description (from the plan thread)
    sig_sound_message = Signal(str)  # a sound file set, cleared or refused

    def __init__(self, state: ViewerState, view: ViewerView, colours: SlotColour, transport: TransportBar,
                 overlay: AnnotationCanvas, parent: QObject | None = None, *, store_calls: Any = None) -> None:
        super().__init__(parent)
        self._output = DeferredOutput(self._show_output)
        self._ticks_before_output = 2  # see the module's doc
        self.audio = AudioPlayer(self._output)
        self._sound_session: PlaybackSession | None = None
        self._stored_record: MediaRecord | None = None  # A's record as the last sound change stored it
        self._store_calls = store_calls if hasattr(store_calls, "run") else None
        controls = transport.audio
        controls.sig_muted.connect(self.audio.set_muted)
        controls.sig_volume.connect(self.audio.set_volume)
        controls.sig_scrub.connect(self.audio.set_scrub)
        controls.sig_sound_file.connect(self._ask_sound_file)
        self.sig_sound_plan.connect(self._on_sound_plan)
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
        self._sound_follows()

    def pause(self) -> None:
        """Stop on the current frame."""
        frame = self._state.pause()
        self._sound_follows()
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
        self._sound_follows()
        if speed is not None:
            self._playing_changed(speed, direction)

    def step(self, n: int) -> None:
        """Left/Right."""
        frame = self._state.step(n)
        self._sound_follows(scrub=True)
        if frame is not None:
            self._playing_changed(1.0, 1)
            self.show_position(frame)

    def seek(self, frame: int) -> None:
        """Slider, frame box, notes."""
        self._moved(self._state.seek(frame))
        self._sound_follows(scrub=True)

    def go_start(self) -> None:
        """Home: the in point."""
        self._moved(self._state.go_start())
        self._sound_follows(scrub=True)

    def go_end(self) -> None:
        """End: the out point."""
        self._moved(self._state.go_end())
        self._sound_follows(scrub=True)

    def change_in_out(self, verb: Callable[[], None]) -> None:
        """Run an in/out verb of the state ([, ], clear) and mark the result on the slider."""
        verb()
        self._sound_follows()
        self._transport.slider.set_in_out(self._state.in_out_marks())

    def stop(self) -> None:
        """No more ticks (the viewer closes): the sound stops and the output closes."""
        self._timer.stop()
        self.audio.close()
        self._output.close()

    def open_output(self) -> None:
        """Open the audio output now (it opens by itself shortly after the window shows, or at the first play)."""
        self._output.open()

    def _show_output(self, choice: OutputChoice) -> None:
        self._transport.audio.show_output(choice.device, choice.message)

    # --- sound -----------------------------------------------------------------------------------
    def _sound_follows(self, *, scrub: bool = False) -> None:
        session = self._state.session
        if session is None or session is not self._sound_session:
            return
        self.audio.follow(session)
        if scrub:
            self.audio.scrub_at(session)

    def _check_sound_source(self, slot: MediaSlot) -> None:
        """A changed in slot A: stop its sound and work out the new one on a thread."""
        if slot.session is self._sound_session:
            return
        self._sound_session = slot.session
        self._transport.audio.sound_file.setEnabled(self._store_calls is not None and slot.record is not None)
        self.audio.set_plan(None, slot.session)
        self.reload_sound(slot.record)

    def reload_sound(self, record: MediaRecord | None = None) -> None:
        """Work out (again) what A's media (``record``: as stored now, if newer) sounds like, off the UI thread."""
        slot = self._state.slots["A"]
        if slot is None:
            return
        session, record = slot.session, record or slot.record

        def work(attachments: dict[Any, Any] | None = None) -> None:
            try:
                plan, what = sound_plan_for(record, session, attachments)
            except Exception as exc:  # a sound that cannot be read never stops the picture
                plan, what = None, f"sound unreadable: {exc}"
            self.sig_sound_plan.emit(session, plan, what)

        def start(attachments: dict[Any, Any] | None = None) -> None:
            threading.Thread(target=work, args=(attachments,), name="horus-sound-plan", daemon=True).start()

        state = getattr(session.source, "state", None)
        if state is not None and self._store_calls is not None:  # a playlist: its media's sound files first
            from horus_desktop.services.sound import sound_attachments

            ids = [clip.media_id for clip in state.clips() if clip.media_id is not None]
            self._store_calls.run(lambda store: sound_attachments(store, ids), start, lambda _exc: start())
        else:
            start()

    def _on_sound_plan(self, session: PlaybackSession, plan: SoundPlan | None, what: str) -> None:
        if session is not self._sound_session:  # A changed again meanwhile
            return
        self.audio.set_plan(plan, session)
        self._transport.audio.show_sound(what)

    def _ask_sound_file(self) -> None:
        slot = self._state.slots["A"]
        if slot is None or slot.record is None or self._store_calls is None:
            return
        stored = self._stored_record if self._stored_record and self._stored_record.id == slot.record.id else None
        current = sound_of((stored or slot.record).extra_metadata)  # as last written here, if it was
        answer = ask_sound_file(self._transport, current.path if current else None, current.offset if current else 0)
        if answer is not None:
            self.attach_sound(*answer)

    def attach_sound(self, path: str | None, offset: int = 0) -> None:
        """Store (None: clear) the sound file of A's media through the DB worker, then play it."""
        from horus_desktop.services.sound import clear_sound, set_sound

        slot = self._state.slots["A"]
        if slot is None or slot.record is None or self._store_calls is None:
            return
        media_id = slot.record.id

        def work(store: Any) -> Any:
            return set_sound(store, media_id, path, offset) if path else clear_sound(store, media_id)

        def done(record: Any) -> None:
            self._stored_record = record
            current = self._state.slots["A"]
            if current is not None and current.record is not None and current.record.id == record.id:
                self.reload_sound(record)
            attached = sound_of(record.extra_metadata)
            self.sig_sound_message.emit(f"Sound: {attached.path} from frame offset {attached.offset}"
                                        if attached else "Sound file removed")

        self._store_calls.run(work, done, lambda exc: self.sig_sound_message.emit(f"Sound not set: {exc}"))

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
        if self._ticks_before_output:
            self._ticks_before_output -= 1
            if not self._ticks_before_output:
                self.open_output()
        a = self._state.slots["A"]
        if a is None:
            return
        self._check_sound_source(a)
        # CPU path: frames played at the size the view draws them (full resolution paused or zoomed in).
        a.session.set_view_reduction(self._view.playback_reduction())
        tick = self._state.tick()
        if tick.a is not None:
            layer = self._colours.layer_state("A", a, tick.a)
            self._view.set_frame("A", layer)
            if tick.a.pixels is not None and layer.size is not None:
                # drawings follow the image on screen: a playlist's clips may differ in resolution
                self._overlay.set_image_size(layer.size)
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
        self.audio.check(a.session)
        now = time.monotonic()
        if now - self._last_cache_paint > CACHE_BAR_EVERY_S:
            self._last_cache_paint = now
            self._transport.slider.set_cached(a.session.cache.cached_frames())
            self._transport.show_rates(a.rate, a.session.actual_fps(), a.session.meter.dropped,
                                       a.session.playing, a.session.clock.policy.value)

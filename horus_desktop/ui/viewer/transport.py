"""Transport bar: play controls, the frame slider with its cache bar, frame number, timecode and fps."""

from __future__ import annotations

from fractions import Fraction

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from horus_desktop.playback.clock import LoopMode
from horus_desktop.ui.flow_layout import FlowLayout
from horus_desktop.ui.resources import icon
from horus_desktop.ui.viewer.audio_controls import AudioControls
from horus_desktop.ui.viewer.frame_slider import FrameSlider

LOOP_LABELS = {LoopMode.LOOP: "Loop", LoopMode.PING_PONG: "Ping-pong", LoopMode.ONCE: "Play once"}
# The widest text each readout shows: its width is reserved so nothing jumps sideways while playing.
_WIDEST = {"timecode": "00:00:00;00", "speed": "◀ 16x", "fps": "999.9/59.94 fps · 99999 dropped"}


def format_rate(rate: Fraction | float) -> str:
    """A frame rate as editorial writes it: 24, 25, 23.976, 29.97, 59.94 (three decimals at most)."""
    return f"{float(rate):.3f}".rstrip("0").rstrip(".")


class Readout(QLabel):
    """A monospaced readout as wide as its widest text, right-aligned, so it never changes width while playing.

    Measured again whenever its font changes: the stylesheet's font (the source timecode's is larger) reaches it
    when the window is first shown (see ui/app.py), after it was built."""

    def __init__(self, text: str, widest: str, name: str) -> None:
        super().__init__(text)
        self.setObjectName(name)  # the stylesheet's rules name it
        self._widest = widest
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit()

    def _fit(self) -> None:
        self.setFixedWidth(self.fontMetrics().horizontalAdvance(self._widest) + 20)


class TransportBar(QWidget):
    """Buttons and readouts; every button triggers the same QAction as its keyboard shortcut."""

    sig_seek = Signal(int)  # a frame of what slot A plays (a playlist: a timeline frame)
    sig_source_seek = Signal(int)  # in a playlist: a source frame of the clip under the playhead
    sig_loop_mode = Signal(object)

    def __init__(self, actions: dict[str, object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transportBar")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 2, 6, 4)
        outer.setSpacing(2)
        self.slider = FrameSlider()
        outer.addWidget(self.slider)
        row = FlowLayout(spacing=4)  # wraps on a narrow viewer (laptop screens) instead of widening the window
        outer.addLayout(row)
        self.buttons: dict[str, QToolButton] = {}
        for name in ("go_start", "step_back", "play_backward", "play_pause", "step_forward", "go_end"):
            button = QToolButton()
            button.setDefaultAction(actions[name])  # type: ignore[arg-type]
            button.setIconSize(QSize(20, 20))
            button.setAutoRaise(True)
            self.buttons[name] = button
            row.addWidget(button)
        row.addSpacing(8)
        for name in ("set_in", "set_out", "clear_in_out"):
            button = QToolButton()
            button.setDefaultAction(actions[name])  # type: ignore[arg-type]
            button.setAutoRaise(True)
            self.buttons[name] = button
            row.addWidget(button)
        self.loop_box = QComboBox()
        for mode, label in LOOP_LABELS.items():
            self.loop_box.addItem(icon("loop"), label, mode)
        self.loop_box.setToolTip("At the out point: loop, ping-pong or stop")
        row.addWidget(self.loop_box)
        row.addStretch(1)
        self.frame_box = QSpinBox()
        self.frame_box.setObjectName("frameBox")
        self.frame_box.setKeyboardTracking(False)
        self.frame_box.setToolTip("Source frame number (as on disk)")
        self.frame_box.setRange(0, 0)
        self.frame_box.setMinimumWidth(80)
        row.addWidget(self.frame_box)
        self.timecode = Readout("00:00:00:00", _WIDEST["timecode"], "timecodeLabel")
        self.timecode.setToolTip("Timecode (the source timecode when the file has one)")
        row.addWidget(self.timecode)
        # A playlist's own clock, shown beside the clip's source clock while a playlist plays.
        self.playlist_mode = False
        self.playlist_label = QLabel("Playlist")
        self.playlist_label.setObjectName("playlistClockLabel")
        self.playlist_box = QSpinBox()
        self.playlist_box.setObjectName("playlistFrameBox")
        self.playlist_box.setKeyboardTracking(False)
        self.playlist_box.setToolTip("Playlist frame (from 0 at the first cut); type one to go there")
        self.playlist_box.setRange(0, 0)
        self.playlist_box.setMinimumWidth(70)
        self.playlist_timecode = Readout("00:00:00:00", _WIDEST["timecode"], "playlistTimecodeLabel")
        self.playlist_timecode.setToolTip("Playlist timecode (from 00:00:00:00 at the first cut)")
        for widget in (self.playlist_label, self.playlist_box, self.playlist_timecode):
            widget.hide()
            row.addWidget(widget)
        self.speed_label = Readout("", _WIDEST["speed"], "speedLabel")
        row.addWidget(self.speed_label)
        self.fps_label = Readout("", _WIDEST["fps"], "fpsLabel")
        row.addWidget(self.fps_label)
        self.audio = AudioControls()  # mute, volume, scrub, sound file (ui/viewer/audio_controls.py)
        row.addWidget(self.audio)
        self.slider.sig_seek.connect(self.sig_seek)
        self.frame_box.valueChanged.connect(self._on_frame_box)
        self.playlist_box.valueChanged.connect(self.sig_seek)
        self.loop_box.currentIndexChanged.connect(lambda _i: self.sig_loop_mode.emit(self.loop_box.currentData()))

    def set_playlist_mode(self, on: bool) -> None:
        """A playlist plays: the frame box and timecode are the clip's source clock, the playlist's own beside
        them; a single media: one clock (the media's)."""
        self.playlist_mode = on
        for widget in (self.playlist_label, self.playlist_box, self.playlist_timecode):
            widget.setVisible(on)
        self.frame_box.setToolTip("Source frame of the clip under the playhead (as on disk); type one to go there "
                                  "in the clip" if on else "Source frame number (as on disk)")
        self.frame_box.setEnabled(True)

    def set_range(self, first: int, last: int) -> None:
        """The frame numbers of what slot A plays (a playlist: its timeline frames)."""
        self.slider.set_range(first, last)
        box = self.playlist_box if self.playlist_mode else self.frame_box
        box.blockSignals(True)
        box.setRange(first, last)
        box.blockSignals(False)

    def show_frame(self, frame: int, timecode: str) -> None:
        """The playhead moved (a playlist: its timeline frame and timecode)."""
        self.slider.set_value(frame)
        box, label = ((self.playlist_box, self.playlist_timecode) if self.playlist_mode
                      else (self.frame_box, self.timecode))
        box.blockSignals(True)
        box.setValue(frame)
        box.blockSignals(False)
        label.setText(timecode)

    def show_source(self, frame: int | None, timecode: str, frame_range: tuple[int, int] | None = None) -> None:
        """In a playlist: the source frame and timecode of the clip under the playhead (None: a gap, no media)."""
        if not self.playlist_mode:
            return
        box = self.frame_box
        box.setEnabled(frame is not None)
        box.blockSignals(True)
        if frame_range is not None:
            box.setRange(*frame_range)
        if frame is not None:
            box.setValue(frame)
        box.blockSignals(False)
        self.timecode.setText(timecode if frame is not None else "--:--:--:--")

    def set_timecode_source(self, start_timecode: str | None) -> None:
        """Say where the timecode comes from: the file's own (starting at ``start_timecode``) or the frame
        number (the file carries none)."""
        self.timecode.setToolTip(
            f"Source timecode, as the file says (its first frame is {start_timecode})" if start_timecode
            else "Timecode counted from the frame number (the file carries no timecode)")

    def _on_frame_box(self, value: int) -> None:
        (self.sig_source_seek if self.playlist_mode else self.sig_seek).emit(value)

    def show_rates(self, target: Fraction | float, actual: float, dropped: int, playing: bool,
                   policy: str) -> None:
        """Target (exact: 23.976, not 24) and measured fps, honestly."""
        rate = format_rate(target)
        if playing:
            self.fps_label.setText(f"{actual:5.1f}/{rate} fps · {dropped:>5} dropped")
            self.fps_label.setToolTip(f"Measured / target frames per second; frames dropped ({policy} policy)")
        else:
            self.fps_label.setText(f"{rate} fps")
            self.fps_label.setToolTip(f"Frame rate of the media: {target} frames per second")

    def show_speed(self, speed: float, direction: int) -> None:
        """Shuttle speed (J/L)."""
        text = "" if speed == 1.0 and direction > 0 else f"{'◀' if direction < 0 else '▶'} {speed:g}x"
        self.speed_label.setText(text)

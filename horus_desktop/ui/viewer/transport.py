"""Transport bar: play controls, the frame slider with its cache bar, frame number, timecode and fps."""

from __future__ import annotations

from fractions import Fraction

from PySide6.QtCore import QSize, Qt, Signal
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


def _fixed_width(label: QLabel, widest: str) -> None:
    """A monospaced readout as wide as its widest text, right-aligned, so it never changes width."""
    label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    label.setFixedWidth(label.fontMetrics().horizontalAdvance(widest) + 8)
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class TransportBar(QWidget):
    """Buttons and readouts; every button triggers the same QAction as its keyboard shortcut."""

    sig_seek = Signal(int)
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
        self.timecode = QLabel("00:00:00:00")
        self.timecode.setObjectName("timecodeLabel")
        self.timecode.setToolTip("Timecode (the source timecode when the file has one)")
        row.addWidget(self.timecode)
        self.speed_label = QLabel("")
        self.speed_label.setObjectName("speedLabel")
        row.addWidget(self.speed_label)
        self.fps_label = QLabel("")
        self.fps_label.setObjectName("fpsLabel")
        row.addWidget(self.fps_label)
        self.audio = AudioControls()  # mute, volume, scrub, sound file (ui/viewer/audio_controls.py)
        row.addWidget(self.audio)
        for label, key in ((self.timecode, "timecode"), (self.speed_label, "speed"), (self.fps_label, "fps")):
            _fixed_width(label, _WIDEST[key])
        self.slider.sig_seek.connect(self.sig_seek)
        self.frame_box.valueChanged.connect(self._on_frame_box)
        self.loop_box.currentIndexChanged.connect(lambda _i: self.sig_loop_mode.emit(self.loop_box.currentData()))

    def set_range(self, first: int, last: int) -> None:
        """The media's frame numbers."""
        self.slider.set_range(first, last)
        self.frame_box.blockSignals(True)
        self.frame_box.setRange(first, last)
        self.frame_box.blockSignals(False)

    def show_frame(self, frame: int, timecode: str) -> None:
        """The playhead moved."""
        self.slider.set_value(frame)
        self.frame_box.blockSignals(True)
        self.frame_box.setValue(frame)
        self.frame_box.blockSignals(False)
        self.timecode.setText(timecode)

    def set_timecode_source(self, start_timecode: str | None) -> None:
        """Say where the timecode comes from: the file's own (starting at ``start_timecode``) or the frame
        number (the file carries none)."""
        self.timecode.setToolTip(
            f"Source timecode, as the file says (its first frame is {start_timecode})" if start_timecode
            else "Timecode counted from the frame number (the file carries no timecode)")

    def _on_frame_box(self, value: int) -> None:
        self.sig_seek.emit(value)

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

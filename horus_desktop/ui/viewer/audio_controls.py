"""The transport's sound controls: mute, volume, scrubbing sound, and what the output is (or "no audio device")."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSlider, QToolButton, QWidget

_TIP = ("Sound plays forwards at 1x only (reverse and shuttle speeds are silent); while it plays, the picture "
        "follows the sound's clock.")


class AudioControls(QWidget):
    """Mute button, volume slider, "Scrub" check box and a short status label."""

    sig_muted = Signal(bool)
    sig_volume = Signal(float)  # 0..1
    sig_scrub = Signal(bool)
    sig_sound_file = Signal()  # "Sound…": the user wants to attach (or clear) the media's sound file

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("audioControls")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.mute = QToolButton()
        self.mute.setObjectName("muteButton")
        self.mute.setCheckable(True)
        self.mute.setText("Mute")
        self.mute.setAutoRaise(True)
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setObjectName("volumeSlider")
        self.volume.setRange(0, 100)
        self.volume.setValue(100)
        self.volume.setFixedWidth(70)
        self.volume.setToolTip("Volume")
        self.scrub = QCheckBox("Scrub")
        self.scrub.setObjectName("scrubSound")
        self.scrub.setToolTip("Play a short slice of sound at each step or seek while paused")
        self.sound_file = QToolButton()
        self.sound_file.setObjectName("soundFileButton")
        self.sound_file.setText("Sound…")
        self.sound_file.setAutoRaise(True)
        self.sound_file.setToolTip("Attach a sound file (WAV, AIFF, MP3) to the media in A, with an offset in frames")
        self.sound_file.setEnabled(False)
        self.status = QLabel("")
        self.status.setObjectName("audioStatus")
        for widget in (self.mute, self.volume, self.scrub, self.sound_file, self.status):
            layout.addWidget(widget)
        self.mute.toggled.connect(self.sig_muted)
        self.volume.valueChanged.connect(lambda value: self.sig_volume.emit(value / 100.0))
        self.scrub.toggled.connect(self.sig_scrub)
        self.sound_file.clicked.connect(self.sig_sound_file)
        for widget in (self, self.mute, self.status):  # the device is said once the output opened (after show)
            widget.setToolTip(_TIP)

    def show_output(self, device: str | None, message: str) -> None:
        """Which device plays the sound; with none, say so where the user looks (label and tooltips)."""
        self.status.setText("" if device else "no audio device")
        tip = f"{message}\n\n{_TIP}" if message else _TIP
        for widget in (self, self.mute, self.status):
            widget.setToolTip(tip)

    def show_sound(self, what: str) -> None:
        """What the media in A plays (its movie's audio, a sound file, none) on the mute button's tooltip."""
        self.mute.setToolTip(f"Mute ({what})\n\n{self.toolTip()}")


def ask_sound_file(parent: QWidget, current: str | None, offset: int) -> tuple[str | None, int] | None:
    """File dialog then offset: (path, offset), (None, 0) to clear, or None when cancelled."""
    from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

    if current:
        answer = QMessageBox.question(parent, "Sound", f"This media plays {current} (offset {offset}).\n"
                                      "Choose another file? (No: remove the sound file)",
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                                      | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.No:
            return None, 0
        if answer == QMessageBox.StandardButton.Cancel:
            return None
    path, _ = QFileDialog.getOpenFileName(parent, "Sound file", "", "Sound (*.wav *.aif *.aiff *.mp3 *.flac *.m4a)")
    if not path:
        return None
    value, ok = QInputDialog.getInt(parent, "Sound offset", "Frame (from the media's first) where the sound starts:",
                                    offset, -1_000_000, 1_000_000)
    return (path, value) if ok else None

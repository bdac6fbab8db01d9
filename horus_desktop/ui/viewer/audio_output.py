"""The viewer's audio output: Qt Multimedia's ``QAudioSink`` in push mode on a thread of its own, or the null
output when there is no device (or no Qt Multimedia at all: it is imported lazily, so a missing plugin or
libpulse cannot break start-up).

``QtAudioSink`` is the ``AudioSink`` the feed writes to. The feed's thread appends bytes to a small queue
under a lock; the output thread (a ``QThread`` owning the ``QAudioSink``) moves them into the device every
few milliseconds and records how much the device still holds, so "buffered" is the queue plus the device's
buffer. The UI thread never touches the device, so a busy UI thread cannot starve the sound.

``DeferredOutput`` opens the device only when asked (after the window's first frame) or first used (the
first play): loading Qt Multimedia's backend and asking the sound server for the default device costs
0.04-0.36 s, which the window no longer waits for.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from horus_desktop.media.audio_source import AudioFormat
from horus_desktop.media.native_loading import LOADING
from horus_desktop.playback.audio_feed import AHEAD_SECONDS, AudioSink, NullSink

NO_DEVICE = "No audio device: sound is silent (the picture still plays to the sound's clock)"
PUMP_MS = 4


@dataclass(frozen=True, slots=True)
class OutputChoice:
    """The sink to use and what to tell the user about it."""

    sink: AudioSink
    device: str | None  # the device's name, None when there is none
    message: str


class _Pump(QObject):
    """Lives on the output thread: owns the QAudioSink and feeds it from the shared queue."""

    sig_start = Signal()
    sig_stop = Signal()

    def __init__(self, owner: QtAudioSink, device: Any, qformat: Any) -> None:
        super().__init__()
        self._owner, self._device, self._qformat = owner, device, qformat
        self._sink: Any = None
        self._io: Any = None
        self._timer: QTimer | None = None
        self.sig_start.connect(self._start)
        self.sig_stop.connect(self._stop)

    @Slot()
    def _start(self) -> None:
        from PySide6.QtMultimedia import QAudioSink

        self._sink = QAudioSink(self._device, self._qformat)
        owner = self._owner
        self._sink.setBufferSize(int(AHEAD_SECONDS * owner.format.rate) * owner.format.bytes_per_frame)
        self._io = self._sink.start()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._pump)
        self._timer.start(PUMP_MS)

    @Slot()
    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        if self._sink is not None:
            self._sink.stop()
        self.thread().quit()

    @Slot()
    def _pump(self) -> None:
        owner, sink = self._owner, self._sink
        if sink is None or self._io is None:
            return
        with owner.lock:
            if owner.reset_asked:
                owner.reset_asked = False
                sink.reset()
                self._io = sink.start()
            sink.setVolume(owner.volume)
            free = sink.bytesFree()
            if free > 0 and owner.queue:
                chunk = bytes(owner.queue[:free])
                written = int(self._io.write(chunk))
                del owner.queue[:max(written, 0)]
            owner.device_buffered = max(0, sink.bufferSize() - sink.bytesFree())


class QtAudioSink:
    """An ``AudioSink`` on a Qt audio device (see the module's doc)."""

    def __init__(self, device: Any, qformat: Any, fmt: AudioFormat) -> None:
        self.format = fmt
        self.lock = threading.Lock()
        self.queue = bytearray()
        self.device_buffered = 0
        self.reset_asked = False
        self.volume = 1.0
        self._capacity = int(AHEAD_SECONDS * fmt.rate) * fmt.bytes_per_frame
        self._thread = QThread()
        self._thread.setObjectName("horus-audio-output")
        self._pump = _Pump(self, device, qformat)
        self._pump.moveToThread(self._thread)
        self._thread.start()
        self._pump.sig_start.emit()

    def free_bytes(self) -> int:
        """Room in the queue."""
        with self.lock:
            return max(0, self._capacity - len(self.queue))

    def write(self, data: bytes) -> int:
        """Queue what fits."""
        with self.lock:
            room = max(0, self._capacity - len(self.queue))
            room -= room % self.format.bytes_per_frame
            self.queue += data[:room]
            return min(room, len(data))

    def buffered_bytes(self) -> int:
        """Queued + held by the device."""
        with self.lock:
            return len(self.queue) + self.device_buffered

    def reset(self) -> None:
        """Drop the queue and, on the output thread, the device's buffer."""
        with self.lock:
            self.queue.clear()
            self.device_buffered = 0
            self.reset_asked = True

    def set_volume(self, volume: float) -> None:
        """0..1 (applied by the output thread)."""
        with self.lock:
            self.volume = volume

    def close(self) -> None:
        """Stop the device and its thread."""
        self._pump.sig_stop.emit()
        self._thread.wait(2000)


def open_output(fmt: AudioFormat | None = None) -> OutputChoice:
    """The default audio device's sink, or the null output (and why) when there is none."""
    fmt = fmt or AudioFormat()
    # Qt Multimedia's backend loads here: never beside numba's first load on a decode thread (that hung both;
    # media/native_loading.py).
    with LOADING:
        try:
            from PySide6.QtMultimedia import QAudioFormat, QMediaDevices
        except ImportError as exc:  # no Qt Multimedia (a missing library or plugin): silent, never fatal
            return OutputChoice(NullSink(fmt), None, f"{NO_DEVICE} ({exc})")
        device = QMediaDevices.defaultAudioOutput()
    if device.isNull():
        return OutputChoice(NullSink(fmt), None, NO_DEVICE)
    qformat = QAudioFormat()
    qformat.setSampleRate(fmt.rate)
    qformat.setChannelCount(fmt.channels)
    qformat.setSampleFormat(QAudioFormat.SampleFormat.Int16)
    if not device.isFormatSupported(qformat):
        preferred = device.preferredFormat()
        fmt = AudioFormat(preferred.sampleRate(), min(max(preferred.channelCount(), 1), 2), "flt")
        qformat.setSampleRate(fmt.rate)
        qformat.setChannelCount(fmt.channels)
        qformat.setSampleFormat(QAudioFormat.SampleFormat.Float)
        if not device.isFormatSupported(qformat):
            return OutputChoice(NullSink(fmt), None, f"{NO_DEVICE} ({device.description()} takes no stereo PCM)")
    return OutputChoice(QtAudioSink(device, qformat, fmt), device.description(), f"Sound: {device.description()}")


class DeferredOutput:
    """An ``AudioSink`` that opens the default output on first use or on :meth:`open`; ``on_open(choice)`` is
    told once which device (or none) it found. Before that, nothing is buffered and the volume is kept."""

    def __init__(self, on_open: Callable[[OutputChoice], None], *,
                 opener: Callable[[], OutputChoice] = open_output) -> None:
        self._on_open, self._opener = on_open, opener
        self._choice: OutputChoice | None = None
        self._volume = 1.0

    @property
    def opened(self) -> bool:
        """True once the device (or the null output) is open."""
        return self._choice is not None

    def open(self) -> OutputChoice:
        """Open the output now (once; on the UI thread, which owns the device's thread)."""
        if self._choice is None:
            self._choice = self._opener()
            self._choice.sink.set_volume(self._volume)
            self._on_open(self._choice)
        return self._choice

    @property
    def format(self) -> AudioFormat:
        """The device's format (opens it: a feed asks for it when it starts)."""
        return self.open().sink.format

    def free_bytes(self) -> int:
        """Room in the output."""
        return self.open().sink.free_bytes()

    def write(self, data: bytes) -> int:
        """Queue what fits."""
        return self.open().sink.write(data)

    def buffered_bytes(self) -> int:
        """Written, not played yet (nothing before the output opened)."""
        return self._choice.sink.buffered_bytes() if self._choice is not None else 0

    def reset(self) -> None:
        """Drop what is buffered (nothing is before the output opened)."""
        if self._choice is not None:
            self._choice.sink.reset()

    def set_volume(self, volume: float) -> None:
        """0..1, kept for the device until it opens."""
        self._volume = volume
        if self._choice is not None:
            self._choice.sink.set_volume(volume)

    def close(self) -> None:
        """Stop the device (if it was ever opened)."""
        close = getattr(self._choice.sink, "close", None) if self._choice is not None else None
        if close is not None:
            close()

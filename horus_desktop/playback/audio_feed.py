"""Sound for playback (no Qt): what is heard at each frame, the feed that writes it to an output, the null output.

The model, the standard A/V sync approach: while sound plays at 1x the audio output is the master clock.
An :class:`AudioFeed` walks the frames the picture clock will play (the same ``FrameWalk``: loop, ping-pong,
once), decodes and resamples each frame's slice of sound on its own thread and writes it to the sink. The
sound played so far is ``samples written - samples the sink still holds``; :meth:`AudioFeed.master_time`
turns that into seconds since the play started, which ``PlaybackClock.follow`` uses as its time, so the
frame due is the frame whose sound is being heard. A late or dropped picture frame never touches the feed,
so the sound does not stutter; a sound that stalls (the output starved) holds the picture with it.

Where there is no sound (before a sound file's offset, past its end, a gap, a reverse pass of ping-pong)
the feed writes silence, so the clock keeps running.
"""

from __future__ import annotations

import bisect
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol

from horus_desktop.media.audio_source import AudioFormat, AudioReader
from horus_desktop.media.errors import MediaError
from horus_desktop.playback.clock import FrameWalk

#: Seconds of sound written ahead into the output (the null sink's buffer, the Qt sink's queue).
AHEAD_SECONDS = 0.15


@dataclass(frozen=True, slots=True)
class SoundRef:
    """One sound heard over a frame: a file, its sample 0's time in the file (``origin``), and the frame's place
    in the sound, counted in frames of the plan's rate (negative: before the sound starts)."""

    path: str
    index: int
    origin: float = 0.0


class SoundPlan(Protocol):
    """What sound goes with each frame of what is played (a media, or a playlist)."""

    fps: Fraction

    def refs_at(self, frame: int) -> Sequence[SoundRef]:
        """The sounds heard over ``frame`` (empty: silence)."""


@dataclass(frozen=True, slots=True)
class MediaSound:
    """A media's sound: its movie's audio (offset 0, origin at the first video frame) or an attached file.

    ``offset``: the media frame (counted from ``first``) at which the sound's start is heard.
    """

    path: str
    first: int
    fps: Fraction
    offset: int = 0
    origin: float = 0.0

    def refs_at(self, frame: int) -> Sequence[SoundRef]:
        """The file's sound at ``frame``."""
        return (SoundRef(self.path, frame - self.first - self.offset, self.origin),)


def samples_at(index: int, fmt: AudioFormat, fps: Fraction) -> int:
    """The output sample at which frame ``index`` (of a sound counted in frames at ``fps``) starts."""
    return int(math.floor(index * fmt.rate / fps + Fraction(1, 2)))


class AudioSink(Protocol):
    """Where the feed's bytes go: the Qt output (ui/viewer/audio_output.py) or :class:`NullSink`."""

    format: AudioFormat

    def free_bytes(self) -> int:
        """Bytes the sink takes now without blocking."""

    def write(self, data: bytes) -> int:
        """Take up to ``len(data)`` bytes; returns how many it took."""

    def buffered_bytes(self) -> int:
        """Bytes written but not played yet."""

    def reset(self) -> None:
        """Drop what is buffered (a new play starts)."""

    def set_volume(self, volume: float) -> None:
        """0..1."""


class NullSink:
    """An output with no device: plays ``format.rate`` samples per second of its ``clock`` (nothing heard).

    ``keep=True`` keeps every byte played, so tests can find at which sample a sound was heard.
    """

    def __init__(self, fmt: AudioFormat | None = None, *, clock: Callable[[], float] = time.monotonic,
                 buffer_seconds: float = AHEAD_SECONDS, keep: bool = False) -> None:
        self.format = fmt or AudioFormat()
        self._clock = clock
        self._capacity = int(buffer_seconds * self.format.rate) * self.format.bytes_per_frame
        self._lock = threading.Lock()
        self._written = 0
        self._played = 0.0
        self._last = clock()
        self.volume = 1.0
        self.kept = bytearray() if keep else None

    def _advance(self) -> None:
        now = self._clock()
        rate = self.format.rate * self.format.bytes_per_frame
        self._played = min(float(self._written), self._played + max(0.0, now - self._last) * rate)
        self._last = now

    def free_bytes(self) -> int:
        """Room left in the buffer."""
        with self._lock:
            self._advance()
            return max(0, self._capacity - (self._written - int(self._played)))

    def write(self, data: bytes) -> int:
        """Take what fits."""
        with self._lock:
            self._advance()
            room = max(0, self._capacity - (self._written - int(self._played)))
            room -= room % self.format.bytes_per_frame
            taken = min(room, len(data))
            self._written += taken
            if self.kept is not None:
                self.kept += data[:taken]
            return taken

    def buffered_bytes(self) -> int:
        """Written, not played yet."""
        with self._lock:
            self._advance()
            return self._written - int(self._played)

    def reset(self) -> None:
        """Forget the buffered bytes."""
        with self._lock:
            self._advance()
            bpf = self.format.bytes_per_frame
            self._written = int(self._played) // bpf * bpf
            self._played = float(self._written)
            if self.kept is not None:
                del self.kept[self._written:]

    def set_volume(self, volume: float) -> None:
        """Remembered (nothing is heard)."""
        self.volume = volume


class AudioFeed:
    """Writes the sound of the frames played from ``start`` (in ``direction``, along ``walk``) into a sink.

    ``run()`` on a thread of its own (``start()``) or ``pump()`` by hand (tests, the benchmark). ``steps``
    limits the frames written (a scrub slice); after them, or at the end of a ONCE walk, it writes silence
    while ``silence_after`` (the clock keeps running until the picture stops) or nothing.
    """

    def __init__(self, plan: SoundPlan, sink: AudioSink, walk: FrameWalk, start: int, direction: int = 1, *,
                 steps: int | None = None, silence_after: bool = True,
                 open_reader: Callable[[str, AudioFormat, float], AudioReader] | None = None) -> None:
        self.plan, self.sink, self.walk = plan, sink, walk
        self.start_frame, self.direction = start, direction
        self.format = sink.format
        self._limit, self._silence_after = steps, silence_after
        self._open = open_reader or (lambda path, fmt, origin: AudioReader(path, fmt, origin=origin))
        self._readers: dict[tuple[str, float], AudioReader | None] = {}
        self.errors: dict[str, str] = {}
        self._starts = [0]  # output sample at which each step's sound starts (one more than steps written)
        self._frames: list[int] = []
        self._pending = b""
        self._ended = False
        self._lock = threading.Lock()
        self._stopped = False
        self._thread: threading.Thread | None = None

    # --- what is heard ---------------------------------------------------------------------------
    def played_samples(self) -> int:
        """Samples of this feed the output has played."""
        with self._lock:  # the step list and the bytes still pending change together on the feed's thread
            written = self._starts[-1] - len(self._pending) // self.format.bytes_per_frame
            buffered = self.sink.buffered_bytes() // self.format.bytes_per_frame
        return max(0, written - buffered)

    def _locate(self, played: int) -> tuple[int, float]:
        starts = self._starts
        n = max(0, min(bisect.bisect_right(starts, played) - 1, len(starts) - 2))
        if len(starts) < 2:
            return 0, 0.0
        span = starts[n + 1] - starts[n]
        return n, min(1.0, (played - starts[n]) / span) if span else 0.0

    def master_time(self) -> float:
        """Seconds of play heard since the start frame (frame steps + the fraction of the current one)."""
        n, frac = self._locate(self.played_samples())
        return (n + frac) / float(self.plan.fps)

    def heard(self) -> tuple[int, float] | None:
        """(frame, fraction of it) whose sound is being heard; None before any is written."""
        if not self._frames:
            return None
        played = self.played_samples()
        n, frac = self._locate(played)
        return self._frames[min(n, len(self._frames) - 1)], frac

    # --- writing ---------------------------------------------------------------------------------
    def _reader(self, ref: SoundRef) -> AudioReader | None:
        key = (ref.path, ref.origin)
        if key not in self._readers:
            try:
                self._readers[key] = self._open(ref.path, self.format, ref.origin)
            except MediaError as exc:  # an unreadable sound plays as silence; the error is kept to show
                self._readers[key] = None
                self.errors[ref.path] = exc.reason
        return self._readers[key]

    def _step_samples(self, n: int) -> tuple[int, bytes] | None:
        import numpy as np
        if self._ended or (self._limit is not None and n >= self._limit):
            if not self._silence_after:
                return None
            frame, direction, sound = self._frames[-1] if self._frames else self.start_frame, -1, False
        else:
            frame, direction, end = self.walk.step(self.start_frame, self.direction, n)
            self._ended = end
            sound = direction > 0
        fps, fmt = self.plan.fps, self.format
        count = samples_at(frame + 1, fmt, fps) - samples_at(frame, fmt, fps)
        mix = np.zeros((count, fmt.channels), np.float32)
        if sound:
            for ref in self.plan.refs_at(frame):
                reader = self._reader(ref)
                if reader is None:
                    continue
                try:
                    mix += reader.read(samples_at(ref.index, fmt, fps), count)
                except MediaError as exc:
                    self.errors[ref.path] = exc.reason
        return frame, fmt.encode(mix)

    def pump(self) -> int:
        """Write steps while the sink has room; returns how many were written (0: full, or nothing more)."""
        written = 0
        while True:
            with self._lock:
                if self._stopped:
                    return written
                if self._pending:
                    taken = self.sink.write(self._pending)
                    self._pending = self._pending[taken:]
                    if self._pending:
                        return written
                if self.sink.free_bytes() <= 0:
                    return written
            step = self._step_samples(len(self._frames))
            if step is None:
                return written
            frame, data = step
            with self._lock:
                if self._stopped:
                    return written
                self._frames.append(frame)
                self._starts.append(self._starts[-1] + len(data) // self.format.bytes_per_frame)
                self._pending = data
            written += 1

    @property
    def done(self) -> bool:
        """True when a limited feed with no silence after it has written all it will."""
        limited = self._limit is not None and len(self._frames) >= self._limit
        return not self._silence_after and (limited or self._ended) and not self._pending

    def run(self) -> None:
        """Pump until stopped (the feed's thread)."""
        try:
            while not self._stopped:
                if self.pump() == 0:
                    if self.done:
                        return
                    time.sleep(0.003)
        finally:
            self.close_readers()

    def close_readers(self) -> None:
        """Close the sound files (the feed's own thread does it as it ends)."""
        for reader in self._readers.values():
            if reader is not None:
                reader.close()
        self._readers.clear()

    def start(self) -> AudioFeed:
        """Run on a daemon thread of its own; returns self."""
        self._thread = threading.Thread(target=self.run, name="horus-audio-feed", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Write nothing more (does not wait for the thread: it closes its files as it ends)."""
        with self._lock:
            self._stopped = True
            self._pending = b""

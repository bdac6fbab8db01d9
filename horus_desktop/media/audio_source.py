"""Sound through PyAV: a media's audio stream decoded and resampled to the output format, by sample index.

``AudioReader.read(start, count)`` returns ``count`` samples (float32, shape (count, channels)) from sample
``start`` of the output rate, where sample 0 is the reader's ``origin`` (for a movie: the start of its video
stream, so frame N's sound is at ``(N - first) / fps`` seconds). Before the origin and past the end the
samples are silence. Reads that follow each other continue decoding; a jump seeks. Not thread-safe: one
reader per thread (the audio feed owns its readers).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

from horus_desktop.media.errors import DamagedFrameError, UnreadableFileError

#: Sound files a user can attach to an image sequence (anything FFmpeg reads works; these are the documented).
SOUND_FILE_SUFFIXES = (".wav", ".aif", ".aiff", ".mp3", ".flac", ".m4a", ".aac")
#: A jump forward shorter than this many seconds decodes on instead of seeking.
FORWARD_DECODE_S = 0.5


@dataclass(frozen=True, slots=True)
class AudioFormat:
    """What the output plays: sample rate, channel count, and ``s16`` or ``flt`` samples."""

    rate: int = 48000
    channels: int = 2
    sample: str = "s16"

    @property
    def bytes_per_frame(self) -> int:
        """Bytes of one sample on every channel."""
        return self.channels * (2 if self.sample == "s16" else 4)

    def encode(self, samples: np.ndarray) -> bytes:
        """float32 (n, channels) in [-1, 1] -> the output's bytes."""
        import numpy as np
        clipped = np.clip(samples, -1.0, 1.0)
        if self.sample == "s16":
            return (clipped * 32767.0).astype("<i2").tobytes()
        return clipped.astype("<f4").tobytes()


def _open(path: str) -> Any:
    import av  # PyAV loads with the first sound opened, not when the window starts

    try:
        return av.open(path)
    except FileNotFoundError as exc:
        raise UnreadableFileError(path, "file not found") from exc
    except PermissionError as exc:
        raise UnreadableFileError(path, "no read permission") from exc
    except (av.FFmpegError, UnicodeDecodeError) as exc:
        raise DamagedFrameError(path, f"cannot open for sound: {exc}") from exc


def has_audio(path: str) -> bool:
    """True when ``path`` opens and holds an audio stream (False for a missing or damaged file)."""
    try:
        container = _open(path)
    except (UnreadableFileError, DamagedFrameError):
        return False
    try:
        return bool(container.streams.audio)
    finally:
        container.close()


def movie_has_audio(path: str) -> bool:
    """True for a movie file with an audio stream (an image sequence's pattern is never opened: FFmpeg would
    read it as a video of its frames)."""
    # Here, not at the top: sequences loads fileseq (~40 ms), which the window does not need to show.
    from horus_desktop.media.sequences import MOVIE_EXTENSIONS

    return os.path.splitext(path)[1].lower() in MOVIE_EXTENSIONS and has_audio(path)


def check_sound_file(path: str) -> float:
    """Duration in seconds of a sound file a user attaches; a clear error naming the file when unusable."""
    import av  # PyAV loads with the first sound opened, not when the window starts

    container = _open(path)
    try:
        if not container.streams.audio:
            raise UnreadableFileError(path, "holds no audio stream")
        stream = container.streams.audio[0]
        if stream.duration and stream.time_base:
            return float(stream.duration * stream.time_base)
        return float(container.duration or 0) / av.time_base
    finally:
        container.close()


def video_origin(path: str) -> float:
    """Seconds at which a movie's first video frame is presented (its sound's sample 0 for playback)."""
    container = _open(path)
    try:
        if not container.streams.video:
            return 0.0
        stream = container.streams.video[0]
        return float((stream.start_time or 0) * (stream.time_base or Fraction(1)))
    finally:
        container.close()


class AudioReader:
    """The first audio stream of a file as output-format samples, readable at any sample index."""

    def __init__(self, path: str, fmt: AudioFormat, *, origin: float = 0.0) -> None:
        import numpy as np
        self.path, self.format, self.origin = path, fmt, origin
        self._container = _open(path)
        if not self._container.streams.audio:
            self._container.close()
            raise UnreadableFileError(path, "holds no audio stream")
        self._stream = self._container.streams.audio[0]
        self._time_base = self._stream.time_base or Fraction(1, fmt.rate)
        self._buf = np.zeros((0, fmt.channels), np.float32)
        self._buf_start = 0
        self._decoder: Any = None
        self._resampler: Any = None
        self._ended = False

    def _restart(self, start: int) -> None:
        import av  # PyAV loads with the first sound opened, not when the window starts
        import numpy as np

        seconds = self.origin + max(start, 0) / self.format.rate
        target = int(seconds / self._time_base)
        try:
            self._container.seek(max(target, 0), stream=self._stream, backward=True, any_frame=False)
        except av.FFmpegError as exc:
            raise DamagedFrameError(self.path, f"cannot seek the sound to {seconds:.3f}s: {exc}") from exc
        self._decoder = self._container.decode(self._stream)
        layout = "stereo" if self.format.channels == 2 else "mono"
        self._resampler = av.AudioResampler(format="flt", layout=layout, rate=self.format.rate)
        self._buf = np.zeros((0, self.format.channels), np.float32)
        self._buf_start = None  # type: ignore[assignment]  # set by the first decoded frame's time
        self._ended = False

    def _decode_more(self) -> bool:
        import av  # PyAV loads with the first sound opened, not when the window starts
        import numpy as np

        try:
            frame = next(self._decoder)
        except StopIteration:
            frames = self._resampler.resample(None)  # flush what the resampler holds
            self._ended = True
        except av.FFmpegError as exc:
            raise DamagedFrameError(self.path, f"sound decode error: {exc}") from exc
        else:
            if self._buf_start is None:
                pts = frame.pts if frame.pts is not None else 0
                self._buf_start = round((float(pts * self._time_base) - self.origin) * self.format.rate)
            frames = self._resampler.resample(frame)
        chunks = [f.to_ndarray().reshape(-1, self.format.channels) for f in frames]
        if chunks:
            self._buf = np.concatenate([self._buf, *chunks]).astype(np.float32, copy=False)
        return not self._ended

    def read(self, start: int, count: int) -> np.ndarray:
        """``count`` samples from sample ``start`` (silence where the file has none)."""
        import numpy as np
        out = np.zeros((count, self.format.channels), np.float32)
        end = start + count
        if end <= 0 or count <= 0:
            return out
        first = max(start, 0)
        buf_end = (self._buf_start or 0) + len(self._buf)
        if (self._decoder is None or self._buf_start is None or first < self._buf_start
                or first > buf_end + FORWARD_DECODE_S * self.format.rate):
            self._restart(first)
        while not self._ended and (self._buf_start is None or self._buf_start + len(self._buf) < end):
            self._decode_more()
        if self._buf_start is None:  # nothing decodable after the seek point: silence
            return out
        lo, hi = max(first, self._buf_start), min(end, self._buf_start + len(self._buf))
        if hi > lo:
            out[lo - start: hi - start] = self._buf[lo - self._buf_start: hi - self._buf_start]
        # Keep a little before the read position (a scrub may step back a frame) and drop the rest.
        keep_from = max(0, first - self._buf_start - self.format.rate // 4)
        if keep_from:
            self._buf = self._buf[keep_from:]
            self._buf_start += keep_from
        return out

    def close(self) -> None:
        """Close the file."""
        if self._container is not None:
            self._container.close()
            self._container = None

"""Generated media for the sound tests: a movie with a click every second and a white flash on the same frame,
and sound files with clicks at known times. Written with PyAV, small (64x36) so they encode in a moment."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from horus_desktop.media.audio_source import AudioFormat
from horus_desktop.playback.audio_bench import VirtualTime, play_with_sound
from horus_desktop.playback.audio_feed import NullSink, SoundPlan
from horus_desktop.playback.audio_player import AudioPlayer
from horus_desktop.playback.clock import LoopMode
from horus_desktop.playback.session import PlaybackSession

FPS = 24
RATE = 48000
CLICK_SAMPLES = 96  # 2 ms: shorter than a frame


def click_track(seconds: int, rate: int = RATE, *, every: float = 1.0, first: float = 0.0) -> np.ndarray:
    """Mono float32 silence with a full-scale click at ``first`` and every ``every`` seconds after it."""
    samples = np.zeros(int(seconds * rate), np.float32)
    t = first
    while t < seconds:
        at = int(round(t * rate))
        samples[at: at + CLICK_SAMPLES] = 0.9
        t += every
    return samples


def write_click_movie(path: Path, seconds: int = 6, *, codec: str = "aac", container: str = "mp4") -> Path:
    """A movie: black frames with a white one at each whole second, audio clicks at the same instants."""
    out = av.open(str(path), "w", format=container)
    video = out.add_stream("mpeg4" if container == "mp4" else "mjpeg", rate=FPS)
    video.width, video.height, video.pix_fmt = 64, 36, "yuv420p" if container == "mp4" else "yuvj420p"
    audio = out.add_stream(codec, rate=RATE, layout="mono")
    black = np.zeros((36, 64, 3), np.uint8)
    white = np.full((36, 64, 3), 255, np.uint8)
    for i in range(seconds * FPS):
        frame = av.VideoFrame.from_ndarray(white if i % FPS == 0 else black, format="rgb24")
        frame.pts = i
        frame.time_base = Fraction(1, FPS)
        for packet in video.encode(frame):
            out.mux(packet)
    for packet in video.encode():
        out.mux(packet)
    samples = click_track(seconds)
    fmt = "fltp" if codec == "aac" else "s16"
    block = 1024
    for start in range(0, len(samples), block):
        chunk = samples[start: start + block]
        data = chunk[None, :] if fmt == "fltp" else (chunk * 32767).astype(np.int16)[None, :]
        frame = av.AudioFrame.from_ndarray(data, format=fmt, layout="mono")
        frame.sample_rate = RATE
        frame.pts = start
        frame.time_base = Fraction(1, RATE)
        for packet in audio.encode(frame):
            out.mux(packet)
    for packet in audio.encode():
        out.mux(packet)
    out.close()
    return path


def write_click_wav(path: Path, seconds: int = 4, *, first: float = 0.0) -> Path:
    """A WAV file (PCM s16, mono) with a click at ``first`` seconds and every second after."""
    out = av.open(str(path), "w", format="wav")
    stream = out.add_stream("pcm_s16le", rate=RATE, layout="mono")
    samples = (click_track(seconds, first=first) * 32767).astype(np.int16)
    frame = av.AudioFrame.from_ndarray(samples[None, :], format="s16", layout="mono")
    frame.sample_rate = RATE
    frame.pts = 0
    for packet in stream.encode(frame):
        out.mux(packet)
    for packet in stream.encode():
        out.mux(packet)
    out.close()
    return path


def click_starts(samples: np.ndarray, threshold: float = 0.3) -> list[int]:
    """Sample indices where a click begins in float32 (n, channels) or (n,) samples."""
    level = np.abs(samples if samples.ndim == 1 else samples.max(axis=1))
    loud = level > threshold
    starts = np.flatnonzero(loud[1:] & ~loud[:-1]) + 1
    return ([0] if len(loud) and loud[0] else []) + [int(s) for s in starts]


def frames_at_clicks(source, plan: SoundPlan, seconds: float, *, mode: LoopMode = LoopMode.LOOP
                     ) -> list[tuple[int, float]]:
    """Play ``source`` with ``plan``'s sound on the null output (virtual clock); for each click heard, the frame
    on screen then (the first tick after it) and that frame's mean brightness (None for a placeholder)."""
    clock = VirtualTime()
    fmt = AudioFormat()
    sink = NullSink(fmt, clock=clock, keep=True)
    session = PlaybackSession(source, plan.fps, mode=mode, clock=clock)
    player = AudioPlayer(sink, now=clock, start_feed=lambda feed: feed)
    player.set_plan(plan, session)
    first = session.current
    try:
        level = float(source.read(first).pixels.mean())
    except Exception:
        level = None
    on_screen: list = [(first, level)]  # what is shown before play
    timeline: list[tuple[int, int, float | None]] = []

    def record(shown, feed) -> None:
        if shown is not None:
            on_screen[0] = (shown.frame, None if shown.pixels is None else float(np.asarray(shown.pixels).mean()))
        timeline.append((feed.played_samples(), *on_screen[0]))

    try:
        play_with_sound(session, player, seconds, clock=clock, on_tick=record)
    finally:
        player.close()
        session.close()
    heard = np.frombuffer(bytes(sink.kept), "<i2").reshape(-1, fmt.channels).astype(np.float32) / 32767
    return [next(t for t in timeline if t[0] > click)[1:] for click in click_starts(heard)]

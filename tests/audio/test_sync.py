"""A/V sync without a sound device: the null output's clock drives the picture, and the sound heard is checked
against the frame on screen (a generated movie: a click every second, a white flash on the same frame)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from horus_desktop.media.audio_source import AudioFormat, video_origin
from horus_desktop.media.movie_source import MovieSource
from horus_desktop.playback.audio_bench import VirtualTime, bench_audio, play_with_sound
from horus_desktop.playback.audio_feed import MediaSound, NullSink
from horus_desktop.playback.audio_player import AudioPlayer
from horus_desktop.playback.clock import LoopMode
from horus_desktop.playback.session import PlaybackSession
from tests.audio.clicks import FPS, click_starts, write_click_movie


def _frames_at_clicks(path: Path, seconds: float) -> list[tuple[int, float]]:
    """Play ``path`` with sound; for each click heard, (frame on screen, its mean brightness)."""
    clock = VirtualTime()
    fmt = AudioFormat()
    sink = NullSink(fmt, clock=clock, keep=True)
    source = MovieSource(str(path))
    session = PlaybackSession(source, Fraction(FPS), mode=LoopMode.LOOP, clock=clock)
    player = AudioPlayer(sink, now=clock, start_feed=lambda feed: feed)
    player.set_plan(MediaSound(str(path), 1, Fraction(FPS), origin=video_origin(str(path))), session)
    timeline: list[tuple[int, int, float]] = []  # (samples played, frame on screen, brightness)
    on_screen: list[tuple[int, float]] = [(1, float(source.read(1).pixels.mean()))]  # shown before play

    def record(shown, feed) -> None:
        if shown is not None and shown.pixels is not None:
            on_screen[0] = (shown.frame, float(np.asarray(shown.pixels).mean()))
        timeline.append((feed.played_samples(), *on_screen[0]))

    try:
        play_with_sound(session, player, seconds, clock=clock, on_tick=record)
    finally:
        player.close()
        session.close()
    heard = np.frombuffer(bytes(sink.kept), "<i2").reshape(-1, fmt.channels).astype(np.float32) / 32767
    out = []
    for click in click_starts(heard):
        played, frame, level = next(t for t in timeline if t[0] > click)  # the first tick after it is heard
        out.append((frame, level))
    return out


@pytest.mark.parametrize("codec,container", [("aac", "mp4"), ("pcm_s16le", "mov")])
def test_the_flash_is_on_screen_when_each_click_is_heard(tmp_path: Path, codec: str, container: str) -> None:
    movie = write_click_movie(tmp_path / f"clicks.{container}", seconds=4, codec=codec, container=container)
    seen = _frames_at_clicks(movie, seconds=10.0)  # past the loop point twice
    assert len(seen) >= 6  # AAC loses the click at 0 s to its encoder delay; the others, over two loops
    flashes = {1 + k * FPS for k in range(4)}
    for frame, level in seen:
        assert frame in flashes and level > 200, seen


def test_bench_reports_the_worst_offset_within_one_frame(tmp_path: Path, capsys) -> None:
    movie = write_click_movie(tmp_path / "clicks.mp4", seconds=3)
    result = bench_audio(movie, seconds=8.0, as_json=True)
    out = capsys.readouterr().out
    assert out.strip().startswith("{") and '"av_offset_ms"' in out
    assert result["within_one_frame"] and result["av_offset_ms"] <= 1000 / FPS
    assert result["media_seconds"] >= 8.0

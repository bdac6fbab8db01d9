"""A/V sync without a sound device: the null output's clock drives the picture, and the sound heard is checked
against the frame on screen (a generated movie: a click every second, a white flash on the same frame)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from horus_desktop.media.audio_source import video_origin
from horus_desktop.media.movie_source import MovieSource
from horus_desktop.playback.audio_bench import bench_audio
from horus_desktop.playback.audio_feed import MediaSound
from tests.audio.clicks import FPS, frames_at_clicks, write_click_movie


@pytest.mark.parametrize("codec,container", [("aac", "mp4"), ("pcm_s16le", "mov")])
def test_the_flash_is_on_screen_when_each_click_is_heard(tmp_path: Path, codec: str, container: str) -> None:
    movie = str(write_click_movie(tmp_path / f"clicks.{container}", seconds=4, codec=codec, container=container))
    plan = MediaSound(movie, 1, Fraction(FPS), origin=video_origin(movie))
    seen = frames_at_clicks(MovieSource(movie), plan, seconds=10.0)  # past the loop point twice
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

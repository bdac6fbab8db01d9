"""The transport and the sound: only forwards at 1x is heard, mute keeps the timing, scrubbing plays a slice."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from horus_desktop.media.audio_source import AudioFormat
from horus_desktop.media.movie_source import MovieSource
from horus_desktop.playback.audio_bench import VirtualTime
from horus_desktop.playback.audio_feed import MediaSound, NullSink
from horus_desktop.playback.audio_player import AudioPlayer
from horus_desktop.playback.session import PlaybackSession
from tests.audio.clicks import FPS, click_starts, write_click_movie


@pytest.fixture()
def rig(tmp_path: Path):
    movie = str(write_click_movie(tmp_path / "clicks.mov", seconds=3, codec="pcm_s16le", container="mov"))
    clock = VirtualTime()
    sink = NullSink(AudioFormat(), clock=clock, keep=True)
    feeds = []
    session = PlaybackSession(MovieSource(movie), Fraction(FPS), clock=clock)
    player = AudioPlayer(sink, now=clock, start_feed=lambda feed: feeds.append(feed) or feed)
    player.set_plan(MediaSound(movie, 1, Fraction(FPS)), session)
    yield session, player, sink, clock, feeds
    player.close()
    session.close()


def _heard(sink: NullSink) -> np.ndarray:
    return np.frombuffer(bytes(sink.kept), "<i2").reshape(-1, 2).astype(np.float32) / 32767


def test_forward_1x_plays_sound_and_drives_the_picture(rig) -> None:
    session, player, _sink, _clock, _feeds = rig
    session.play()
    player.follow(session)
    assert player.playing and session.clock.following


@pytest.mark.parametrize("direction,speed", [(-1, 1.0), (1, 2.0), (1, 4.0), (-1, 2.0)])
def test_reverse_and_shuttle_speeds_are_silent(rig, direction: int, speed: float) -> None:
    session, player, _sink, _clock, _feeds = rig
    session.play()
    player.follow(session)
    session.play(direction=direction, speed=speed)
    player.follow(session)
    assert not player.playing and not session.clock.following  # the picture is back on wall time


def test_pause_stops_the_sound(rig) -> None:
    session, player, _sink, _clock, _feeds = rig
    session.play()
    player.follow(session)
    session.pause()
    player.follow(session)
    assert not player.playing and not session.clock.following


def test_mute_keeps_the_sound_clock_running_at_volume_zero(rig) -> None:
    session, player, sink, clock, _feeds = rig
    session.play()
    player.follow(session)
    player.set_muted(True)
    assert sink.volume == 0.0 and player.playing and session.clock.following
    player.set_muted(False)
    player.set_volume(0.5)
    assert sink.volume == 0.5


def test_scrub_plays_a_short_slice_of_the_frame_sound_while_paused(rig) -> None:
    session, player, sink, clock, feeds = rig
    player.set_scrub(True)
    session.seek(FPS + 1)  # the frame of the click at 1 s
    player.scrub_at(session)
    feeds[-1].pump()
    heard = _heard(sink)
    assert click_starts(heard) == [0]  # the click, at the start of the slice
    assert len(heard) < AudioFormat().rate * 0.2  # a short slice, not the rest of the movie
    player.set_scrub(False)
    written = len(sink.kept)
    session.seek(2 * FPS + 1)
    player.scrub_at(session)
    assert len(feeds) == 1 and len(sink.kept) == written  # scrubbing off: silent steps


def test_ping_pong_backward_pass_is_silent(tmp_path: Path) -> None:
    from horus_desktop.playback.audio_feed import AudioFeed
    from horus_desktop.playback.clock import FrameWalk, LoopMode

    movie = str(write_click_movie(tmp_path / "c.mov", seconds=2, codec="pcm_s16le", container="mov"))
    sink = NullSink(AudioFormat(), clock=lambda: 0.0, buffer_seconds=10.0, keep=True)
    feed = AudioFeed(MediaSound(movie, 1, Fraction(FPS)), sink, FrameWalk(1, 2 * FPS, LoopMode.PING_PONG), 1)
    feed.pump()  # 10 s of play: forwards 0-2 s (clicks at 0 and 1 s), back to frame 1 (silent), forwards...
    starts = click_starts(_heard(sink))
    again = 2 * (2 * FPS - 1) * 2000  # the walk is on frame 1 again after 94 steps of 2000 samples
    assert [s for s in starts if s < again + 48000] == [0, 48000, again]

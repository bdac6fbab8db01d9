"""The playback clock: frame walks, drift-free timing, drop and every-frame policies (simulated time)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from horus_desktop.playback.clock import FrameWalk, LoopMode, PlaybackClock, SlowPolicy


def test_loop_wraps_and_reverse_wraps() -> None:
    walk = FrameWalk(1001, 1010, LoopMode.LOOP)
    assert walk.step(1009, 1, 1) == (1010, 1, False)
    assert walk.step(1010, 1, 1) == (1001, 1, False)
    assert walk.step(1001, -1, 1) == (1010, -1, False)
    assert walk.step(1001, 1, 25) == (1006, 1, False)


def test_ping_pong_turns_at_both_ends() -> None:
    walk = FrameWalk(1, 4, LoopMode.PING_PONG)
    frames, f, d = [], 1, 1
    for _ in range(8):
        f, d, _ = walk.step(f, d, 1)
        frames.append(f)
    assert frames == [2, 3, 4, 3, 2, 1, 2, 3]
    assert walk.step(1, 1, 8)[0] == 3


def test_once_stops_at_the_end() -> None:
    walk = FrameWalk(1, 5, LoopMode.ONCE)
    assert walk.step(4, 1, 1) == (5, 1, False)
    assert walk.step(5, 1, 1) == (5, 1, True)
    assert walk.step(2, -1, 5) == (1, -1, True)


def test_ahead_follows_the_loop() -> None:
    walk = FrameWalk(1, 6, LoopMode.LOOP)
    assert walk.ahead(5, 1, 4) == [6, 1, 2, 3]
    assert FrameWalk(1, 6, LoopMode.ONCE).ahead(5, 1, 4) == [6]


def _run(clock: PlaybackClock, seconds: float, tick: float, ready) -> list[tuple[float, int, int]]:  # noqa: ANN001
    shown = []
    t = 0.0
    clock.play(0.0)
    while t < seconds:
        t += tick
        result = clock.tick(t, ready)
        if result.frame is not None:
            shown.append((t, result.frame, result.dropped))
    return shown


def test_no_drift_with_late_jittery_ticks() -> None:
    clock = PlaybackClock(Fraction(24), 1, 10_000)
    shown = []
    t = 0.0
    clock.play(0.0)
    jitter = [0.013, 0.021, 0.017, 0.009, 0.030]
    i = 0
    while t < 10.0:
        t += jitter[i % len(jitter)]
        i += 1
        result = clock.tick(t, lambda f: True)
        if result.frame is not None:
            shown.append(result.frame)
    # After 10 s at 24 fps the frame on screen is the 240th step, whatever the tick intervals were.
    assert shown[-1] == 1 + int(t * 24)


def test_drop_policy_stays_real_time_and_counts_drops() -> None:
    clock = PlaybackClock(24, 1, 1000, policy=SlowPolicy.DROP)
    shown = _run(clock, 2.0, 0.004, lambda f: f % 2 == 1)  # only odd frames ever decode in time
    frames = [f for _, f, _ in shown]
    assert frames == sorted(frames) and all(f % 2 == 1 for f in frames)
    assert frames[-1] >= 47  # still at the real-time position after 2 s
    assert sum(d for _, _, d in shown) == len(frames)  # every even frame was skipped


def test_every_frame_policy_plays_slower_without_skipping() -> None:
    clock = PlaybackClock(24, 1, 1000, policy=SlowPolicy.EVERY_FRAME)
    ready_at: dict[int, float] = {f: f * (2 / 24) for f in range(1, 1001)}  # decodes at 12 fps
    now = {"t": 0.0}
    shown = []
    t = 0.0
    clock.play(0.0)
    while t < 2.0:
        t += 0.004
        now["t"] = t
        result = clock.tick(t, lambda f: ready_at[f] <= now["t"])
        if result.frame is not None:
            shown.append(result.frame)
            assert result.dropped == 0
    assert shown == list(range(2, 2 + len(shown)))
    assert 20 <= len(shown) <= 26  # about 12 fps, not 24


def test_every_frame_policy_is_real_time_when_decoding_keeps_up() -> None:
    clock = PlaybackClock(25, 1, 1000, policy=SlowPolicy.EVERY_FRAME)
    shown = _run(clock, 2.0, 0.003, lambda f: True)
    assert len(shown) == 50


def test_speed_direction_seek_step_and_range() -> None:
    clock = PlaybackClock(24, 1001, 1100)
    clock.seek(1050, 0.0)
    clock.play(0.0, direction=-1, speed=2.0)
    result = clock.tick(0.5, lambda f: True)
    assert result.frame == 1050 - 24
    clock.stop()
    assert clock.step(1) == 1027
    clock.set_range(1010, 1020)
    assert clock.current == 1020
    assert clock.step(1) == 1010
    assert clock.seek(5000) == 1020


@pytest.mark.parametrize("mode", list(LoopMode))
def test_once_play_restarts_from_first_frame_at_end(mode: LoopMode) -> None:
    clock = PlaybackClock(24, 1, 10, mode=mode)
    clock.seek(10)
    clock.play(0.0)
    if mode is LoopMode.ONCE:
        assert clock.current == 1
    result = clock.tick(1.0, lambda f: True)
    assert result.frame is not None


@pytest.mark.parametrize("policy", list(SlowPolicy))
def test_played_once_every_frame_after_the_first_falls_due_once(policy: SlowPolicy) -> None:
    clock = PlaybackClock(24, 1, 10, mode=LoopMode.ONCE, policy=policy)
    shown = _run(clock, 2.0, 0.004, lambda f: True)
    assert [f for _, f, _ in shown] == list(range(2, 11))  # the last frame is not shown a second time
    assert not clock.playing and sum(d for _, _, d in shown) == 0


def test_a_tick_late_at_the_end_drops_only_the_frames_it_skips() -> None:
    clock = PlaybackClock(24, 1, 10, mode=LoopMode.ONCE)
    clock.play(0.0)
    result = clock.tick(1.0, lambda f: True)  # 24 steps fell due; the clip has 9 after the first
    assert (result.frame, result.dropped) == (10, 8)
    assert clock.tick(1.1, lambda f: True).frame is None and not clock.playing


def test_lateness_and_where_the_read_ahead_aims() -> None:
    clock = PlaybackClock(24, 1, 100)
    clock.seek(10, now=0.0)
    clock.play(0.0)
    assert not clock.is_late(0.01)
    assert clock.is_late(0.1), "two frames fell due and none was shown"
    assert clock.frame_after(clock.due_steps(0.1)) == 12
    clock.tick(0.1, lambda _f: True)
    assert not clock.is_late(0.1)
    clock.stop()
    assert not clock.is_late(5.0)

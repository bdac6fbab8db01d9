from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from horus_desktop.media.colour import ColourConfig, ViewSettings
from horus_desktop.media.display import cpu_convert
from horus_desktop.media.errors import DamagedFrameError, MissingFrameError
from horus_desktop.media.frame_cache import FrameCache, default_budget_bytes
from horus_desktop.media.frames import Frame
from horus_desktop.media.open_source import ImageSource, open_frame_source
from horus_desktop.media.synthetic import write_exr

H, W = 36, 64
FRAME_BYTES = H * W * 3 * 2


def write_sequence(folder: Path, frames: range) -> str:
    for f in frames:
        write_exr(folder / f"s.{f:04d}.exr", np.full((H, W, 3), f / 100, "f2"), compression="zip")
    return str(folder / "s.%04d.exr")


class SlowSource(ImageSource):
    """A real EXR sequence source that records which frames were decoded and takes its time."""

    def __init__(self, pattern: str, delay: float) -> None:
        source = open_frame_source(pattern)
        super().__init__(source.item)
        self.delay, self.decoded = delay, []

    def _decode(self, frame: int) -> Frame:
        time.sleep(self.delay)
        self.decoded.append(frame)
        return super()._decode(frame)


def wait_for(predicate, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def test_get_and_read_ahead_in_play_direction(tmp_path: Path) -> None:
    pattern = write_sequence(tmp_path, range(1, 31))
    with FrameCache(open_frame_source(pattern), read_ahead=8, workers=2) as cache:
        entry = cache.get(5, timeout=30)
        assert entry.error is None and entry.frame.pixels[0, 0, 0] == np.float16(0.05)
        assert entry.frame.pixels.dtype == np.float16 and entry.frame.pixels.flags.c_contiguous
        cache.set_playhead(20, direction=-1)
        assert wait_for(lambda: set(range(12, 21)) <= set(cache.cached_frames()))
        assert 21 not in cache.cached_frames()


def test_budget_is_kept_and_frames_behind_the_playhead_go_first(tmp_path: Path) -> None:
    pattern = write_sequence(tmp_path, range(1, 41))
    budget = 10 * FRAME_BYTES
    with FrameCache(open_frame_source(pattern), budget_bytes=budget, read_ahead=4, workers=2) as cache:
        for frame in range(1, 41):
            cache.set_playhead(frame)
            assert cache.get(frame, timeout=30).error is None
            assert cache.bytes_used <= budget
        held = cache.cached_frames()
        assert 40 in held and 1 not in held
        assert held == list(range(31, 41))


def test_jump_cancels_queued_read_ahead_and_re_aims(tmp_path: Path) -> None:
    pattern = write_sequence(tmp_path, range(1, 81))
    source = SlowSource(pattern, delay=0.03)
    with FrameCache(source, read_ahead=30, workers=1) as cache:
        cache.set_playhead(1)
        time.sleep(0.05)
        cache.set_playhead(60)
        assert wait_for(lambda: set(range(60, 81)) <= set(cache.cached_frames()))
        decoded_before_jump = [f for f in source.decoded if f < 60]
        assert len(decoded_before_jump) < 10  # most of 1..31 was cancelled


def test_errors_are_cached_and_playback_goes_on(tmp_path: Path) -> None:
    pattern = write_sequence(tmp_path, [1, 2, 4, 5])
    (tmp_path / "s.0002.exr").write_bytes(b"")
    with FrameCache(open_frame_source(pattern), workers=2) as cache:
        results = [cache.get(f, timeout=30) for f in range(1, 6)]
        assert [r.error is None for r in results] == [True, False, False, True, True]
        assert isinstance(results[1].error, DamagedFrameError) and "empty" in results[1].error.reason
        assert isinstance(results[2].error, MissingFrameError)
        assert 3 in cache.cached_frames()


def test_cpu_path_caches_display_ready_uint8(tmp_path: Path) -> None:
    pattern = write_sequence(tmp_path, range(1, 4))
    colour = ColourConfig()
    convert = cpu_convert(colour, ViewSettings("ACEScg", "sRGB - Display", "ACES 2.0 - SDR 100 nits (Rec.709)"))
    with FrameCache(open_frame_source(pattern), convert=convert, workers=2) as cache:
        entry = cache.get(2, timeout=30)
        assert entry.frame.pixels.dtype == np.uint8 and entry.frame.pixels.shape == (H, W, 3)


def test_default_budget_is_a_share_of_ram() -> None:
    assert 64 * 1024**2 <= default_budget_bytes() <= 8 * 1024**3


def test_closed_cache_refuses_work(tmp_path: Path) -> None:
    pattern = write_sequence(tmp_path, range(1, 3))
    cache = FrameCache(open_frame_source(pattern), workers=2)
    cache.set_playhead(1)
    cache.close()
    with pytest.raises(RuntimeError):
        cache.get(1)


def test_a_cached_frame_carries_what_it_cost(tmp_path: Path) -> None:
    # Playback aims its read-ahead by what frames cost to decode and convert: the entry says, no callback.
    source = SlowSource(write_sequence(tmp_path, range(1, 4)), delay=0.05)
    with FrameCache(source, workers=2) as cache:
        entry = cache.get(2, timeout=30)
        assert entry.error is None and entry.cost >= 0.05


def test_time_bounded_decodes_reuse_their_threads(tmp_path: Path) -> None:
    # Every read is bounded by the source's decode_timeout; 30 frames through a 2-worker cache must not start
    # a thread per frame (they run on the bounded runner's reused threads).
    from horus_desktop.media.frames import bounded_threads_started

    pattern = write_sequence(tmp_path, range(1, 31))
    source = open_frame_source(pattern)
    assert source.decode_timeout is not None
    before = bounded_threads_started()
    with FrameCache(source, workers=2, read_ahead=30) as cache:
        cache.set_playhead(1)
        for frame in range(1, 31):
            assert cache.get(frame, timeout=30).error is None
    assert bounded_threads_started() - before <= 4

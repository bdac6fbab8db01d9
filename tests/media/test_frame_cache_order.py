"""What the frame cache decodes first: a movie in order with one seek, the asked-for frame before stale
read-ahead."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from horus_desktop.media.frame_cache import FrameCache
from horus_desktop.media.frames import Frame
from horus_desktop.media.movie_source import MovieSource
from horus_desktop.media.open_source import ImageSource, open_frame_source
from horus_desktop.media.synthetic import write_exr, write_movie

SIZE = (64, 36)


class RecordingMovie(MovieSource):
    """A real movie source that records the order frames were decoded in."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.decoded: list[int] = []

    def _decode(self, frame: int) -> Frame:
        self.decoded.append(frame)
        return super()._decode(frame)


class SlowSequence(ImageSource):
    """A real EXR sequence that records the decode order and takes its time over each frame."""

    def __init__(self, pattern: str, delay: float) -> None:
        super().__init__(open_frame_source(pattern).item)
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


def test_a_movie_played_forward_decodes_in_order_with_one_seek(tmp_path: Path) -> None:
    movie = write_movie(tmp_path / "m.mp4", 60, size=SIZE, gop=12)
    source = RecordingMovie(movie)
    with FrameCache(source, workers=2, read_ahead=60) as cache:
        cache.set_playhead(1)
        frames = [cache.get(f, timeout=60) for f in range(1, 61)]
    assert all(entry.error is None for entry in frames)
    assert source.decoded == list(range(1, 61))
    assert source.seeks == 1
    source.close()


def test_a_loop_wrap_gets_its_own_decoder_and_the_playhead_run_does_not_seek_again(tmp_path: Path) -> None:
    movie = write_movie(tmp_path / "m.mp4", 60, size=SIZE, gop=12)
    source = RecordingMovie(movie)
    with FrameCache(source, workers=2, read_ahead=20) as cache:
        cache.set_playhead(41)
        cache.prefetch([1, 2, 3, 4])  # the frames after the wrap
        assert wait_for(lambda: set(range(41, 61)) | {1, 2, 3, 4} <= set(cache.cached_frames()))
        for frame in range(42, 61):  # playing on to the out point
            cache.set_playhead(frame)
        cache.set_playhead(1)
        assert cache.get(5, timeout=30).error is None  # continues the wrap's decoder
    assert source.seeks == 2  # one for the playhead's run, one for the wrap
    source.close()


def test_a_movie_frame_is_the_same_image_whatever_order_it_is_read_in(tmp_path: Path) -> None:
    movie = write_movie(tmp_path / "m.mp4", 30, size=SIZE, gop=12)
    with MovieSource(movie) as forward, MovieSource(movie) as jumping:
        in_order = {f: forward.read(f).pixels for f in range(1, 31)}
        for frame in (25, 3, 17, 30, 1, 12):
            assert np.array_equal(jumping.read(frame).pixels, in_order[frame])


def test_the_frame_scrubbed_to_is_decoded_before_stale_read_ahead(tmp_path: Path) -> None:
    for f in range(1, 81):
        write_exr(tmp_path / f"s.{f:04d}.exr", np.full((36, 64, 3), f / 100, "f2"), compression="zip")
    source = SlowSequence(str(tmp_path / "s.%04d.exr"), delay=0.03)
    with FrameCache(source, workers=1, read_ahead=30) as cache:
        cache.set_playhead(1)
        assert wait_for(lambda: len(source.decoded) >= 3)
        cache.set_playhead(60)  # the user jumps: 1-31 is stale read-ahead
        assert cache.get(60, timeout=30).error is None
        at_jump = source.decoded.index(60)
        assert all(f < 5 for f in source.decoded[:at_jump])  # at most the decode already running before it
        # A frame waited for goes before the read-ahead from the new playhead.
        entry = cache.get(20, timeout=30)
        assert entry.error is None and entry.frame.pixels[0, 0, 0] == np.float16(0.2)
        after = source.decoded[at_jump + 1 :]
        assert after.index(20) <= 1


def test_a_jump_ahead_past_a_keyframe_seeks_to_it_and_playing_on_does_not(tmp_path: Path) -> None:
    movie = write_movie(tmp_path / "m.mp4", 60, size=SIZE, gop=12)
    with MovieSource(movie) as source, MovieSource(movie) as reference:
        source.read(5)
        jumped = source.read(30)  # 25 frames ahead, keyframes at 13 and 25 between: seek to 25, not decode on
        assert source.seeks == 2
        played_on = [source.read(f) for f in range(31, 40)]
        assert source.seeks == 2
        expected = [reference.read(f).pixels for f in range(30, 40)]
        assert all(np.array_equal(a.pixels, b) for a, b in zip([jumped, *played_on], expected, strict=True))

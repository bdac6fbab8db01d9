"""Scrubbing: the newest frame asked for goes first, read-ahead leaves a worker free, a decode the user has
moved past waits (paused) while the frame asked for decodes and is not cached (paused again when it went on
between two seeks), a frame moved past while it waits for a worker or a movie decoder is given up, and the
frame asked for decodes in a worker process (a crash there is a placeholder)."""

from __future__ import annotations

import functools
import itertools
import os
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from horus_desktop.media import movie_source
from horus_desktop.media.decode_image import decode_image
from horus_desktop.media.decode_pool import DecodePool
from horus_desktop.media.errors import DamagedFrameError
from horus_desktop.media.frame_cache import FrameCache
from horus_desktop.media.frames import DecodeJob, Frame, Superseded
from horus_desktop.media.movie_source import MovieSource
from horus_desktop.media.open_source import ImageSource, open_frame_source
from horus_desktop.media.synthetic import write_exr, write_movie

H, W = 36, 64


def write_sequence(folder: Path, count: int) -> str:
    for f in range(1, count + 1):
        write_exr(folder / f"s.{f:04d}.exr", np.full((H, W, 3), f / 100, "f2"), compression="zip")
    return str(folder / "s.%04d.exr")


def wait_for(predicate, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


class SlowSequence(ImageSource):
    """A real EXR sequence decoded here (no processes) that records the order and how many decode at once.

    While ``gate`` is cleared, a decode started (other than the frames in ``passes``) waits for it: the test,
    not the machine's speed, decides which decodes are still running when it scrubs."""

    def __init__(self, pattern: str, delay: float) -> None:
        super().__init__(open_frame_source(pattern).item)
        self.delay, self.decoded, self.started = delay, [], []
        self._lock = threading.Lock()
        self.running = self.most_at_once = 0
        self.gate = threading.Event()
        self.gate.set()
        self.passes: set[int] = set()

    def _decode(self, frame: int) -> Frame:
        with self._lock:
            self.started.append(frame)
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            if frame not in self.passes:
                self.gate.wait(60)
            time.sleep(self.delay)
            return super()._decode(frame)
        finally:
            with self._lock:
                self.running -= 1
                self.decoded.append(frame)


def _die(path: str) -> Frame:
    os.kill(os.getpid(), signal.SIGKILL)  # a decoder crash on a damaged file
    raise AssertionError("unreachable")


class JobSource(ImageSource):
    """A real EXR sequence whose frames in ``special`` decode with another function in the worker."""

    def __init__(self, pattern: str, special: dict) -> None:
        super().__init__(open_frame_source(pattern).item)
        self.special = special

    def decode_job(self, frame: int) -> DecodeJob:
        job = super().decode_job(frame)
        return DecodeJob(job.path, frame, self.special[frame]) if frame in self.special else job


def test_the_newest_frame_scrubbed_to_goes_before_frames_passed_over(tmp_path: Path) -> None:
    source = SlowSequence(write_sequence(tmp_path, 60), delay=0.1)
    source.gate.clear()  # frame 1 decodes until the drag below is over, however slow this machine is
    with FrameCache(source, workers=1, read_ahead=4) as cache:
        cache.set_playhead(1, scrubbing=True)
        assert wait_for(lambda: source.started == [1])
        for frame in (10, 20, 30):  # a drag passes over 10 and 20 while 1 still decodes
            cache.set_playhead(frame, scrubbing=True)
        source.gate.set()
        entry = cache.get(30, timeout=30)
        assert entry.error is None and entry.frame.pixels[0, 0, 0] == np.float16(0.3)
        assert source.started[:2] == [1, 30]
        assert 10 not in source.started and 20 not in source.started


def test_read_ahead_leaves_a_worker_free_while_scrubbing(tmp_path: Path) -> None:
    source = SlowSequence(write_sequence(tmp_path, 40), delay=0.05)
    with FrameCache(source, workers=2, read_ahead=8) as cache:
        cache.set_playhead(1, scrubbing=True)
        assert wait_for(lambda: len(source.decoded) >= 6)  # the frame shown, then its read-ahead
        assert source.most_at_once == 1
        source.passes.add(30)
        source.gate.clear()  # the read-ahead's next decode waits, holding its worker, until the end
        before = len(source.started)
        cache.set_playhead(30, scrubbing=True)
        entry = cache.get(30, timeout=30)  # decoded while the read-ahead still holds the other worker
        source.gate.set()
        assert entry.error is None and entry.frame.pixels[0, 0, 0] == np.float16(0.3)
        # 30 starts on the free worker: no read-ahead frame of the old playhead starts before it (one may
        # have been picked in the instant before the scrub).
        assert source.started.index(30) <= before + 1


def test_the_frame_scrubbed_to_decodes_in_a_worker_process_and_a_crash_there_is_a_placeholder(
        tmp_path: Path, pool: DecodePool) -> None:
    source = JobSource(write_sequence(tmp_path, 8), {3: _die})
    pids = set(pool.worker_pids())
    with FrameCache(source, workers=2, pool=pool, read_ahead=0) as cache:
        cache.set_playhead(3, scrubbing=True)
        crashed = cache.get(3, timeout=60)
        assert isinstance(crashed.error, DamagedFrameError) and "process died" in crashed.error.reason
        cache.set_playhead(5, scrubbing=True)  # the next frame scrubbed to decodes
        entry = cache.get(5, timeout=60)
    assert entry.error is None and entry.frame.pixels[0, 0, 0] == np.float16(0.05)
    assert pool.replaced == 1 and pool.wait_ready() and set(pool.worker_pids()) != pids


def _spin(path: str, seconds: float) -> Frame:
    """A decode that keeps a core busy for ``seconds`` of its own CPU time (a paused process uses none)."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return decode_image(path)


def _when_told(path: str) -> Frame:
    """A decode that goes on once the test makes ``<path>.go``."""
    while not os.path.exists(path + ".go"):
        time.sleep(0.01)
    return decode_image(path)


def _process_state(pid: int) -> str:
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0]


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads process states from /proc")
def test_a_decode_the_scrub_moved_past_waits_while_the_frame_scrubbed_to_decodes_and_is_not_cached(
        tmp_path: Path) -> None:
    source = JobSource(write_sequence(tmp_path, 8), {2: functools.partial(_spin, seconds=1.0), 6: _when_told})
    pool = DecodePool(1, spare=1)
    try:
        assert pool.wait_ready()
        if not pool.pauses:
            pytest.skip("no process pausing here: a stale decode finishes beside the new one")
        with FrameCache(source, workers=1, pool=pool, read_ahead=0) as cache:
            cache.set_playhead(2, scrubbing=True)
            assert wait_for(lambda: pool.busy() == 1)  # frame 2 reached a worker (the pause below is tested)
            cache.set_playhead(6, scrubbing=True)
            # While frame 6 decodes (until told), frame 2's worker is stopped: every core for frame 6.
            assert wait_for(lambda: sorted(_process_state(p) for p in pool.worker_pids())[-1] == "T")
            Path(source.file_for(6) + ".go").touch()
            entry = cache.get(6, timeout=60)
            assert entry.error is None and entry.frame.pixels[0, 0, 0] == np.float16(0.06)
            assert wait_for(lambda: pool.busy() == 0)  # frame 2 went on after it, then finished
            assert 2 not in cache.cached_frames()  # nothing cached for the frame passed over
        assert pool.replaced == 0 and len(pool.worker_pids()) == 2  # no process was killed
    finally:
        pool.close()


def test_a_movie_decode_stops_once_superseded_and_the_decoder_goes_on_right(tmp_path: Path) -> None:
    movie = write_movie(tmp_path / "m.mp4", 60, size=(W, H), gop=48)
    with MovieSource(movie) as source, MovieSource(movie) as reference:
        source.read(1)
        with pytest.raises(Superseded):
            source.read_unless(40, lambda: True)  # decoding forward from frame 1: stopped between frames
        for frame in (40, 41, 10):
            assert np.array_equal(source.read(frame).pixels, reference.read(frame).pixels)


def test_movie_frames_far_apart_decode_at_once_on_their_own_decoders(tmp_path: Path) -> None:
    movie = write_movie(tmp_path / "m.mp4", 96, size=(W, H), gop=48)
    with MovieSource(movie) as source, MovieSource(movie) as reference:
        results: dict[int, np.ndarray] = {}
        inside = threading.Barrier(2, timeout=30)

        def read(frame: int) -> None:
            def cancelled() -> bool:
                # At its first decoded frame each read waits for the other to be decoding too: with one
                # decode at a time for the whole movie the barrier would break and no frame would come.
                if not waited:
                    waited.append(frame)
                    inside.wait()
                return False

            waited: list[int] = []
            results[frame] = source.read_unless(frame, cancelled).pixels

        threads = [threading.Thread(target=read, args=(f,)) for f in (20, 80)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert sorted(results) == [20, 80]
        for frame in (20, 80):
            assert np.array_equal(results[frame], reference.read(frame).pixels)


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads process states from /proc")
def test_a_stale_decode_resumed_between_two_seeks_is_paused_again_by_the_next_frame_scrubbed_to(
        tmp_path: Path) -> None:
    source = JobSource(write_sequence(tmp_path, 8),
                       {2: functools.partial(_spin, seconds=8.0), 6: _when_told, 7: _when_told})
    pool = DecodePool(1, spare=2)
    try:
        assert pool.wait_ready()
        if not pool.pauses:
            pytest.skip("no process pausing here: a stale decode finishes beside the new one")

        def states() -> list[str]:
            return [_process_state(p) for p in pool.worker_pids()]

        with FrameCache(source, workers=1, pool=pool, read_ahead=0) as cache:
            cache.set_playhead(2, scrubbing=True)
            assert wait_for(lambda: pool.busy() == 1)  # frame 2 reached a worker
            cache.set_playhead(6, scrubbing=True)
            assert wait_for(lambda: "T" in states())  # paused while frame 6 decodes
            Path(source.file_for(6) + ".go").touch()
            assert cache.get(6, timeout=60).error is None
            assert wait_for(lambda: "T" not in states())  # nothing asked for decodes: frame 2 goes on
            cache.set_playhead(7, scrubbing=True)
            # Frame 7 decodes (until told) with every core: frame 2's decode, resumed, is paused again.
            assert wait_for(lambda: "T" in states())
            Path(source.file_for(7) + ".go").touch()
            entry = cache.get(7, timeout=60)
            assert entry.error is None and entry.frame.pixels[0, 0, 0] == np.float16(0.07)
            assert 2 not in cache.cached_frames()
    finally:
        pool.close()


def _marked(path: str) -> Frame:
    """A decode that leaves ``<path>.started`` behind."""
    Path(path + ".started").touch()
    return decode_image(path)


def test_a_frame_scrubbed_past_while_it_waits_for_a_worker_is_given_up_not_decoded(
        tmp_path: Path) -> None:
    source = JobSource(write_sequence(tmp_path, 8), {2: _when_told, 5: _marked})
    pool = DecodePool(1)
    try:
        assert pool.wait_ready()
        first = threading.Thread(target=pool.decode, args=(source.decode_job(2),), kwargs={"timeout": 60})
        first.start()
        assert wait_for(lambda: pool.busy() == 1)  # frame 2 holds the only worker
        wanted = [True]
        outcome: list[object] = []

        def ask() -> None:
            try:
                outcome.append(pool.decode(source.decode_job(5), 60, cancelled=lambda: not wanted[0]))
            except Superseded as exc:
                outcome.append(exc)

        waiting = threading.Thread(target=ask)
        waiting.start()
        wanted[0] = False  # the user moves on while frame 5 waits for the worker
        waiting.join(30)
        assert outcome and isinstance(outcome[0], Superseded)  # given up while frame 2 still decodes
        Path(source.file_for(2) + ".go").touch()
        first.join(60)
        assert not os.path.exists(source.file_for(5) + ".started")  # frame 5 never reached a worker
    finally:
        pool.close()


def test_a_movie_read_nobody_wants_gives_up_waiting_for_a_busy_decoder(tmp_path: Path) -> None:
    movie = write_movie(tmp_path / "m.mp4", 96, size=(W, H), gop=48)
    with MovieSource(movie) as source, MovieSource(movie) as reference:
        release = threading.Event()
        held = threading.Barrier(4, timeout=30)
        results: dict[int, np.ndarray] = {}

        def hold(frame: int) -> None:
            calls: list[int] = []

            def cancelled() -> bool:  # the first check, on a decoder: wait there until released
                if not calls:
                    calls.append(frame)
                    held.wait()
                    release.wait(30)
                return False

            results[frame] = source.read_unless(frame, cancelled).pixels

        holders = [threading.Thread(target=hold, args=(f,)) for f in (10, 50, 90)]
        for thread in holders:
            thread.start()
        held.wait()  # every decoder the source may open is taken
        outcome: list[object] = []

        def stale() -> None:
            try:
                outcome.append(source.read_unless(30, lambda: True))
            except Superseded as exc:
                outcome.append(exc)

        waiting = threading.Thread(target=stale)
        waiting.start()
        waiting.join(30)
        held_meanwhile = not release.is_set()
        release.set()
        for thread in holders:
            thread.join(60)
        assert held_meanwhile and outcome and isinstance(outcome[0], Superseded)
        for frame in (10, 50, 90):  # the decoders held go on right
            assert np.array_equal(results[frame], reference.read(frame).pixels)
        assert np.array_equal(source.read(30).pixels, reference.read(30).pixels)


def test_a_movie_frame_read_from_its_keyframe_skips_the_frames_nothing_refers_to(tmp_path: Path) -> None:
    movie = write_movie(tmp_path / "m.mp4", 60, size=(W, H), gop=48)  # two B-frames between references
    with MovieSource(movie) as source, MovieSource(movie) as reference:
        expected = {f: reference.read(f).pixels for f in range(1, 61)}
        assert reference.frames_decoded == 60
        assert np.array_equal(source.read(40).pixels, expected[40])
        # The non-reference frames before it were dropped undecoded: fewer than the 40 a plain decode gives.
        assert source.frames_decoded < 40
        for frame in range(41, 50):  # playing on from it: every frame is there
            assert np.array_equal(source.read(frame).pixels, expected[frame])


def _true_after(checks: int):
    """A ``cancelled`` check that turns true after ``checks`` calls."""
    calls = itertools.count(1)
    return lambda: next(calls) > checks


def test_a_movie_read_stopped_while_skipping_leaves_no_frame_missing(tmp_path: Path) -> None:
    movie = write_movie(tmp_path / "m.mp4", 60, size=(W, H), gop=48)
    with MovieSource(movie) as reference:
        expected = {f: reference.read(f).pixels for f in range(1, 61)}
    for checks in (4, 8, 16):
        with MovieSource(movie) as source:
            source.read(1)
            with pytest.raises(Superseded):  # stopped part-way to frame 45, frames before it dropped
                source.read_unless(45, _true_after(checks))
            for frame in (6, 7, 12, 13, 25, 44, 45, 46):  # ahead of where it stopped, before and after 45
                assert np.array_equal(source.read(frame).pixels, expected[frame]), (checks, frame)


def test_a_movie_frame_past_a_keyframe_read_on_the_least_used_decoder_seeks_to_the_keyframe(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    movie = write_movie(tmp_path / "m.mp4", 96, size=(W, H), gop=48)  # keyframes at frames 1 and 49
    monkeypatch.setattr(movie_source, "MAX_BUSY_DECODERS", movie_source.MAX_DECODERS)  # no spare: two
    with MovieSource(movie) as source, MovieSource(movie) as reference:
        source.read(10)
        source.read(80)  # the second decoder
        # Both decoders idle, neither reaches 54 without a seek: the one at 10 seeks to 49 rather than
        # decoding on through it (44 frames instead of 6).
        assert np.array_equal(source.read(54).pixels, reference.read(54).pixels)
        assert source.seeks == 3


def test_an_mp4_jump_past_a_keyframe_seeks_with_no_index_read_from_the_packets(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    movie = write_movie(tmp_path / "m.mp4", 40, size=(W, H), gop=12)  # keyframes at 1, 13, 25, 37
    with MovieSource(movie) as reference:
        expected = reference.read(30).pixels
    with MovieSource(movie) as source:
        source.read(1)

        def failing_open(*_args: object, **_kwargs: object) -> object:
            raise RuntimeError("no second open of this file")

        # The keyframes came with the header (the MP4 index lists every frame): nothing more is read.
        monkeypatch.setattr(movie_source.av, "open", failing_open)
        assert np.array_equal(source.read(30).pixels, expected)
        assert source.seeks == 2  # to the keyframe at 25, not decoded on from frame 1


def test_a_movie_shown_paused_opens_its_spare_decoders_before_the_user_drags(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    movie = write_movie(tmp_path / "m.mp4", 30, size=(W, H), gop=12)
    opened: list[str] = []
    real_open = movie_source.av.open

    def counting_open(path: str, *args: object, **kwargs: object) -> object:
        opened.append(path)
        return real_open(path, *args, **kwargs)

    with MovieSource(movie) as source:
        monkeypatch.setattr(movie_source.av, "open", counting_open)
        with FrameCache(source, workers=2, read_ahead=0) as cache:
            cache.set_playhead(1, scrubbing=True)  # a viewer showing it paused, nothing asked for yet
            # Two more decoders (the spare for a frame scrubbed to while both others decode), no jump needed.
            assert wait_for(lambda: len(opened) == 2)
            assert cache.get(1, timeout=30).error is None

"""Image frames decoded in worker processes: the same pixels, and a worker that dies is replaced while its
frame shows as a placeholder."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from horus_desktop.media.decode_image import decode_image
from horus_desktop.media.decode_pool import DecodePool
from horus_desktop.media.errors import DamagedFrameError, DecodeTimeoutError, MissingFrameError
from horus_desktop.media.frame_cache import FrameCache
from horus_desktop.media.frames import DecodeJob, Frame
from horus_desktop.media.open_source import ImageSource, open_frame_source
from horus_desktop.media.synthetic import write_exr

H, W = 36, 64


def _die(path: str) -> Frame:
    """A decoder that crashes its process, as a decoder bug on a damaged file would."""
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("unreachable")


def _slow_decode(path: str, seconds: float) -> Frame:
    time.sleep(seconds)
    return decode_image(path)


def write_sequence(folder: Path, count: int) -> str:
    for f in range(1, count + 1):
        write_exr(folder / f"s.{f:04d}.exr", np.full((H, W, 3), f / 100, "f2"), compression="piz")
    return str(folder / "s.%04d.exr")


class CrashingSource(ImageSource):
    """A real EXR sequence whose frame 3 kills the worker process decoding it."""

    def decode_job(self, frame: int) -> DecodeJob:
        job = super().decode_job(frame)
        return DecodeJob(job.path, frame, _die) if frame == 3 else job


def test_a_frame_decoded_in_a_process_is_the_frame_decoded_here(tmp_path: Path, pool: DecodePool) -> None:
    source = open_frame_source(write_sequence(tmp_path, 3))
    frame = pool.decode(source.decode_job(2), timeout=30)
    here = source.read(2)
    assert frame is not None and frame.frame == 2
    assert frame.pixels.dtype == here.pixels.dtype and np.array_equal(frame.pixels, here.pixels)
    assert (frame.channels, frame.colour_space, frame.data_window) == (here.channels, here.colour_space,
                                                                        here.data_window)


@pytest.mark.parametrize("remote_reads", [True, False])
def test_frames_read_out_of_a_worker_or_through_files_are_the_frames_decoded_here(tmp_path: Path,
                                                                                    remote_reads: bool) -> None:
    # Read-ahead frames come straight out of the worker's memory where the app may read it
    # (media/remote_read.py), the frame a user waits for through a shared-memory file; either way, and with
    # files only, each is the frame decoded here, and a worker serves frame after frame.
    source = open_frame_source(write_sequence(tmp_path, 4))
    pool = DecodePool(2, remote_reads=remote_reads)
    assert pool.wait_ready()
    try:
        for number, urgent in ((1, False), (2, True), (3, False), (4, False), (1, True)):
            frame = pool.decode(source.decode_job(number), timeout=30, urgent=urgent)
            here = source.read(number)
            assert frame is not None and frame.frame == number
            assert frame.pixels.dtype == here.pixels.dtype and np.array_equal(frame.pixels, here.pixels)
            assert frame.pixels.flags.c_contiguous and frame.pixels.flags.writeable
    finally:
        pool.close()


def test_a_frame_file_that_cannot_be_made_fails_that_frame_and_the_worker_serves_the_next(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # /dev/shm full or no descriptor left: that frame fails, and the pool's one worker is not lost with it
    # (it was: every later decode waited for a worker nobody gave back).
    from horus_desktop.media import shm_frames

    if not shm_frames.available():
        pytest.skip("frames come through shared-memory files on Linux only")
    source = open_frame_source(write_sequence(tmp_path, 2))
    pool = DecodePool(1, remote_reads=False)
    assert pool.wait_ready()
    try:
        made = shm_frames._new_file

        def full() -> int:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(shm_frames, "_new_file", full)
        with pytest.raises(OSError, match="No space"):
            pool.decode(source.decode_job(1), timeout=30)
        monkeypatch.setattr(shm_frames, "_new_file", made)
        assert pool.busy() == 0
        frame = pool.decode(source.decode_job(2), timeout=30, wait=False)
        assert frame is not None and np.array_equal(frame.pixels, source.read(2).pixels)
    finally:
        pool.close()


def test_a_decode_error_in_a_process_names_the_file(tmp_path: Path, pool: DecodePool) -> None:
    source = open_frame_source(write_sequence(tmp_path, 3))
    (tmp_path / "s.0002.exr").write_bytes(b"not an exr")
    with pytest.raises(DamagedFrameError) as caught:
        pool.decode(source.decode_job(2), timeout=30)
    assert caught.value.path.endswith("s.0002.exr")
    os.remove(tmp_path / "s.0003.exr")
    with pytest.raises(MissingFrameError):
        source.decode_job(3)


def test_a_worker_killed_by_a_file_is_replaced_and_its_frame_is_a_placeholder(tmp_path: Path,
                                                                              pool: DecodePool) -> None:
    source = CrashingSource(open_frame_source(write_sequence(tmp_path, 8)).item)
    before = set(pool.worker_pids())
    with FrameCache(source, workers=2, pool=pool, read_ahead=8) as cache:
        cache.set_playhead(1)  # read-ahead (frames 2-8) is what goes to the processes
        deadline = time.monotonic() + 60
        while len(cache.cached_frames()) < 8 and time.monotonic() < deadline:
            time.sleep(0.02)
        entries = [cache.peek(f) for f in range(1, 9)]
    assert [e.error is None for e in entries] == [True, True, False, True, True, True, True, True]
    assert isinstance(entries[2].error, DamagedFrameError) and "process died" in entries[2].error.reason
    assert entries[7].frame.pixels[0, 0, 0] == np.float16(0.08)
    assert pool.wait_ready() and len(pool.worker_pids()) == 2  # replaced
    assert set(pool.worker_pids()) != before and pool.replaced >= 1


def test_kill_9_of_a_worker_mid_decode_gives_an_error_and_the_next_frame_decodes(tmp_path: Path) -> None:
    source = open_frame_source(write_sequence(tmp_path, 3))
    pool = DecodePool(1)
    try:
        assert pool.wait_ready()
        [pid] = pool.worker_pids()
        outcome: list[BaseException | Frame | None] = []

        def decode_slowly() -> None:
            job = DecodeJob(source.decode_job(1).path, 1, _slow_decode, {"seconds": 30})
            try:
                outcome.append(pool.decode(job, timeout=60))
            except Exception as exc:
                outcome.append(exc)

        thread = threading.Thread(target=decode_slowly)
        thread.start()
        time.sleep(0.3)  # let the job reach the worker (the kill below is what is tested, not this wait)
        os.kill(pid, signal.SIGKILL)
        thread.join(30)
        assert isinstance(outcome[0], DamagedFrameError) and "signal 9" in outcome[0].reason
        assert pool.wait_ready()
        frame = pool.decode(source.decode_job(2), timeout=60)
        assert frame is not None and frame.pixels[0, 0, 0] == np.float16(0.02)
        assert pool.worker_pids() != [pid]
    finally:
        pool.close()


def test_a_read_ahead_decode_past_its_time_bound_is_stopped_and_the_next_frame_decodes(tmp_path: Path,
                                                                                      pool: DecodePool) -> None:
    """A decode whose cache may give it up (``cancelled``) while no frame a user waits for runs still ends at its
    time bound (its wait wakes less often then), and its worker is replaced."""
    source = open_frame_source(write_sequence(tmp_path, 3))
    job = DecodeJob(source.decode_job(1).path, 1, _slow_decode, {"seconds": 60})
    with pytest.raises(DecodeTimeoutError):
        pool.decode(job, timeout=0.1, cancelled=lambda: False)
    assert pool.replaced == 1
    frame = pool.decode(source.decode_job(2), timeout=60, cancelled=lambda: False)
    assert frame is not None and frame.pixels[0, 0, 0] == np.float16(0.02)

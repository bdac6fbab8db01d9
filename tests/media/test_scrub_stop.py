"""Scrubbing EXRs: a decode the user has moved past is given up part-way (not paused to finish later), its
worker goes straight on to the next frame, and an EXR read that may stop gives the same pixels as before."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np
import pytest

from horus_desktop.media import decode_exr as exr_module
from horus_desktop.media.decode_exr import decode_exr
from horus_desktop.media.decode_image import decode_image
from horus_desktop.media.decode_pool import DecodePool, stops_part_way
from horus_desktop.media.frames import DecodeJob, Frame, Superseded
from horus_desktop.media.open_source import open_frame_source
from horus_desktop.media.synthetic import write_exr

from .test_scrub import _process_state, _when_told, wait_for


def _noisy_exr(path: Path, seed: int, size: tuple[int, int] = (1152, 2048)) -> str:
    """A 2K PIZ EXR of noise (PIZ compresses it poorly: a decode of tens of ms, long enough to stop)."""
    pixels = np.random.default_rng(seed).random((*size, 3), dtype=np.float32).astype(np.float16)
    write_exr(path, pixels, compression="piz")
    return str(path)


@pytest.fixture
def exr_restored():
    yield
    exr_module.STOP_CHECK = None


def test_an_exr_read_that_may_stop_gives_the_same_frame(tmp_path: Path, exr_restored: None) -> None:
    path = _noisy_exr(tmp_path / "a.exr", 1, size=(96, 128))
    plain = decode_exr(path)
    exr_module.STOP_CHECK = lambda: False
    stoppable = decode_exr(path)
    assert np.array_equal(plain.pixels, stoppable.pixels)
    assert (plain.channels, plain.data_window, plain.metadata) == (
        stoppable.channels,
        stoppable.data_window,
        stoppable.metadata,
    )


def test_an_exr_read_told_to_stop_part_way_raises_superseded_not_a_damaged_frame(
    tmp_path: Path, exr_restored: None
) -> None:
    path = _noisy_exr(tmp_path / "a.exr", 2, size=(512, 256))
    reads = {"n": 0}

    def stop_after_a_few_blocks() -> bool:
        reads["n"] += 1
        return reads["n"] > 8  # the header, then a few of the file's blocks

    exr_module.STOP_CHECK = stop_after_a_few_blocks
    with pytest.raises(Superseded):
        decode_exr(path)
    exr_module.STOP_CHECK = None
    assert decode_exr(path).pixels.shape == (512, 256, 3)  # the library goes on reading files after it


def test_only_exr_decodes_stop_part_way(tmp_path: Path) -> None:
    sequence = tmp_path / "s.%04d.exr"
    for frame in (1, 2):
        _noisy_exr(tmp_path / f"s.{frame:04d}.exr", frame, size=(8, 8))
    job = open_frame_source(str(sequence)).decode_job(1)
    assert job is not None and stops_part_way(job)
    assert not stops_part_way(DecodeJob(job.path, 1, decode_image))


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads process states from /proc")
def test_an_exr_decode_scrubbed_past_is_given_up_not_paused_and_its_worker_decodes_the_next_frame(
    tmp_path: Path,
) -> None:
    stale_path = _noisy_exr(tmp_path / "stale.exr", 3)
    next_path = _noisy_exr(tmp_path / "next.exr", 4)
    asked_path = _noisy_exr(tmp_path / "asked.exr", 5, size=(8, 8))
    pool = DecodePool(1, spare=1)
    try:
        assert pool.wait_ready()
        moved_on = threading.Event()
        outcome: list[object] = []

        def stale_decode() -> None:
            try:
                outcome.append(
                    pool.decode(
                        DecodeJob(stale_path, 1, decode_exr), cancelled=moved_on.is_set, stoppable=True
                    )
                )
            except Superseded as exc:
                outcome.append(exc)

        stale = threading.Thread(target=stale_decode)
        stale.start()
        assert wait_for(lambda: pool.busy() == 1)
        moved_on.set()  # the user moved on: a frame asked for (held until told) takes the spare worker
        asked: list[Frame | None] = []
        urgent = threading.Thread(
            target=lambda: asked.append(
                pool.decode(
                    DecodeJob(asked_path, 2, _when_told), urgent=True, wait=False, cancelled=lambda: False
                )
            )
        )
        urgent.start()
        # While the frame asked for is held, the stale decode ends: given up, never paused (no worker seen
        # stopped meanwhile; a paused one would go on after PAUSE_MAX_S), and nothing came of it.
        states: set[str] = set()

        def stale_ended() -> bool:
            states.update(_process_state(pid) for pid in pool.worker_pids())
            return not stale.is_alive()

        assert wait_for(stale_ended)
        assert isinstance(outcome[0], Superseded)
        assert "T" not in states
        Path(asked_path + ".go").touch()
        urgent.join(60)
        assert asked[0] is not None and asked[0].pixels.shape == (8, 8, 3)
        # The worker it had goes on to the next frame, decoded in full and right.
        frame = pool.decode(DecodeJob(next_path, 3, decode_exr), cancelled=lambda: False, stoppable=True)
        assert frame is not None and np.array_equal(frame.pixels, decode_exr(next_path).pixels)
        assert pool.replaced == 0
    finally:
        pool.close()

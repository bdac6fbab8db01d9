"""Frames decoded in worker processes share their pixels through files the app made ready or reuses: a
file is reused only once no frame maps it, so a frame held keeps its pixels whatever decodes after it."""

from __future__ import annotations

import gc
import os
import time
from pathlib import Path

import numpy as np
import pytest

from horus_desktop.media import shm_frames
from horus_desktop.media.decode_pool import DecodePool
from horus_desktop.media.open_source import open_frame_source
from horus_desktop.media.synthetic import write_exr

H, W = 36, 64

pytestmark = pytest.mark.skipif(not shm_frames.available(), reason="files are made ready on Linux only")


def write_sequence(folder: Path, count: int, size: tuple[int, int] = (H, W)) -> str:
    folder.mkdir(exist_ok=True)
    for f in range(1, count + 1):
        write_exr(folder / f"s.{f:04d}.exr", np.full((*size, 3), f / 100, "f2"), compression="zip")
    return str(folder / "s.%04d.exr")


def test_frames_held_keep_their_pixels_while_freed_frames_files_are_reused(tmp_path: Path) -> None:
    source = open_frame_source(write_sequence(tmp_path, 12))
    pool = DecodePool(2, spare=1)
    try:
        assert pool.wait_ready()
        held = {f: pool.decode(source.decode_job(f), timeout=60) for f in (1, 2, 3)}
        for f in range(4, 13):  # each freed at once: its file is the next frame's
            frame = pool.decode(source.decode_job(f), timeout=60)
            assert frame is not None and np.all(frame.pixels == np.float16(f / 100))
            del frame
            gc.collect()
        for f, frame in held.items():
            assert frame is not None and np.all(frame.pixels == np.float16(f / 100))
    finally:
        pool.close()


def test_a_reused_file_takes_a_frame_of_another_size(tmp_path: Path) -> None:
    large = open_frame_source(write_sequence(tmp_path / "large", 2, (2 * H, 2 * W)))
    small = open_frame_source(write_sequence(tmp_path / "small", 2))
    pool = DecodePool(1)
    try:
        assert pool.wait_ready()
        for source, shape in ((large, (2 * H, 2 * W, 3)), (small, (H, W, 3)), (large, (2 * H, 2 * W, 3))):
            frame = pool.decode(source.decode_job(2), timeout=60)
            assert (
                frame is not None and frame.pixels.shape == shape and np.all(frame.pixels == np.float16(0.02))
            )
            del frame
            gc.collect()
    finally:
        pool.close()


def test_no_file_is_made_ready_while_a_frame_a_user_waits_for_decodes() -> None:
    """Making a file ready beside the scrubbed-to frame's decode shares the cores with it: it waits."""
    pages = shm_frames.FramePages(keep=2)
    try:
        pixels = np.ones((H, W, 3), "f2")
        pages.hold()  # as DecodePool.decode holds it around a frame a user waits for
        try:
            fd = pages.take()
            shm_frames.write_pixels(fd, pixels)
            frame = pages.adopt(fd, pixels.shape, pixels.dtype.str)  # files of its size are wanted now
            os.close(pages.take())  # the next decode's take wakes the low-priority thread
            # A window for something that must not happen (unheld, a file this small was ready within
            # ~1 ms): a loaded machine can only make the test pass wrongly, never fail wrongly.
            time.sleep(0.5)
            assert pages.made_ready == 0
        finally:
            pages.release()
        deadline = time.monotonic() + 30
        while pages.made_ready < 2 and time.monotonic() < deadline:  # once released, they are made ready
            time.sleep(0.01)
        assert pages.made_ready >= 2
        assert np.all(frame == np.float16(1))
    finally:
        pages.close()


def test_a_frame_written_into_a_ready_file_needs_no_new_mapping() -> None:
    """A ready file comes mapped: the frame written into it is handed on without a mapping made between the
    worker's reply and the screen, and reads as written (the file's zeros are all written over)."""
    pages = shm_frames.FramePages(keep=2)
    try:
        first = np.full((H, W, 3), 0.5, "f2")
        fd = pages.take()  # a new file: mapped as its frame comes
        shm_frames.write_pixels(fd, first)
        held = pages.adopt(fd, first.shape, first.dtype.str)
        assert pages.mapped_as_adopted == 1
        os.close(pages.take())  # the next decode's take wakes the low-priority thread
        deadline = time.monotonic() + 30
        while pages.made_ready < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert pages.made_ready >= 2
        frames = []
        for value in (0.25, 0.75):
            pixels = np.arange(H * W * 3, dtype="f2").reshape(H, W, 3) * np.float16(value)
            fd = pages.take()
            shm_frames.write_pixels(fd, pixels)
            frames.append((pages.adopt(fd, pixels.shape, pixels.dtype.str), pixels))
        assert pages.mapped_as_adopted == 1  # both went into ready files, mapped already
        for frame, pixels in frames:
            assert np.array_equal(frame, pixels)
        assert np.all(held == np.float16(0.5))
    finally:
        pages.close()

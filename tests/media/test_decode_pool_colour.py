"""The CPU path's colour step run in the decode processes: the app's own display pixels, the bake shipped
once, a replaced worker converting too, and anything not shipped coming back as decoded."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from horus_desktop.media.colour import ColourConfig, default_colour_config
from horus_desktop.media.decode_pool import CONVERTED_KEY, DecodePool
from horus_desktop.media.display import at_view_size, cpu_convert, default_settings, gpu_convert
from horus_desktop.media.frame_cache import FrameCache
from horus_desktop.media.frames import DecodeJob, Frame
from horus_desktop.media.open_source import open_frame_source
from horus_desktop.media.synthetic import write_exr
from horus_desktop.media.worker_colour import WorkerColour

H, W = 48, 80


def _chart(seed: int) -> np.ndarray:
    """ACEScg values 0..16 with saturated colours (some on the view's creases, which go to the exact
    processor) and a grey ramp."""
    rng = np.random.default_rng(seed)
    pixels = (rng.random((H, W, 3)) ** 3 * 16).astype(np.float32)
    pixels[::3, :, 1:] *= 0.02  # saturated reds
    pixels[1::3, :, :2] *= 0.05  # saturated blues
    pixels[:, :4] = np.linspace(0, 16, H, dtype=np.float32)[:, None, None]
    return pixels.astype(np.float16)


def write_chart_sequence(folder: Path, count: int) -> str:
    for f in range(1, count + 1):
        write_exr(folder / f"c.{f:04d}.exr", _chart(f), compression="piz")
    return str(folder / "c.%04d.exr")


def _uint16_frame(path: str) -> Frame:
    """A 16-bit frame (a pixel type whose bake was not shipped)."""
    pixels = np.full((H, W, 3), 30000, np.uint16)
    return Frame(pixels, 0, "", (0, 0, W - 1, H - 1), (0, 0, W - 1, H - 1), ("R", "G", "B"))


@pytest.fixture(scope="module")
def colour():
    return default_colour_config()


def _wait_for_workers(pool: DecodePool, count: int) -> None:
    deadline = time.monotonic() + 60
    while len(pool.worker_pids()) < count and time.monotonic() < deadline:
        pool.wait_ready(15)
        time.sleep(0.05)


def test_a_decode_process_converts_once_given_the_bake_and_its_replacement_does_too(
        tmp_path: Path, pool: DecodePool) -> None:
    source = open_frame_source(write_chart_sequence(tmp_path, 3))
    colour = ColourConfig()  # its own: nothing learnt for it by an earlier frame cache
    convert = cpu_convert(colour, default_settings(colour), per_frame=True)
    shipped = WorkerColour(convert)
    raw = pool.decode(source.decode_job(1), timeout=60, colour=shipped)
    assert raw is not None and raw.pixels.dtype == np.float16 and CONVERTED_KEY not in raw.metadata  # nothing yet
    shipped.learn(raw)  # the app converted a frame of these settings: the workers get its bake
    for number in (1, 2, 3, 2):
        frame = pool.decode(source.decode_job(number), timeout=60, colour=shipped)
        expected = convert(source.read(number))
        assert frame is not None and frame.metadata.get(CONVERTED_KEY)
        assert frame.pixels.dtype == np.uint8 and np.array_equal(frame.pixels, expected.pixels)
    for pid in pool.worker_pids():
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 60
    frame = None
    while time.monotonic() < deadline:  # the jobs that find a dead worker replace it (a placeholder each)
        try:
            frame = pool.decode(source.decode_job(3), timeout=60, colour=shipped)
            break
        except Exception:  # noqa: BLE001 (the dead workers' frames)
            _wait_for_workers(pool, 2)
    assert frame is not None and frame.metadata.get(CONVERTED_KEY)
    assert np.array_equal(frame.pixels, convert(source.read(3)).pixels)


def test_a_frame_whose_bake_was_not_shipped_comes_back_as_decoded(tmp_path: Path, pool: DecodePool,
                                                                    colour) -> None:
    source = open_frame_source(write_chart_sequence(tmp_path, 1))
    shipped = WorkerColour(cpu_convert(colour, default_settings(colour), per_frame=True))
    shipped.learn(source.read(1))
    frame = pool.decode(DecodeJob(source.decode_job(1).path, 1, _uint16_frame), timeout=60, colour=shipped)
    assert frame is not None and frame.pixels.dtype == np.uint16 and CONVERTED_KEY not in frame.metadata


@pytest.mark.parametrize("reduction", [1, 2, 1.375])
def test_frames_converted_in_the_processes_are_the_apps_conversion(tmp_path: Path, pool: DecodePool, colour,
                                                                   reduction: float) -> None:
    source = open_frame_source(write_chart_sequence(tmp_path, 8))
    convert = at_view_size(cpu_convert(colour, default_settings(colour), per_frame=True), reduction)
    with FrameCache(source, convert=convert, workers=2, pool=pool, read_ahead=8, reduction=reduction) as cache:
        cache.set_playhead(1)
        entries = [cache.get(f, timeout=60) for f in range(1, 9)]
    for number, entry in enumerate(entries, 1):
        expected = convert(source.read(number))
        assert entry.error is None and entry.frame is not None
        assert np.array_equal(entry.frame.pixels, expected.pixels), number
        assert dict(entry.frame.metadata) == dict(expected.metadata)


def test_the_gl_path_still_gets_the_decoded_pixels(tmp_path: Path, pool: DecodePool) -> None:
    source = open_frame_source(write_chart_sequence(tmp_path, 4))
    with FrameCache(source, convert=gpu_convert, workers=2, pool=pool, read_ahead=4) as cache:
        cache.set_playhead(1)
        entries = [cache.get(f, timeout=60) for f in range(1, 5)]
    for number, entry in enumerate(entries, 1):
        assert entry.frame.pixels.dtype == np.float16
        assert np.array_equal(entry.frame.pixels, source.read(number).pixels)


def test_a_new_cache_of_the_same_settings_ships_nothing_new(tmp_path: Path, colour) -> None:
    source = open_frame_source(write_chart_sequence(tmp_path, 1))
    frame = source.read(1)
    convert = cpu_convert(colour, default_settings(colour), per_frame=True)
    first, second = WorkerColour(convert), WorkerColour(cpu_convert(colour, default_settings(colour), per_frame=True))
    first.learn(frame)
    second.learn(frame)
    token, payload = first.message(())
    assert payload is not None and second.message({token}) == (token, None)  # a worker holding it gets no payload


def test_a_new_frame_cache_of_the_same_settings_converts_its_first_frames_in_the_processes(
        tmp_path: Path, pool: DecodePool) -> None:
    """Play pressed again (a new frame cache): what the last one learnt ships with its first jobs, rather than
    the app converting the frames that decode before it has converted one itself."""
    source = open_frame_source(write_chart_sequence(tmp_path, 2))
    colour = ColourConfig()
    settings = default_settings(colour)
    WorkerColour(cpu_convert(colour, settings, per_frame=True)).learn(source.read(1))
    convert = cpu_convert(colour, settings, per_frame=True)
    frame = pool.decode(source.decode_job(2), timeout=60, colour=WorkerColour(convert))
    assert frame is not None and frame.metadata.get(CONVERTED_KEY)
    assert np.array_equal(frame.pixels, convert(source.read(2)).pixels)
    # Other settings, or the same ones of a config read again (its bakes are its own): nothing carried.
    for other in (cpu_convert(colour, replace(settings, exposure=2.0), per_frame=True),
                  cpu_convert(ColourConfig(), settings, per_frame=True)):
        frame = pool.decode(source.decode_job(2), timeout=60, colour=WorkerColour(other))
        assert frame is not None and frame.pixels.dtype == np.float16 and CONVERTED_KEY not in frame.metadata


def test_two_settings_sharing_the_pool_both_convert_in_the_processes(tmp_path: Path, pool: DecodePool,
                                                                     colour) -> None:
    source = open_frame_source(write_chart_sequence(tmp_path, 4))
    settings = default_settings(colour)
    conversions = [cpu_convert(colour, settings, per_frame=True),
                   cpu_convert(colour, replace(settings, exposure=1.5), per_frame=True)]
    shipped = [WorkerColour(c) for c in conversions]
    for worker_colour in shipped:
        worker_colour.learn(source.read(1))
    for number in (1, 2, 3, 4, 1, 2, 3, 4):  # A and B in turn, as an A/B compare plays
        for convert, worker_colour in zip(conversions, shipped, strict=True):
            frame = pool.decode(source.decode_job(number), timeout=60, colour=worker_colour)
            assert frame is not None and frame.metadata.get(CONVERTED_KEY)
            assert np.array_equal(frame.pixels, convert(source.read(number)).pixels)


def _kernel_state(path: str) -> Frame:
    """A decode in a worker that reports whether the colour kernel was already loaded there."""
    import sys

    kernel = sys.modules.get("horus_desktop.media.lut_kernel")
    loaded = kernel is not None and sum(kernel.cache_counts()) > 0
    pixels = np.zeros((H, W, 3), np.uint16)
    return Frame(pixels, 0, "", (0, 0, W - 1, H - 1), (0, 0, W - 1, H - 1), ("R", "G", "B"),
                 metadata={"kernel_loaded": loaded})


@pytest.mark.skipif("forkserver" not in multiprocessing.get_all_start_methods(),
                    reason="spawned workers load the kernel with their first coloured frame")
def test_a_decode_process_starts_with_the_colour_kernel_loaded(tmp_path: Path, pool: DecodePool) -> None:
    """Forked from a fork server that loaded it: the first coloured frame does not pay numba's import and the
    kernel's load in every worker (~0.25 s CPU each) at a cold start."""
    frame = pool.decode(DecodeJob(str(tmp_path / "none"), 1, _kernel_state), timeout=60)
    assert frame is not None and frame.metadata["kernel_loaded"] is True

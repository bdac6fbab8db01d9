"""Playing at the view's size, per format: an 8-bit sRGB frame, whose colour passes through, is shown whole
(not reduced: the viewer scales it when painting) with the same pixels; a DPX decodes straight at the reduced
size with the pixels the reduction of its full decode keeps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from horus_desktop.media.colour import default_colour_config
from horus_desktop.media.decode_dpx import decode_dpx, write_dpx
from horus_desktop.media.decode_pool import DecodePool
from horus_desktop.media.display import at_view_size, cpu_convert, default_settings, render_frame
from horus_desktop.media.frame_cache import FrameCache
from horus_desktop.media.open_source import open_frame_source
from horus_desktop.media.view_size import reduced_pixels, reduced_size, view_reduction

H, W = 37, 65  # odd: the last row and column are kept too


def _png_sequence(folder: Path, count: int = 6) -> str:
    rng = np.random.default_rng(11)
    for f in range(1, count + 1):
        Image.fromarray(rng.integers(0, 256, (H, W, 3), dtype=np.uint8)).save(folder / f"p.{f:04d}.png")
    return str(folder / "p.%04d.png")


def _dpx_sequence(folder: Path, count: int = 4) -> str:
    rng = np.random.default_rng(13)
    for f in range(1, count + 1):
        write_dpx(str(folder / f"d.{f:04d}.dpx"), rng.integers(0, 1024, (H, W, 3)), bit_depth=10)
    return str(folder / "d.%04d.dpx")


@pytest.mark.parametrize("factor", [2, 1.375])
def test_a_pass_through_frame_is_not_reduced_and_shows_the_same_pixels(tmp_path: Path, factor: float) -> None:
    colour = default_colour_config()
    convert = at_view_size(cpu_convert(colour, default_settings(colour), per_frame=True), factor)
    with open_frame_source(_png_sequence(tmp_path)) as source:
        frame = source.read(3)
        shown = convert(frame)
        with FrameCache(source, convert=convert, workers=1, reduction=factor) as cache:
            cache.set_playhead(1)
            entry = cache.get(3, timeout=30)
    assert view_reduction(shown) == (1, (W, H))
    np.testing.assert_array_equal(shown.pixels, frame.pixels)
    assert entry.frame is not None and view_reduction(entry.frame)[0] == 1
    np.testing.assert_array_equal(entry.frame.pixels, frame.pixels)


def test_a_frame_whose_colour_changes_is_still_reduced(tmp_path: Path) -> None:
    colour = default_colour_config()
    with open_frame_source(_png_sequence(tmp_path, 1)) as source:
        frame = source.read(1)
    for channel in ("r", "luminance"):  # one channel shown: a step on every pixel, so it is reduced first
        shown = at_view_size(cpu_convert(colour, default_settings(colour), channel, per_frame=True), 2)(frame)
        assert view_reduction(shown) == (2, (W, H))
    log = cpu_convert(colour, default_settings(colour, "ADX10"))  # 8-bit log: a colour step, reduced
    assert view_reduction(at_view_size(log, 2)(frame))[0] == 2


def test_decode_processes_stop_reducing_frames_that_pass_through(tmp_path: Path) -> None:
    colour = default_colour_config()
    convert = at_view_size(cpu_convert(colour, default_settings(colour), per_frame=True), 2)
    pool = DecodePool(1)
    try:
        assert pool.wait_ready()
        with open_frame_source(_png_sequence(tmp_path)) as source:
            last = source.read(6)
            with FrameCache(source, convert=convert, workers=1, pool=pool, reduction=2) as cache:
                cache.set_playhead(1)
                for number in range(1, 7):
                    entry = cache.get(number, timeout=30)
                    assert entry.error is None and entry.frame is not None
    finally:
        pool.close()
    assert view_reduction(entry.frame)[0] == 1  # the last frame played came whole, as it was decoded
    np.testing.assert_array_equal(entry.frame.pixels, last.pixels)


@pytest.mark.parametrize("factor", [2, 3, 1.375, 2.5])
@pytest.mark.parametrize(("bits", "channels"), [(10, 3), (10, 4), (8, 3), (16, 3), (16, 4)])
def test_a_dpx_decoded_at_the_view_size_keeps_the_pixels_its_full_decode_would(
        tmp_path: Path, factor: float, bits: int, channels: int) -> None:
    path = str(tmp_path / "f.dpx")
    write_dpx(path, np.random.default_rng(17).integers(0, 2**bits, (H, W, channels)), bit_depth=bits)
    full, reduced = decode_dpx(path), decode_dpx(path, reduction=factor)
    assert reduced.pixels.flags.c_contiguous
    assert reduced.pixels.shape == (reduced_size(H, factor), reduced_size(W, factor), channels)
    np.testing.assert_array_equal(reduced.pixels, reduced_pixels(full.pixels, factor))
    assert view_reduction(reduced) == (factor, (W, H))
    assert reduced.colour_space == full.colour_space and reduced.display_window == full.display_window


@pytest.mark.parametrize("processes", [True, False])
@pytest.mark.parametrize("factor", [2, 1.375])
def test_a_dpx_played_at_the_view_size_shows_the_reduced_colour_of_the_full_frame(
        tmp_path: Path, factor: float, processes: bool) -> None:
    colour = default_colour_config()
    pool = DecodePool(1) if processes else None
    try:
        assert pool is None or pool.wait_ready()
        with open_frame_source(_dpx_sequence(tmp_path)) as source:
            full = source.read(2)
            settings = default_settings(colour, full.colour_space)
            convert = at_view_size(cpu_convert(colour, settings), factor)
            with FrameCache(source, convert=convert, workers=1, pool=pool, reduction=factor) as cache:
                cache.set_playhead(1)
                entry = cache.get(2, timeout=30)
    finally:
        if pool is not None:
            pool.close()
    assert entry.error is None and entry.frame is not None and entry.frame.frame == 2
    assert view_reduction(entry.frame) == (factor, (W, H))
    np.testing.assert_array_equal(entry.frame.pixels, reduced_pixels(render_frame(full, colour, settings), factor))

"""Frames played at the size the view draws them (CPU colour path): the reduction a zoom asks for, the same
reduced pixels whether a decode process or the cache's thread reduces, and a session that plays reduced
frames and shows full-resolution ones when paused."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from horus_desktop.media.colour import default_colour_config
from horus_desktop.media.decode_pool import DecodePool
from horus_desktop.media.display import at_view_size, cpu_convert, default_settings, gpu_convert, render_frame
from horus_desktop.media.frame_cache import FrameCache
from horus_desktop.media.frames import Frame, FrameSource, full_window
from horus_desktop.media.open_source import open_frame_source
from horus_desktop.media.synthetic import write_exr
from horus_desktop.media.view_size import reduced_pixels, reduced_size, view_factor, view_reduction
from horus_desktop.playback.session import PlaybackSession

H, W = 37, 65  # odd: the reduced frame covers the last row and column too


def _sequence(folder: Path, count: int = 4) -> str:
    rng = np.random.default_rng(7)
    for f in range(1, count + 1):
        write_exr(folder / f"v.{f:04d}.exr", rng.random((H, W, 3)).astype("f2") * f, compression="piz")
    return str(folder / "v.%04d.exr")


@pytest.mark.parametrize(("zoom", "factor"), [(2.0, 1), (1.0, 1), (0.9, 1), (0.8, 1.25), (0.7, 1.375),
                                              (1400 / 2048, 1.375), (0.5, 2), (0.4, 2.5), (0.34, 2.875),
                                              (1 / 3, 3), (0.2, 5), (0.0, 1)])
def test_the_reduction_keeps_the_frame_at_least_as_large_as_it_is_drawn(zoom: float, factor: float) -> None:
    assert view_factor(zoom) == factor
    if factor > 1:  # a 2K frame reduced is still at least as large as drawn, and no more than an eighth larger
        assert 2048 * zoom <= reduced_size(2048, factor) <= 2048 * zoom * 1.125 + 1


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.uint8, np.uint16])
@pytest.mark.parametrize("channels", [1, 3, 4])
@pytest.mark.parametrize("factor", [2, 3])
def test_a_reduced_frame_keeps_every_nth_pixel_of_every_nth_row(dtype: type, channels: int, factor: int) -> None:
    pixels = (np.random.default_rng(3).random((H, W, channels)) * 200).astype(dtype)
    reduced = reduced_pixels(pixels, factor)
    assert reduced.flags.c_contiguous and reduced.dtype == pixels.dtype
    np.testing.assert_array_equal(reduced, pixels[::factor, ::factor])
    np.testing.assert_array_equal(reduced_pixels(pixels[:, ::-1], factor), pixels[::factor, ::-factor])
    assert reduced_pixels(pixels, 1) is pixels


@pytest.mark.parametrize("dtype", [np.float16, np.uint8, np.float32])
@pytest.mark.parametrize("shape", [(H, W, 3), (H, W, 4), (H, W)])
@pytest.mark.parametrize("factor", [1.25, 1.375, 2.5])
def test_a_frame_reduced_by_a_fraction_keeps_the_nearest_pixel_each_reduced_pixel_is_drawn_over(
        dtype: type, shape: tuple[int, ...], factor: float) -> None:
    pixels = (np.random.default_rng(5).random(shape) * 200).astype(dtype)
    reduced = reduced_pixels(pixels, factor)
    assert reduced.flags.c_contiguous and reduced.dtype == pixels.dtype
    assert reduced.shape[:2] == (reduced_size(H, factor), reduced_size(W, factor))
    assert reduced.shape[0] * factor >= H > (reduced.shape[0] - 1) * factor  # drawn over the whole frame
    for y in range(reduced.shape[0]):  # reduced pixel (y, x) drawn at factor x its size starts on this pixel
        for x in range(reduced.shape[1]):
            np.testing.assert_array_equal(reduced[y, x], pixels[int(y * factor), int(x * factor)])
    np.testing.assert_array_equal(reduced_pixels(pixels[:, ::-1], factor), reduced_pixels(pixels[:, ::-1].copy(), factor))


@pytest.mark.parametrize("factor", [2, 1.375])
def test_a_frame_reduced_in_a_decode_process_is_the_one_reduced_here(tmp_path: Path, factor: float) -> None:
    pattern = _sequence(tmp_path)
    colour = default_colour_config()
    convert = cpu_convert(colour, default_settings(colour, "ACES2065-1"))
    pool = DecodePool(1)
    try:
        assert pool.wait_ready()
        with open_frame_source(pattern) as source:
            full = source.read(2)
            with FrameCache(source, convert=at_view_size(convert, factor), workers=1, pool=pool,
                            reduction=factor) as cache:
                cache.set_playhead(1)  # read-ahead goes to the process, which reduces before sharing
                entry = cache.get(2, timeout=30)
    finally:
        pool.close()
    assert entry.error is None and entry.frame is not None
    assert view_reduction(entry.frame) == (factor, (W, H))
    assert entry.frame.pixels.shape[:2] == (reduced_size(H, factor), reduced_size(W, factor))
    # the colour at the view's size is the full-size colour of the pixels kept (reduced once, not twice)
    shown = render_frame(full, colour, default_settings(colour, "ACES2065-1"))
    np.testing.assert_array_equal(entry.frame.pixels, reduced_pixels(shown, factor))


def test_a_session_plays_reduced_frames_and_pauses_on_the_full_frame(tmp_path: Path) -> None:
    session = PlaybackSession(open_frame_source(_sequence(tmp_path, 8)), 24, convert=gpu_convert, processes=False)
    try:
        session.set_view_reduction(2)

        def shown(predicate, timeout: float = 30.0):  # noqa: ANN001, ANN202
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                frame = session.tick()
                if frame is not None and predicate(frame):
                    return frame
                time.sleep(0.005)
            raise AssertionError("no such frame shown")

        paused = shown(lambda f: True)
        assert paused.scale == 1 and (paused.width, paused.height) == (W, H)  # paused: full resolution
        session.play()
        playing = shown(lambda f: True)
        assert playing.scale == 2 and (playing.width, playing.height) == ((W + 1) // 2, (H + 1) // 2)
        assert playing.image_size == (W, H)
        session.pause()
        again = shown(lambda f: True)
        assert again.frame == session.current and again.scale == 1 and again.image_size == (W, H)
    finally:
        session.close()


class CountingSource(FrameSource):
    """Frames whose pixels tell their number, row and column; every read counted."""

    path = "memory://counting"

    def __init__(self) -> None:
        self.reads: list[int] = []

    @property
    def frame_range(self) -> tuple[int, int]:
        return (1, 40)

    def _decode(self, frame: int) -> Frame:
        self.reads.append(frame)
        rows, cols = np.mgrid[0:H, 0:W]
        pixels = np.stack([rows, cols, np.full((H, W), frame)], axis=2).astype(np.uint8)
        return Frame(pixels, frame, "sRGB Encoded Rec.709 (sRGB)", full_window(W, H), full_window(W, H),
                     ("R", "G", "B"))


def test_play_pressed_after_a_pause_reduces_the_frames_read_ahead_instead_of_decoding_them(tmp_path: Path) -> None:
    source = CountingSource()
    session = PlaybackSession(source, 24, convert=gpu_convert, processes=False, read_ahead=8, workers=2)
    try:
        session.set_view_reduction(2)
        deadline = time.monotonic() + 30  # a deadline, not a timing
        while not all(session.is_ready(f) for f in range(1, 10)):  # paused: the read-ahead at full size
            assert time.monotonic() < deadline, "read-ahead did not fill"
            session.tick()
            time.sleep(0.01)
        assert session.entry(3).scale == 1
        session.play()
        deadline = time.monotonic() + 30  # a deadline, not a timing
        while not all(session.is_ready(f) for f in range(1, 6)):
            assert time.monotonic() < deadline, "playing frames not ready"
            time.sleep(0.005)
        for f in range(1, 6):
            shown = session.entry(f)
            assert shown.scale == 2 and shown.image_size == (W, H)
            expected = source.read(f).pixels[::2, ::2]
            np.testing.assert_array_equal(shown.pixels, expected)
            assert source.reads.count(f) == 2  # read once while paused, once by this check: not by playing
    finally:
        session.close()

"""The frame scrubbed to on the CPU path: its colour step run in bands of rows on every core gives the same
display pixels as the whole frame."""

from __future__ import annotations

import numpy as np

from horus_desktop.media.banded import band_rows, convert_in_bands
from horus_desktop.media.colour import default_colour_config
from horus_desktop.media.display import cpu_convert, default_settings
from horus_desktop.media.frames import Frame, full_window


def _frame(height: int, width: int, channels: int = 3) -> Frame:
    rng = np.random.default_rng(7)
    pixels = (rng.random((height, width, channels), dtype=np.float32) * 4 - 0.5).astype(np.float16)
    pixels[5, :4, 0] = [np.nan, np.inf, -np.inf, 65504]  # odd values land where they would whole
    return Frame(pixels, 1, "ACES - ACEScg", full_window(width, height), full_window(width, height),
                 tuple("RGBA"[:channels]))


def test_bands_cover_every_row_once_in_multiples_of_32() -> None:
    for height in (1, 31, 32, 33, 1080, 1152, 1157):
        for bands in (1, 2, 3, 8):
            spans = band_rows(height, bands)
            assert spans[0][0] == 0 and spans[-1][1] == height and len(spans) <= bands
            assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
            assert all((stop - start) % 32 == 0 for start, stop in spans[:-1])


def test_a_frame_converted_in_bands_equals_the_frame_converted_whole() -> None:
    colour = default_colour_config()
    for channels in (3, 4):
        frame = _frame(1157, 901, channels)  # rows not a multiple of the band height
        convert = cpu_convert(colour, default_settings(colour, frame.colour_space))
        whole = convert(frame)
        for bands in (2, 3, 5):
            banded = convert_in_bands(convert, frame, bands)
            assert banded.pixels.dtype == whole.pixels.dtype and banded.pixels.shape == whole.pixels.shape
            assert np.array_equal(banded.pixels, whole.pixels)
            assert banded.colour_space == whole.colour_space and banded.channels == whole.channels


def test_a_frame_without_rows_is_converted_whole() -> None:
    """A frame 0 rows high (an empty data window) is handed to the conversion as it is, as without bands."""
    empty = Frame(np.zeros((0, 4096, 3), np.float16), 1, "ACES - ACEScg", full_window(4096, 1),
                  full_window(4096, 1), tuple("RGB"))
    assert band_rows(0, 4) == []
    assert convert_in_bands(lambda f: f, empty, bands=4) is empty

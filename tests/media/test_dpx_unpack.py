"""10-bit DPX samples by the compiled unpack (media/dpx_kernel.py through decode_dpx_pixels): every 10-bit code
in every sample position, methods A and B, big- and little-endian words, RGB, RGBA and luma (whose samples run
across words, rows padded to a word), odd widths and the view's reductions, equal to the 16-bit samples the
file holds ((v << 6) | (v >> 4)) and to numpy's unpack."""

from __future__ import annotations

import numpy as np
import pytest

from horus_desktop.media.decode_dpx import DpxHeader, decode_dpx_pixels, unpack_10bit_numpy
from horus_desktop.media.view_size import reduced_pixels

_SHIFTS = {1: (22, 12, 2), 2: (20, 10, 0)}
_DESCRIPTORS = {3: 50, 4: 51, 1: 6}


def _dpx_10bit(codes: np.ndarray, packing: int, endian: str) -> tuple[bytes, DpxHeader]:
    """HxWxC 10-bit codes as a DPX element's bytes (rows of whole words, three samples a word) and its header."""
    h, w, c = codes.shape
    samples = codes.reshape(h, w * c).astype(np.uint32)
    samples = np.pad(samples, ((0, 0), (0, (-samples.shape[1]) % 3))).reshape(h, -1, 3)
    first, second, third = _SHIFTS[packing]
    words = (samples[..., 0] << first) | (samples[..., 1] << second) | (samples[..., 2] << third)
    header = DpxHeader(endian, 0, w, h, _DESCRIPTORS[c], 1, 10, packing, 0, None)
    return words.astype(endian + "u4").tobytes(), header


def _widened(codes: np.ndarray) -> np.ndarray:
    values = codes.astype(np.uint16)
    return (values << 6) | (values >> 4)


def _every_code(h: int, w: int, c: int, seed: int) -> np.ndarray:
    """HxWxC codes holding each of the 1024 codes in every channel (then random ones)."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 1024, size=(h, w, c), dtype=np.uint16)
    flat = codes.reshape(-1, c)
    for channel in range(c):
        flat[:1024, channel] = np.roll(np.arange(1024), 37 * channel)
    return codes


@pytest.mark.parametrize("endian", [">", "<"])
@pytest.mark.parametrize("packing", [1, 2])
@pytest.mark.parametrize(("width", "channels"), [(64, 3), (37, 3), (41, 4), (29, 1), (1, 3)])
def test_every_10bit_code_decodes_to_its_16bit_sample(endian: str, packing: int, width: int, channels: int) -> None:
    codes = _every_code(2048 // width + 1, width, channels, seed=width * channels + packing)
    data, header = _dpx_10bit(codes, packing, endian)
    pixels = decode_dpx_pixels(data, header)
    np.testing.assert_array_equal(pixels, _widened(codes))
    assert pixels.dtype == np.uint16 and pixels.flags.c_contiguous
    assert pixels[codes == 1023].min(initial=65535) == 65535 and pixels[codes == 0].max(initial=0) == 0


@pytest.mark.parametrize("endian", [">", "<"])
@pytest.mark.parametrize("channels", [3, 4])
@pytest.mark.parametrize("factor", [1.375, 2.0, 3.7])
def test_a_10bit_frame_decoded_at_the_views_size_is_the_full_frame_reduced(endian: str, channels: int,
                                                                           factor: float) -> None:
    codes = _every_code(45, 67, channels, seed=7)
    data, header = _dpx_10bit(codes, 1, endian)
    full = decode_dpx_pixels(data, header)
    reduced = decode_dpx_pixels(data, header, reduction=factor)
    np.testing.assert_array_equal(reduced, reduced_pixels(full, factor))
    assert reduced.flags.c_contiguous


@pytest.mark.parametrize("endian", [">", "<"])
def test_the_compiled_unpack_equals_numpys(endian: str) -> None:
    codes = _every_code(96, 160, 3, seed=3)
    data, header = _dpx_10bit(codes, 1, endian)
    words = np.frombuffer(data, dtype=endian + "u4").reshape(96, -1)
    np.testing.assert_array_equal(decode_dpx_pixels(data, header).reshape(96, -1),
                                  unpack_10bit_numpy(words, 1, 160 * 3))

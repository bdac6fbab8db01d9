"""Hostile pixels through the fused colour kernel (media/lut_kernel.py, by BakedView.apply): every half bit
pattern (NaN payloads, +-inf, -0, denormals, 65504) in each channel and all three, RGB and RGBA, float32 bit
patterns of every class, every 8- and 16-bit code; empty, one-pixel, odd-width, strided and transposed frames.
The kernel must give OCIO's LUT codes for the same bake (a code apart on a rounding edge; float32: within a
code of OCIO's float32 path), stay within 2 codes of OCIO's exact processor for values in the chart's range
(0..16 linear), give the alpha of alpha_to_uint8, and never fail on a value or a layout."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from horus_desktop.media.colour import ColourConfig, ViewSettings
from horus_desktop.media.colour_baked import alpha_to_uint8
from horus_desktop.media.colour_bench import code_errors

DISPLAY = "sRGB - Display"
ACES_VIEW = "ACES 2.0 - SDR 100 nits (Rec.709)"
EVERY_HALF = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(np.float16)


@pytest.fixture(scope="module")
def colour() -> ColourConfig:
    return ColourConfig()


def _each_channel(values: np.ndarray, others: np.ndarray) -> np.ndarray:
    """A 1-row image: `values` in red (the others fixed), then in green, then blue, then in all three."""
    blocks = []
    for channel in range(4):
        block = np.tile(others, (len(values), 1))
        if channel < 3:
            block[:, channel] = values
        else:
            block[:] = values[:, None]
        blocks.append(block)
    return np.concatenate(blocks).reshape(1, -1, 3)


def _ocio_lut(baked):  # noqa: ANN001, ANN202
    """The same bake's LUT through OCIO's optimized processor (the path before the kernel), no fallback."""
    return replace(baked, lut4=None, fallback=None, _cpu={})


@pytest.mark.parametrize(("space", "exposure"), [("ACEScg", 0.0), ("ACEScg", -3.0), ("ACEScct", 1.5)])
def test_every_half_bit_pattern_gives_ocios_lut_codes_and_alpha(colour: ColourConfig, space: str,
                                                                 exposure: float) -> None:
    baked = colour.baked_view(ViewSettings(space, DISPLAY, ACES_VIEW, exposure), np.float16, method="lut")
    assert baked.lut4 is not None
    image = _each_channel(EVERY_HALF, np.float16([0.18, 0.5, 0.02]))
    kernel = replace(baked, fallback=None)
    codes = kernel.apply(image)
    # The kernel sums codes + 0.5 by fused multiply-adds, OCIO sums 0..1 values and scales them (its own SIMD
    # path by the CPU): a value on a code's rounding edge may land a code apart (1 of these 262,144 pixels).
    differ = np.abs(codes.astype(np.int16) - _ocio_lut(baked).apply(image)).max(axis=-1)
    assert differ.max() <= 1 and np.count_nonzero(differ) <= 3
    rgba = np.concatenate([image, image[:, :, :1]], axis=2)
    with_alpha = kernel.apply(rgba)
    np.testing.assert_array_equal(with_alpha[:, :, :3], codes)
    np.testing.assert_array_equal(with_alpha[:, :, 3], alpha_to_uint8(rgba[:, :, 3]))
    assert baked.apply(rgba).shape == rgba.shape  # with the exact fallback: no value makes it fail


def test_float32_bit_patterns_of_every_class_are_within_a_code_of_ocios_float32_path(colour: ColourConfig) -> None:
    rng = np.random.default_rng(2026)
    bits = rng.integers(0, 1 << 32, (1, 100_000, 3), dtype=np.uint64).astype(np.uint32)
    specials = np.float32([np.nan, np.inf, -np.inf, -0.0, 1e-45, 1e-40, 65504.0, 65520.0, 1e30, -1e30, 3e-8])
    image = np.concatenate([bits.view(np.float32), _each_channel(specials, np.float32([0.18, 0.5, 0.02]))], axis=1)
    baked = colour.baked_view(ViewSettings("ACEScg", DISPLAY, ACES_VIEW), np.float32, method="lut")
    ours = replace(baked, fallback=None).apply(image).astype(np.int16)
    assert np.abs(ours - _ocio_lut(baked).apply(image)).max() <= 1
    rgba = np.concatenate([image, image[:, :, 2:3]], axis=2)
    with np.errstate(over="ignore", invalid="ignore"):  # the reference's float maths on inf and NaN
        expected = alpha_to_uint8(rgba[:, :, 3])
    np.testing.assert_array_equal(baked.apply(rgba)[:, :, 3], expected)


@pytest.mark.parametrize("exposure", [0.0, 1.5])
def test_every_half_in_the_charts_range_is_within_2_codes_of_the_exact_processor(colour: ColourConfig,
                                                                                 exposure: float) -> None:
    """0..16 linear: -0, the denormals and every half between; and float32 values no half holds."""
    values = EVERY_HALF[np.isfinite(EVERY_HALF) & (EVERY_HALF >= 0) & (EVERY_HALF <= 16)]
    image = _each_channel(values, np.float16([0.18, 0.5, 0.02]))
    settings = ViewSettings("ACEScg", DISPLAY, ACES_VIEW, exposure)
    assert code_errors(colour, settings, image).max() <= 2
    assert code_errors(colour, settings, image.astype(np.float32) * np.float32(1.0001)).max() <= 2


@pytest.mark.parametrize(("space", "dtype"), [("sRGB - Texture", np.uint8), ("sRGB - Texture", np.uint16),
                                              ("ACEScct", np.uint16)])
def test_every_integer_code_is_within_2_codes_of_the_exact_processor(colour: ColourConfig, space: str,
                                                                     dtype: type) -> None:
    top = np.iinfo(dtype).max
    image = _each_channel(np.arange(top + 1, dtype=np.int64).astype(dtype),
                          np.array([top // 5, top // 2, top // 9], dtype))
    assert code_errors(colour, ViewSettings(space, DISPLAY, ACES_VIEW), image).max() <= 2


def _specials(dtype: type, shape: tuple[int, int, int]) -> np.ndarray:
    if np.dtype(dtype).kind == "f":
        values = np.array([np.nan, np.inf, -np.inf, -1.0, -0.0, 6e-8, 1e-40, 0.18, 1.0, 65504.0, 1e30, 7e4])
        with np.errstate(all="ignore"):
            return np.resize(values, shape).astype(dtype)
    top = np.iinfo(dtype).max
    return np.resize(np.array([0, 1, top // 2, top], dtype), shape)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.uint16, np.uint8])
@pytest.mark.parametrize("shape", [(0, 0, 3), (0, 5, 4), (1, 1, 3), (1, 1, 4), (3, 7, 3), (5, 3, 4), (2, 1, 3)])
def test_any_frame_layout_gives_the_contiguous_frames_codes(colour: ColourConfig, dtype: type,
                                                            shape: tuple[int, int, int]) -> None:
    """Empty, one pixel, odd widths, every other column of a wider frame, transposed: the same codes as a
    C-contiguous copy, of the frame's shape."""
    baked = colour.baked_view(ViewSettings("ACEScg", DISPLAY, ACES_VIEW), np.dtype(dtype))
    frame = _specials(dtype, shape)
    codes = baked.apply(frame)
    assert codes.shape == shape and codes.dtype == np.uint8
    wide = np.repeat(frame, 2, axis=1)
    for view in (wide[:, ::2], frame.transpose(1, 0, 2), frame[::-1, ::-1]):
        np.testing.assert_array_equal(baked.apply(view), baked.apply(np.ascontiguousarray(view)))

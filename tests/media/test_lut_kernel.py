"""The fused CPU colour kernel (media/lut_kernel.py) computes what OCIO's optimized processor computes from the
same baked LUT, code for code, and sends to the exact processor the pixels interpolated in a creased cell:
for half, 16-bit and 8-bit pixels, RGB and RGBA, at several exposures. The 2-code bound itself is
tests/media/test_colour_accuracy.py's (it runs through the kernel)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from horus_desktop.media.colour import ColourConfig, ViewSettings
from horus_desktop.media.colour_bench import acescg_chart
from horus_desktop.media.display import at_view_size, cpu_convert
from horus_desktop.media.frames import Frame, full_window
from horus_desktop.media.lut_kernel import LANES, apply_tables
from horus_desktop.media.view_size import reduce_for_view, reduced_size, view_reduction

DISPLAY = "sRGB - Display"
ACES_VIEW = "ACES 2.0 - SDR 100 nits (Rec.709)"


@pytest.fixture(scope="module")
def colour() -> ColourConfig:
    return ColourConfig()


def chart_image(dtype: type) -> np.ndarray:
    """The ACEScg chart (half), or random codes of an integer type, as a 1-row image, with NaN/inf mixed in."""
    if dtype == np.float32:
        return chart_image(np.float16).astype(np.float32)
    if dtype == np.float16:
        chart = acescg_chart()
        specials = np.array([[np.nan, 0.5, 1.0], [np.inf, 0.0, 0.2], [-np.inf, 2.0, 65504.0], [-1.0, 0.1, 3.0]],
                            np.float16)
        return np.concatenate([chart, specials]).reshape(1, -1, 3)
    rng = np.random.default_rng(7)
    return rng.integers(0, np.iinfo(dtype).max + 1, (1, 60_000, 3)).astype(dtype)


def ocio_lut(baked):  # noqa: ANN001, ANN201
    """The same bake's LUT run by OCIO's optimized processor, without the exact fallback."""
    return replace(baked, lut4=None, fallback=None, _cpu={})


def bits_of(image: np.ndarray) -> np.ndarray:
    return image.view(np.uint16) if image.dtype == np.float16 else image


@pytest.mark.parametrize("exposure", [0.0, 1.5, -2.0])
def test_half_pixels_give_ocios_lut_codes(colour: ColourConfig, exposure: float) -> None:
    settings = ViewSettings("ACEScg", DISPLAY, ACES_VIEW, exposure)
    image = chart_image(np.float16)
    baked = colour.baked_view(settings, image.dtype, method="lut")
    assert baked.lut4 is not None
    ours, ocios = replace(baked, fallback=None).apply(image), ocio_lut(baked).apply(image)
    # OCIO picks its SIMD path by the CPU (on an AVX-512 machine its sums round differently): a value on a
    # code's rounding edge may land a code apart (1 of the 124,000 chart pixels at +1.5 stops there).
    differ = np.abs(ours.astype(np.int16) - ocios).max(axis=-1)
    assert differ.max() <= 1 and np.count_nonzero(differ) <= 3


@pytest.mark.parametrize("dtype", [np.uint16, np.uint8])
def test_integer_pixels_give_ocios_lut_codes(colour: ColourConfig, dtype: type) -> None:
    settings = ViewSettings("ACEScg", DISPLAY, ACES_VIEW)
    image = chart_image(dtype)
    baked = colour.baked_view(settings, image.dtype, method="lut")
    ours, ocios = replace(baked, fallback=None).apply(image), ocio_lut(baked).apply(image)
    # OCIO scales integer codes to 0..1 in float32, the kernel's tables in float64: a LUT position may round
    # the other way, a code apart at most (a handful of 60,000 pixels).
    differ = np.abs(ours.astype(np.int16) - ocios).max(axis=-1)
    assert differ.max() <= 1 and np.count_nonzero(differ) <= 10


@pytest.mark.parametrize(("dtype", "exposure"), [(np.float16, 0.0), (np.float16, 1.5), (np.uint16, 0.0),
                                                 (np.uint8, 0.0)])
def test_flagged_pixels_are_those_interpolated_in_a_creased_cell(colour: ColourConfig, dtype: type,
                                                                  exposure: float) -> None:
    """The pixels sent to the exact processor: those whose LUT cell (as the kernel's own tables place them,
    looked up here in numpy) is creased; among the OCIO path's, which widens positions by a margin."""
    settings = ViewSettings("ACEScg", DISPLAY, ACES_VIEW, exposure)
    image = chart_image(dtype)
    baked = colour.baked_view(settings, image.dtype, method="lut")
    tables = baked.kernel_tables(image.dtype)
    _, flagged = apply_tables(tables, bits_of(image), check=True)
    rows = tables.rows.reshape(-1, 4)[bits_of(image).reshape(-1, 3)]  # pixel x channel x row
    strides = (LANES * tables.size * tables.size, LANES * tables.size, LANES)
    cells = [rows[:, axis, axis] // stride for axis, stride in enumerate(strides)]
    expected = np.flatnonzero(baked.creased[cells[0], cells[1], cells[2]])
    assert len(expected) > 100
    np.testing.assert_array_equal(flagged, expected)
    assert np.isin(flagged, baked.fallback_pixels(image)).all()
    np.testing.assert_array_equal(apply_tables(tables, bits_of(image), check=False)[1], np.empty(0, np.intp))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.uint16, np.uint8])
def test_rgba_gives_the_rgb_codes_and_alpha_as_alpha_to_uint8(colour: ColourConfig, dtype: type) -> None:
    settings = ViewSettings("ACEScg", DISPLAY, ACES_VIEW)
    rgb = chart_image(dtype)[:, :20_000]
    rng = np.random.default_rng(3)
    if dtype in (np.float16, np.float32):
        alpha = rng.choice(np.array([0.0, 0.25, 1.0, np.nan, np.inf, -1.0], dtype), rgb.shape[:2] + (1,))
        alpha[::7] = rng.random(alpha[::7].shape)  # any value: a float32 alpha is not rounded to a half first
    else:
        alpha = rng.integers(0, np.iinfo(dtype).max + 1, rgb.shape[:2] + (1,)).astype(dtype)
    rgba = np.concatenate([rgb, alpha], axis=2)
    baked = colour.baked_view(settings, rgb.dtype, method="lut")
    out = baked.apply(rgba)
    np.testing.assert_array_equal(out[:, :, 3], ocio_lut(baked).apply(rgba)[:, :, 3])
    np.testing.assert_array_equal(out[:, :, :3], baked.apply(rgb))


def test_bands_of_a_frame_give_the_frame(colour: ColourConfig) -> None:
    """Each pixel on its own: a frame coloured whole equals it coloured in pieces (banded.py's threads)."""
    settings = ViewSettings("ACEScg", DISPLAY, ACES_VIEW, 0.5)
    image = chart_image(np.float16)[:, :99_000].reshape(99, 1000, 3)
    baked = colour.baked_view(settings, image.dtype, method="lut")
    whole = baked.apply(image)
    np.testing.assert_array_equal(np.concatenate([baked.apply(image[:40]), baked.apply(image[40:])]), whole)


@pytest.mark.parametrize("shape", [(0, 5, 3), (5, 0, 4), (1, 1, 3), (1, 1, 4), (3, 7, 3)])
def test_empty_and_tiny_frames(colour: ColourConfig, shape: tuple[int, int, int]) -> None:
    """No pixel, or a last pixel whose 4-byte store reaches past the frame: the output is the frame's own."""
    settings = ViewSettings("ACEScg", DISPLAY, ACES_VIEW)
    pixels = np.resize(acescg_chart()[::97], shape[:2] + (3,)).astype(np.float16)
    if shape[2] == 4:
        pixels = np.concatenate([pixels, np.full(shape[:2] + (1,), 0.5, np.float16)], axis=2)
    baked = colour.baked_view(settings, pixels.dtype, method="lut")
    out = baked.apply(pixels)
    assert out.shape == shape and out.dtype == np.uint8 and out.flags.c_contiguous
    if out.size:  # OCIO refuses an image with no pixels
        np.testing.assert_array_equal(out, replace(baked, lut4=None, _cpu={}).apply(pixels))


def test_repeated_colours_sent_to_the_exact_processor_get_the_same_codes(colour: ColourConfig) -> None:
    """A picture repeating its saturated colours (tens of thousands of pixels for the exact processor, few
    distinct) gives the codes each of its rows gives alone (rows too small to be sorted into distinct
    colours first)."""
    settings = ViewSettings("ACEScg", DISPLAY, ACES_VIEW, 1.5)
    chart = chart_image(np.float16)
    baked = colour.baked_view(settings, chart.dtype, method="lut")
    _, flagged = apply_tables(baked.kernel_tables(chart.dtype), chart.view(np.uint16), check=True)
    strip = chart.reshape(-1, 3)[flagged[:500]]
    rng = np.random.default_rng(5)
    image = strip[rng.integers(0, len(strip), (64, 1000))]  # 64,000 pixels, 500 colours
    whole = baked.apply(image)
    rows = np.concatenate([baked.apply(image[i:i + 1]) for i in range(len(image))])
    np.testing.assert_array_equal(whole, rows)


def test_float32_pixels_are_looked_up_by_the_half_they_round_to(colour: ColourConfig) -> None:
    """float32 goes through the half tables (one F16C conversion a channel): its LUT codes are its half's, within
    a code of OCIO's float32 path (which keeps the float's precision), and the whole step within 2 codes of
    the exact processor on values no half can hold."""
    from horus_desktop.media.colour_bench import exact_codes

    settings = ViewSettings("ACEScg", DISPLAY, ACES_VIEW, 1.5)
    rng = np.random.default_rng(11)
    chart = chart_image(np.float16)[:, :-4].astype(np.float32)
    jittered = (chart * (1 + rng.normal(0, 1e-3, chart.shape))).astype(np.float32)
    single = colour.baked_view(settings, np.dtype(np.float32), method="lut")
    half = colour.baked_view(settings, np.dtype(np.float16), method="lut")
    np.testing.assert_array_equal(replace(single, fallback=None).apply(jittered),
                                  replace(half, fallback=None).apply(jittered.astype(np.float16)))
    out = single.apply(jittered)
    assert np.abs(out.astype(np.int16) - replace(single, lut4=None, _cpu={}).apply(jittered)).max() <= 1
    assert np.abs(out.astype(np.int16) - exact_codes(colour, settings, jittered)).max() <= 2


_PRELOAD_THEN_FRAMES = """
from horus_desktop.media import lut_kernel
from horus_desktop.media.colour import BUILTIN_CONFIG, ColourConfig
from horus_desktop.media.kernel_warmup import _tiny_frame
import numpy as np

lut_kernel.preload()
loaded = lut_kernel.cache_counts()
colour = ColourConfig(BUILTIN_CONFIG)
for dtype in (np.float16, np.uint16):
    is_float = np.dtype(dtype).kind == "f"
    settings = colour.default_settings("scene_linear" if is_float else "sRGB - Texture", is_float=is_float)
    for channels in (3, 4):
        view = colour.baked_view(settings, np.dtype(dtype), method="lut")
        view.apply(_tiny_frame(dtype, channels))
        view.apply(_tiny_frame(dtype, channels), (np.arange(0, 4, 2), np.arange(0, 4, 3)))  # at a view's size
print(sum(loaded), lut_kernel.cache_counts() == loaded)
"""


def test_the_preload_loads_the_version_half_and_16_bit_frames_use() -> None:
    """What the decode processes' fork server loads (media/kernel_preload.py) is what their half and 16-bit
    frames run, whole and at a view's size (two versions): they load or compile nothing more (else the preload
    would be wasted work)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _PRELOAD_THEN_FRAMES], capture_output=True, text=True,
                          timeout=300, check=True)
    assert done.stdout.split() == ["2", "True"], done.stderr


@pytest.mark.parametrize("factor", [1.375, 2, 3.25])
@pytest.mark.parametrize("channels", [3, 4])
@pytest.mark.parametrize("dtype", [np.float16, np.uint16, np.uint8, np.float32])
def test_a_frame_coloured_at_the_view_size_in_one_pass_is_the_frame_reduced_then_coloured(
        colour: ColourConfig, dtype: type, channels: int, factor: float) -> None:
    """While playing, the colour step reads the pixels the view keeps where they are (no reduced copy): the
    same codes as reducing first, the exact processor's pixels on creased cells included."""
    settings = ViewSettings("ACEScg", DISPLAY, ACES_VIEW, 0.5)
    image = chart_image(dtype)[:, :60_000].reshape(60, 1000, 3)
    if channels == 4:
        alpha = np.linspace(0, 1, image.shape[0] * image.shape[1]).reshape(image.shape[:2] + (1,)).astype(dtype) \
            if np.dtype(dtype).kind == "f" else image[:, :, :1][:, ::-1]
        image = np.ascontiguousarray(np.concatenate([image, alpha], axis=2))
    cpu = cpu_convert(colour, settings)
    frame = _frame(image)
    one_pass = at_view_size(cpu, factor)(frame)
    reduced_first = cpu(reduce_for_view(frame, factor))
    assert view_reduction(one_pass) == view_reduction(reduced_first) == (factor, (1000, 60))
    assert one_pass.pixels.shape == (reduced_size(60, factor), reduced_size(1000, factor), channels)
    np.testing.assert_array_equal(one_pass.pixels, reduced_first.pixels)


@pytest.mark.parametrize("pixels", [
    np.ones((9, 11), np.float16),  # grey: made RGB first
    np.ones((12, 10, 3), np.float16)[:, ::2],  # not contiguous
    np.ones((9, 11, 3), np.float64),  # a type the view does not take as it is
])
def test_frames_the_one_pass_cannot_read_in_place_are_reduced_first(colour: ColourConfig,
                                                                    pixels: np.ndarray) -> None:
    settings = ViewSettings("ACEScg", DISPLAY, ACES_VIEW)
    cpu = cpu_convert(colour, settings)
    frame = _frame(pixels)
    np.testing.assert_array_equal(at_view_size(cpu, 1.5)(frame).pixels, cpu(reduce_for_view(frame, 1.5)).pixels)


def _frame(pixels: np.ndarray) -> Frame:
    window = full_window(pixels.shape[1], pixels.shape[0])
    return Frame(pixels, 1, "ACEScg", window, window, ("R", "G", "B", "A")[: pixels.shape[2] if pixels.ndim == 3 else 1])

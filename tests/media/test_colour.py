"""The CPU colour path against OCIO's own exact processor.

Tolerance (8-bit display codes): the baked view (97^3 LUT over the ACEScct shaper, with the exact processor
for the colours whose LUT cell straddles a crease of the view) is within 2 codes everywhere, on a linearised
test frame and on grey-ish scene-linear values over 16 stops, with exposure and gamma; the whole ACEScg cube
is held to the same bound in test_colour_accuracy.py.
"""

from __future__ import annotations

import numpy as np
import PyOpenColorIO as ocio
import pytest

from horus_desktop.media.colour import ColourConfig, ViewSettings, passes_through
from horus_desktop.media.synthetic import draw_test_frame, srgb_to_linear_half

ACES_VIEW = "ACES 2.0 - SDR 100 nits (Rec.709)"
VIDEO_VIEW = "Video (colorimetric)"
DISPLAY = "sRGB - Display"


@pytest.fixture(scope="module")
def colour() -> ColourConfig:
    return ColourConfig()


def exact_codes(colour: ColourConfig, settings: ViewSettings, pixels: np.ndarray) -> np.ndarray:
    values = pixels.astype(np.float32).copy()
    colour.exact_processor(settings).getDefaultCPUProcessor().applyRGB(values)
    return np.clip(np.round(values * 255.0), 0, 255).astype(np.int16)


def frame_2k_like() -> np.ndarray:
    return srgb_to_linear_half(draw_test_frame(7, (256, 144)))


def greyish() -> np.ndarray:
    rng = np.random.default_rng(5)
    level = np.exp2(rng.uniform(-10, 6, (64, 128, 1)))
    return (level * rng.uniform(0.8, 1.2, (64, 128, 3))).astype(np.float16)


@pytest.mark.parametrize(("exposure", "gamma"), [(0.0, 1.0), (-1.0, 2.2), (1.5, 1.0)])
def test_aces_view_baked_lut_matches_exact(colour: ColourConfig, exposure: float, gamma: float) -> None:
    settings = ViewSettings("ACEScg", DISPLAY, ACES_VIEW, exposure, gamma)
    baked = colour.baked_view(settings, np.dtype(np.float16), method="lut")
    assert baked.method == "lut3d"
    for pixels in (frame_2k_like(), greyish()):
        out = baked.apply(pixels)
        assert out.dtype == np.uint8 and out.shape == pixels.shape
        diff = np.abs(out.astype(np.int16) - exact_codes(colour, settings, pixels))
        assert diff.max() <= 2


def test_video_view_lut_on_greyish_and_exact_method(colour: ColourConfig) -> None:
    settings = ViewSettings("ACEScg", DISPLAY, VIDEO_VIEW)
    pixels = greyish()
    lut = colour.baked_view(settings, np.dtype(np.float16), method="lut").apply(pixels)
    assert np.abs(lut.astype(np.int16) - exact_codes(colour, settings, pixels)).max() <= 2
    frame = frame_2k_like()
    exact = colour.baked_view(settings, np.dtype(np.float16), method="exact").apply(frame)
    assert np.abs(exact.astype(np.int16) - exact_codes(colour, settings, frame)).max() <= 1


def test_rgba_keeps_alpha_and_uint16_sources(colour: ColourConfig) -> None:
    settings = ViewSettings("ACEScg", DISPLAY, ACES_VIEW)
    rgba = np.concatenate([frame_2k_like(), np.full((144, 256, 1), 0.5, np.float16)], axis=2)
    out = colour.to_display(rgba, settings)
    assert out.shape == (144, 256, 4) and np.all(np.abs(out[:, :, 3].astype(int) - 128) <= 1)
    srgb16 = (draw_test_frame(3, (64, 36)).astype(np.uint16) * 257)
    settings16 = ViewSettings("sRGB Encoded Rec.709 (sRGB)", DISPLAY, VIDEO_VIEW)
    out16 = colour.to_display(srgb16, settings16)
    diff = np.abs(out16.astype(np.int16) - exact_codes(colour, settings16, srgb16 / 65535.0))
    assert out16.dtype == np.uint8 and np.percentile(diff, 99.9) <= 2


def test_8bit_srgb_on_srgb_display_passes_through(colour: ColourConfig) -> None:
    pixels = draw_test_frame(1, (64, 36))
    settings = ViewSettings("sRGB Encoded Rec.709 (sRGB)", DISPLAY, ACES_VIEW)
    assert passes_through(pixels, settings)
    assert colour.to_display(pixels, settings) is pixels
    assert not passes_through(pixels, ViewSettings(settings.colour_space, DISPLAY, ACES_VIEW, exposure=1.0))


def test_config_lists_displays_views_and_resolves_names(colour: ColourConfig, monkeypatch) -> None:
    assert DISPLAY in colour.displays() and ACES_VIEW in colour.views(DISPLAY)
    assert colour.resolve_colour_space("no such space", is_float=True) == "ACEScg"
    assert colour.resolve_colour_space("ACEScct", is_float=True) == "ACEScct"
    monkeypatch.setenv("OCIO", "ocio://cg-config-latest")
    assert ColourConfig().path == "ocio://cg-config-latest"
    assert ColourConfig("ocio://studio-config-latest").path == "ocio://studio-config-latest"


def test_gpu_recipe_has_shader_textures_and_dynamic_uniforms(colour: ColourConfig) -> None:
    recipe = colour.gpu_recipe("ACEScg", DISPLAY, ACES_VIEW)
    assert recipe is colour.gpu_recipe("ACEScg", DISPLAY, ACES_VIEW)
    assert recipe.function_name in recipe.shader_text and "texture" in recipe.shader_text
    assert recipe.textures and all(t.values.dtype == np.float32 for t in recipe.textures)
    assert all(t.values.size == t.width * t.height * max(t.depth, 1) * t.channels for t in recipe.textures)
    values = recipe.uniform_values(exposure=1.0, gamma=2.0)
    assert values[recipe.exposure_uniform] == 1.0 and values[recipe.gamma_uniform] == 0.5


def test_gpu_uniform_values_mean_what_the_cpu_bake_means(colour: ColourConfig) -> None:
    """The dynamic processor set to the recipe's uniform values gives the static processor's result."""
    settings = ViewSettings("ACEScg", DISPLAY, VIDEO_VIEW, exposure=1.25, gamma=1.8)
    recipe = colour.gpu_recipe("ACEScg", DISPLAY, VIDEO_VIEW)
    values = recipe.uniform_values(settings.exposure, settings.gamma)
    dynamic = colour.exact_processor(settings, dynamic=True).getDefaultCPUProcessor()
    dynamic.getDynamicProperty(ocio.DYNAMIC_PROPERTY_EXPOSURE).setDouble(values[recipe.exposure_uniform])
    dynamic.getDynamicProperty(ocio.DYNAMIC_PROPERTY_GAMMA).setDouble(values[recipe.gamma_uniform])
    pixels = greyish().astype(np.float32)
    a, b = pixels.copy(), pixels.copy()
    dynamic.applyRGB(a)
    colour.exact_processor(settings).getDefaultCPUProcessor().applyRGB(b)
    np.testing.assert_allclose(a, b, atol=1e-4)


@pytest.mark.parametrize(("view", "exposure", "gamma"), [(ACES_VIEW, 0.0, 1.0), (ACES_VIEW, 1.5, 1.0),
                                                         (ACES_VIEW, -1.0, 2.2), (VIDEO_VIEW, 0.0, 1.0)])
@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_nan_and_infinite_pixels_show_black_or_white(colour: ColourConfig, view: str, exposure: float, gamma: float,
                                                     dtype: type) -> None:
    """A damaged or over-range float frame still shows: NaN as black, +inf as white, -inf as black, and every
    mix of them with ordinary values in the other channels gives a display colour, the same each time."""
    settings = ViewSettings("ACEScg", DISPLAY, view, exposure, gamma)
    special = np.array([[np.nan] * 3, [np.inf] * 3, [-np.inf] * 3], dtype=dtype)
    values = [np.nan, np.inf, -np.inf, 0.0, 0.18, 1.0, 16.0, 65504.0, -65504.0]
    mixed = np.array([[r, g, b] for r in values for g in values for b in values], dtype=dtype)
    pixels = np.resize(np.concatenate([special, mixed]), (48 * 64, 3)).reshape(48, 64, 3)
    out = colour.to_display(pixels, settings)
    assert out.dtype == np.uint8 and out.shape == pixels.shape
    assert out.reshape(-1, 3)[:3].tolist() == [[0, 0, 0], [255, 255, 255], [0, 0, 0]]
    np.testing.assert_array_equal(colour.to_display(pixels.copy(), settings), out)
    alpha = np.resize(np.array([np.nan, np.inf, -np.inf, 0.5], dtype=dtype), (48, 64, 1))
    rgba = colour.to_display(np.concatenate([pixels, alpha], axis=2), settings)
    np.testing.assert_array_equal(rgba[:, :, :3], out)
    assert rgba[0, :4, 3].tolist() == [0, 255, 0, 128]


@pytest.mark.parametrize("method", ["exact", "lut"])
def test_infinite_pixels_show_white_whichever_way_the_view_is_run(colour: ColourConfig, method: str) -> None:
    """A cheap view may keep OCIO's exact processor instead of a bake ("auto", timed on the machine): +inf is
    white and NaN black there too, as through the LUT."""
    settings = ViewSettings("ACEScg", DISPLAY, VIDEO_VIEW)
    pixels = np.resize(np.array([[np.nan] * 3, [np.inf] * 3, [-np.inf] * 3], np.float16), (48, 64, 3))
    out = colour.baked_view(settings, pixels.dtype, method).apply(pixels)
    assert out.reshape(-1, 3)[:3].tolist() == [[0, 0, 0], [255, 255, 255], [0, 0, 0]]

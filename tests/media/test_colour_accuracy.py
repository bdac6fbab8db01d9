"""The accuracy bound of the CPU colour path: on a generated ACEScg chart (a dense grid of the AP1 cube from 0
to 16 linear, its saturated edges and the neutral axis), the baked view is within 2 display codes of OCIO's
exact processor everywhere. Exact arithmetic on fixed inputs, so the bound is asserted as it is."""

from __future__ import annotations

import numpy as np
import pytest

from horus_desktop.media.colour import ColourConfig, ViewSettings
from horus_desktop.media.colour_bench import CHART_MAX, acescg_chart, code_errors, exact_codes, integer_chart

DISPLAY = "sRGB - Display"
ACES_VIEW = "ACES 2.0 - SDR 100 nits (Rec.709)"


@pytest.fixture(scope="module")
def colour() -> ColourConfig:
    return ColourConfig()


@pytest.fixture(scope="module")
def chart() -> np.ndarray:
    return acescg_chart()


def test_chart_spans_the_ap1_cube_with_its_corners_and_neutral_axis(chart: np.ndarray) -> None:
    values = chart.astype(np.float32)
    assert values.min() == 0.0 and values.max() == CHART_MAX
    corners = {tuple(v) for v in values[np.all((values == 0) | (values == CHART_MAX), axis=1)]}
    assert len(corners) == 8  # black, white, the primaries and secondaries at 16
    grey = values[(values[:, 0] == values[:, 1]) & (values[:, 1] == values[:, 2])]
    assert len(np.unique(grey[:, 0])) > 1000


@pytest.mark.parametrize(("display", "view", "exposure", "gamma"), [
    (DISPLAY, ACES_VIEW, 0.0, 1.0), (DISPLAY, ACES_VIEW, 1.5, 1.0), (DISPLAY, ACES_VIEW, -1.0, 2.2),
    (DISPLAY, "Video (colorimetric)", 0.0, 1.0),
    ("Rec.1886 Rec.709 - Display", ACES_VIEW, 0.0, 1.0),  # a power-curve encoding: steep from black
    ("Display P3 - Display", "ACES 2.0 - SDR 100 nits (P3 D65)", 0.0, 1.0),
])
def test_baked_view_is_within_2_codes_of_the_exact_processor(
    colour: ColourConfig, chart: np.ndarray, display: str, view: str, exposure: float, gamma: float
) -> None:
    settings = ViewSettings("ACEScg", display, view, exposure, gamma)
    errors = code_errors(colour, settings, chart, method="lut")
    worst = int(errors.argmax())
    assert errors.max() <= 2, f"{errors.max()} codes at ACEScg {chart[worst].tolist()}"


def test_the_lut_alone_misses_saturated_colours_the_fallback_catches(colour: ColourConfig, chart: np.ndarray) -> None:
    """Without the exact fallback the LUT rounds off the view's gamut-compression creases: tens of codes."""
    from dataclasses import replace

    settings = ViewSettings("ACEScg", DISPLAY, ACES_VIEW)
    baked = colour.baked_view(settings, chart.dtype, method="lut")
    image = chart.reshape(1, -1, 3)
    lut_only = replace(baked, fallback=None, _cpu={}).apply(image).reshape(-1, 3).astype(np.int16)
    errors = np.abs(lut_only - exact_codes(colour, settings, chart)).max(axis=1)
    assert errors.max() > 10
    missed = np.flatnonzero(errors > 2)
    assert np.isin(missed, baked.fallback_pixels(image)).all()


def test_float32_and_rgba_sources_keep_the_bound(colour: ColourConfig, chart: np.ndarray) -> None:
    settings = ViewSettings("ACEScg", DISPLAY, ACES_VIEW)
    rgb = chart[::7].astype(np.float32).reshape(1, -1, 3)
    rgba = np.concatenate([rgb, np.ones(rgb.shape[:2] + (1,), np.float32)], axis=2)
    out = colour.to_display(rgba, settings)
    assert out.shape == rgba.shape and np.all(out[:, :, 3] == 255)
    assert np.abs(out[:, :, :3].astype(np.int16) - exact_codes(colour, settings, rgb)).max() <= 2


@pytest.mark.parametrize(("space", "bits", "exposure"), [
    ("ACEScg", 16, 0.0), ("ACEScg", 16, 1.5), ("Linear Rec.709 (sRGB)", 16, 1.5),  # a 16-bit linear TIFF
    ("sRGB Encoded Rec.709 (sRGB)", 16, 0.0), ("sRGB Encoded Rec.709 (sRGB)", 16, 1.5),
    ("ADX10", 10, 0.0), ("ACEScct", 10, 0.0), ("ACEScct", 10, -1.0),  # 10-bit log DPX
])
def test_integer_sources_keep_the_bound(colour: ColourConfig, space: str, bits: int, exposure: float) -> None:
    """16-bit and 10-bit sources in their usual colour spaces (all inside AP1; linear ones within 0..1) are within
    2 codes of the exact processor: scene-linear integers go through the log shaper as half floats do."""
    settings = ViewSettings(space, DISPLAY, ACES_VIEW, exposure)
    pixels = integer_chart(bits)
    errors = code_errors(colour, settings, pixels, method="lut")
    worst = int(errors.argmax())
    assert errors.max() <= 2, f"{errors.max()} codes at {space} code {pixels[worst].tolist()}"

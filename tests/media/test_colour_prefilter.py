"""The CPU colour path's pre-filter (tiles of the LUT's own 8-bit output checked against the output codes a
creased LUT cell can give) never lets a pixel skip the exact processor that the full per-pixel look-up would
send to it, so the 2-code bound holds through the fast path too.

The images are what the pre-filter is for: mostly ordinary picture (a linearised test frame, ragged in both
directions against the tiles) with blocks of the ACEScg chart's colours and scattered single pixels of
saturated and random colours, so most tiles are skipped and the hard colours sit in tiles of their own or
alone among ordinary pixels."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from horus_desktop.media.colour import ColourConfig, ViewSettings
from horus_desktop.media.colour_baked import TILE, prefilter_tiles
from horus_desktop.media.colour_bench import acescg_chart, exact_codes
from horus_desktop.media.synthetic import draw_test_frame, srgb_to_linear_half

DISPLAY = "sRGB - Display"
ACES_VIEW = "ACES 2.0 - SDR 100 nits (Rec.709)"
WIDTH, HEIGHT = 517, 603  # not multiples of the tile: the ragged edge is exercised
BLOCK = (160, 176)  # rows x columns of chart colours per image, at an offset off the tile grid


@pytest.fixture(scope="module")
def colour() -> ColourConfig:
    return ColourConfig()


def saturated_and_random(count: int, rng: np.random.Generator) -> np.ndarray:
    """ACEScg colours 0..16: one or two channels at or near 0 (outside the display gamut), and uniform in
    log2 over the cube."""
    level = np.exp2(rng.uniform(-12.0, 4.0, (count, 3)))
    zeroed = rng.random((count, 3)) < 0.4
    level[zeroed] = rng.choice([0.0, 1e-4, 1e-3], size=int(zeroed.sum()))
    return np.minimum(level, 16.0)


def mixed_images(chart: np.ndarray) -> list[np.ndarray]:
    """Half-float ACEScg images covering the whole chart in blocks, with scattered hard pixels."""
    rng = np.random.default_rng(14)
    background = srgb_to_linear_half(draw_test_frame(3, (WIDTH, HEIGHT)))
    per_image = BLOCK[0] * BLOCK[1]
    images = []
    for start in range(0, len(chart), per_image):
        image = background.copy()
        block = np.resize(chart[start:start + per_image], (per_image, 3)).reshape(*BLOCK, 3)
        image[37:37 + BLOCK[0], 141:141 + BLOCK[1]] = block
        spots = rng.choice(HEIGHT * WIDTH, 100, replace=False)
        image.reshape(-1, 3)[spots] = saturated_and_random(len(spots), rng).astype(np.float16)
        images.append(image)
    return images


@pytest.fixture(scope="module")
def images() -> list[np.ndarray]:
    return mixed_images(acescg_chart())


@pytest.mark.parametrize(("display", "view", "exposure", "gamma"), [
    (DISPLAY, ACES_VIEW, 0.0, 1.0), (DISPLAY, ACES_VIEW, 1.5, 1.0), (DISPLAY, ACES_VIEW, -1.0, 2.2),
    (DISPLAY, "Video (colorimetric)", 0.0, 1.0),
    ("Rec.1886 Rec.709 - Display", ACES_VIEW, 0.0, 1.0),
    ("Display P3 - Display", "ACES 2.0 - SDR 100 nits (P3 D65)", 0.0, 1.0),
])
def test_prefilter_sends_every_creased_pixel_to_the_exact_processor(
    colour: ColourConfig, images: list[np.ndarray], display: str, view: str, exposure: float, gamma: float
) -> None:
    settings = ViewSettings("ACEScg", display, view, exposure, gamma)
    baked = colour.baked_view(settings, np.dtype(np.float16), method="lut")
    lut_only = replace(baked, fallback=None, _cpu={})
    th, tw = TILE
    for image in images:
        out = lut_only.apply(image)
        full = np.sort(baked.fallback_pixels(image))
        assert full.size  # the hard colours are there
        # Every pixel the full look-up sends to the exact processor is in a tile the pre-filter keeps (asked
        # never to give up here) or in the ragged edge it leaves to the full look-up, and its own output code
        # is one a creased cell can give.
        hit_rows, hit_cols = prefilter_tiles(out, baked.crease_outputs[0], max_share=1.0)
        kept = np.zeros((HEIGHT // th + 1, WIDTH // tw + 1), dtype=bool)
        kept[hit_rows, hit_cols] = True
        kept[HEIGHT // th, :] = kept[:, WIDTH // tw] = True
        rows, cols = np.divmod(full, WIDTH)
        assert kept[rows // th, cols // tw].all()
        flags = baked.crease_outputs[1]
        side = round(flags.size ** (1 / 3))  # output bins a channel
        bins = out.reshape(-1, 3)[full].astype(np.intp) // (256 // side)
        assert flags[(bins[:, 0] * side + bins[:, 1]) * side + bins[:, 2]].all()
        assert kept[:HEIGHT // th, :WIDTH // tw].mean() < 1.0  # ...and it does skip tiles
        # So the fast path finds the same pixels, and the colour step keeps the bound through it.
        assert np.array_equal(np.sort(baked.fallback_pixels(image, out)), full)
        errors = np.abs(baked.apply(image).astype(np.int16) - exact_codes(colour, settings, image)).max(axis=-1)
        worst = np.unravel_index(int(errors.argmax()), errors.shape)
        assert errors.max() <= 2, f"{errors.max()} codes at ACEScg {image[worst].tolist()}"


@pytest.mark.parametrize(("display", "view", "exposure", "gamma"), [
    (DISPLAY, ACES_VIEW, 0.0, 1.0), (DISPLAY, ACES_VIEW, -1.0, 2.2),
])
def test_an_rgba_frame_shows_the_colours_of_its_rgb_and_keeps_its_alpha(
    colour: ColourConfig, images: list[np.ndarray], display: str, view: str, exposure: float, gamma: float
) -> None:
    """RGBA goes through OCIO and the pre-filter as RGBA (no RGB copy): the same display colours, pixel for
    pixel, as the frame's RGB alone (creased pixels included), and alpha as 0-255 (NaN alpha 0)."""
    settings = ViewSettings("ACEScg", display, view, exposure, gamma)
    rng = np.random.default_rng(3)
    for image in images[:3]:
        alpha = rng.random(image.shape[:2] + (1,)).astype(np.float16)
        alpha[0, :3, 0] = [np.nan, 1.0, 0.0]
        shown = colour.to_display(np.concatenate([image, alpha], axis=2), settings)
        assert shown.shape == image.shape[:2] + (4,)
        np.testing.assert_array_equal(shown[:, :, :3], colour.to_display(image, settings))
        expected = np.clip(np.nan_to_num(alpha[:, :, 0].astype(np.float32), nan=0.0) * 255.0 + 0.5, 0, 255)
        np.testing.assert_array_equal(shown[:, :, 3], expected.astype(np.uint8))

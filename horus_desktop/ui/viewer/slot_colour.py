"""An opened media slot (A or B) and the colour conversions of its frames: the CPU path's baked view and
channel isolation in the decode workers, the GL path's shader recipe (with the pass-through rule mirrored)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from fractions import Fraction

import numpy as np

from horus_desktop.domain.records import MediaRecord
from horus_desktop.media.colour import ColourConfig, GpuShaderRecipe, ViewSettings, passes_through
from horus_desktop.media.colour_defaults import InputColourSpace
from horus_desktop.media.exr_layers import ExrLayer
from horus_desktop.media.frames import Frame
from horus_desktop.playback.session import PlaybackSession
from horus_desktop.ui.viewer.gl_renderer import texture_ready


@dataclass
class MediaSlot:
    """One opened media: its record (None for a playlist), playback session and colour settings."""

    record: MediaRecord | None
    session: PlaybackSession
    settings: ViewSettings
    recipe: GpuShaderRecipe | None
    size: tuple[int, int]
    rate: Fraction
    source_dtype: np.dtype = field(default_factory=lambda: np.dtype(np.float16))
    # A playlist's clips each have their own colour space: GL recipes per (space, display, view, pixel type),
    # and, so a tick does no OCIO lookups, each frame tag's (colour space, pixel type) settings and recipe key.
    recipes: dict[tuple[str, str, str, str], GpuShaderRecipe] = field(default_factory=dict)
    recipes_pending: set[tuple[str, str, str, str]] = field(default_factory=set)
    frame_views: dict[tuple[str, str], tuple[ViewSettings, tuple[str, str, str, str]]] = field(default_factory=dict)
    # The input colour space in use and why; the colour space the file itself gave (the fallback).
    input_space: InputColourSpace | None = None
    file_space: str | None = None
    # A multi-part / multi-layer EXR's parts and layers, and the one shown.
    layers: list[ExrLayer] = field(default_factory=list)
    layer: ExrLayer | None = None


def isolate_channel(pixels: np.ndarray, channel: str) -> np.ndarray:
    """Show one channel (or luminance) of display pixels as grey (CPU path)."""
    if channel == "rgb":
        return pixels
    if channel == "a":
        alpha = pixels[:, :, 3] if pixels.shape[2] == 4 else np.full(pixels.shape[:2], 255, np.uint8)
        grey = alpha
    elif channel == "luminance":
        grey = (pixels[:, :, :3].astype(np.float32) @ np.array([0.2126, 0.7152, 0.0722], np.float32)).astype(np.uint8)
    else:
        grey = pixels[:, :, "rgb".index(channel)]
    return np.ascontiguousarray(np.repeat(grey[:, :, None], 3, axis=2))


def frame_settings(colour: ColourConfig, settings: ViewSettings, frame_space: str, dtype: np.dtype) -> ViewSettings:
    """A frame's own view settings: its colour space (resolved as when a media opens) under the slot's display,
    view, exposure and gamma. A playlist mixes media: an EXR clip is scene-linear, a JPEG clip display sRGB."""
    space = colour.resolve_colour_space(frame_space or None, is_float=np.dtype(dtype).kind == "f")
    return settings if space == settings.colour_space else replace(settings, colour_space=space)


def cpu_convert(colour: ColourConfig, settings: ViewSettings, channel: str, *,
                per_frame: bool = False) -> Callable[[Frame], Frame]:
    """What a decode worker does to a frame on the CPU path: the baked view, then channel isolation.

    ``per_frame`` (playlists): each frame through the view of its own colour space."""

    def convert(frame: Frame) -> Frame:
        pixels = texture_ready(frame.pixels)
        if pixels.dtype == np.float32 and frame.pixels.dtype != np.float32:
            pixels = pixels.astype(np.float16)
        chosen = frame_settings(colour, settings, frame.colour_space, frame.pixels.dtype) if per_frame else settings
        return replace(frame, pixels=isolate_channel(colour.to_display(pixels, chosen), channel))

    return convert


def recipe_key(colour: ColourConfig, settings: ViewSettings, dtype: np.dtype) -> tuple[str, str, str, str]:
    """What a GL recipe depends on: colour space, display, the view the shader runs, pixel type."""
    return (settings.colour_space, settings.display, gpu_view_for(colour, settings, dtype), np.dtype(dtype).str)


def gpu_view_for(colour: ColourConfig, settings: ViewSettings, source_dtype: np.dtype) -> str:
    """The view the shader runs: the CPU path's pass-through rule (8-bit sRGB/Rec.709 on an sRGB display,
    neutral exposure and gamma) mirrored with the display's "Raw" view, so both paths show the same image."""
    if passes_through(np.empty((1, 1, 3), dtype=source_dtype), settings) and "Raw" in colour.views(settings.display):
        return "Raw"
    return settings.view


def gpu_recipe_for(colour: ColourConfig, settings: ViewSettings, source_dtype: np.dtype) -> GpuShaderRecipe:
    """The shader recipe for a media's settings (see gpu_view_for)."""
    return colour.gpu_recipe(settings.colour_space, settings.display, gpu_view_for(colour, settings, source_dtype))


def gpu_convert(frame: Frame) -> Frame:
    """GPU path: only make the pixels upload-ready; the shader applies the view."""
    pixels = texture_ready(frame.pixels)
    return frame if pixels is frame.pixels else replace(frame, pixels=pixels)

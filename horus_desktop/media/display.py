"""The display pipeline: a decoded frame to what the viewer shows, on both colour paths (no Qt).

One place for every conversion the viewer, thumbnails, the benchmarks, the tests and exports run:

* CPU path (`cpu_convert`): upload-ready pixels, through the baked OCIO view (with exposure and gamma) to
  uint8 display RGB(A), then channel isolation (`isolate_channel`). A playlist's frames each go through the
  view of their own colour space (``per_frame``, `frame_settings`).
* GL path (`gpu_convert`, `gpu_recipe_for`): pixels only made upload-ready; OCIO's shader applies the view.
  The CPU path's pass-through rule is mirrored with the display's "Raw" view (`gpu_view_for`), so both paths
  show the same image; `recipe_key` is what a recipe depends on.
* Compare modes drawn as one image (`blend`: difference with gain, onion skin) on display pixels; the GL
  compositor runs the same formulas in a shader.

`render_frame` is the whole CPU path for one frame: what a reviewer sees, for exports and tests.

While playing on the CPU path the viewer asks for frames at the size it draws them (`at_view_size`, with
media/view_size.py): the colour step takes only the pixels a reduction by the view's factor keeps (1.375 for
a 2K frame in a 1400-px view, 2 at half size), read where they are in the same pass (`CpuConversion.reduced`:
no reduced copy first), so colour costs about 1/factor² of a full frame. A frame the CPU path passes
through unchanged (8-bit sRGB: `shows_unreduced`) is not reduced: there is no colour to spare, and the viewer
scales a full frame when it paints it, as it does while paused.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from horus_desktop.media.colour import ColourConfig, GpuShaderRecipe, ViewSettings, passes_through
from horus_desktop.media.frames import Frame
from horus_desktop.media.view_size import (
    VIEW_REDUCTION_KEY,
    reduce_for_view,
    sample_positions,
    with_reduction,
)

Conversion = Callable[[Frame], Frame]
RecipeKey = tuple[str, str, str, str]

#: Channel views: the colour image, one channel as grey, or luminance (Rec.709 weights) as grey.
CHANNELS = ("rgb", "r", "g", "b", "a", "luminance")
if TYPE_CHECKING:  # numpy is imported in the functions: the window shows before it loads
    import numpy as np


@functools.cache
def upload_layouts() -> frozenset[tuple[np.dtype, int]]:
    """(pixel type, channel count) pairs a texture upload takes as they are; anything else goes up as float32."""
    import numpy as np

    return frozenset((np.dtype(t), c) for t in (np.float16, np.float32, np.uint8, np.uint16) for c in (3, 4))


#: Compare modes drawn as one image made from A and B.
BLEND_MODES = frozenset({"diff", "onion"})
DEFAULT_GAIN = 4.0
DEFAULT_OPACITY = 0.5


# --- pixels as the upload (and the CPU view) takes them ------------------------------------------------
def upload_ready(pixels: np.ndarray) -> np.ndarray:
    """Pixels in a layout a texture upload takes: HxWx3/4, contiguous, a supported type (grey is repeated
    to RGB, grey+alpha to RGBA, extra channels dropped)."""
    import numpy as np
    if pixels.ndim == 2:
        pixels = np.repeat(pixels[:, :, None], 3, axis=2)
    elif pixels.shape[2] == 1:
        pixels = np.repeat(pixels, 3, axis=2)
    elif pixels.shape[2] == 2:
        pixels = np.concatenate([np.repeat(pixels[:, :, :1], 3, axis=2), pixels[:, :, 1:2]], axis=2)
    elif pixels.shape[2] > 4:
        pixels = pixels[:, :, :4]
    if (pixels.dtype, pixels.shape[2]) not in upload_layouts():
        pixels = pixels.astype(np.float32)
    return np.ascontiguousarray(pixels)


def gpu_convert(frame: Frame) -> Frame:
    """GL path: only make the pixels upload-ready; the shader applies the view."""
    pixels = upload_ready(frame.pixels)
    return frame if pixels is frame.pixels else replace(frame, pixels=pixels)


# --- the CPU path ----------------------------------------------------------------------------------------
def isolate_channel(pixels: np.ndarray, channel: str) -> np.ndarray:
    """Show one channel (or luminance) of uint8 display pixels as grey RGB; "rgb" returns them as they are."""
    import numpy as np
    if channel == "rgb":
        return pixels
    if channel == "a":
        grey = pixels[:, :, 3] if pixels.shape[2] == 4 else np.full(pixels.shape[:2], 255, np.uint8)
    elif channel == "luminance":
        luma = np.array([0.2126, 0.7152, 0.0722], np.float32)  # Rec.709
        grey = (pixels[:, :, :3].astype(np.float32) @ luma).astype(np.uint8)
    elif channel in ("r", "g", "b"):
        grey = pixels[:, :, "rgb".index(channel)]
    else:
        raise ValueError(f"unknown channel {channel!r} (one of {', '.join(CHANNELS)})")
    return np.ascontiguousarray(np.repeat(grey[:, :, None], 3, axis=2))


def frame_settings(colour: ColourConfig, settings: ViewSettings, frame_space: str, dtype: np.dtype) -> ViewSettings:
    """A frame's own view settings: its colour space (resolved as when a media opens) under the slot's display,
    view, exposure and gamma. A playlist mixes media: an EXR clip is scene-linear, a JPEG clip display sRGB."""
    import numpy as np
    space = colour.resolve_colour_space(frame_space or None, is_float=np.dtype(dtype).kind == "f")
    return settings if space == settings.colour_space else replace(settings, colour_space=space)


class CpuConversion:
    """What a decode worker does to a frame on the CPU path (`cpu_convert`): the baked view, then channel
    isolation; it also says which frames it passes through unchanged (`passes_through`)."""

    def __init__(self, colour: ColourConfig, settings: ViewSettings, channel: str, per_frame: bool) -> None:
        self.colour, self.settings, self.channel, self.per_frame = colour, settings, channel, per_frame

    def _settings_for(self, frame: Frame) -> ViewSettings:
        if not self.per_frame:
            return self.settings
        return frame_settings(self.colour, self.settings, frame.colour_space, frame.pixels.dtype)

    def passes_through(self, frame: Frame) -> bool:
        """True when the frame's pixels come out as they go in: 8-bit sRGB/Rec.709 RGB(A) on an sRGB display,
        neutral exposure and gamma, all channels shown (colour.passes_through)."""
        pixels = frame.pixels
        return (self.channel == "rgb" and pixels.ndim == 3 and pixels.shape[2] in (3, 4)
                and pixels.flags.c_contiguous and passes_through(pixels, self._settings_for(frame)))

    def __call__(self, frame: Frame) -> Frame:
        import numpy as np
        pixels = upload_ready(frame.pixels)
        if pixels.dtype == np.float32 and frame.pixels.dtype != np.float32:
            pixels = pixels.astype(np.float16)  # e.g. 32-bit integer channels: the view takes half
        chosen = self._settings_for(frame)
        return replace(frame, pixels=isolate_channel(self.colour.to_display(pixels, chosen), self.channel))

    def reduced(self, frame: Frame, factor: float) -> Frame:
        """``self(reduce_for_view(frame, factor))``, in one pass where the pixels are as the colour step takes
        them: it reads the kept pixels where they are (a reduced copy of a 2K half frame at 1.375 cost 4.4 ms,
        as much as colouring it)."""
        pixels = frame.pixels
        if (factor <= 1 or VIEW_REDUCTION_KEY in frame.metadata or pixels.ndim != 3 or not pixels.size
                or not pixels.flags.c_contiguous or (pixels.dtype, pixels.shape[2]) not in upload_layouts()):
            return self(reduce_for_view(frame, factor))
        sample = (sample_positions(pixels.shape[0], factor), sample_positions(pixels.shape[1], factor))
        shown = isolate_channel(self.colour.to_display(pixels, self._settings_for(frame), sample), self.channel)
        return with_reduction(replace(frame, pixels=shown), factor, (frame.width, frame.height))


def cpu_convert(colour: ColourConfig, settings: ViewSettings, channel: str = "rgb", *,
                per_frame: bool = False) -> CpuConversion:
    """What a decode worker does to a frame on the CPU path: the baked view, then channel isolation.

    ``per_frame`` (playlists, thumbnails): each frame through the view of its own colour space."""
    return CpuConversion(colour, settings, channel, per_frame)


class ViewSizeConversion:
    """A conversion applied to frames reduced by ``factor`` first (`at_view_size`), except frames it passes
    through unchanged: reducing those is pure cost (5.6 ms beside a 2K JPEG's 15 ms decode at 1.375), and the
    viewer scales a full frame when it paints it, as it does while paused."""

    def __init__(self, convert: Conversion, factor: float) -> None:
        self.convert, self.factor = convert, factor

    def passes_through(self, frame: Frame) -> bool:
        """True when ``convert`` leaves the frame's pixels as they are (then it is not reduced)."""
        return shows_unreduced(self.convert, frame)

    def __call__(self, frame: Frame) -> Frame:
        if self.passes_through(frame):
            return self.convert(frame)
        if isinstance(self.convert, CpuConversion):
            return self.convert.reduced(frame, self.factor)
        return self.convert(reduce_for_view(frame, self.factor))


def shows_unreduced(convert: Conversion, frame: Frame) -> bool:
    """True when ``convert`` passes ``frame`` through unchanged (the CPU path's 8-bit sRGB frames): such a frame
    is shown at its own size while playing too, not reduced for the view (no colour step to spare)."""
    check = getattr(convert, "passes_through", None)
    return bool(check(frame)) if check is not None else False


def at_view_size(convert: Conversion, factor: float) -> Conversion:
    """``convert`` applied to frames reduced by ``factor`` first (the CPU path while playing; a frame a decode
    process already reduced is not reduced again, a frame ``convert`` passes through is not reduced at all);
    1: ``convert``."""
    if factor <= 1:
        return convert
    return ViewSizeConversion(convert, factor)


def default_settings(colour: ColourConfig, colour_space: str = "") -> ViewSettings:
    """The config's default display and view for a colour space (the frame's own with `render_frame`)."""
    display = colour.default_display()
    return ViewSettings(colour_space, display, colour.default_view(display))


def render_frame(frame: Frame, colour: ColourConfig, settings: ViewSettings | None = None,
                 channel: str = "rgb") -> np.ndarray:
    """A frame as the viewer shows it on the CPU path: uint8 display RGB(A).

    Without ``settings``, the default display and view in the frame's own colour space."""
    if settings is None:
        return cpu_convert(colour, default_settings(colour), channel, per_frame=True)(frame).pixels
    return cpu_convert(colour, settings, channel)(frame).pixels


# --- the GL path's recipe choice ------------------------------------------------------------------------
def gpu_view_for(colour: ColourConfig, settings: ViewSettings, source_dtype: np.dtype) -> str:
    """The view the shader runs: the CPU path's pass-through rule (8-bit sRGB/Rec.709 on an sRGB display,
    neutral exposure and gamma) mirrored with the display's "Raw" view, so both paths show the same image."""
    import numpy as np
    if passes_through(np.empty((1, 1, 3), dtype=source_dtype), settings) and "Raw" in colour.views(settings.display):
        return "Raw"
    return settings.view


def recipe_key(colour: ColourConfig, settings: ViewSettings, dtype: np.dtype) -> RecipeKey:
    """What a GL recipe depends on: colour space, display, the view the shader runs, pixel type."""
    import numpy as np
    return (settings.colour_space, settings.display, gpu_view_for(colour, settings, dtype), np.dtype(dtype).str)


def key_of(recipe: GpuShaderRecipe, dtype: np.dtype) -> RecipeKey:
    """The key a built recipe answers for pixels of ``dtype``."""
    import numpy as np
    return (recipe.colour_space, recipe.display, recipe.view, np.dtype(dtype).str)


def gpu_recipe_for(colour: ColourConfig, settings: ViewSettings, source_dtype: np.dtype) -> GpuShaderRecipe:
    """The shader recipe for a media's settings (see gpu_view_for)."""
    return colour.gpu_recipe(settings.colour_space, settings.display, gpu_view_for(colour, settings, source_dtype))


# --- compare modes drawn as one image -------------------------------------------------------------------
def _rgb(pixels: np.ndarray) -> np.ndarray:
    """Display pixels (RGB/RGBA or grey) as HxWx3 (a view when possible)."""
    import numpy as np
    if pixels.ndim == 2:
        pixels = pixels[:, :, None]
    if pixels.shape[2] == 1:
        pixels = np.repeat(pixels, 3, axis=2)
    return pixels[:, :, :3]


def _as_uint8(pixels: np.ndarray) -> np.ndarray:
    import numpy as np
    if pixels.dtype == np.uint8:
        return pixels
    return np.clip(pixels.astype(np.float32) + 0.5, 0, 255).astype(np.uint8)


def _b_over_a(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """B's pixels on A's canvas (top-left aligned, black where B does not reach)."""
    import numpy as np
    if a.shape == b.shape:
        return b
    out = np.zeros_like(a)
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    out[:h, :w] = b[:h, :w]
    return out


def difference(a: np.ndarray, b: np.ndarray, gain: float = DEFAULT_GAIN) -> np.ndarray:
    """|A - B| x gain per channel, as uint8 RGB the size of A (identical frames are black; B missing is black).

    In 8-bit integers with a 256-entry gain table (~10x faster than in floats: it runs on the UI thread
    for each new frame pair during playback)."""
    import numpy as np
    fa = _as_uint8(_rgb(a))
    fb = _b_over_a(fa, _as_uint8(_rgb(b)))
    absolute = np.maximum(fa, fb) - np.minimum(fa, fb)
    table = np.clip(np.arange(256, dtype=np.float32) * float(gain) + 0.5, 0, 255).astype(np.uint8)
    return table[absolute]


def onion(a: np.ndarray, b: np.ndarray, opacity: float = DEFAULT_OPACITY) -> np.ndarray:
    """B laid over A at ``opacity`` (0 = only A, 1 = only B), as uint8 RGB the size of A (rounded half up,
    opacity in 1/256 steps)."""
    import numpy as np
    fa = _as_uint8(_rgb(a))
    fb = _b_over_a(fa, _as_uint8(_rgb(b)))
    w = round(min(max(float(opacity), 0.0), 1.0) * 256)
    mixed = fa.astype(np.uint16) * (256 - w) + fb.astype(np.uint16) * w + 128
    return (mixed >> 8).astype(np.uint8)


def blend(mode: str, a: np.ndarray, b: np.ndarray, *, gain: float = DEFAULT_GAIN,
          opacity: float = DEFAULT_OPACITY) -> np.ndarray:
    """The image a blend compare mode shows from A's and B's display pixels."""
    if mode == "diff":
        return difference(a, b, gain)
    if mode == "onion":
        return onion(a, b, opacity)
    raise ValueError(f"not a blend compare mode: {mode!r}")

"""Frames reduced to the size the viewer draws them while playing (the CPU colour path), no Qt, no OCIO.

The reduction ``factor`` is image pixels per pixel kept, any number from 1 up (a 2K frame in a 1400-px-wide
view: 1.375). Nearest sample: pixel ``j`` of a reduced row is pixel ``floor(j * factor)`` of the full row,
and the same for rows, so a reduced pixel drawn ``factor`` times as large covers the image pixels it stands
for (the readout and the painter agree). An integer factor keeps every ``factor``-th pixel of every
``factor``-th row, copied whole pixels at a time (each pixel one opaque item of its channels' bytes: numpy's
strided copy of 3-value pixels costs about twice as much); any other factor gathers the kept rows, then the
kept columns as native values (numpy's gather of 6-byte opaque items is slower). A box mean of float16 pixels
cost ~28 ms a 2K frame in numpy, as much as the colour step it is meant to spare. The frame remembers its
full size in its metadata (`VIEW_REDUCTION_KEY`), so the viewer draws it over the whole image rectangle.
Light enough for the decode processes (media/decode_pool) to reduce before they share a frame.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

from horus_desktop.media.frames import Frame

if TYPE_CHECKING:  # numpy loads in the functions that use it: the window shows before it is imported
    import numpy as np

#: Frame metadata key of a frame reduced for the view: (factor, full width, full height).
VIEW_REDUCTION_KEY = "horus.view_reduction"
#: Factors are multiples of this (exact in binary, so a zoom gesture does not re-aim the cache at each step
#: and sample positions are exact), and none is under MIN_FACTOR: a 2K frame reduced by less saves less
#: colour time (~20 ms x (1 - 1/factor^2)) than the gather and its re-aimed cache cost.
FACTOR_STEP = 0.125
MIN_FACTOR = 1.25


def sample_positions(size: int, factor: float) -> np.ndarray:
    """The full-size indices a row (or column) of ``size`` pixels keeps at ``factor``: floor(j * factor)."""
    import numpy as np
    count = max(1, math.ceil(size / factor - 1e-9))
    return np.minimum((np.arange(count) * float(factor)).astype(np.intp), size - 1)


def reduced_size(size: int, factor: float) -> int:
    """How many of ``size`` pixels a reduction by ``factor`` keeps (``size`` itself at factor 1)."""
    return size if factor <= 1 else len(sample_positions(size, factor))


def reduced_pixels(pixels: np.ndarray, factor: float) -> np.ndarray:
    """The pixels kept at ``factor`` (see the module docstring), as a new C-contiguous array (``pixels`` itself
    at factor 1)."""
    import numpy as np
    if factor <= 1:
        return pixels
    if float(factor).is_integer():
        step = int(factor)
        if pixels.ndim != 3 or not pixels.flags.c_contiguous or not pixels.size:
            return np.ascontiguousarray(pixels[::step, ::step])
        h, w, c = pixels.shape
        # Whole pixels as single items ("V6" for half RGB): one item copy per pixel kept, not one per channel.
        items = pixels.view(np.dtype((np.void, c * pixels.itemsize))).reshape(h, w)
        kept = np.ascontiguousarray(items[::step, ::step])
        return kept.view(pixels.dtype).reshape(kept.shape[0], kept.shape[1], c)
    rows, cols = sample_positions(pixels.shape[0], factor), sample_positions(pixels.shape[1], factor)
    if not pixels.size:
        return np.ascontiguousarray(pixels[np.ix_(rows, cols)])
    c = pixels.shape[2] if pixels.ndim == 3 else 1
    flat = np.take(pixels.reshape(pixels.shape[0], pixels.shape[1] * c), rows, axis=0)  # whole rows first
    values = (cols[:, None] * c + np.arange(c)).reshape(-1)  # each kept pixel's channels, in order
    kept = np.take(flat, values, axis=1)
    return kept.reshape((len(rows), len(cols)) + pixels.shape[2:])


def reduce_for_view(frame: Frame, factor: float) -> Frame:
    """The frame reduced by ``factor``, remembering its full size; a frame already reduced, or ``factor`` 1,
    is returned as it is."""
    if factor <= 1 or VIEW_REDUCTION_KEY in frame.metadata:
        return frame
    return with_reduction(replace(frame, pixels=reduced_pixels(frame.pixels, factor)), factor,
                          (frame.width, frame.height))


def with_reduction(frame: Frame, factor: float, full_size: tuple[int, int]) -> Frame:
    """``frame`` (already reduced) marked as reduced by ``factor`` from ``full_size`` (width, height)."""
    if factor <= 1:
        return frame
    return replace(frame, metadata={**frame.metadata, VIEW_REDUCTION_KEY: (factor, *full_size)})


def _number(factor: float) -> float:
    """An integral factor as an int (how it has always been shown and compared), any other as a float."""
    return int(factor) if float(factor).is_integer() else float(factor)


def view_reduction(frame: Frame) -> tuple[float, tuple[int, int]]:
    """How a frame was reduced for the view: (factor, (full width, full height)); (1, its own size)."""
    reduced = frame.metadata.get(VIEW_REDUCTION_KEY)
    if reduced is None:
        return 1, (frame.width, frame.height)
    factor, width, height = reduced
    return _number(factor), (int(width), int(height))


def view_factor(zoom: float) -> float:
    """The largest reduction that keeps a frame at least as large as it is drawn at ``zoom`` screen pixels per
    image pixel: 1 / zoom, down to a multiple of FACTOR_STEP; 1 below MIN_FACTOR (at 80% and closer)."""
    if zoom <= 0:
        return 1
    factor = math.floor((1.0 / zoom + 1e-6) / FACTOR_STEP) * FACTOR_STEP
    return 1 if factor < MIN_FACTOR else _number(factor)

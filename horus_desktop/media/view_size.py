"""Frames reduced to the size the viewer draws them while playing (the CPU colour path), no Qt, no OCIO.

Every ``factor``-th pixel of every ``factor``-th row is kept, copied whole pixels at a time (each pixel seen as
one opaque item of its channels' bytes: numpy's strided copy of 3-value pixels costs about twice as much,
~9 against ~4.7 ms a 2K half frame here under load, as much as copying the whole frame); a box mean of float16
pixels cost ~28 ms in numpy, as much as the colour step it is meant to spare. The frame
remembers its full size in its metadata (`VIEW_REDUCTION_KEY`), so the viewer draws it over the whole image
rectangle. Light enough for the decode processes (media/decode_pool) to reduce before they share a frame.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from horus_desktop.media.frames import Frame

#: Frame metadata key of a frame reduced for the view: (factor, full width, full height).
VIEW_REDUCTION_KEY = "horus.view_reduction"


def reduced_pixels(pixels: np.ndarray, factor: int) -> np.ndarray:
    """Every ``factor``-th pixel of every ``factor``-th row, as a new C-contiguous array (``pixels`` itself
    at factor 1)."""
    if factor <= 1:
        return pixels
    if pixels.ndim != 3 or not pixels.flags.c_contiguous or not pixels.size:
        return np.ascontiguousarray(pixels[::factor, ::factor])
    h, w, c = pixels.shape
    # Whole pixels as single items ("V6" for half RGB): one item copy per pixel kept, not one per channel.
    items = pixels.view(np.dtype((np.void, c * pixels.itemsize))).reshape(h, w)
    kept = np.ascontiguousarray(items[::factor, ::factor])
    return kept.view(pixels.dtype).reshape(kept.shape[0], kept.shape[1], c)


def reduce_for_view(frame: Frame, factor: int) -> Frame:
    """The frame reduced by ``factor``, remembering its full size; a frame already reduced, or ``factor`` 1,
    is returned as it is."""
    if factor <= 1 or VIEW_REDUCTION_KEY in frame.metadata:
        return frame
    return with_reduction(replace(frame, pixels=reduced_pixels(frame.pixels, factor)), factor,
                          (frame.width, frame.height))


def with_reduction(frame: Frame, factor: int, full_size: tuple[int, int]) -> Frame:
    """``frame`` (already reduced) marked as reduced by ``factor`` from ``full_size`` (width, height)."""
    if factor <= 1:
        return frame
    return replace(frame, metadata={**frame.metadata, VIEW_REDUCTION_KEY: (factor, *full_size)})


def view_reduction(frame: Frame) -> tuple[int, tuple[int, int]]:
    """How a frame was reduced for the view: (factor, (full width, full height)); (1, its own size)."""
    reduced = frame.metadata.get(VIEW_REDUCTION_KEY)
    if reduced is None:
        return 1, (frame.width, frame.height)
    factor, width, height = reduced
    return int(factor), (int(width), int(height))


def view_factor(zoom: float) -> int:
    """The largest integer reduction that keeps a frame at least as large as it is drawn: ``zoom`` screen
    pixels per image pixel (1 when the view shows the image at 100% or larger)."""
    if zoom <= 0:
        return 1
    return max(1, int(1.0 / zoom + 1e-6))

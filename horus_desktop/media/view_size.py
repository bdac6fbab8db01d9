"""Frames reduced to the size the viewer draws them while playing (the CPU colour path), no Qt, no OCIO.

Every ``factor``-th pixel of every ``factor``-th row is kept (a strided copy, ~4 ms a 2K half frame; a box
mean of float16 pixels cost ~28 ms in numpy, as much as the colour step it is meant to spare). The frame
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
    """Every ``factor``-th pixel of every ``factor``-th row (a view: the caller copies it if it must)."""
    return pixels if factor <= 1 else pixels[::factor, ::factor]


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

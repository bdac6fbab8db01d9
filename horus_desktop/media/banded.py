"""A per-pixel conversion of one frame run in bands of rows on every core at once.

The CPU path's colour step (OCIO's baked view and numpy: both release the GIL) costs about as much as a
2K EXR decode on one core. While playing, the frame cache's threads convert different frames side by side,
which already uses the cores; but the frame a user scrubs to is the only one wanted, and it waits for its
colour on one thread. Split into one band of rows per core, it waits for about 1/cores of that (each band
converted on its own thread, then joined: a copy of the uint8 result, ~1 ms at 2K). Every conversion of media/display.py works per
pixel, so the bands give the same pixels as the whole frame.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from horus_desktop.media.core_spread import core_count, run_parts
from horus_desktop.media.frames import Frame

#: Rows of a band are a multiple of this (the colour step's pre-filter works on tiles 16 rows high).
BAND_ROWS = 32
#: A frame with fewer pixels is converted whole (threads would cost more than they save).
MIN_PIXELS = 512 * 1024


def cores() -> int:
    """Bands a frame is split into: one per core."""
    return core_count()


def band_rows(height: int, bands: int) -> list[tuple[int, int]]:
    """(start, stop) rows of up to ``bands`` bands covering ``height`` rows, each a multiple of BAND_ROWS
    but the last."""
    if height <= 0:
        return []  # nothing to split (a step of 0 rows would be an error)
    step = -(-height // max(1, bands))
    step = -(-step // BAND_ROWS) * BAND_ROWS
    return [(start, min(height, start + step)) for start in range(0, height, step)]


def convert_in_bands(convert: Callable[[Frame], Frame], frame: Frame, bands: int | None = None) -> Frame:
    """``convert(frame)``, run on one band of rows per core at once (the calling thread takes the first)."""
    pixels = frame.pixels
    spans = band_rows(pixels.shape[0], bands or cores())
    if len(spans) < 2 or pixels.ndim < 2 or pixels.shape[0] * pixels.shape[1] < MIN_PIXELS:
        return convert(frame)
    # A thread per other band, started for this frame: nothing stays running between scrubs. A band's failure
    # is raised here once every band has ended (media/core_spread.py).
    converted: list[Frame] = [frame] * len(spans)

    def run(index: int) -> None:
        start, stop = spans[index]
        converted[index] = convert(replace(frame, pixels=pixels[start:stop]))

    run_parts([functools.partial(run, i) for i in range(len(spans))], "horus-band")
    first = converted[0]
    parts = [c.pixels for c in converted]
    if any(part.shape[1:] != first.pixels.shape[1:] or part.dtype != first.pixels.dtype for part in parts):
        raise ValueError("the bands of a frame converted to different layouts")
    return replace(first, pixels=np.concatenate(parts))

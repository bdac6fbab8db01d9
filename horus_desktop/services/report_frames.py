"""The frames of a report or a frame export, decoded and coloured as the viewer's CPU path shows them (no Qt).

Decoding runs off the UI thread (a job's worker, or the CLI); only the drawing of the shapes over the result
needs Qt (ui/reports/burn_in.py). A missing file or a damaged frame is no error here: the frame comes back
without pixels and with a line saying what is wrong, so the report shows the drawings on a neutral background.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from horus_desktop.domain.records import MediaRecord
from horus_desktop.media.colour import ColourConfig
from horus_desktop.media.display import render_frame
from horus_desktop.media.errors import MediaError
from horus_desktop.media.open_source import open_frame_source
from horus_desktop.media.sequences import media_item_for
from horus_desktop.playback.session import ShownFrame
from horus_desktop.services.media_paths import MediaPaths

#: The size a frame is drawn at when neither the file nor the record says (the viewer's placeholder size).
FALLBACK_SIZE = (960, 540)


@dataclass(frozen=True)
class DecodedFrame:
    """One frame for a report: display pixels (uint8 RGB/RGBA) or the reason there are none, and its size."""

    shown: ShownFrame
    size: tuple[int, int]


def record_size(media: MediaRecord) -> tuple[int, int]:
    """The image size the record gives ("1920x1080"), else the fallback."""
    match = re.fullmatch(r"\s*(\d+)\s*[x×]\s*(\d+)\s*", media.resolution or "")
    if match and int(match[1]) > 0 and int(match[2]) > 0:
        return int(match[1]), int(match[2])
    return FALLBACK_SIZE


def decode_frames(media: MediaRecord, frames: Iterable[int], colour: ColourConfig,
                  paths: MediaPaths | None = None) -> Iterator[tuple[int, DecodedFrame]]:
    """Each of ``frames`` of ``media`` as the viewer shows it by default (the file opened once)."""
    wanted = list(frames)
    path = paths.local_path(media.file_path) if paths is not None else media.file_path
    try:
        source = open_frame_source(media_item_for(path))
    except (MediaError, OSError, ValueError) as exc:
        problem = f"Media not readable: {path} ({exc})"
        for frame in wanted:
            yield frame, DecodedFrame(ShownFrame(frame, None, problem), record_size(media))
        return
    with source:
        size = record_size(media)
        for frame in wanted:
            try:
                pixels = render_frame(source.read(frame), colour)
            except (MediaError, OSError, ValueError) as exc:
                yield frame, DecodedFrame(ShownFrame(frame, None, f"Frame {frame} not readable: {exc}"), size)
                continue
            pixels = np.ascontiguousarray(pixels)
            size = (int(pixels.shape[1]), int(pixels.shape[0]))
            yield frame, DecodedFrame(ShownFrame(frame, pixels), size)

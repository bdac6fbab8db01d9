"""OpenEXR decoding: half/float, RGB/RGBA/Y, multi-part and multi-view, data window in display window."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import numpy as np
import OpenEXR

from horus_desktop.media.colour_defaults import exr_colour_space
from horus_desktop.media.errors import DamagedFrameError, UnreadableFileError
from horus_desktop.media.file_access import read_bytes_check
from horus_desktop.media.frames import Frame, Window

_HALF_MAX = 65504.0
# OpenEXR's own thread pool decompresses a file's line blocks in parallel without Python's GIL, while
# the Python binding holds the GIL for much of a read: measured here on 2 cores, 1 thread per file on
# 2 workers gave 14 fps (GIL contention), all cores per file on 2 workers 31 fps.
EXR_THREADS_PER_FILE = os.cpu_count() or 1


def _window(box: Any) -> Window:
    low, high = box
    return (int(low[0]), int(low[1]), int(high[0]), int(high[1]))


def _pick_part(parts: list[Any], part: str | int | None) -> Any:
    if isinstance(part, int):
        return parts[part]
    if isinstance(part, str):
        for candidate in parts:
            if candidate.name() == part:
                return candidate
        raise KeyError(f"no part named {part!r}")
    for candidate in parts:
        names = set(candidate.channels)
        if names & {"RGB", "RGBA", "Y", "YA"}:
            return candidate
    return parts[0]


def _pick_channels(channels: Mapping[str, Any], header: Mapping[str, Any], view: str | None) -> tuple[str, Any]:
    """The channel group to show: the named view's layer, else the default RGB(A)/Y group."""
    views = header.get("multiView") or []
    if view is not None and views and view != views[0]:
        if view not in channels:
            raise KeyError(f"no view named {view!r}")
        return view, channels[view]
    for key in ("RGBA", "RGB", "Y", "YA"):
        if key in channels:
            return key, channels[key]
    key = sorted(channels)[0]
    return key, channels[key]


def _as_display_pixels(pixels: np.ndarray) -> np.ndarray:
    if pixels.ndim == 2:
        pixels = pixels[:, :, None]
    if pixels.shape[2] == 1:
        pixels = np.repeat(pixels, 3, axis=2)
    elif pixels.shape[2] == 2:  # YA
        pixels = np.concatenate([np.repeat(pixels[:, :, :1], 3, axis=2), pixels[:, :, 1:]], axis=2)
    if pixels.dtype == np.float16:
        return pixels
    if pixels.dtype == np.float32:
        return np.clip(pixels, -_HALF_MAX, _HALF_MAX).astype(np.float16)
    return pixels.astype(np.float16)


def place_in_display_window(pixels: np.ndarray, data: Window, display: Window) -> np.ndarray:
    """Pixels of the data window put at their place in the display window; the rest is 0."""
    if data == display:
        return pixels
    dx0, dy0, dx1, dy1 = display
    out = np.zeros((dy1 - dy0 + 1, dx1 - dx0 + 1, pixels.shape[2]), dtype=pixels.dtype)
    x0, y0 = max(data[0], dx0), max(data[1], dy0)
    x1, y1 = min(data[2], dx1), min(data[3], dy1)
    if x0 <= x1 and y0 <= y1:
        out[y0 - dy0 : y1 - dy0 + 1, x0 - dx0 : x1 - dx0 + 1] = pixels[
            y0 - data[1] : y1 - data[1] + 1, x0 - data[0] : x1 - data[0] + 1
        ]
    return out


def decode_exr(path: str, *, part: str | int | None = None, view: str | None = None) -> Frame:
    """Decode an EXR into a float16 display-window Frame (first RGB part and default view unless named)."""
    read_bytes_check(path)
    try:
        exr = OpenEXR.File(path, separate_channels=False, num_threads=EXR_THREADS_PER_FILE)
        chosen = _pick_part(exr.parts, part)
        header = chosen.header
        group, channel = _pick_channels(chosen.channels, header, view)
        pixels = _as_display_pixels(channel.pixels)
    except KeyError as exc:
        raise UnreadableFileError(path, str(exc.args[0])) from exc
    except Exception as exc:
        raise DamagedFrameError(path, f"cannot decode EXR: {exc}") from exc
    data, display = _window(header["dataWindow"]), _window(header["displayWindow"])
    if pixels.shape[:2] != (data[3] - data[1] + 1, data[2] - data[0] + 1):
        raise DamagedFrameError(path, "pixel data does not match the data window")
    names = _channel_names(group, pixels.shape[2])
    metadata = {
        "part": chosen.name(),
        "compression": str(header.get("compression", "")).rsplit(".", 1)[-1],
        "views": list(header.get("multiView") or []),
    }
    return Frame(
        pixels=place_in_display_window(pixels, data, display),
        frame=0,
        colour_space=exr_colour_space(header),
        display_window=display,
        data_window=data,
        channels=names,
        metadata=metadata,
    )


def _channel_names(group: str, count: int) -> tuple[str, ...]:
    if group in ("RGB", "RGBA"):
        return tuple(group)
    if group == "Y":
        return ("Y", "Y", "Y")
    if group == "YA":
        return ("Y", "Y", "Y", "A")
    return tuple(f"{group}.{c}" for c in "RGBA"[:count])

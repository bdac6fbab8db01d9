"""OpenEXR decoding: half/float, RGB/RGBA/Y, a chosen part, layer (AOV, depth) or view, data window placed in
the display window; deep parts refused; the library's errors explained (truncated, damaged header...)."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import OpenEXR

from horus_desktop.media import exr_core
from horus_desktop.media.colour_defaults import exr_colour_space
from horus_desktop.media.core_spread import core_count
from horus_desktop.media.errors import DamagedFrameError, MediaError, UnreadableFileError
from horus_desktop.media.exr_header import ExrLayout, ExrPartHeader, ExrStructureError, read_exr_layout
from horus_desktop.media.exr_layers import DEFAULT_LAYER, default_part_index, find_layer, part_bit_depth
from horus_desktop.media.file_access import read_bytes_check
from horus_desktop.media.frames import Frame, Superseded, Window
from horus_desktop.media.integrity import check_file

_HALF_MAX = 65504.0
_MAX_SIDE = 65536  # a display window wider or taller than this is a damaged header (it would be allocated)
# OpenEXR's own thread pool decompresses a file's line blocks in parallel without Python's GIL, while
# the Python binding holds the GIL for much of a read: measured here on 2 cores, 1 thread per file on
# 2 workers gave 14 fps (GIL contention), all cores per file on 2 workers 31 fps.
EXR_THREADS_PER_FILE = core_count()
#: Set by a decode process (media/decode_pool.py) while its decode may be given up part-way (a frame the
#: user is scrubbing past): checked before each block of the file is read, and once true the read stops
#: and raises Superseded, so the worker is free for the next frame within a block's time (~1 ms).
STOP_CHECK: Callable[[], bool] | None = None


class _StoppableFile(io.FileIO):
    """The file as a stream OpenEXR reads block by block (it asks for each block in turn), refusing to read
    on once STOP_CHECK is true: OpenEXR then gives up the file.

    A FileIO with only ``read`` in Python: OpenEXR calls ``tell`` and ``seek`` ~370 times a 2K PIZ frame on
    two threads, and as Python methods (a wrapper object) those made the stoppable decode 2.8 ms slower than
    reading the path (16.0 against 13.2 ms, median of 90 here); FileIO's own C methods leave it ~0.9 ms slower.
    """

    def __init__(self, path: str, stop: Callable[[], bool]) -> None:
        super().__init__(path, "r")
        self._stop = stop

    def read(self, size: int = -1) -> bytes | None:
        if self._stop():
            raise Superseded(self.name)
        return super().read(size)


def _window(box: Any) -> Window:
    low, high = box
    return (int(low[0]), int(low[1]), int(high[0]), int(high[1]))


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


def _explain(path: str, exc: Exception) -> MediaError:
    """What is wrong with a file the library could not read, in words (the raw message kept at the end)."""
    try:
        reason = check_file(path)
    except OSError as gone:  # removed or made unreadable since its layout was read (a render replacing it)
        return UnreadableFileError(path, gone.strerror or str(gone))
    if reason is None:
        text = str(exc).replace(f"'{path}'", "the file").replace(path, "the file")
        if isinstance(exc, UnicodeDecodeError):
            reason = "damaged header: a name is not valid text"
        elif "Unable to open" in text:
            reason = "damaged or unsupported EXR header: OpenEXR cannot open it"
        elif isinstance(exc, IndexError) or "CORRUPT_CHUNK" in text or "decompress" in text:
            reason = f"damaged pixel data: OpenEXR could not decode it ({text})"
        else:
            reason = f"cannot decode EXR: {text}"
    return DamagedFrameError(path, reason)


def _layout(path: str) -> ExrLayout:
    try:
        return read_exr_layout(path)
    except ExrStructureError as exc:
        raise DamagedFrameError(path, str(exc)) from exc
    except OSError as exc:
        raise UnreadableFileError(path, exc.strerror or str(exc)) from exc


def _part_index(layout: ExrLayout, part: str | int | None, path: str) -> int:
    if part is None:
        return default_part_index(layout)
    if isinstance(part, int):
        if not 0 <= part < len(layout.parts):
            raise UnreadableFileError(path, f"no part {part} (the file has {len(layout.parts)})")
        return part
    for candidate in layout.parts:
        if candidate.name == part:
            return candidate.index
    raise UnreadableFileError(path, f"no part named {part!r}")


def _shown(names: tuple[str, ...]) -> tuple[str, ...]:
    """The channels of a layer that are shown: one (Z) grey, two as R and G, else up to RGB(A)."""
    return names if len(names) <= 3 or (len(names) == 4 and names[3].endswith("A")) else names[:3]


def _layer_pixels(channels: Mapping[str, Any], names: tuple[str, ...]) -> tuple[np.ndarray, tuple[str, ...]]:
    """A layer's planes as HxWxC: one channel (Z) grey, two as R and G, else up to RGB(A)."""
    shown = _shown(names)
    planes = [channels[name].pixels for name in shown]
    height = max(p.shape[0] for p in planes)
    width = max(p.shape[1] for p in planes)
    # A subsampled channel (x/ySampling 2, as in luma/chroma files) is repeated up to full size.
    planes = [np.repeat(np.repeat(p, height // p.shape[0], 0), width // p.shape[1], 1) for p in planes]
    if len(planes) == 2:
        planes.append(np.zeros_like(planes[0]))
    return np.stack(planes, axis=2), shown


#: Compressions of a line a block (NO, RLE, ZIPS): OpenEXR.File reads them slower than the core path even by
#: path (a 2K ZIPS frame 41 against 30 ms, uncompressed 27 against 19, on 2 threads here).
_LINE_A_BLOCK = frozenset({0, 1, 2})


def _core_suits(structure: ExrPartHeader, stop: Callable[[], bool] | None) -> bool:
    """Whether to decode through the core path (media/exr_core.py): a decode that may stop (else it reads
    through the stream), tiles and files of a line a block; while playing, PIZ, ZIP and DWA scanlines through
    OpenEXR.File by path (its C++ loop over the blocks, no Python between them: in the decode processes,
    interleaved, ~40 against ~41 ms CPU a 2K PIZ frame)."""
    return stop is not None or structure.tiled or structure.compression in _LINE_A_BLOCK


def _default_view(structure: ExrPartHeader, view: str | None) -> bool:
    """True when ``view`` asks for the part's default channels (see _pick_channels)."""
    return view is None or not structure.views or view == structure.views[0]


def _core_channels(structure: ExrPartHeader, layer: tuple[str, ...] | None) -> tuple[tuple[str, ...], int] | None:
    """The channels shown (a layer's, else the default RGBA, RGB, YA or Y at the top level) and their pixel
    type when the core path takes them: all half or all 32-bit floats, at full resolution, in a scanline or
    tiled part; else None."""
    by_name = {channel.name: channel for channel in structure.channels}
    candidates = [_shown(layer)] if layer is not None else [("R", "G", "B", "A"), ("R", "G", "B"), ("Y", "A"), ("Y",)]
    for names in candidates:
        if all(name in by_name for name in names):
            chosen = [by_name[name] for name in names]
            kind = chosen[0].pixel_type
            if (structure.type in ("scanlineimage", "tiledimage") and kind in exr_core.DTYPES
                    and all(c.pixel_type == kind and c.x_sampling == c.y_sampling == 1 for c in chosen)):
                return names, kind
            return None
    return None


#: What the frame takes from a part's header besides its pixels and windows: the part's name, its
#: compression, its views and its colour space.
Decoded = tuple[np.ndarray, tuple[str, ...], Window, Window, dict[str, Any]]


def _decode_core(path: str, index: int, structure: ExrPartHeader, names: tuple[str, ...], pixel_type: int,
                 layer: bool, stop: Callable[[], bool] | None) -> Decoded:
    """The channels ``names`` (a ``layer``'s, else the default ones) through OpenEXR's C library
    (media/exr_core.py), shown as `_decode_file` shows them; 32-bit floats made half as OpenEXR.File's are."""
    image = exr_core.decode_pixels(path, index, names, threads=EXR_THREADS_PER_FILE, stop=stop,
                                   pixel_type=pixel_type)
    raw = image.pixels
    if layer and raw.shape[2] == 2:  # as R and G
        raw = np.concatenate([raw, np.zeros_like(raw[:, :, :1])], axis=2)
    pixels = _as_display_pixels(raw)
    try:
        compression = OpenEXR.Compression(structure.compression).name
    except (TypeError, ValueError):
        compression = str(structure.compression)
    info = {"part": structure.name, "compression": compression, "views": list(structure.views),
            "colour_space": exr_colour_space(image.colour_attributes)}
    shown = names if layer else _channel_names("".join(names), pixels.shape[2])
    return pixels, shown, image.data_window, image.display_window, info


def _decode_file(path: str, index: int, layer_channels: tuple[str, ...] | None, view: str | None,
                 stop: Callable[[], bool] | None) -> Decoded:
    """A part's default channels, a layer's or a view's through OpenEXR.File; its errors explained."""
    stream: _StoppableFile | None = None
    try:
        # Opened inside the try: a file gone since its layout was read is explained like the plain read's.
        stream = _StoppableFile(path, stop) if stop is not None else None
        exr = OpenEXR.File(stream or path, separate_channels=layer_channels is not None,
                           num_threads=EXR_THREADS_PER_FILE)
        chosen = exr.parts[index]
        header = chosen.header
        if layer_channels is not None:
            raw, names = _layer_pixels(chosen.channels, layer_channels)
            pixels = _as_display_pixels(raw)
        else:
            group, channel = _pick_channels(chosen.channels, header, view)
            pixels = _as_display_pixels(channel.pixels)
            names = _channel_names(group, pixels.shape[2])
        part_name = chosen.name()
    except KeyError as exc:
        raise UnreadableFileError(path, str(exc.args[0])) from exc
    except Exception as exc:
        if stop is not None and stop():  # given up part-way: OpenEXR reports it as a failed read
            raise Superseded(path) from None
        raise _explain(path, exc) from exc
    finally:
        if stream is not None:
            stream.close()
    info = {"part": part_name, "compression": str(header.get("compression", "")).rsplit(".", 1)[-1],
            "views": list(header.get("multiView") or []), "colour_space": exr_colour_space(header)}
    return pixels, names, _window(header["dataWindow"]), _window(header["displayWindow"]), info


def decode_exr(path: str, *, part: str | int | None = None, view: str | None = None,
               layer: str | None = None) -> Frame:
    """Decode an EXR into a float16 display-window Frame.

    `part` (name or index) picks the part, by default the first with RGB or Y channels; `layer` a layer
    of it (see exr_layers: "" is the default colour layer, "diffuse", "Z"...), shown as RGB(A) or, for one
    channel, grey; `view` a view of a multi-view part. Deep parts are refused with a clear error.
    """
    read_bytes_check(path)
    layout = _layout(path)
    index = _part_index(layout, part, path)
    structure = layout.parts[index]
    if structure.deep:
        raise UnreadableFileError(path, f"deep EXR images are not supported yet (part {index} is "
                                  f"{structure.type})")
    chosen_layer = find_layer(layout, index, layer) if layer is not None else None
    if layer is not None and chosen_layer is None:
        raise UnreadableFileError(path, f"no layer named {layer!r} in part {index}")
    stop = STOP_CHECK
    decoded = None
    layer_channels = chosen_layer.channels if chosen_layer is not None else None
    core = (_core_channels(structure, layer_channels)
            if _default_view(structure, view) and _core_suits(structure, stop)
            and all(p.text_ok for p in layout.parts) else None)
    if core is not None:
        try:
            decoded = _decode_core(path, index, structure, *core, layer_channels is not None, stop)
        except (exr_core.CoreFailed, OSError):
            decoded = None  # OpenEXR.File below decodes it, or says what is wrong with it
    if decoded is None:
        decoded = _decode_file(path, index, layer_channels, view, stop)
    pixels, names, data, display, header = decoded
    if pixels.shape[:2] != (data[3] - data[1] + 1, data[2] - data[0] + 1):
        raise DamagedFrameError(path, "pixel data does not match the data window")
    if not (0 < display[2] - display[0] + 1 <= _MAX_SIDE and 0 < display[3] - display[1] + 1 <= _MAX_SIDE):
        raise DamagedFrameError(path, f"damaged header: display window {display} is not a possible image size")
    if len(names) == 1:
        names = names * 3
    shown_layer = chosen_layer or find_layer(layout, index, None)
    metadata = {
        "part": header["part"],
        "part_index": index,
        "layer": chosen_layer.layer if chosen_layer else DEFAULT_LAYER,
        "bit_depth": shown_layer.bit_depth if shown_layer else part_bit_depth(structure),
        "compression": header["compression"],
        "views": header["views"],
    }
    return Frame(
        pixels=place_in_display_window(pixels, data, display),
        frame=0,
        colour_space=header["colour_space"],
        display_window=display,
        data_window=data,
        channels=tuple(names),
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

"""A small, bounded reader of OpenEXR headers and chunk offset tables in pure Python.

The OpenEXR binding gives no channel pixel types without reading pixels, and nothing of the offset table;
this reader gives both without decoding pixels, and never crashes on a damaged file: every problem is an
`ExrStructureError` whose message says what is wrong.
"""

from __future__ import annotations

import math
import os
import struct
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    import numpy as np

MAGIC = b"v/1\x01"
_TILED, _LONG_NAMES, _DEEP, _MULTIPART = 0x200, 0x400, 0x800, 0x1000
_MAX_HEADER_BYTES = 64 * 1024 * 1024
_MAX_CHUNKS = 1 << 26
# Scanlines per chunk of each compression code (as OpenEXR 3.5 writes them).
LINES_PER_CHUNK = {0: 1, 1: 1, 2: 1, 3: 16, 4: 32, 5: 16, 6: 32, 7: 32, 8: 32, 9: 256, 10: 256, 11: 32,
                   12: 256, 13: 1}
COMPRESSION_NAMES = {0: "none", 1: "rle", 2: "zips", 3: "zip", 4: "piz", 5: "pxr24", 6: "b44", 7: "b44a",
                     8: "dwaa", 9: "dwab", 10: "htj2k256", 11: "htj2k32", 12: "lj2k", 13: "zstd"}
PIXEL_BITS = {0: 32, 1: 16, 2: 32}  # UINT, HALF, FLOAT


class ExrStructureError(Exception):
    """The file is not a well-formed EXR; the message says what is wrong ("truncated: ...")."""


@dataclass(frozen=True)
class ExrChannel:
    """One channel of a part: its full name and pixel type (0 UINT, 1 HALF, 2 FLOAT)."""

    name: str
    pixel_type: int
    x_sampling: int = 1
    y_sampling: int = 1


@dataclass
class ExrPartHeader:
    """The structural attributes of one part."""

    index: int
    name: str = ""
    type: str = "scanlineimage"
    channels: tuple[ExrChannel, ...] = ()
    data_window: tuple[int, int, int, int] | None = None
    compression: int | None = None
    tiles: tuple[int, int, int, int] | None = None  # x size, y size, level mode, rounding mode
    chunk_count: int | None = None
    views: tuple[str, ...] = ()
    timecode: int | None = None  # SMPTE 12M packed time and flags
    attributes: set[str] = field(default_factory=set)
    #: False when a string attribute (or an element of a string vector) is not UTF-8 text: OpenEXR.File then
    #: refuses the whole file, and the C path (media/exr_core.py) leaves it to it, so both say the same.
    text_ok: bool = True

    @property
    def deep(self) -> bool:
        """True for deep scanline or deep tiled parts."""
        return self.type.startswith("deep")

    @property
    def tiled(self) -> bool:
        """True for tiled (flat or deep) parts."""
        return self.type in ("tiledimage", "deeptile")


@dataclass(frozen=True)
class ExrLayout:
    """Every part header and where the offset table starts."""

    parts: tuple[ExrPartHeader, ...]
    multipart: bool
    table_start: int
    file_size: int


class _Reader:
    """Reads the start of a file on demand, so a header costs one or two small reads."""

    def __init__(self, handle: BinaryIO, size: int) -> None:
        self.handle, self.size, self.data = handle, size, b""

    def need(self, end: int) -> None:
        if end > self.size:
            raise ExrStructureError(f"truncated: the header runs past the end of the file ({self.size} bytes)")
        if end > _MAX_HEADER_BYTES:
            raise ExrStructureError("damaged header: larger than 64 MB")
        if end > len(self.data):
            self.handle.seek(len(self.data))
            self.data += self.handle.read(max(end - len(self.data), 65536))

    def cstring(self, pos: int, limit: int) -> tuple[str, int]:
        while True:
            end = self.data.find(b"\0", pos, pos + limit + 1)
            if end >= 0:
                break
            if len(self.data) >= min(self.size, pos + limit + 1):
                raise ExrStructureError("damaged header: a name is not terminated")
            self.need(min(self.size, len(self.data) + 65536))
        try:
            return self.data[pos:end].decode("utf-8"), end + 1
        except UnicodeDecodeError as exc:
            raise ExrStructureError("damaged header: a name is not valid text") from exc


def _parse_chlist(value: bytes) -> tuple[ExrChannel, ...]:
    channels, pos = [], 0
    while pos < len(value) and value[pos] != 0:
        end = value.find(b"\0", pos)
        if end < 0 or end + 17 > len(value):
            raise ExrStructureError("damaged header: channel list is cut short")
        try:
            name = value[pos:end].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ExrStructureError("damaged header: a channel name is not valid text") from exc
        pixel_type, _linear, x_sampling, y_sampling = struct.unpack_from("<iB3xii", value, end + 1)
        if pixel_type not in PIXEL_BITS:
            raise ExrStructureError(f"damaged header: channel {name!r} has unknown pixel type {pixel_type}")
        channels.append(ExrChannel(name, pixel_type, x_sampling, y_sampling))
        pos = end + 17
    return tuple(channels)


def _is_text(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _apply(part: ExrPartHeader, name: str, kind: str, value: bytes) -> None:
    part.attributes.add(name)
    if (kind == "string" and not _is_text(value)) or (
            kind == "stringvector" and not all(map(_is_text, _string_elements(value)))):
        part.text_ok = False
    if name == "channels" and kind == "chlist":
        part.channels = _parse_chlist(value)
    elif name == "dataWindow" and kind == "box2i" and len(value) == 16:
        part.data_window = struct.unpack("<4i", value)
    elif name == "compression" and kind == "compression" and len(value) == 1:
        part.compression = value[0]
    elif name == "tiles" and kind == "tiledesc" and len(value) == 9:
        x, y, mode = struct.unpack("<IIB", value)
        part.tiles = (x, y, mode & 0x0F, mode >> 4)
    elif name == "chunkCount" and kind == "int" and len(value) == 4:
        part.chunk_count = struct.unpack("<i", value)[0]
    elif name == "type" and kind == "string":
        part.type = value.decode("utf-8", "replace")
    elif name == "name" and kind == "string":
        part.name = value.decode("utf-8", "replace")
    elif name == "timeCode" and kind == "timecode" and len(value) == 8:
        part.timecode = struct.unpack("<I", value[:4])[0]
    elif name == "multiView" and kind == "stringvector":
        part.views = _string_vector(value)


def _string_elements(value: bytes) -> list[bytes]:
    """The elements of a string vector attribute (up to the first that does not fit)."""
    elements, pos = [], 0
    while pos + 4 <= len(value):
        (size,) = struct.unpack_from("<i", value, pos)
        if size < 0 or pos + 4 + size > len(value):
            break
        elements.append(value[pos + 4 : pos + 4 + size])
        pos += 4 + size
    return elements


def _string_vector(value: bytes) -> tuple[str, ...]:
    return tuple(element.decode("utf-8", "replace") for element in _string_elements(value))


def _read_layout(handle: BinaryIO, size: int) -> ExrLayout:
    reader = _Reader(handle, size)
    reader.need(min(size, 8))
    if size < 8 or reader.data[:4] != MAGIC:
        raise ExrStructureError("not an OpenEXR file (bad magic number)")
    (version,) = struct.unpack_from("<I", reader.data, 4)
    if version & 0xFF != 2:
        raise ExrStructureError(f"unsupported OpenEXR version {version & 0xFF}")
    limit = 255 if version & _LONG_NAMES else 31
    multipart = bool(version & _MULTIPART)
    parts: list[ExrPartHeader] = []
    pos = 8
    while True:
        part = ExrPartHeader(len(parts))
        if not multipart:
            part.type = "deepscanline" if version & _DEEP else "tiledimage" if version & _TILED else part.type
        reader.need(pos + 1)
        if multipart and reader.data[pos] == 0 and parts:
            pos += 1
            break
        while True:
            reader.need(pos + 1)
            if reader.data[pos] == 0:
                pos += 1
                break
            name, pos = reader.cstring(pos, limit)
            kind, pos = reader.cstring(pos, limit)
            reader.need(pos + 4)
            (length,) = struct.unpack_from("<i", reader.data, pos)
            if length < 0:
                raise ExrStructureError(f"damaged header: attribute {name!r} has a negative size")
            reader.need(pos + 4 + length)
            _apply(part, name, kind, reader.data[pos + 4 : pos + 4 + length])
            pos += 4 + length
        parts.append(part)
        if not multipart:
            break
    for part in parts:
        found = {"channels": part.channels, "compression": part.compression, "dataWindow": part.data_window}
        missing = [name for name, value in found.items() if not value and value != 0]
        if missing:
            raise ExrStructureError(f"damaged header: no readable {', '.join(missing)} attribute")
    return ExrLayout(tuple(parts), multipart, pos, size)


def read_layout(handle: BinaryIO, size: int) -> ExrLayout:
    """Parse the version field and every part header of an open EXR file of `size` bytes."""
    try:
        return _read_layout(handle, size)
    except (struct.error, ValueError, IndexError, OverflowError) as exc:  # a field that makes no sense
        raise ExrStructureError(f"damaged header: {exc}") from exc


def read_exr_layout(path: str) -> ExrLayout:
    """The header layout of the EXR at `path` (raises ExrStructureError, or OSError)."""
    with open(path, "rb") as handle:
        return read_layout(handle, os.fstat(handle.fileno()).st_size)


def _level_sizes(full: int, levels: int, round_up: bool) -> list[int]:
    sizes = []
    for level in range(levels):
        size = full / (1 << level)
        sizes.append(max(1, math.ceil(size) if round_up else math.floor(size)))
    return sizes


def _level_count(size: int, round_up: bool) -> int:
    return (math.ceil(math.log2(size)) if round_up else int(math.log2(size))) + 1


def expected_chunks(part: ExrPartHeader) -> int:
    """The number of chunks of a part, from chunkCount or its data window, compression and tiling."""
    if part.chunk_count is not None:
        if not 0 < part.chunk_count <= _MAX_CHUNKS:
            raise ExrStructureError(f"damaged header: chunk count {part.chunk_count}")
        return part.chunk_count
    if part.data_window is None or part.compression is None:
        raise ExrStructureError("damaged header: no data window or compression")
    x0, y0, x1, y1 = part.data_window
    width, height = x1 - x0 + 1, y1 - y0 + 1
    if width <= 0 or height <= 0 or width * height > 1 << 34:
        raise ExrStructureError(f"damaged header: data window {part.data_window}")
    if part.tiles is None:
        if part.tiled:
            raise ExrStructureError("damaged header: a tiled part without tile description")
        lines = LINES_PER_CHUNK.get(part.compression)
        if lines is None:
            raise ExrStructureError(f"unknown compression method {part.compression} (damaged header or a newer "
                                    "OpenEXR)")
        return -(-height // lines)
    tx, ty, mode, rounding = part.tiles
    if tx <= 0 or ty <= 0 or mode > 2:
        raise ExrStructureError(f"damaged header: tile description {part.tiles}")
    up = rounding == 1
    if mode == 0:
        xs, ys = [width], [height]
    elif mode == 1:
        count = _level_count(max(width, height), up)
        xs, ys = _level_sizes(width, count, up), _level_sizes(height, count, up)
        return sum(-(-w // tx) * -(-h // ty) for w, h in zip(xs, ys, strict=True))
    else:
        xs, ys = _level_sizes(width, _level_count(width, up), up), _level_sizes(height, _level_count(height, up), up)
    return sum(-(-w // tx) * -(-h // ty) for w in xs for h in ys)


def read_offsets(handle: BinaryIO, layout: ExrLayout) -> list[np.ndarray]:
    """The chunk offset table of each part (uint64 arrays)."""
    counts = [expected_chunks(part) for part in layout.parts]
    end = layout.table_start + 8 * sum(counts)
    if end > layout.file_size:
        raise ExrStructureError(f"truncated: the chunk offset table needs {end} bytes, the file has "
                                f"{layout.file_size}")
    handle.seek(layout.table_start)
    import numpy as np

    table = np.frombuffer(handle.read(end - layout.table_start), dtype="<u8")
    return list(np.split(table, np.cumsum(counts)[:-1]))

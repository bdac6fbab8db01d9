"""A cheap check that an image file is complete, without decoding pixels.

`check_file(path)` returns None when the file looks whole, else a short reason ("truncated: ..."). It
reads only headers, offset tables and the file's tail: EXR chunk offsets (and the last chunk's size)
against the file size, the JPEG end marker, the PNG IEND chunk, the DPX header's file size and image
size, TIFF strip/tile offsets and byte counts. Formats it does not know pass (None).
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

from horus_desktop.media.exr_header import ExrLayout, ExrStructureError, read_layout, read_offsets

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_IEND = b"\x00\x00\x00\x00IEND\xaeB`\x82"
_DPX_BITS = frozenset({1, 8, 10, 12, 16})
_DPX_ELEMENTS = {50: 3, 51: 4, 52: 4, 6: 1, 1: 1, 2: 1, 3: 1, 4: 1}
_TIFF_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}
_TIFF_STRIPS, _TIFF_STRIP_BYTES, _TIFF_TILES, _TIFF_TILE_BYTES = 273, 279, 324, 325


def _exr_chunk_end(handle: BinaryIO, layout: ExrLayout, part_index: int, offset: int) -> int:
    """Where the chunk at `offset` ends, read from its own small header."""
    part = layout.parts[part_index]
    prefix = 4 if layout.multipart else 0
    coords = 16 if part.tiled else 4
    sizes = 24 if part.deep else 4
    handle.seek(offset)
    head = handle.read(prefix + coords + sizes)
    if len(head) < prefix + coords + sizes:
        raise ExrStructureError(f"truncated: the chunk at byte {offset} is cut short")
    if part.deep:
        table, samples, _unpacked = struct.unpack_from("<QQQ", head, prefix + coords)
        return offset + len(head) + table + samples
    (size,) = struct.unpack_from("<i", head, prefix + coords)
    if size < 0:
        raise ExrStructureError(f"damaged chunk at byte {offset}: negative size")
    return offset + len(head) + size


def _check_exr(handle: BinaryIO, size: int) -> str | None:
    try:
        layout = read_layout(handle, size)
        tables = read_offsets(handle, layout)
        table_end = layout.table_start + 8 * sum(len(t) for t in tables)
        last_offset, last_part = 0, 0
        for index, offsets in enumerate(tables):
            if not len(offsets):
                continue
            zeros = int((offsets == 0).sum())
            if zeros:
                return (f"incomplete: {zeros} of {len(offsets)} chunk offsets are 0 (the file was not "
                        "finished writing)")
            beyond = int((offsets >= size).sum())
            if beyond:
                return (f"truncated: {beyond} of {len(offsets)} chunks start past the end of the file "
                        f"({size} bytes)")
            if int(offsets.min()) < table_end:
                return "damaged: a chunk offset points inside the header"
            top = int(offsets.max())
            if top > last_offset:
                last_offset, last_part = top, index
        if last_offset:
            end = _exr_chunk_end(handle, layout, last_part, last_offset)
            if end > size:
                return f"truncated: the last chunk needs {end} bytes, the file has {size}"
    except ExrStructureError as exc:
        return str(exc)
    return None


def _check_jpeg(handle: BinaryIO, size: int) -> str | None:
    if handle.read(2) != b"\xff\xd8":
        return "not a JPEG file (no start-of-image marker)"
    handle.seek(max(0, size - 4096))
    tail = handle.read().rstrip(b"\x00")  # some writers pad the end
    if not tail.endswith(b"\xff\xd9"):
        return "truncated: no JPEG end-of-image marker (FFD9)"
    return None


def _check_png(handle: BinaryIO, size: int) -> str | None:
    if handle.read(8) != _PNG_SIGNATURE:
        return "not a PNG file (bad signature)"
    handle.seek(max(0, size - len(_PNG_IEND)))
    if handle.read() != _PNG_IEND:
        return "truncated: no PNG IEND chunk at the end"
    return None


def _check_dpx(handle: BinaryIO, size: int) -> str | None:
    head = handle.read(2048)
    if len(head) < 812 or head[:4] not in (b"SDPX", b"XPDS"):
        return "not a DPX file (bad magic number)" if len(head) >= 4 else "truncated: no DPX header"
    e = ">" if head[:4] == b"SDPX" else "<"
    data_offset, _version, declared = struct.unpack_from(e + "I8sI", head, 4)
    if declared not in (0, 0xFFFFFFFF) and size < declared:
        return f"truncated: the header says {declared} bytes, the file has {size}"
    width, height = struct.unpack_from(e + "II", head, 772)
    descriptor, _transfer, _colorimetric, bits = struct.unpack_from("BBBB", head, 800)
    packing, encoding, element_offset = struct.unpack_from(e + "HHI", head, 804)
    start = element_offset if element_offset not in (0, 0xFFFFFFFF) else data_offset
    if encoding or bits not in _DPX_BITS or descriptor not in _DPX_ELEMENTS:
        return None  # RLE or an unusual layout: the decoder says what it can do
    samples = width * _DPX_ELEMENTS[descriptor]
    if bits == 10 and packing in (1, 2):
        row = (samples + 2) // 3 * 4
    elif bits == 8:
        row = (samples + 3) // 4 * 4
    elif bits == 16 or packing in (1, 2):
        row = samples * 2
    else:
        row = (samples * bits + 31) // 32 * 4
    # The last row may end without its padding.
    need = start + row * max(height - 1, 0) + min(row, (samples * bits + 7) // 8)
    if size < need:
        return f"truncated: the image needs {need} bytes, the file has {size}"
    return None


def _check_tiff(path: str, size: int) -> str | None:
    with open(path, "rb") as handle:
        head = handle.read(8)
        if len(head) < 8 or head[:4] not in (b"II*\0", b"MM\0*"):
            return "not a TIFF file (bad byte-order mark)" if len(head) >= 8 else "truncated: no TIFF header"
        order = "<" if head[:2] == b"II" else ">"
        (directory,) = struct.unpack_from(order + "I", head, 4)
        handle.seek(directory)
        count = handle.read(2)
        # Pillow writes the directory and its values last: the first things a file cut short loses.
        entries = struct.unpack(order + "H", count)[0] if len(count) == 2 else 0
        table = handle.read(12 * entries)
    if len(count) < 2 or directory + 2 + 12 * entries + 4 > size:
        return f"truncated: the TIFF directory at byte {directory} runs past the end of the file ({size} bytes)"
    for index in range(entries):
        _tag, kind, number, value = struct.unpack_from(order + "HHII", table, 12 * index)
        length = _TIFF_TYPE_SIZES.get(kind, 1) * number
        if length > 4 and value + length > size:
            return f"truncated: a TIFF tag's values at byte {value} run past the end of the file ({size} bytes)"
    try:
        with Image.open(path) as image:
            tags = getattr(image, "tag_v2", None)
            if tags is None:
                return None
            offsets = tags.get(_TIFF_STRIPS) or tags.get(_TIFF_TILES)
            counts = tags.get(_TIFF_STRIP_BYTES) or tags.get(_TIFF_TILE_BYTES)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, struct.error,
            Image.DecompressionBombError) as exc:  # a damaged size field can claim billions of pixels
        return f"damaged TIFF header: {exc}"
    if not offsets or not counts:
        return "damaged TIFF header: no strip or tile offsets"
    offsets = offsets if isinstance(offsets, tuple) else (offsets,)
    counts = counts if isinstance(counts, tuple) else (counts,)
    end = max(int(o) + int(c) for o, c in zip(offsets, counts, strict=False))
    if end > size:
        return f"truncated: the image data needs {end} bytes, the file has {size}"
    return None


def check_file(path: str | Path) -> str | None:
    """None when the image file looks complete, else what is wrong with it (cheap: no pixel decode).

    Raises OSError when the file cannot be opened.
    """
    path = str(path)
    suffix = os.path.splitext(path)[1].lower()  # not pathlib: this runs for every frame of an ingest
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size == 0:
            return "empty file (0 bytes)"
        if suffix in HANDLE_CHECKED:
            return check_handle(handle, size, suffix)
    if suffix in (".tif", ".tiff"):
        return _check_tiff(path, size)
    return None


#: Extensions whose check reads only the open file (``check_handle``); a TIFF's also asks Pillow by path.
HANDLE_CHECKED = frozenset({".exr", ".jpg", ".jpeg", ".png", ".dpx"})


def check_handle(handle: BinaryIO, size: int, suffix: str) -> str | None:
    """``check_file`` of a file of ``size`` bytes (not 0) with extension ``suffix`` (one of
    :data:`HANDLE_CHECKED`) open as ``handle`` (a file, or its bytes already read: ingest reads a small file
    once for the check, its header and its hash)."""
    if suffix == ".exr":
        return _check_exr(handle, size)
    if suffix in (".jpg", ".jpeg"):
        return _check_jpeg(handle, size)
    if suffix == ".png":
        return _check_png(handle, size)
    if suffix == ".dpx":
        return _check_dpx(handle, size)
    return None

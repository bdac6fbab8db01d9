"""EXR scanline decoding through OpenEXR's core C library, block by block, on the calling thread and
threads started for the file.

The `OpenEXR` Python module carries the library's C API (``exr_*``) and exports it; this module calls it
through ctypes, which lets go of Python's interpreter lock during every call. Why not `OpenEXR.File`: a
decode that may be given up part-way (a frame the user scrubs past) had to read through a Python stream,
and OpenEXR's threads then took Python's lock for every block they read (traced: the two threads of a
frame taking turns on one core for ~12 ms). Here the library reads the file itself (``pread``), the
threads need Python only between blocks, and that is where a stop is checked. Each block is decoded
straight into the frame's interleaved pixels. A file of a line a block (ZIPS, Nuke's default, RLE, none)
read through the stream took Python's lock ~1,150 times a 2K frame: 99 ms against 41 by path and 30 here
(uncompressed 77, 27 and 19; PIZ 21, 20 and 19; medians of 15 on 2 threads, this machine).

Taken: scanline and tiled parts (the full-resolution level of mip-maps) whose shown channels are all half or
all 32-bit floats, at full resolution. Everything else, and any
file the library reports an error for, goes through `OpenEXR.File` (media/decode_exr.py), which also words
the error.
"""

from __future__ import annotations

import ctypes
import itertools
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import OpenEXR

from horus_desktop.media.colour_defaults import EXR_NAME_ATTRIBUTES
from horus_desktop.media.core_spread import run_parts
from horus_desktop.media.frames import Superseded

HALF, FLOAT = 1, 2  # exr_pixel_type_t
#: The array type each pixel type is decoded to.
DTYPES = {HALF: np.dtype(np.float16), FLOAT: np.dtype(np.float32)}
_SCANLINE, _TILED = 0, 1  # exr_storage_t
_SILENT_HEADER_PARSE = 1 << 1

_p = ctypes.c_void_p


class _V2i(ctypes.Structure):
    _fields_ = [("x", ctypes.c_int32), ("y", ctypes.c_int32)]


class _Box2i(ctypes.Structure):
    _fields_ = [("min", _V2i), ("max", _V2i)]


class _Chromaticities(ctypes.Structure):
    _fields_ = [(name, ctypes.c_float) for name in
                ("red_x", "red_y", "green_x", "green_y", "blue_x", "blue_y", "white_x", "white_y")]


class _ContextInit(ctypes.Structure):
    """exr_context_initializer_t up to its v3 fields; ``size`` tells the library which it may read."""

    _fields_ = [("size", ctypes.c_size_t), ("error_handler_fn", _p), ("alloc_fn", _p), ("free_fn", _p),
                ("user_data", _p), ("read_fn", _p), ("size_fn", _p), ("write_fn", _p), ("destroy_fn", _p),
                ("max_image_width", ctypes.c_int), ("max_image_height", ctypes.c_int),
                ("max_tile_width", ctypes.c_int), ("max_tile_height", ctypes.c_int),
                ("zip_level", ctypes.c_int), ("dwa_quality", ctypes.c_float), ("flags", ctypes.c_int)]


class _ChunkInfo(ctypes.Structure):
    _fields_ = [("idx", ctypes.c_int32), ("start_x", ctypes.c_int32), ("start_y", ctypes.c_int32),
                ("height", ctypes.c_int32), ("width", ctypes.c_int32), ("level_x", ctypes.c_uint8),
                ("level_y", ctypes.c_uint8), ("type", ctypes.c_uint8), ("compression", ctypes.c_uint8),
                ("data_offset", ctypes.c_uint64), ("packed_size", ctypes.c_uint64),
                ("unpacked_size", ctypes.c_uint64), ("sample_count_data_offset", ctypes.c_uint64),
                ("sample_count_table_size", ctypes.c_uint64)]


class _CodingChannel(ctypes.Structure):
    _fields_ = [("channel_name", ctypes.c_char_p), ("height", ctypes.c_int32), ("width", ctypes.c_int32),
                ("x_samples", ctypes.c_int32), ("y_samples", ctypes.c_int32), ("p_linear", ctypes.c_uint8),
                ("bytes_per_element", ctypes.c_int8), ("data_type", ctypes.c_uint16),
                ("user_bytes_per_element", ctypes.c_int16), ("user_data_type", ctypes.c_uint16),
                ("user_pixel_stride", ctypes.c_int32), ("user_line_stride", ctypes.c_int32),
                ("decode_to_ptr", _p)]


class _DecodePipeline(ctypes.Structure):
    """exr_decode_pipeline_t (its second version, OpenEXR 3.3+). The library checks ``pipe_size`` and
    reads only the first version's fields (a prefix of these) when it differs from its own."""

    _fields_ = [("pipe_size", ctypes.c_size_t), ("channels", ctypes.POINTER(_CodingChannel)),
                ("channel_count", ctypes.c_int16), ("decode_flags", ctypes.c_uint16),
                ("part_index", ctypes.c_int), ("context", _p), ("chunk", _ChunkInfo),
                ("user_line_begin_skip", ctypes.c_int32), ("user_line_end_ignore", ctypes.c_int32),
                ("bytes_decompressed", ctypes.c_uint64), ("decoding_user_data", _p),
                ("packed_buffer", _p), ("packed_alloc_size", ctypes.c_size_t),
                ("unpacked_buffer", _p), ("unpacked_alloc_size", ctypes.c_size_t),
                ("packed_sample_count_table", _p), ("packed_sample_count_alloc_size", ctypes.c_size_t),
                ("sample_count_table", _p), ("sample_count_alloc_size", ctypes.c_size_t),
                ("scratch_buffer_1", _p), ("scratch_alloc_size_1", ctypes.c_size_t),
                ("scratch_buffer_2", _p), ("scratch_alloc_size_2", ctypes.c_size_t),
                ("alloc_fn", _p), ("free_fn", _p), ("read_fn", _p), ("decompress_fn", _p),
                ("realloc_nonimage_data_fn", _p), ("unpack_and_convert_fn", _p),
                ("_quick_chan_store", _CodingChannel * 5), ("sample_count_valid", ctypes.c_int),
                ("compression_context", _p), ("free_compression_context", _p)]


_ERROR_HANDLER = ctypes.CFUNCTYPE(None, _p, ctypes.c_int, ctypes.c_char_p)


@_ERROR_HANDLER
def _quiet(_context: int | None, _code: int, _message: bytes | None) -> None:
    """The library's messages are not printed (it prints them to stderr by default): a failed decode
    goes through OpenEXR.File, which words the error for the user."""


class _Library:
    """The C functions used, with their argument types."""

    def __init__(self, path: str) -> None:
        lib = ctypes.CDLL(path)
        ctx, ctx_p, i32_p = _p, ctypes.POINTER(_p), ctypes.POINTER(ctypes.c_int32)
        signatures: dict[str, list[type]] = {
            "exr_start_read": [ctx_p, ctypes.c_char_p, ctypes.POINTER(_ContextInit)],
            "exr_finish": [ctx_p],
            "exr_get_count": [ctx, i32_p],
            "exr_get_storage": [ctx, ctypes.c_int, i32_p],
            "exr_get_data_window": [ctx, ctypes.c_int, ctypes.POINTER(_Box2i)],
            "exr_get_display_window": [ctx, ctypes.c_int, ctypes.POINTER(_Box2i)],
            "exr_get_scanlines_per_chunk": [ctx, ctypes.c_int, i32_p],
            "exr_get_chunk_count": [ctx, ctypes.c_int, i32_p],
            "exr_attr_get_string": [ctx, ctypes.c_int, ctypes.c_char_p, i32_p, ctypes.POINTER(ctypes.c_char_p)],
            "exr_attr_get_chromaticities": [ctx, ctypes.c_int, ctypes.c_char_p, ctypes.POINTER(_Chromaticities)],
            "exr_read_scanline_chunk_info": [ctx, ctypes.c_int, ctypes.c_int, ctypes.POINTER(_ChunkInfo)],
            "exr_read_tile_chunk_info": [ctx, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                         ctypes.POINTER(_ChunkInfo)],
            "exr_get_tile_descriptor": [ctx, ctypes.c_int, ctypes.POINTER(ctypes.c_uint32),
                                        ctypes.POINTER(ctypes.c_uint32), i32_p, i32_p],
            "exr_get_tile_counts": [ctx, ctypes.c_int, ctypes.c_int, ctypes.c_int, i32_p, i32_p],
            "exr_decoding_initialize": [ctx, ctypes.c_int, ctypes.POINTER(_ChunkInfo),
                                        ctypes.POINTER(_DecodePipeline)],
            "exr_decoding_update": [ctx, ctypes.c_int, ctypes.POINTER(_ChunkInfo), ctypes.POINTER(_DecodePipeline)],
            "exr_decoding_choose_default_routines": [ctx, ctypes.c_int, ctypes.POINTER(_DecodePipeline)],
            "exr_decoding_run": [ctx, ctypes.c_int, ctypes.POINTER(_DecodePipeline)],
            "exr_decoding_destroy": [ctx, ctypes.POINTER(_DecodePipeline)],
        }
        for name, arguments in signatures.items():
            function = getattr(lib, name)
            function.argtypes = arguments
            function.restype = ctypes.c_int
            setattr(self, name, function)

    def __getattr__(self, name: str) -> Callable[..., int]:  # for the type checker: set in __init__
        raise AttributeError(name)


_LIBRARY: _Library | None = None
_LIBRARY_LOCK = threading.Lock()


#: OpenEXR releases whose structures this module lays out (3.3 added the decode pipeline's second version).
KNOWN_RELEASES = ((3, 3), (3, 4), (3, 5))


def _known_release(version: str) -> bool:
    try:
        major, minor = (int(part) for part in version.split(".")[:2])
    except ValueError:
        return False
    return (major, minor) in KNOWN_RELEASES


def _library() -> _Library | None:
    """The core library's functions, or None when the OpenEXR module does not export them or is a release
    whose structures this module does not know (OpenEXR.File decodes everything then)."""
    global _LIBRARY
    with _LIBRARY_LOCK:
        if _LIBRARY is None:
            if not _known_release(getattr(OpenEXR, "__version__", "")):
                return None
            try:
                _LIBRARY = _Library(OpenEXR.__file__ or "")
            except (OSError, AttributeError):
                return None
        return _LIBRARY


class CoreFailed(Exception):
    """The core path does not take this file, or the library reported an error: decode it with
    OpenEXR.File instead (which explains what is wrong)."""


@dataclass(frozen=True)
class CoreImage:
    """The decoded data window and what the frame needs from the header."""

    pixels: np.ndarray  # (height, width, channels) of the data window, float16 or float32 as asked
    data_window: tuple[int, int, int, int]
    display_window: tuple[int, int, int, int]
    colour_attributes: dict[str, Any]  # the header's colour-space names and chromaticities, where present


def _box(getter: Callable[..., int], context: ctypes.c_void_p, part: int) -> tuple[int, int, int, int]:
    box = _Box2i()
    if getter(context, part, ctypes.byref(box)) != 0:
        raise CoreFailed("no window")
    return (box.min.x, box.min.y, box.max.x, box.max.y)


def _colour_attributes(lib: _Library, context: ctypes.c_void_p, part: int) -> dict[str, Any]:
    """The attributes that say a part's colour space (colour_defaults.exr_colour_space reads them)."""
    found: dict[str, Any] = {}
    for name in EXR_NAME_ATTRIBUTES:
        length, text = ctypes.c_int32(), ctypes.c_char_p()
        if lib.exr_attr_get_string(context, part, name.encode(), ctypes.byref(length), ctypes.byref(text)) == 0:
            found[name] = ctypes.string_at(text, length.value).decode("utf-8", "replace") if text.value else ""
    chromaticities = _Chromaticities()
    if lib.exr_attr_get_chromaticities(context, part, b"chromaticities", ctypes.byref(chromaticities)) == 0:
        found["chromaticities"] = tuple(getattr(chromaticities, name) for name, _ in _Chromaticities._fields_)
    return found


@dataclass(frozen=True)
class _Lines:
    """A scanline part's blocks: ``lines`` lines each from the data window's first line."""

    lines: int
    first_line: int
    count: int

    def info(self, lib: _Library, context: ctypes.c_void_p, part: int, index: int, out: Any) -> int:
        return lib.exr_read_scanline_chunk_info(context, part, self.first_line + index * self.lines, out)

    def offset(self, index: int, line_stride: int, pixel_stride: int) -> int:
        """Bytes from the data window's first pixel to the block's."""
        return index * self.lines * line_stride

    def name(self, index: int) -> str:
        return f"block at line {self.first_line + index * self.lines}"


@dataclass(frozen=True)
class _Tiles:
    """A tiled part's full-resolution tiles (level 0), row by row: ``across`` a row of ``width`` x ``height``."""

    width: int
    height: int
    across: int
    count: int

    def info(self, lib: _Library, context: ctypes.c_void_p, part: int, index: int, out: Any) -> int:
        row, column = divmod(index, self.across)
        return lib.exr_read_tile_chunk_info(context, part, column, row, 0, 0, out)

    def offset(self, index: int, line_stride: int, pixel_stride: int) -> int:
        row, column = divmod(index, self.across)
        return row * self.height * line_stride + column * self.width * pixel_stride

    def name(self, index: int) -> str:
        row, column = divmod(index, self.across)
        return f"tile {column},{row}"


class _Decode:
    """One file's blocks (lines or tiles) shared out between threads: each takes the next block not yet
    taken, decodes it into ``pixels`` and, between blocks, stops when ``stop`` says so or another thread
    failed."""

    def __init__(self, lib: _Library, context: ctypes.c_void_p, part: int, names: Sequence[str],
                 pixels: np.ndarray, blocks: _Lines | _Tiles, stop: Callable[[], bool] | None) -> None:
        self.lib, self.context, self.part = lib, context, part
        self.slots = {name.encode(): i for i, name in enumerate(names)}
        self.base = pixels.ctypes.data
        self.pixel_type = HALF if pixels.dtype == np.float16 else FLOAT
        self.item = pixels.itemsize
        self.pixel_stride = pixels.strides[1]
        self.line_stride = pixels.strides[0]
        self.blocks, self.chunks = blocks, blocks.count
        self.stop = stop
        self.stopped = False
        self.asking = threading.Lock()  # one thread at a time asks ``stop`` (a pipe's poll object is not shared)
        self.taken = itertools.count()  # next() is atomic under the interpreter lock
        self.failed: str | None = None

    def _told_to_stop(self) -> bool:
        """True once ``stop`` has said so; a thread that finds another asking goes on with its block."""
        if self.stop is not None and not self.stopped and self.asking.acquire(blocking=False):
            try:
                self.stopped = self.stop()
            finally:
                self.asking.release()
        return self.stopped

    def run(self) -> None:
        try:
            self._blocks()
        except Exception as exc:  # on any thread, a failure of this path: the file goes OpenEXR.File's way
            self.failed = f"{type(exc).__name__}: {exc}"

    def _blocks(self) -> None:
        lib, context, part = self.lib, self.context, self.part
        pipeline = _DecodePipeline()
        pipeline.pipe_size = ctypes.sizeof(_DecodePipeline)
        info = _ChunkInfo()
        info_ref, pipe_ref = ctypes.byref(info), ctypes.byref(pipeline)
        started = False
        try:
            for index in self.taken:
                if index >= self.chunks or self.failed is not None or self._told_to_stop():
                    return
                if self.blocks.info(lib, context, part, index, info_ref) != 0:
                    self.failed = f"{self.blocks.name(index)} not readable"
                    return
                at = self.base + self.blocks.offset(index, self.line_stride, self.pixel_stride)
                if not started:
                    if lib.exr_decoding_initialize(context, part, info_ref, pipe_ref) != 0:
                        self.failed = "decoder not started"
                        return
                    started = True
                    self._point(pipeline, at)
                    if lib.exr_decoding_choose_default_routines(context, part, pipe_ref) != 0:
                        self.failed = "no decoder for the file"
                        return
                else:
                    if lib.exr_decoding_update(context, part, info_ref, pipe_ref) != 0:
                        self.failed = f"{self.blocks.name(index)} not decodable"
                        return
                    self._point(pipeline, at)
                if lib.exr_decoding_run(context, part, pipe_ref) != 0:
                    self.failed = f"{self.blocks.name(index)} damaged"
                    return
        finally:
            if started or pipeline.channels:
                lib.exr_decoding_destroy(context, pipe_ref)

    def _point(self, pipeline: _DecodePipeline, at: int) -> None:
        """Where each channel of the block whose first pixel goes at ``at`` goes in the frame's interleaved
        pixels (a channel not shown is skipped by the library)."""
        for c in range(pipeline.channel_count):
            channel = pipeline.channels[c]
            slot = self.slots.get(channel.channel_name)
            if slot is None or channel.height == 0:
                channel.decode_to_ptr = None
                channel.user_pixel_stride = channel.user_line_stride = 0
                continue
            channel.user_data_type = self.pixel_type
            channel.user_bytes_per_element = self.item
            channel.user_pixel_stride = self.pixel_stride
            channel.user_line_stride = self.line_stride
            channel.decode_to_ptr = at + slot * self.item


def _blocks(lib: _Library, context: ctypes.c_void_p, part: int, data: tuple[int, int, int, int]
            ) -> _Lines | _Tiles:
    """How part ``part`` is cut into blocks; CoreFailed when it is neither scanlines nor tiles, or when its
    header's counts disagree with its data window."""
    width, height = data[2] - data[0] + 1, data[3] - data[1] + 1
    storage, chunks = ctypes.c_int32(), ctypes.c_int32()
    if (width <= 0 or height <= 0 or lib.exr_get_storage(context, part, ctypes.byref(storage)) != 0
            or lib.exr_get_chunk_count(context, part, ctypes.byref(chunks)) != 0):
        raise CoreFailed("no blocks")
    if storage.value == _SCANLINE:
        lines = ctypes.c_int32()
        if (lib.exr_get_scanlines_per_chunk(context, part, ctypes.byref(lines)) != 0 or lines.value < 1
                or chunks.value != -(-height // lines.value)):
            raise CoreFailed("data window and blocks disagree")
        return _Lines(lines.value, data[1], chunks.value)
    if storage.value == _TILED:
        x_size, y_size = ctypes.c_uint32(), ctypes.c_uint32()
        mode, rounding, across, down = ctypes.c_int32(), ctypes.c_int32(), ctypes.c_int32(), ctypes.c_int32()
        if (lib.exr_get_tile_descriptor(context, part, ctypes.byref(x_size), ctypes.byref(y_size),
                                        ctypes.byref(mode), ctypes.byref(rounding)) != 0
                or lib.exr_get_tile_counts(context, part, 0, 0, ctypes.byref(across), ctypes.byref(down)) != 0
                or x_size.value == 0 or y_size.value == 0
                or across.value != -(-width // x_size.value) or down.value != -(-height // y_size.value)):
            raise CoreFailed("data window and tiles disagree")
        return _Tiles(x_size.value, y_size.value, across.value, across.value * down.value)
    raise CoreFailed("a deep part")


def decode_pixels(path: str, part: int, names: Sequence[str], *, threads: int,
                  stop: Callable[[], bool] | None = None, pixel_type: int = HALF) -> CoreImage:
    """Decode the channels ``names`` (all of ``pixel_type``, HALF or FLOAT, at full resolution) of part
    ``part`` of ``path`` (scanlines, or the full-resolution level of tiles), into pixels of that type.

    Raises CoreFailed when this path does not take the file or the library reports an error, Superseded
    when ``stop`` said so between blocks, OSError when the file cannot be opened."""
    lib = _library()
    if lib is None:
        raise CoreFailed("OpenEXR's C library is not available")
    context = ctypes.c_void_p()
    init = _ContextInit(size=ctypes.sizeof(_ContextInit), error_handler_fn=ctypes.cast(_quiet, _p),
                        flags=_SILENT_HEADER_PARSE)
    if lib.exr_start_read(ctypes.byref(context), os.fsencode(path), ctypes.byref(init)) != 0:
        if not os.access(path, os.R_OK):
            raise OSError(f"cannot read {path}")
        raise CoreFailed("not opened")
    try:
        data = _box(lib.exr_get_data_window, context, part)
        display = _box(lib.exr_get_display_window, context, part)
        blocks = _blocks(lib, context, part, data)
        pixels = np.empty((data[3] - data[1] + 1, data[2] - data[0] + 1, len(names)), DTYPES[pixel_type])
        work = _Decode(lib, context, part, names, pixels, blocks, stop)
        # Every thread takes the next block free, so one whose core is busy with other work takes fewer.
        run_parts([work.run] * min(threads, blocks.count), "horus-exr-block")
        if work.stopped:
            raise Superseded(path)
        if work.failed is not None:
            raise CoreFailed(work.failed)
        return CoreImage(pixels, data, display, _colour_attributes(lib, context, part))
    finally:
        lib.exr_finish(ctypes.byref(context))

"""A small DPX (SMPTE 268M) reader and writer: 8, 10 (packed, methods A and B), 12 and 16-bit RGB(A)/luma,
big- or little-endian, decoded with numpy; 10-bit words are unpacked by a compiled loop (media/dpx_kernel.py:
~0.5 ms a 2K frame against numpy's ~16, which was most of a 10-bit frame's decode).

A decode process playing on the CPU path can decode straight at the view's reduced size (``reduction``): only
the kept rows are read and, for 10-bit RGB (one 32-bit word a pixel), only the kept pixels' words unpacked, the
same nearest samples as media/view_size.reduced_pixels of the full frame (a 2K 10-bit frame at half size
unpacks a quarter of its words)."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from horus_desktop.media.colour_defaults import dpx_colour_space
from horus_desktop.media.errors import DamagedFrameError, UnreadableFileError
from horus_desktop.media.file_access import read_bytes
from horus_desktop.media.frames import Frame, full_window
from horus_desktop.media.native_loading import load
from horus_desktop.media.view_size import sample_positions, with_reduction

_MAGIC_BIG = b"SDPX"
_MAGIC_LITTLE = b"XPDS"
_HEADER_SIZE = 2048
_MAX_SIDE = 65536  # larger than any film scan; a bigger width or height is a damaged header
_DESCRIPTOR_CHANNELS = {50: ("R", "G", "B"), 51: ("R", "G", "B", "A"), 6: ("Y",), 1: ("R",), 4: ("A",)}


@dataclass(frozen=True)
class DpxHeader:
    """The header fields needed to decode the first image element."""

    endian: str
    data_offset: int
    width: int
    height: int
    descriptor: int
    transfer: int
    bit_depth: int
    packing: int
    encoding: int
    frame_rate: Fraction | None
    colorimetric: int = 0
    timecode: int | None = None  # the TV header's SMPTE packed BCD time code; None when 0xFFFFFFFF

    @property
    def channels(self) -> tuple[str, ...]:
        """Channel names of the element."""
        return _DESCRIPTOR_CHANNELS.get(self.descriptor, ("R", "G", "B"))


def _rate(value: float) -> Fraction | None:
    if not np.isfinite(value) or value <= 0 or value > 1000:
        return None
    for rate in (Fraction(24000, 1001), Fraction(30000, 1001), Fraction(60000, 1001)):
        if abs(float(rate) - value) < 1e-3:
            return rate
    return Fraction(value).limit_denominator(1001)


def read_dpx_header(data: bytes, path: str = "") -> DpxHeader:
    """Parse the generic and film/TV headers of a DPX file."""
    if len(data) < _HEADER_SIZE // 2:
        raise DamagedFrameError(path, "file too short for a DPX header")
    magic = data[:4]
    if magic not in (_MAGIC_BIG, _MAGIC_LITTLE):
        raise DamagedFrameError(path, "not a DPX file (bad magic number)")
    e = ">" if magic == _MAGIC_BIG else "<"
    (data_offset,) = struct.unpack_from(e + "I", data, 4)
    width, height = struct.unpack_from(e + "II", data, 772)
    descriptor, transfer, colorimetric, bit_depth = struct.unpack_from("BBBB", data, 800)
    packing, encoding, element_offset = struct.unpack_from(e + "HHI", data, 804)
    # The film (1664-1919) and TV (1920-2047) headers are optional: a writer may start the pixels right after
    # the generic headers (libav's DPX encoder: at 1664), and a field past the header is pixel data.
    header_end = min(len(data), data_offset)
    film_rate = struct.unpack_from(e + "f", data, 1724)[0] if header_end >= 1728 else 0.0
    tv_rate = struct.unpack_from(e + "f", data, 1940)[0] if header_end >= 1944 else 0.0
    frame_rate = _rate(film_rate) or _rate(tv_rate)
    timecode = struct.unpack_from(e + "I", data, 1920)[0] if header_end >= 1924 else None
    if not (0 < width <= _MAX_SIDE and 0 < height <= _MAX_SIDE):
        raise DamagedFrameError(path, f"image size {width}x{height} in the header is not possible")
    offset = element_offset if element_offset not in (0, 0xFFFFFFFF) else data_offset
    return DpxHeader(e, offset, width, height, descriptor, transfer, bit_depth, packing, encoding, frame_rate,
                     colorimetric, None if timecode == 0xFFFFFFFF else timecode)


def unpack_10bit_numpy(words: np.ndarray, packing: int, count: int) -> np.ndarray:
    """HxN 32-bit words of a 10-bit DPX to the first `count` samples of each row, widened to 16 bits, in numpy
    (the reference media/dpx_kernel.py's compiled loop is tested against; ~30x slower)."""
    shifts = (22, 12, 2) if packing == 1 else (20, 10, 0)
    words = words.astype(np.uint32, copy=False)
    parts = [(words >> s) & 0x3FF for s in shifts]
    values = np.stack(parts, axis=-1).reshape(words.shape[0], -1)[:, :count].astype(np.uint16)
    return (values << 6) | (values >> 4)


def _unpack_10bit(words: np.ndarray, packing: int, count: int) -> np.ndarray:
    """`unpack_10bit_numpy` by the compiled loop (loaded, with numba, at the first 10-bit frame, under
    media/native_loading's lock: never beside Qt's audio set-up)."""
    samples = load("horus_desktop.media.dpx_kernel").unpack_10bit(words, packing)
    # Rows padded to a whole word (RGBA, luma) end in samples past `count`: dropped in a contiguous copy.
    return samples if samples.shape[1] == count else np.ascontiguousarray(samples[:, :count])


def decode_dpx_pixels(data: bytes, header: DpxHeader, path: str = "", *, reduction: float = 1) -> np.ndarray:
    """The element's pixels as HxWxC: uint8 for 8-bit, uint16 scaled to full range otherwise; ``reduction`` > 1:
    only the pixels view_size.reduced_pixels keeps at that factor (C-contiguous)."""
    h, w, c = header.height, header.width, len(header.channels)
    if header.encoding != 0:
        raise UnreadableFileError(path, "RLE-encoded DPX is not supported")
    e = header.endian
    samples = w * c
    body = memoryview(data)[header.data_offset :]
    if header.bit_depth == 8:
        row = (samples + 3) // 4 * 4
        need, dtype = row * h, np.uint8
    elif header.bit_depth == 10 and header.packing in (1, 2):
        row = (samples + 2) // 3 * 4
        need, dtype = row * h, np.dtype(e + "u4")
    elif header.bit_depth in (12, 16):
        row = samples * 2
        if header.bit_depth == 12 and header.packing == 0:
            raise UnreadableFileError(path, "12-bit DPX packed without padding is not supported")
        need, dtype = row * h, np.dtype(e + "u2")
    else:
        raise UnreadableFileError(path, f"unsupported DPX layout: {header.bit_depth}-bit, packing {header.packing}")
    if len(body) < need:
        raise DamagedFrameError(path, f"truncated: {len(body)} bytes of pixel data, {need} expected")
    rows = np.frombuffer(body[:need], dtype=dtype).reshape(h, -1)
    cols = None
    if reduction > 1:
        # np.take, not fancy indexing: its result is C-ordered (rows[:, cols] came out column-major here, and
        # the unpack's reshapes then copied it: slower than decoding the whole frame).
        rows = np.take(rows, sample_positions(h, reduction), axis=0)  # the kept rows only
        h, cols = rows.shape[0], sample_positions(w, reduction)
        if header.bit_depth == 10 and c == 3:  # one word a pixel: unpack only the kept pixels' words
            rows, w, samples, cols = np.take(rows, cols, axis=1), len(cols), len(cols) * 3, None
    if header.bit_depth == 8:
        pixels = rows[:, :samples].reshape(h, w, c)
    elif header.bit_depth == 10:
        pixels = _unpack_10bit(rows, header.packing, samples).reshape(h, w, c)
    else:
        values = rows[:, :samples].astype(np.uint16)
        if header.bit_depth == 12:
            values = values >> 4 if header.packing == 1 else values
            values = (values << 4) | (values >> 8)
        pixels = values.reshape(h, w, c)
    return pixels if cols is None else np.take(pixels, cols, axis=1)


def decode_dpx(path: str, *, reduction: float = 1) -> Frame:
    """Decode a DPX file into a Frame (uint8 or uint16 RGB/RGBA; luma repeated to RGB); ``reduction`` > 1: at
    the view's reduced size, marked as reduced from its full size (view_size.with_reduction)."""
    data = read_bytes(path)
    header = read_dpx_header(data, path)
    pixels = decode_dpx_pixels(data, header, path, reduction=reduction)
    channels = header.channels
    if channels == ("Y",):
        pixels, channels = np.repeat(pixels, 3, axis=2), ("Y", "Y", "Y")
    window = full_window(header.width, header.height)
    colour_space, guessed = dpx_colour_space(header.transfer, header.colorimetric, header.bit_depth)
    metadata = {"bit_depth": header.bit_depth, "frame_rate": header.frame_rate, "transfer": header.transfer,
                "colorimetric": header.colorimetric, "colour_space_guessed": guessed}
    frame = Frame(pixels, 0, colour_space, window, window, channels, metadata)
    return with_reduction(frame, reduction, (header.width, header.height))


def write_dpx(
    path: str,
    pixels: np.ndarray,
    *,
    bit_depth: int = 10,
    big_endian: bool = True,
    transfer: int = 1,
    frame_rate: float = 0.0,
    colorimetric: int | None = None,
    timecode: int = 0xFFFFFFFF,
) -> None:
    """Write an RGB (HxWx3) or RGBA image as an uncompressed DPX: 10-bit method A packing, or 8/16-bit.

    `pixels` holds values in the target bit depth (e.g. 0..1023 for 10-bit); `colorimetric` defaults to
    `transfer`; `timecode` is SMPTE packed BCD (0xFFFFFFFF: none).
    """
    h, w, c = pixels.shape
    e = ">" if big_endian else "<"
    header = bytearray(_HEADER_SIZE)
    header[0:4] = _MAGIC_BIG if big_endian else _MAGIC_LITTLE
    values = pixels.astype(np.uint32).reshape(h, w * c)
    if bit_depth == 10:
        pad = (-values.shape[1]) % 3
        values = np.pad(values, ((0, 0), (0, pad))).reshape(h, -1, 3)
        body = ((values[..., 0] << 22) | (values[..., 1] << 12) | (values[..., 2] << 2)).astype(e + "u4")
        packing = 1
    elif bit_depth == 16:
        body, packing = values.astype(e + "u2"), 0
    elif bit_depth == 8:
        pad = (-values.shape[1]) % 4
        body, packing = np.pad(values, ((0, 0), (0, pad))).astype(np.uint8), 0
    else:
        raise ValueError(f"write_dpx supports 8, 10 and 16 bits, not {bit_depth}")
    payload = body.tobytes()
    struct.pack_into(e + "I", header, 4, _HEADER_SIZE)
    header[8:16] = b"V2.0\0\0\0\0"
    struct.pack_into(e + "I", header, 16, _HEADER_SIZE + len(payload))
    struct.pack_into(e + "HHII", header, 768, 0, 1, w, h)
    colour = transfer if colorimetric is None else colorimetric
    struct.pack_into("BBBB", header, 800, 50 if c == 3 else 51, transfer, colour, bit_depth)
    struct.pack_into(e + "HHI", header, 804, packing, 0, _HEADER_SIZE)
    struct.pack_into(e + "f", header, 1724, frame_rate)
    struct.pack_into(e + "I", header, 1920, timecode)
    with open(path, "wb") as handle:
        handle.write(bytes(header) + payload)

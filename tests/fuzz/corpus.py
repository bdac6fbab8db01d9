"""The damaged-media corpus: small files written by the real libraries (OpenEXR, Pillow, PyAV and our DPX
writer), then deterministic, seeded mutations of each: bit flips, truncations at every header boundary,
zeroed and huge header fields, swapped chunk/offset tables, random tails.

Each format's parser below only finds the byte spans of its header fields and tables (where a mutation
hurts most); the mutations themselves are format-free.
"""

from __future__ import annotations

import random
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import OpenEXR
from PIL import Image

from horus_desktop.media.decode_dpx import write_dpx

H, W = 24, 40  # not multiples of 16 or 32: blocks and tiles end inside the image
Span = tuple[int, int]  # (offset, length) of a header field


@dataclass(frozen=True)
class Layout:
    """Where the fields and tables of a file are: field spans, and pairs of spans worth swapping."""

    fields: list[Span]
    swaps: list[tuple[Span, Span]]


# Originals ------------------------------------------------------------------------------------------

EXR_COMPRESSIONS = ("NO", "RLE", "ZIPS", "ZIP", "PIZ", "PXR24", "B44", "B44A", "DWAA", "DWAB", "ZSTD",
                    "HTJ2K32")


def _pixels(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).random((H, W, 3)).astype(np.float32)


def _tiles() -> object:
    tiles = OpenEXR.TileDescription()
    tiles.xSize, tiles.ySize, tiles.mode = 16, 16, OpenEXR.ONE_LEVEL
    return tiles


def write_originals(folder: Path) -> dict[str, list[Path]]:
    """Write the clean originals of every format; returns them by format."""
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, list[Path]] = {}

    def add(fmt: str, path: Path) -> None:
        out.setdefault(fmt, []).append(path)

    half = _pixels(1).astype(np.float16)
    for name in EXR_COMPRESSIONS:
        compression = getattr(OpenEXR, f"{name}_COMPRESSION", None)
        if compression is None:
            continue
        path = folder / f"scan_{name.lower()}.exr"
        OpenEXR.File({"compression": compression, "type": OpenEXR.scanlineimage}, {"RGB": half}).write(str(path))
        add("exr-scanline", path)
    for name in ("NO", "ZIPS", "PIZ"):  # 32-bit floats (renders' "full float" passes)
        path = folder / f"scan_float_{name.lower()}.exr"
        OpenEXR.File({"compression": getattr(OpenEXR, f"{name}_COMPRESSION"), "type": OpenEXR.scanlineimage},
                     {"RGBA": _pixels(1).astype(np.float32)[:, :, [0, 1, 2, 0]]}).write(str(path))
        add("exr-scanline", path)
    for name in ("NO", "ZIP", "PIZ", "DWAA"):
        path = folder / f"tiled_{name.lower()}.exr"
        header = {"compression": getattr(OpenEXR, f"{name}_COMPRESSION"), "type": OpenEXR.tiledimage,
                  "tiles": _tiles()}
        OpenEXR.File(header, {"RGBA": np.concatenate([half, half[:, :, :1]], axis=2)}).write(str(path))
        add("exr-tiled", path)
    path = folder / "multipart.exr"
    beauty = OpenEXR.Part({"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage},
                          {"RGB": half}, "beauty")
    depth = OpenEXR.Part({"compression": OpenEXR.PIZ_COMPRESSION, "type": OpenEXR.scanlineimage},
                         {"Z": _pixels(2)[:, :, 0]}, "depth")
    OpenEXR.File([beauty, depth]).write(str(path))
    add("exr-multipart", path)

    for bits, big in ((10, True), (16, False), (8, True)):
        path = folder / f"dpx{bits}{'be' if big else 'le'}.dpx"
        write_dpx(str(path), (_pixels(3) * (2**bits - 1)).astype(np.uint32), bit_depth=bits, big_endian=big,
                  frame_rate=24.0)
        add("dpx", path)

    rgb8 = (_pixels(4) * 255).astype(np.uint8)
    for name, kwargs in (("raw", {}), ("lzw", {"compression": "tiff_lzw"}),
                         ("deflate", {"compression": "tiff_adobe_deflate"})):
        path = folder / f"tiff_{name}.tif"
        Image.fromarray(rgb8).save(path, **kwargs)
        add("tiff", path)
    path = folder / "tiff_gray16.tif"
    Image.fromarray((_pixels(5)[:, :, 0] * 65535).astype(np.uint16)).save(path)
    add("tiff", path)

    Image.fromarray(rgb8).save(folder / "png_rgb.png")
    Image.fromarray(np.dstack([rgb8, rgb8[:, :, :1]])).save(folder / "png_rgba.png")
    Image.fromarray(rgb8).convert("P").save(folder / "png_palette.png")
    Image.fromarray((_pixels(6)[:, :, 0] * 65535).astype(np.uint16)).save(folder / "png_gray16.png")
    out["png"] = [folder / n for n in ("png_rgb.png", "png_rgba.png", "png_palette.png", "png_gray16.png")]

    Image.fromarray(rgb8).save(folder / "jpeg_base.jpg", quality=90)
    Image.fromarray(rgb8).save(folder / "jpeg_prog.jpg", quality=80, progressive=True)
    out["jpeg"] = [folder / "jpeg_base.jpg", folder / "jpeg_prog.jpg"]

    for ext, codec, pix_fmt in (("mov", "libx264", "yuv420p"), ("mov", "prores_ks", "yuv422p10le"),
                                ("mp4", "libx264", "yuv420p"), ("mp4", "mpeg4", "yuv420p")):
        path = folder / f"{ext}_{codec}.{ext}"
        _write_movie(path, codec, pix_fmt)
        add(ext, path)
    return out


def _write_movie(path: Path, codec: str, pix_fmt: str, count: int = 8) -> None:
    frames = (np.random.default_rng(7).random((count, 32, 48, 3)) * 255).astype(np.uint8)
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=24)
        stream.width, stream.height, stream.pix_fmt = 48, 32, pix_fmt
        stream.codec_context.gop_size = 4
        for pixels in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


# Layouts --------------------------------------------------------------------------------------------


def exr_layout(data: bytes) -> Layout:
    """Version field, each attribute's size and value, the offset table entries, each chunk's header."""
    fields: list[Span] = [(4, 4)]
    pos = 8
    multipart = bool(data[5] & 0x10)
    while pos < len(data):
        if data[pos] == 0:  # end of a header (and, for multipart, an empty one ends the list)
            pos += 1
            if not multipart or data[pos] == 0:
                pos += 1 if multipart else 0
                break
            continue
        name_end = data.index(b"\0", pos)
        type_end = data.index(b"\0", name_end + 1)
        (size,) = struct.unpack_from("<i", data, type_end + 1)
        fields += [(pos, name_end - pos), (type_end + 1, 4), (type_end + 5, min(size, 16))]
        pos = type_end + 5 + size
    table = pos
    (first,) = struct.unpack_from("<Q", data, table)
    count = max(0, min((first - table) // 8, 4096))
    entries = [(table + 8 * i, 8) for i in range(count)]
    fields += entries
    for _, offset in ((i, struct.unpack_from("<Q", data, table + 8 * i)[0]) for i in range(count)):
        if offset + 8 <= len(data):
            fields += [(offset, 4), (offset + 4, 4)]
    swaps = [(entries[i], entries[i + 1]) for i in range(0, len(entries) - 1, 2)]
    if len(entries) > 2:
        swaps.append((entries[0], entries[-1]))
    return Layout(fields, swaps)


def png_layout(data: bytes) -> Layout:
    """Each chunk's length and type; IHDR's fields; neighbouring chunks swapped."""
    fields: list[Span] = []
    chunks: list[Span] = []
    pos = 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        kind = data[pos + 4 : pos + 8]
        fields += [(pos, 4), (pos + 4, 4)]
        if kind == b"IHDR":
            fields += [(pos + 8, 4), (pos + 12, 4), (pos + 16, 1), (pos + 17, 1), (pos + 18, 1), (pos + 20, 1)]
        chunks.append((pos, 12 + length))
        pos += 12 + length
    return Layout(fields, [(chunks[i], chunks[i + 1]) for i in range(len(chunks) - 1)])


def jpeg_layout(data: bytes) -> Layout:
    """Each marker segment's length; the frame header's fields; neighbouring segments swapped."""
    fields: list[Span] = []
    segments: list[Span] = []
    pos = 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        (length,) = struct.unpack_from(">H", data, pos + 2)
        fields.append((pos + 2, 2))
        if marker in (0xC0, 0xC2):
            fields += [(pos + 4, 1), (pos + 5, 2), (pos + 7, 2), (pos + 9, 1), (pos + 10, 3)]
        if marker == 0xC4 or marker == 0xDB:
            fields.append((pos + 4, min(17, length - 2)))
        segments.append((pos, 2 + length))
        if marker == 0xDA:  # entropy-coded data follows
            break
        pos += 2 + length
    return Layout(fields, [(segments[i], segments[i + 1]) for i in range(len(segments) - 1)])


_DPX_FIELDS = [(0, 4), (4, 4), (16, 4), (768, 2), (770, 2), (772, 4), (776, 4), (800, 1), (801, 1), (803, 1),
               (804, 2), (806, 2), (808, 4), (1724, 4), (1940, 4)]


def dpx_layout(data: bytes) -> Layout:
    """The generic and image-element fields the decoder reads; width/height and the offsets swapped."""
    return Layout(list(_DPX_FIELDS), [((772, 4), (776, 4)), ((4, 4), (808, 4)), ((4, 4), (16, 4))])


def tiff_layout(data: bytes) -> Layout:
    """The IFD offset, each IFD entry's type, count and value; entries and strip tables swapped."""
    e = "<" if data[:2] == b"II" else ">"
    (ifd,) = struct.unpack_from(e + "I", data, 4)
    fields: list[Span] = [(2, 2), (4, 4)]
    (count,) = struct.unpack_from(e + "H", data, ifd)
    entries = []
    tables: dict[int, Span] = {}
    for i in range(count):
        at = ifd + 2 + 12 * i
        tag, kind, n = struct.unpack_from(e + "HHI", data, at)
        fields += [(at + 2, 2), (at + 4, 4), (at + 8, 4)]
        entries.append((at, 12))
        if tag in (273, 279):  # StripOffsets, StripByteCounts
            tables[tag] = (at + 8, 4)
    swaps = [(entries[i], entries[i + 1]) for i in range(0, len(entries) - 1, 3)]
    if len(tables) == 2:
        swaps.append((tables[273], tables[279]))
    return Layout(fields, swaps)


_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"dinf", b"edts", b"udta"}
_TABLES = {b"stco", b"stsz", b"stts", b"stsc", b"stss", b"ctts"}


def mp4_layout(data: bytes) -> Layout:
    """Each atom's size and type; the sample tables' counts and first entries; entries swapped."""
    fields: list[Span] = []
    swaps: list[tuple[Span, Span]] = []

    def walk(start: int, end: int) -> None:
        pos = start
        while pos + 8 <= end:
            (size,) = struct.unpack_from(">I", data, pos)
            kind = data[pos + 4 : pos + 8]
            fields.extend([(pos, 4), (pos + 4, 4)])
            if size < 8:
                return
            if kind in _CONTAINERS:
                walk(pos + 8, pos + size)
            elif kind in _TABLES:
                first = pos + 16 + (4 if kind == b"stsz" else 0)
                fields.append((first - 4, 4))
                entries = [(first + 4 * i, 4) for i in range(min(8, (pos + size - first) // 4))]
                fields.extend(entries)
                swaps.extend((entries[i], entries[i + 1]) for i in range(0, len(entries) - 1, 2))
            pos += size

    walk(0, len(data))
    return Layout(fields, swaps)


LAYOUTS: dict[str, Callable[[bytes], Layout]] = {
    ".exr": exr_layout, ".png": png_layout, ".jpg": jpeg_layout, ".dpx": dpx_layout, ".tif": tiff_layout,
    ".mov": mp4_layout, ".mp4": mp4_layout,
}


# Mutations ------------------------------------------------------------------------------------------


def _swap(data: bytes, a: Span, b: Span) -> bytes:
    (a0, al), (b0, bl) = sorted((a, b))
    if a0 + al > b0:
        return data
    return data[:a0] + data[b0 : b0 + bl] + data[a0 + al : b0] + data[a0 : a0 + al] + data[b0 + bl :]


def mutations(data: bytes, layout: Layout, rng: random.Random, flips: int) -> Iterator[tuple[str, bytes]]:
    """Every deterministic mutation of `data` (named), then `flips` seeded random bit-flip variants."""
    boundaries = sorted({0, *(o for o, _ in layout.fields), *(o + n for o, n in layout.fields)})
    for cut in boundaries:
        if 0 < cut < len(data):
            yield f"cut{cut}", data[:cut]
    yield "empty", b""
    for offset, length in layout.fields:
        if offset + length > len(data):
            continue
        yield f"zero{offset}", data[:offset] + bytes(length) + data[offset + length :]
        yield f"huge{offset}", data[:offset] + b"\xff" * length + data[offset + length :]
        if length >= 4:
            big = b"\x7f\xff\xff\xff" + b"\xff" * (length - 4)
            yield f"max{offset}", data[:offset] + big + data[offset + length :]
    for a, b in layout.swaps:
        yield f"swap{a[0]}-{b[0]}", _swap(data, a, b)
    header_end = max((o + n for o, n in layout.fields), default=len(data))
    for i in range(flips):
        count = rng.choice((1, 2, 8, 32))
        target = bytearray(data)
        limit = header_end if i % 2 == 0 else len(data)  # half in the header, half anywhere
        for _ in range(count):
            index = rng.randrange(max(1, min(limit, len(data))))
            target[index] ^= 1 << rng.randrange(8)
        yield f"flip{i}x{count}", bytes(target)
    for i in range(max(2, flips // 4)):
        tail = rng.randbytes(rng.choice((16, 512, 8192)))
        yield f"tail{i}", data + tail
        keep = rng.randrange(len(data) // 2, len(data))
        yield f"rtail{i}", data[:keep] + rng.randbytes(len(data) - keep)


def build_corpus(folder: Path, *, per_format: int | None, flips: int, seed: int = 2026) -> dict[str, list[Path]]:
    """Originals and their mutations under `folder`, by format. `per_format` caps the mutations kept per
    format, shared by its originals (a seeded sample; None keeps all)."""
    originals = write_originals(folder / "originals")
    corpus: dict[str, list[Path]] = {}
    for fmt, paths in originals.items():
        target = folder / fmt
        target.mkdir(parents=True, exist_ok=True)
        per_original = None if per_format is None else max(20, -(-per_format // len(paths)))
        for original in paths:
            data = original.read_bytes()
            suffix = original.suffix
            rng = random.Random(f"{seed}:{original.name}")
            layout = LAYOUTS[suffix](data)
            variants = list(mutations(data, layout, rng, flips))
            if per_original is not None and len(variants) > per_original:
                variants = rng.sample(variants, per_original)
            kept = [original]
            for name, mutated in variants:
                # "_m" before the extension: names ending in digits would be grouped into sequences
                path = target / f"{original.stem}__{name}_m{suffix}"
                path.write_bytes(mutated)
                kept.append(path)
            corpus.setdefault(fmt, []).extend(kept)
    return corpus

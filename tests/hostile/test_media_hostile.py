"""Hostile still images through the decoders changed this session (libav for 8-bit TIFF and 16-bit PNG/TIFF,
DPX header fields, EXR read as a stream that may stop), each in a child process (media_child) so a native
crash or a hang names the file: truncations, bit flips, lying header fields and sizes must end in a frame or
a typed error naming the file, never a raw exception, a crash, a hang or a MemoryError."""

from __future__ import annotations

import random
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fuzz.corpus import LAYOUTS, mutations, write_originals
from PIL import Image

from horus_desktop.media import decode_exr as exr_module
from horus_desktop.media.errors import MediaError
from horus_desktop.media.synthetic import dpx_bytes_10bit, encode_still, write_exr

from .media_runner import MediaChild, failures

pytestmark = pytest.mark.timeout(300)
PER_ORIGINAL = 60  # seeded sample of each original's mutations


def _png_with_size(data: bytes, width: int, height: int) -> bytes:
    """The PNG with IHDR's size replaced and its CRC made right again (a lie the decoders cannot see)."""
    ihdr = bytearray(data[8 : 8 + 25])
    struct.pack_into(">II", ihdr, 8, width, height)
    struct.pack_into(">I", ihdr, 21, zlib.crc32(bytes(ihdr[4:21])))
    return data[:8] + bytes(ihdr) + data[33:]


def _tiff_with_size(data: bytes, width: int, height: int) -> bytes:
    """The TIFF with its ImageWidth/ImageLength entries (SHORT or LONG) set to the given size."""
    out = bytearray(data)
    e = "<" if data[:2] == b"II" else ">"
    (ifd,) = struct.unpack_from(e + "I", data, 4)
    (count,) = struct.unpack_from(e + "H", data, ifd)
    for i in range(count):
        at = ifd + 2 + 12 * i
        tag, kind = struct.unpack_from(e + "HH", data, at)
        if tag in (256, 257):
            value = width if tag == 256 else height
            if kind == 3:
                struct.pack_into(e + "HIH", out, at + 2, 3, 1, min(value, 0xFFFF))
            else:
                struct.pack_into(e + "HII", out, at + 2, 4, 1, value)
    return bytes(out)


def _dpx_with_size(data: bytes, width: int, height: int) -> bytes:
    out = bytearray(data)
    e = ">" if data[:4] == b"SDPX" else "<"
    struct.pack_into(e + "II", out, 772, width, height)
    return bytes(out)


_SIZES = ((65535, 65535), (65536, 1), (1, 65536), (0x7FFFFFFF, 2), (46341, 46341), (60000, 40000), (0, 10),
          (10, 0), (8193, 8193))


def _size_lies(data: bytes, suffix: str) -> Iterator[tuple[str, bytes]]:
    writer = {".png": _png_with_size, ".tif": _tiff_with_size, ".dpx": _dpx_with_size}.get(suffix)
    if writer is not None:
        for width, height in _SIZES:
            yield f"size{width}x{height}", writer(data, width, height)


def _session_originals(folder: Path) -> dict[str, list[Path]]:
    """This session's new kinds of file, small: libav's DPX (pixels at 1664, no film/TV header), 16-bit
    RGB(A) PNG and TIFF by libav, 8-bit packbits and RGBA TIFF by Pillow."""
    rng = np.random.default_rng(7)
    out: dict[str, list[Path]] = {"dpx": [], "png": [], "tiff": []}
    (folder / "libav.dpx").write_bytes(dpx_bytes_10bit(rng.integers(0, 1024, (24, 41, 3), dtype=np.uint16)))
    out["dpx"].append(folder / "libav.dpx")
    deep = rng.integers(0, 65536, (23, 37, 4), dtype=np.uint16)
    for name, codec, fmt, pixels in (("rgb48.png", "png", "rgb48be", deep[:, :, :3]),
                                     ("rgba64.png", "png", "rgba64be", deep),
                                     ("rgb48.tif", "tiff", "rgb48le", deep[:, :, :3]),
                                     ("rgba64.tif", "tiff", "rgba64le", deep)):
        (folder / name).write_bytes(encode_still(codec, fmt, pixels))
        out["png" if name.endswith(".png") else "tiff"].append(folder / name)
    rgba8 = rng.integers(0, 256, (23, 37, 4), dtype=np.uint8)
    Image.fromarray(rgba8[:, :, :3]).save(folder / "packbits.tif", compression="packbits")
    Image.fromarray(rgba8).save(folder / "rgba_lzw.tif", compression="tiff_lzw")
    out["tiff"] += [folder / "packbits.tif", folder / "rgba_lzw.tif"]
    return out


def _corpus(folder: Path, formats: tuple[str, ...], per_original: int) -> list[Path]:
    originals = {k: v for k, v in write_originals(folder / "originals").items() if k in formats}
    for fmt, paths in _session_originals(folder / "originals").items():
        if fmt in formats:
            originals.setdefault(fmt, []).extend(paths)
    kept: list[Path] = []
    target = folder / "mutated"
    target.mkdir()
    for paths in originals.values():
        for original in paths:
            data = original.read_bytes()
            suffix = original.suffix
            rng = random.Random(f"hostile:{original.name}")
            variants = list(mutations(data, LAYOUTS[suffix](data), rng, flips=80))
            variants = rng.sample(variants, min(per_original, len(variants))) + list(_size_lies(data, suffix))
            kept.append(original)
            for name, mutated in variants:
                path = target / f"{original.stem}__{name}_m{suffix}"
                path.write_bytes(mutated)
                kept.append(path)
    return kept


@pytest.fixture
def child() -> Iterator[MediaChild]:
    process = MediaChild()
    yield process
    process.stop()


@pytest.mark.parametrize("formats", [("dpx",), ("png", "jpeg"), ("tiff",)])
def test_damaged_images_end_in_a_frame_or_a_typed_error(tmp_path: Path, child: MediaChild,
                                                        formats: tuple[str, ...]) -> None:
    files = _corpus(tmp_path, formats, PER_ORIGINAL)
    assert len(files) > 150
    bad = failures(child, "decode", files)
    assert not bad, f"{len(bad)} of {len(files)}:\n" + "\n".join(bad[:40])


def test_damaged_exrs_read_as_a_stream_end_as_the_plain_read_does(tmp_path: Path, child: MediaChild) -> None:
    """A decode that may be stopped (a scrub's) reads the file through Python's stream: on damaged files it
    must give the same pixels or error as the plain read, and never crash the worker."""
    files = _corpus(tmp_path, ("exr-scanline", "exr-tiled", "exr-multipart"), 12)
    assert len(files) > 150
    bad = failures(child, "exr_stream", files)
    assert not bad, f"{len(bad)} of {len(files)}:\n" + "\n".join(bad[:40])


@pytest.mark.parametrize("after", [0, 1, 2, 3, 5, 9])
def test_damaged_exrs_stopped_part_way_leave_the_worker_usable(tmp_path: Path, child: MediaChild,
                                                               after: int) -> None:
    files = _corpus(tmp_path, ("exr-scanline", "exr-tiled", "exr-multipart"), 4)
    good = str(next(p for p in files if p.name == "scan_piz.exr"))
    bad = failures(child, f"exr_stop:{after}", files, good)
    assert not bad, f"{len(bad)} of {len(files)}:\n" + "\n".join(bad[:40])



def test_exrs_told_to_stop_at_any_moment_by_another_thread_end_stopped_or_exact(tmp_path: Path,
                                                                               child: MediaChild) -> None:
    """The stop comes from the parent's pipe while OpenEXR's threads read blocks (PIZ, ZIP, DWAA, tiled)."""
    pixels = np.random.default_rng(5).random((540, 960, 3), dtype=np.float32).astype(np.float16)
    for compression in ("piz", "zip", "dwaa"):
        write_exr(tmp_path / f"{compression}.exr", pixels, compression=compression)
    reply = child.run("exr_async_stops", tmp_path)
    assert reply[0] == "ok", reply
    assert "stopped" in reply[1] and "ok" in reply[1]  # both ends were reached


@pytest.mark.parametrize("stoppable", [False, True])
def test_an_exr_gone_before_its_pixels_are_read_is_a_typed_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   stoppable: bool) -> None:
    """The file removed between its layout's read and its pixels' read (a render replacing it): a typed
    error naming it, from the plain read and from the read that may stop (which opens the file itself)."""
    path = tmp_path / "gone.exr"
    write_exr(path, np.zeros((8, 8, 3), np.float16))
    real = exr_module.read_exr_layout

    def layout_then_remove(name: str) -> object:
        layout = real(name)
        path.unlink()
        return layout

    monkeypatch.setattr(exr_module, "read_exr_layout", layout_then_remove)
    monkeypatch.setattr(exr_module, "STOP_CHECK", (lambda: False) if stoppable else None)
    with pytest.raises(MediaError) as caught:
        exr_module.decode_exr(str(path))
    assert caught.value.path == str(path)

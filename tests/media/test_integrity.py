"""The cheap integrity check: a file cut short (header intact) is found without decoding its pixels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import OpenEXR
import pytest
from PIL import Image

from horus_desktop.media.decode_dpx import write_dpx
from horus_desktop.media.integrity import check_file
from horus_desktop.media.synthetic import draw_test_frame, write_exr

H, W = 72, 128


def _exr_header(kind: str) -> dict:
    if kind == "tiled":
        tiles = OpenEXR.TileDescription()
        tiles.xSize, tiles.ySize, tiles.mode = 32, 32, OpenEXR.ONE_LEVEL
        return {"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.tiledimage, "tiles": tiles}
    return {"compression": OpenEXR.PIZ_COMPRESSION, "type": OpenEXR.scanlineimage}


def _planes(seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {c: rng.random((H, W)).astype("f2") for c in "RGB"}


def write_sample(folder: Path, kind: str) -> Path:
    """One image of each kind, written by the real library."""
    rgb = draw_test_frame(1, (W, H))
    path = folder / f"sample_{kind}"
    if kind in ("scanline", "tiled"):
        path = path.with_suffix(".exr")
        OpenEXR.File(_exr_header(kind), _planes(1)).write(str(path))
    elif kind == "multipart":
        path = path.with_suffix(".exr")
        parts = [OpenEXR.Part(_exr_header("scanline"), _planes(2), "beauty"),
                 OpenEXR.Part(_exr_header("tiled"), {"Z": np.ones((H, W), "f4")}, "depth")]
        OpenEXR.File(parts).write(str(path))
    elif kind == "jpeg":
        path = path.with_suffix(".jpg")
        Image.fromarray(rgb).save(path, quality=90)
    elif kind == "png":
        path = path.with_suffix(".png")
        Image.fromarray(rgb).save(path)
    elif kind == "tiff":
        path = path.with_suffix(".tif")
        Image.fromarray(rgb).save(path, compression="tiff_lzw")
    elif kind == "dpx":
        path = path.with_suffix(".dpx")
        write_dpx(str(path), rgb.astype(np.uint16) * 4)
    return path


KINDS = ["scanline", "tiled", "multipart", "jpeg", "png", "tiff", "dpx"]


@pytest.mark.parametrize("kind", KINDS)
def test_whole_file_passes_and_a_cut_one_is_truncated(tmp_path: Path, kind: str) -> None:
    path = write_sample(tmp_path, kind)
    assert check_file(path) is None
    data = path.read_bytes()
    for keep in (len(data) - 1, len(data) * 3 // 4):
        path.write_bytes(data[:keep])
        reason = check_file(path)
        assert reason is not None and "truncated" in reason, (keep, reason)


def test_exr_cut_after_its_offset_table_is_truncated(tmp_path: Path) -> None:
    """The header and chunk table are intact; only pixel chunks are missing: OpenEXR opens the header."""
    path = write_sample(tmp_path, "scanline")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    OpenEXR.File(str(path), header_only=True)  # the header alone still reads
    assert "past the end of the file" in check_file(path)


def test_exr_with_unfilled_offset_table_is_incomplete(tmp_path: Path) -> None:
    """A writer killed before closing leaves the offset table as zeros."""
    path = write_sample(tmp_path, "scanline")
    data = bytearray(path.read_bytes())
    # "type" is the last attribute OpenEXR writes; the offset table follows the header's closing 0.
    table = data.index(b"type\0string\0") + len(b"type\0string\0") + 4 + len(b"scanlineimage") + 1
    assert int.from_bytes(data[table : table + 8], "little") > table
    data[table : table + 8] = bytes(8)
    path.write_bytes(bytes(data))
    assert check_file(path).startswith("incomplete")


def test_other_content_under_an_image_name(tmp_path: Path) -> None:
    for name, expected in (("a.exr", "not an OpenEXR"), ("a.jpg", "not a JPEG"), ("a.png", "not a PNG"),
                           ("a.dpx", "not a DPX")):
        (tmp_path / name).write_bytes(b"plain text, not an image " * 100)
        assert expected in check_file(tmp_path / name)
    (tmp_path / "e.exr").write_bytes(b"")
    assert check_file(tmp_path / "e.exr") == "empty file (0 bytes)"


def test_exr_written_by_helper_with_every_compression_passes(tmp_path: Path) -> None:
    for compression in ("piz", "zip", "zips", "none", "dwaa"):
        path = tmp_path / f"{compression}.exr"
        write_exr(path, np.ones((H, W, 3), "f2"), compression=compression)
        assert check_file(path) is None, compression

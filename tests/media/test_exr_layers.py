"""Multi-part, multi-layer and deep EXRs, written by OpenEXR itself."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import OpenEXR
import pytest

from horus_desktop.media.errors import DamagedFrameError, UnreadableFileError
from horus_desktop.media.exr_layers import list_exr_layers
from horus_desktop.media.ingest import ingest_tree
from horus_desktop.media.open_source import open_frame_source
from horus_desktop.media.probe import probe_media
from horus_desktop.media.sequences import media_item_for

H, W = 24, 32


def _header() -> dict:
    return {"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage}


def _plane(value: float, dtype: str = "f2") -> np.ndarray:
    return np.full((H, W), value, dtype)


def write_comp(path: Path) -> None:
    """Part 0 'matte' (half A only), part 1 'beauty' (half RGB, float diffuse AOV, float Z)."""
    beauty = {"R": _plane(0.1), "G": _plane(0.2), "B": _plane(0.3),
              "diffuse.R": _plane(1.0, "f4"), "diffuse.G": _plane(2.0, "f4"), "diffuse.B": _plane(3.0, "f4"),
              "Z": np.arange(H * W, dtype="f4").reshape(H, W)}
    OpenEXR.File([OpenEXR.Part(_header(), {"matte.A": _plane(1.0)}, "matte"),
                  OpenEXR.Part(_header(), beauty, "beauty")]).write(str(path))


def test_layers_of_every_part_are_listed(tmp_path: Path) -> None:
    write_comp(tmp_path / "comp.exr")
    found = [(layer.part_index, layer.part_name, layer.layer, layer.channels, layer.bit_depth)
             for layer in list_exr_layers(tmp_path / "comp.exr")]
    assert found == [
        (0, "matte", "matte", ("matte.A",), 16),
        (1, "beauty", "", ("R", "G", "B"), 16),
        (1, "beauty", "diffuse", ("diffuse.R", "diffuse.G", "diffuse.B"), 32),
        (1, "beauty", "Z", ("Z",), 32),
    ]


def test_a_chosen_layer_of_a_chosen_part_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "comp.exr"
    write_comp(path)
    default = open_frame_source(path).read(1)
    assert default.metadata["part"] == "beauty" and default.pixels[0, 0].tolist() == pytest.approx([0.1, 0.2, 0.3], abs=1e-3)
    diffuse = open_frame_source(path, part="beauty", layer="diffuse").read(1)
    assert diffuse.pixels[0, 0].tolist() == [1.0, 2.0, 3.0] and diffuse.metadata["bit_depth"] == 32
    depth = open_frame_source(path, part=1, layer="Z").read(1)
    assert depth.channels == ("Z", "Z", "Z")
    assert depth.pixels[0, 5].tolist() == [5.0, 5.0, 5.0] and depth.pixels[1, 0, 0] == W  # grey, per pixel
    with pytest.raises(UnreadableFileError, match="no layer named 'specular'"):
        open_frame_source(path, layer="specular").read(1)


def test_bit_depth_is_the_shown_parts(tmp_path: Path) -> None:
    """The first part is half, the RGB part shown is float: 32 bits, not the first part's 16."""
    path = tmp_path / "mixed.exr"
    OpenEXR.File([OpenEXR.Part(_header(), {"mask.A": _plane(1.0)}, "mask"),
                  OpenEXR.Part(_header(), {c: _plane(0.5, "f4") for c in "RGB"}, "rgb")]).write(str(path))
    probe = probe_media(media_item_for(path))
    assert probe.bit_depth == 32
    assert open_frame_source(path).read(1).metadata["bit_depth"] == 32


def test_ingest_stores_the_layers(sqlite_store, tmp_path: Path) -> None:
    (tmp_path / "proj").mkdir()
    write_comp(tmp_path / "proj" / "comp.exr")
    ingest_tree(sqlite_store, tmp_path / "proj", isolated=False)
    record = sqlite_store.media.get_by_path(str(tmp_path / "proj" / "comp.exr"))
    layers = record.extra_metadata["exr_layers"]
    assert [(entry["part_name"], entry["layer"]) for entry in layers] == [
        ("matte", "matte"), ("beauty", ""), ("beauty", "diffuse"), ("beauty", "Z")]


def _deep_exr(path: Path) -> None:
    samples = np.empty((H, W), dtype=object)
    for y in range(H):
        for x in range(W):
            samples[y, x] = np.full((x + y) % 3, 0.5, "f4")
    channels = {name: samples for name in ("R", "G", "B", "A", "Z")}
    OpenEXR.File({"compression": OpenEXR.ZIPS_COMPRESSION, "type": OpenEXR.deepscanline}, channels).write(str(path))


def test_deep_exr_says_it_is_not_supported(tmp_path: Path) -> None:
    path = tmp_path / "deep.exr"
    _deep_exr(path)
    with pytest.raises(UnreadableFileError) as info:
        open_frame_source(path).read(1)
    assert info.value.path == str(path) and "deep EXR images are not supported yet" in info.value.reason


def test_library_messages_are_explained(tmp_path: Path) -> None:
    """A damaged header OpenEXR refuses says so, not 'Unable to open'; a cut file says truncated."""
    path = tmp_path / "a.exr"
    OpenEXR.File(_header(), {c: _plane(0.5) for c in "RGB"}).write(str(path))
    good = path.read_bytes()
    data = bytearray(good)
    window = data.index(b"displayWindow\0box2i\0") + len(b"displayWindow\0box2i\0") + 4
    data[window + 8 : window + 12] = (-5).to_bytes(4, "little", signed=True)  # xMax left of xMin
    path.write_bytes(bytes(data))
    with pytest.raises(DamagedFrameError) as info:
        open_frame_source(path).read(1)
    assert "Unable to open" not in info.value.reason and "header" in info.value.reason
    path.write_bytes(good[: len(good) - 40])
    with pytest.raises(DamagedFrameError, match="truncated"):
        open_frame_source(path).read(1)

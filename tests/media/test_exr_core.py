"""EXRs decoded block by block through OpenEXR's C library (media/exr_core.py) give the frame OpenEXR.File
gives, for files the library itself wrote; files that path does not take, and damaged ones, still decode or
are explained as before."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import OpenEXR
import pytest

from horus_desktop.media import decode_exr as exr_module
from horus_desktop.media import exr_core
from horus_desktop.media.colour_defaults import exr_colour_space
from horus_desktop.media.decode_exr import decode_exr
from horus_desktop.media.errors import DamagedFrameError
from horus_desktop.media.frames import Superseded


def _pixels(height: int, width: int, channels: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.random((height, width, channels), dtype=np.float32) * 4 - 0.5).astype(np.float16)


def _write(path: Path, channels: dict[str, np.ndarray], compression: str = "PIZ", **header: object) -> str:
    full = {"compression": getattr(OpenEXR, f"{compression}_COMPRESSION"), "type": OpenEXR.scanlineimage}
    full.update(header)
    OpenEXR.File(full, channels).write(str(path))
    return str(path)


def _library_frame(path: str, group: str) -> np.ndarray:
    """What OpenEXR.File reads for ``group``, HxWxC."""
    pixels = OpenEXR.File(path).parts[0].channels[group].pixels
    return pixels if pixels.ndim == 3 else pixels[:, :, None]


@pytest.fixture(params=["playing", "scrubbing"])
def stoppable(request: pytest.FixtureRequest) -> Iterator[None]:
    """Decodes as playback makes them, and as a scrub makes them (they may stop: always OpenEXR's C path)."""
    if request.param == "scrubbing":
        exr_module.STOP_CHECK = lambda: False
    yield
    exr_module.STOP_CHECK = None


@pytest.mark.parametrize("compression", ["PIZ", "ZIP", "DWAA", "DWAB", "B44", "PXR24", "ZIPS", "RLE", "NO"])
def test_every_compression_decodes_to_the_libraries_own_pixels(tmp_path: Path, compression: str,
                                                               stoppable: None) -> None:
    pixels = _pixels(70, 90, 3, 1)  # 70 lines: blocks of 16/32 lines with a short last one
    path = _write(tmp_path / "a.exr", {"RGB": pixels}, compression)
    frame = decode_exr(path)
    assert frame.pixels.dtype == np.float16 and frame.pixels.shape == (70, 90, 3)
    assert np.array_equal(frame.pixels.view(np.uint16), _library_frame(path, "RGB").view(np.uint16))
    assert frame.metadata["compression"] == f"{compression}_COMPRESSION"


def test_rgba_and_grey_files_keep_their_channels(tmp_path: Path, stoppable: None) -> None:
    rgba = _write(tmp_path / "rgba.exr", {"RGBA": _pixels(40, 33, 4, 2)})
    frame = decode_exr(rgba)
    assert frame.channels == ("R", "G", "B", "A")
    assert np.array_equal(frame.pixels.view(np.uint16), _library_frame(rgba, "RGBA").view(np.uint16))
    grey = _pixels(40, 33, 1, 3)[:, :, 0]
    path = _write(tmp_path / "y.exr", {"Y": grey})
    frame = decode_exr(path)
    assert frame.channels == ("Y", "Y", "Y")
    assert all(np.array_equal(frame.pixels[:, :, c], grey) for c in range(3))


def test_a_data_window_inside_the_display_window_is_placed_and_the_rest_is_black(tmp_path: Path,
                                                                                stoppable: None) -> None:
    inner = _pixels(20, 30, 3, 4)
    path = _write(tmp_path / "crop.exr", {"RGB": inner}, dataWindow=((10, 5), (39, 24)),
                  displayWindow=((0, 0), (63, 47)))
    frame = decode_exr(path)
    assert frame.data_window == (10, 5, 39, 24) and frame.display_window == (0, 0, 63, 47)
    assert np.array_equal(frame.pixels[5:25, 10:40], inner)
    assert not frame.pixels[:5].any() and not frame.pixels[:, :10].any()


def test_the_colour_space_is_read_from_the_header_as_from_the_librarys_own(tmp_path: Path, stoppable: None) -> None:
    rec709 = (0.64, 0.33, 0.30, 0.60, 0.15, 0.06, 0.3127, 0.3290)
    aces = (0.7347, 0.2653, 0.0, 1.0, 0.0001, -0.077, 0.32168, 0.33767)
    files = {
        "named": {"colorSpace": "ACES - ACEScg"},
        "oiio": {"oiio:ColorSpace": "Linear Rec.2020"},
        "blank name, primaries": {"colorSpace": "  ", "chromaticities": rec709},
        "rec709": {"chromaticities": rec709},
        "ap0": {"chromaticities": aces},
        "nothing": {},
    }
    seen = {}
    for n, (name, header) in enumerate(files.items()):
        path = _write(tmp_path / f"{n}.exr", {"RGB": _pixels(16, 16, 3, 5)}, **header)
        seen[name] = decode_exr(path).colour_space
        assert seen[name] == exr_colour_space(OpenEXR.File(path).parts[0].header), name
    assert seen["named"] == "ACES - ACEScg" and seen["oiio"] == "Linear Rec.2020"
    assert seen["rec709"] == seen["blank name, primaries"] != seen["ap0"]


@pytest.mark.parametrize("compression", ["ZIPS", "PIZ", "NO"])
def test_32_bit_floats_are_made_half_as_before_huge_values_held_at_the_largest_half(tmp_path: Path,
                                                                                   compression: str,
                                                                                   stoppable: None) -> None:
    floats = _pixels(40, 24, 3, 8).astype(np.float32) * 3
    floats[0, :4] = [[1e6, -1e6, 70000.0], [np.inf, -np.inf, 5.0], [np.nan, 1.0, 2.0], [65504.0, 65520.0, -3.0]]
    path = _write(tmp_path / "float.exr", {"RGB": floats}, compression)
    frame = decode_exr(path)
    expected = np.clip(_library_frame(path, "RGB"), -65504.0, 65504.0).astype(np.float16)
    assert frame.pixels.dtype == np.float16
    assert np.array_equal(frame.pixels.view(np.uint16), expected.view(np.uint16))
    assert frame.pixels[0, 0, 0] == 65504.0 and frame.pixels[0, 0, 1] == -65504.0
    image = exr_core.decode_pixels(path, 0, ("R", "G", "B"), threads=2, pixel_type=exr_core.FLOAT)
    assert image.pixels.dtype == np.float32  # the library's own floats, before they are made half
    assert np.array_equal(image.pixels, _library_frame(path, "RGB"), equal_nan=True)


def test_layers_still_decode(tmp_path: Path) -> None:
    layered = _write(tmp_path / "layers.exr", {"RGB": _pixels(24, 24, 3, 9),
                                                "diffuse.R": _pixels(24, 24, 1, 10)[:, :, 0]})
    assert decode_exr(layered, layer="diffuse").pixels.shape == (24, 24, 3)


@pytest.mark.parametrize(("compression", "tile", "mode", "floats"), [
    ("ZIP", 16, "ONE_LEVEL", False), ("PIZ", 64, "ONE_LEVEL", False), ("NO", 7, "ONE_LEVEL", True),
    ("DWAA", 32, "ONE_LEVEL", False)])
def test_tiled_files_decode_to_the_libraries_own_full_resolution_pixels(
        tmp_path: Path, compression: str, tile: int, mode: str, floats: bool) -> None:
    """Tiles that do not divide the image (edge tiles cut) and a tile larger than it. (The Python binding writes
    no readable mip-maps to test with: the core path decodes their level 0.)"""
    pixels = _pixels(50, 41, 4, 11)
    if floats:
        pixels = pixels.astype(np.float32)
    tiles = OpenEXR.TileDescription()
    tiles.xSize, tiles.ySize, tiles.mode = tile, tile, getattr(OpenEXR, mode)
    path = tmp_path / "tiled.exr"
    OpenEXR.File({"compression": getattr(OpenEXR, f"{compression}_COMPRESSION"), "type": OpenEXR.tiledimage,
                  "tiles": tiles}, {"RGBA": pixels}).write(str(path))
    frame = decode_exr(str(path))
    expected = _library_frame(str(path), "RGBA")
    if floats:
        expected = np.clip(expected, -65504.0, 65504.0).astype(np.float16)
    assert frame.pixels.shape == (50, 41, 4) and frame.channels == ("R", "G", "B", "A")
    assert np.array_equal(frame.pixels.view(np.uint16), expected.view(np.uint16))


def test_a_tiled_decode_told_to_stop_gives_up_between_tiles(tmp_path: Path) -> None:
    tiles = OpenEXR.TileDescription()
    tiles.xSize, tiles.ySize, tiles.mode = 16, 16, OpenEXR.ONE_LEVEL
    path = tmp_path / "tiled.exr"
    OpenEXR.File({"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.tiledimage, "tiles": tiles},
                 {"RGB": _pixels(256, 256, 3, 12)}).write(str(path))  # 256 tiles
    asked = {"n": 0}

    def stop() -> bool:
        asked["n"] += 1
        return asked["n"] > 5

    with pytest.raises(Superseded):
        exr_core.decode_pixels(str(path), 0, ("R", "G", "B"), threads=2, stop=stop)
    assert asked["n"] <= 8


def test_a_truncated_file_is_explained_and_the_library_prints_nothing(tmp_path: Path, capfd: pytest.CaptureFixture[str]
                                                                       ) -> None:
    path = _write(tmp_path / "whole.exr", {"RGB": _pixels(256, 256, 3, 12)})
    data = Path(path).read_bytes()
    cut = tmp_path / "cut.exr"
    cut.write_bytes(data[: len(data) // 2])
    capfd.readouterr()
    with pytest.raises(exr_core.CoreFailed):
        exr_core.decode_pixels(str(cut), 0, ("R", "G", "B"), threads=2)
    assert capfd.readouterr() == ("", "")
    with pytest.raises(DamagedFrameError) as caught:
        decode_exr(str(cut))
    assert caught.value.path == str(cut)


def test_a_decode_told_to_stop_gives_up_between_blocks_on_every_thread(tmp_path: Path) -> None:
    path = _write(tmp_path / "tall.exr", {"RGB": _pixels(64 * 32, 64, 3, 13)})  # 64 PIZ blocks
    asked = {"n": 0}

    def stop() -> bool:
        asked["n"] += 1
        return asked["n"] > 3

    with pytest.raises(Superseded):
        exr_core.decode_pixels(path, 0, ("R", "G", "B"), threads=2, stop=stop)
    assert asked["n"] <= 6  # asked before each block until told, not for all 64
    image = exr_core.decode_pixels(path, 0, ("R", "G", "B"), threads=2, stop=lambda: False)
    assert np.array_equal(image.pixels, _library_frame(path, "RGB"))


def test_the_stop_is_asked_by_one_thread_at_a_time(tmp_path: Path) -> None:
    """The decode process's stop polls its pipe through one poll object, which two threads may not use at
    once ("concurrent poll() invocation")."""
    path = _write(tmp_path / "tall.exr", {"RGB": _pixels(64 * 32, 64, 3, 14)})
    inside = {"now": 0, "most": 0}
    lock = threading.Lock()

    def stop() -> bool:
        with lock:
            inside["now"] += 1
            inside["most"] = max(inside["most"], inside["now"])
        time.sleep(0.0005)
        with lock:
            inside["now"] -= 1
        return False

    exr_core.decode_pixels(path, 0, ("R", "G", "B"), threads=4, stop=stop)
    assert inside["most"] == 1


def test_any_number_of_threads_gives_the_same_pixels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "a.exr", {"RGB": _pixels(128, 64, 3, 15)})
    monkeypatch.setattr(exr_module, "EXR_THREADS_PER_FILE", 1)
    one = decode_exr(path)
    monkeypatch.setattr(exr_module, "EXR_THREADS_PER_FILE", 4)
    assert np.array_equal(one.pixels, decode_exr(path).pixels)


def test_an_openexr_release_of_unknown_structures_decodes_through_openexr_file(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "a.exr", {"RGB": _pixels(20, 20, 3, 16)})
    monkeypatch.setattr(exr_core, "_LIBRARY", None)
    monkeypatch.setattr(OpenEXR, "__version__", "4.0.0")
    with pytest.raises(exr_core.CoreFailed):
        exr_core.decode_pixels(path, 0, ("R", "G", "B"), threads=1)
    assert np.array_equal(decode_exr(path).pixels, _library_frame(path, "RGB"))


def test_layers_decode_to_the_libraries_own_channels_shown_as_before(tmp_path: Path, stoppable: None) -> None:
    """An AOV (RGB), a depth channel (grey), a two-channel layer (as R and G, B black), a float layer and a
    tiled file's layer, each against the library's own separate channels."""
    h, w = 36, 30
    planes = {"R": _pixels(h, w, 1, 20)[:, :, 0], "G": _pixels(h, w, 1, 21)[:, :, 0],
              "B": _pixels(h, w, 1, 22)[:, :, 0], "diffuse.R": _pixels(h, w, 1, 23)[:, :, 0],
              "diffuse.G": _pixels(h, w, 1, 24)[:, :, 0], "diffuse.B": _pixels(h, w, 1, 25)[:, :, 0],
              "Z": _pixels(h, w, 1, 26)[:, :, 0].astype(np.float32) * 1000,
              "motion.X": _pixels(h, w, 1, 27)[:, :, 0], "motion.Y": _pixels(h, w, 1, 28)[:, :, 0]}
    for name, header in (("scan", {}), ("tiled", {"type": OpenEXR.tiledimage})):
        path = tmp_path / f"{name}.exr"
        full = {"compression": OpenEXR.ZIPS_COMPRESSION, "type": OpenEXR.scanlineimage, **header}
        if name == "tiled":
            tiles = OpenEXR.TileDescription()
            tiles.xSize, tiles.ySize, tiles.mode = 16, 16, OpenEXR.ONE_LEVEL
            full["tiles"] = tiles
        OpenEXR.File(full, dict(planes)).write(str(path))
        own = OpenEXR.File(str(path), separate_channels=True).parts[0].channels

        def half(name: str) -> np.ndarray:
            return np.clip(own[name].pixels, -65504, 65504).astype(np.float16)  # noqa: B023 (read at once)

        diffuse = decode_exr(str(path), layer="diffuse")
        assert diffuse.channels == ("diffuse.R", "diffuse.G", "diffuse.B")
        assert np.array_equal(diffuse.pixels, np.stack([half(f"diffuse.{c}") for c in "RGB"], axis=2))
        depth = decode_exr(str(path), layer="Z")
        assert depth.channels == ("Z", "Z", "Z")
        assert all(np.array_equal(depth.pixels[:, :, c], half("Z")) for c in range(3))
        motion = decode_exr(str(path), layer="motion")
        assert np.array_equal(motion.pixels[:, :, :2], np.stack([half("motion.X"), half("motion.Y")], axis=2))
        assert not motion.pixels[:, :, 2].any()


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="holding threads to cores needs Linux and two cores")
def test_a_decode_on_every_core_holds_each_of_its_threads_to_a_core_of_its_own(tmp_path: Path) -> None:
    """A frame scrubbed to decodes on as many threads as cores: each held to its own core for the decode
    (started together, the kernel left two of them on one core for 10 ms and more while the other idled),
    and the caller's own thread is left as it was. Fewer threads than cores are not held."""
    # 256 PIZ blocks, wide enough that the decode lasts longer than a thread takes to start on a loaded
    # machine (64 px wide, ~5 ms: one thread had taken every block before the other ran, 3 runs in 15 with
    # two busy processes beside; a thread that finds no block left never asks ``stop``).
    path = _write(tmp_path / "tall.exr", {"RGB": _pixels(256 * 32, 1024, 3, 17)})
    cores = os.sched_getaffinity(0)
    seen: dict[int, set[int]] = {}
    lock = threading.Lock()

    def stop() -> bool:  # asked by the decode threads between blocks: where each may run
        with lock:
            seen[threading.get_native_id()] = os.sched_getaffinity(0)
        return False

    image = exr_core.decode_pixels(path, 0, ("R", "G", "B"), threads=len(cores), stop=stop)
    assert np.array_equal(image.pixels, _library_frame(path, "RGB"))
    held = list(seen.values())
    assert all(len(mask) == 1 for mask in held)
    assert len({next(iter(mask)) for mask in held}) == len(held) > 1
    assert os.sched_getaffinity(0) == cores  # the caller's thread is not held

    seen.clear()
    exr_core.decode_pixels(path, 0, ("R", "G", "B"), threads=len(cores) - 1 or 1, stop=stop)
    assert all(mask == cores for mask in seen.values())

from __future__ import annotations

import random
from fractions import Fraction
from pathlib import Path

import numpy as np
import OpenEXR
import pytest
from PIL import Image

from horus_desktop.media.decode_dpx import decode_dpx, write_dpx
from horus_desktop.media.open_source import open_frame_source
from horus_desktop.media.synthetic import write_exr, write_movie

H, W = 36, 64


def ramp(channels: int, dtype: str, scale: float) -> np.ndarray:
    values = np.arange(H * W * channels, dtype=np.float64).reshape(H, W, channels) % 997
    return (values / 997 * scale).astype(dtype)


def planes(pixels: np.ndarray, prefix: str = "") -> dict[str, np.ndarray]:
    """Channel planes for OpenEXR.File, contiguous: the binding ignores numpy strides when writing."""
    return {f"{prefix}{c}": np.ascontiguousarray(pixels[:, :, i]) for i, c in enumerate("RGBA"[: pixels.shape[2]])}


def exr_header(compression=OpenEXR.ZIP_COMPRESSION, **extra):
    return {"compression": compression, "type": OpenEXR.scanlineimage, **extra}


@pytest.mark.parametrize("dtype", ["f2", "f4"])
@pytest.mark.parametrize("channels", [3, 4])
def test_exr_half_and_float_rgb_rgba(tmp_path: Path, dtype: str, channels: int) -> None:
    pixels = ramp(channels, dtype, 4.0)
    write_exr(tmp_path / "a.exr", pixels, compression="piz")
    frame = open_frame_source(tmp_path / "a.exr").read(1)
    assert frame.pixels.dtype == np.float16 and frame.pixels.shape == (H, W, channels)
    assert frame.channels == tuple("RGBA"[:channels])
    np.testing.assert_array_equal(frame.pixels, pixels.astype(np.float16))


def test_exr_luminance_only_is_shown_grey(tmp_path: Path) -> None:
    y = ramp(1, "f2", 1.0)[:, :, 0]
    OpenEXR.File(exr_header(), {"Y": y}).write(str(tmp_path / "y.exr"))
    frame = open_frame_source(tmp_path / "y.exr").read(1)
    assert frame.channels == ("Y", "Y", "Y")
    np.testing.assert_array_equal(frame.pixels[:, :, 1], y)


def test_exr_data_window_is_placed_inside_display_window(tmp_path: Path) -> None:
    data = np.full((10, 12, 3), 2.0, dtype="f2")
    header = exr_header(
        dataWindow=(np.array([50, 30], "i4"), np.array([61, 39], "i4")),  # crosses the right/bottom edge
        displayWindow=(np.array([0, 0], "i4"), np.array([W - 1, H - 1], "i4")),
    )
    OpenEXR.File(header, planes(data)).write(str(tmp_path / "dw.exr"))
    frame = open_frame_source(tmp_path / "dw.exr").read(1)
    assert frame.pixels.shape == (H, W, 3)
    assert frame.data_window == (50, 30, 61, 39) and frame.display_window == (0, 0, W - 1, H - 1)
    assert np.all(frame.pixels[30:36, 50:62] == 2.0)
    outside = frame.pixels.copy()
    outside[30:36, 50:62] = 0
    assert not outside.any()


def test_exr_multipart_picks_first_rgb_or_named_part(tmp_path: Path) -> None:
    beauty, spec = ramp(3, "f2", 1.0), ramp(3, "f2", 2.0)
    parts = [
        OpenEXR.Part(exr_header(), {"Z": np.zeros((H, W), "f4")}, "depth"),
        OpenEXR.Part(exr_header(), planes(beauty), "beauty"),
        OpenEXR.Part(exr_header(), planes(spec), "spec"),
    ]
    OpenEXR.File(parts).write(str(tmp_path / "mp.exr"))
    np.testing.assert_array_equal(open_frame_source(tmp_path / "mp.exr").read(1).pixels, beauty)
    named = open_frame_source(tmp_path / "mp.exr", part="spec").read(1)
    np.testing.assert_array_equal(named.pixels, spec)
    assert named.metadata["part"] == "spec"


def test_exr_multiview_default_and_named_view(tmp_path: Path) -> None:
    left, right = ramp(3, "f2", 1.0), ramp(3, "f2", 3.0)
    channels = {**planes(left), **planes(right, "right.")}
    OpenEXR.File(exr_header(multiView=["left", "right"]), channels).write(str(tmp_path / "mv.exr"))
    np.testing.assert_array_equal(open_frame_source(tmp_path / "mv.exr").read(1).pixels, left)
    np.testing.assert_array_equal(open_frame_source(tmp_path / "mv.exr", view="right").read(1).pixels, right)


@pytest.mark.parametrize("big_endian", [True, False])
@pytest.mark.parametrize("bits", [10, 16, 8])
def test_dpx_round_trip(tmp_path: Path, big_endian: bool, bits: int) -> None:
    values = (ramp(3, "f8", 1.0) * ((1 << bits) - 1)).astype(np.uint16)
    write_dpx(str(tmp_path / "a.dpx"), values, bit_depth=bits, big_endian=big_endian, frame_rate=24.0)
    frame = decode_dpx(str(tmp_path / "a.dpx"))
    if bits == 8:
        assert frame.pixels.dtype == np.uint8
        np.testing.assert_array_equal(frame.pixels, values)
    else:
        assert frame.pixels.dtype == np.uint16
        np.testing.assert_array_equal(frame.pixels >> (16 - bits), values)
    assert frame.metadata["frame_rate"] == Fraction(24)
    # write_dpx's default transfer is printing density: ADX, in its 16-bit form for 16-bit files
    assert frame.colour_space == ("ADX16" if bits == 16 else "ADX10")


def test_dpx_10bit_packing_matches_the_standard_layout(tmp_path: Path) -> None:
    """One hand-packed pixel: R in bits 31-22, G in 21-12, B in 11-2 of a big-endian word."""
    values = np.array([[[1023, 512, 1]]], dtype=np.uint16)
    write_dpx(str(tmp_path / "p.dpx"), values, bit_depth=10)
    word = (tmp_path / "p.dpx").read_bytes()[2048:2052]
    assert int.from_bytes(word, "big") == (1023 << 22) | (512 << 12) | (1 << 2)
    assert decode_dpx(str(tmp_path / "p.dpx")).pixels[0, 0].tolist() == [65535, 32800, 64]


def test_png_8_bit_rgba_and_16_bit_grey(tmp_path: Path) -> None:
    rgba = ramp(4, "f8", 255).astype(np.uint8)
    Image.fromarray(rgba, "RGBA").save(tmp_path / "a.png")
    frame = open_frame_source(tmp_path / "a.png").read(1)
    assert frame.pixels.dtype == np.uint8
    np.testing.assert_array_equal(frame.pixels, rgba)
    grey = (ramp(1, "f8", 65535)[:, :, 0]).astype(np.uint16)
    Image.fromarray(grey).save(tmp_path / "g.png")
    frame = open_frame_source(tmp_path / "g.png").read(1)
    assert frame.pixels.dtype == np.uint16
    np.testing.assert_array_equal(frame.pixels[:, :, 0], grey)


def test_tiff_8_bit(tmp_path: Path) -> None:
    rgb = ramp(3, "f8", 255).astype(np.uint8)
    Image.fromarray(rgb).save(tmp_path / "a.tif", compression="tiff_lzw")
    np.testing.assert_array_equal(open_frame_source(tmp_path / "a.tif").read(1).pixels, rgb)


def test_16_bit_rgb_png_and_tiff_keep_16_bits(tmp_path: Path) -> None:
    import av

    rgb = (ramp(3, "f8", 65535)).astype(np.uint16)
    for name, codec in (("a.png", "png"), ("a.tif", "tiff")):
        context = av.CodecContext.create(codec, "w")
        context.width, context.height, context.pix_fmt = W, H, "rgb48le" if codec == "tiff" else "rgb48be"
        video = av.VideoFrame.from_ndarray(rgb, format="rgb48le").reformat(format=context.pix_fmt)
        (tmp_path / name).write_bytes(b"".join(bytes(p) for p in [*context.encode(video), *context.encode(None)]))
        frame = open_frame_source(tmp_path / name).read(1)
        assert frame.pixels.dtype == np.uint16
        np.testing.assert_array_equal(frame.pixels, rgb)


def test_jpeg_decodes_close_to_what_was_written(tmp_path: Path) -> None:
    rgb = np.zeros((H, W, 3), np.uint8)
    rgb[:, :, 0], rgb[:, :, 1] = 200, 40
    Image.fromarray(rgb).save(tmp_path / "a.jpg", quality=95)
    frame = open_frame_source(tmp_path / "a.jpg").read(1)
    assert frame.pixels.dtype == np.uint8 and frame.pixels.shape == (H, W, 3)
    assert np.abs(frame.pixels.astype(int) - rgb).max() <= 3
    assert frame.metadata["decoder"] == "simplejpeg"


def test_sequence_source_reads_each_frame_and_reports_gaps(tmp_path: Path) -> None:
    from horus_desktop.media.errors import MissingFrameError

    for f in (1, 2, 4):
        write_exr(tmp_path / f"s.{f:04d}.exr", np.full((H, W, 3), f, "f2"))
    source = open_frame_source(str(tmp_path / "s.%04d.exr"))
    assert source.frame_range == (1, 4)
    assert source.read(4).pixels[0, 0, 0] == 4 and source.read(4).frame == 4
    with pytest.raises(MissingFrameError):
        source.read(3)
    with pytest.raises(MissingFrameError):
        source.read(9)


def test_movie_seek_gives_the_same_frame_as_play(tmp_path: Path) -> None:
    path = write_movie(tmp_path / "m.mov", 40, size=(W, H), fps=Fraction(24000, 1001), gop=8)
    with open_frame_source(path) as source:
        assert source.frame_range == (1, 40)
        played = [source.read(n).pixels for n in range(1, 41)]
    assert not np.array_equal(played[0], played[1])
    order = list(range(1, 41))
    random.Random(7).shuffle(order)
    with open_frame_source(path) as source:
        for n in order + [40, 1, 39, 2]:
            np.testing.assert_array_equal(source.read(n).pixels, played[n - 1], err_msg=f"frame {n}")

"""The DPX/TIFF/PNG/JPEG test sequences (media/synthetic.py): written by the real libraries, read back by them,
and decoded through the playback pipeline (threads and decode processes) to the pixels that were written."""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

import av
import numpy as np
import pytest
import simplejpeg
from PIL import Image

from horus_desktop.media.colour import ViewSettings, default_colour_config
from horus_desktop.media.colour_defaults import SRGB_ENCODED
from horus_desktop.media.decode_dpx import read_dpx_header
from horus_desktop.media.decode_image import decode_image
from horus_desktop.media.decode_pool import DecodePool
from horus_desktop.media.display import cpu_convert
from horus_desktop.media.frame_cache import FrameCache
from horus_desktop.media.open_source import open_frame_source
from horus_desktop.media.synthetic import (
    cineon_log_10bit,
    dpx_bytes_10bit,
    draw_test_frame,
    draw_test_frame_16,
    write_dpx_sequence,
    write_jpeg_sequence,
    write_png_sequence,
    write_tiff_sequence,
)

SIZE = (96, 54)
COUNT = 3
START = 1001


def _libav(path: str) -> tuple[str, np.ndarray]:
    with av.open(path) as container:
        video = next(container.decode(video=0))
        return video.format.name, video.to_ndarray()


def _widened(code_values: np.ndarray) -> np.ndarray:
    """10-bit values as the decoders give them: full 16-bit range, the top bits repeated below."""
    return (code_values << 6) | (code_values >> 4)


def _libjpeg_turbo(path: str) -> np.ndarray:
    return simplejpeg.decode_jpeg(Path(path).read_bytes(), colorspace="RGB")


#: kind -> (writer, the pixels a frame must decode to, from the frame number and its file): what was written
#: (DPX: the 10-bit codes widened to 16 bits); JPEG, lossy: what libjpeg-turbo decodes from the file.
FORMATS: dict[str, tuple[Callable[..., str], Callable[[int, str], np.ndarray]]] = {
    "dpx": (write_dpx_sequence, lambda f, _: _widened(cineon_log_10bit(draw_test_frame(f, SIZE, COUNT)))),
    "tiff8": (lambda *a, **k: write_tiff_sequence(*a, bits=8, **k), lambda f, _: draw_test_frame(f, SIZE, COUNT)),
    "tiff16": (lambda *a, **k: write_tiff_sequence(*a, bits=16, **k),
               lambda f, _: draw_test_frame_16(f, SIZE, COUNT)),
    "png8": (lambda *a, **k: write_png_sequence(*a, bits=8, **k), lambda f, _: draw_test_frame(f, SIZE, COUNT)),
    "png16": (lambda *a, **k: write_png_sequence(*a, bits=16, **k), lambda f, _: draw_test_frame_16(f, SIZE, COUNT)),
    "jpeg": (write_jpeg_sequence, lambda _, path: _libjpeg_turbo(path)),
}


@pytest.fixture(scope="module")
def sequences(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("formats")
    return {kind: writer(folder / kind, COUNT, size=SIZE, start=START) for kind, (writer, _) in FORMATS.items()}


def test_dpx_is_libav_s_10_bit_file_marked_printing_density(sequences: dict[str, str]) -> None:
    path = sequences["dpx"] % START
    name, values = _libav(path)
    assert name.startswith("gbrp10")
    np.testing.assert_array_equal(values, cineon_log_10bit(draw_test_frame(START, SIZE, COUNT)))
    header = read_dpx_header(Path(path).read_bytes(), path)
    assert (header.bit_depth, header.packing, header.transfer, header.colorimetric) == (10, 1, 1, 1)


def test_log_dpx_code_values_look_like_a_scan() -> None:
    codes = cineon_log_10bit(np.array([[[0, 128, 255]]], np.uint8))[0, 0]
    assert codes[0] == 95 and codes[2] == 685 and 95 < codes[1] < 685


@pytest.mark.parametrize("kind", ["tiff8", "png8"])
def test_8_bit_files_read_back_by_pillow(sequences: dict[str, str], kind: str) -> None:
    for frame in range(START, START + COUNT):
        with Image.open(sequences[kind] % frame) as image:
            assert image.mode == "RGB"
            np.testing.assert_array_equal(np.asarray(image), draw_test_frame(frame, SIZE, COUNT))


@pytest.mark.parametrize("kind", ["tiff16", "png16"])
def test_16_bit_files_read_back_by_libav_and_seen_16_bit_by_pillow(sequences: dict[str, str], kind: str) -> None:
    path = sequences[kind] % START
    name, values = _libav(path)
    assert name in ("rgb48le", "rgb48be")
    np.testing.assert_array_equal(values, draw_test_frame_16(START, SIZE, COUNT))
    assert len(np.unique(values)) > 256 * 3  # every 16-bit code in use, not 256 levels times 257
    with Image.open(path) as image:
        args = image.tile[0].args  # PNG: the raw mode; TIFF: a tuple starting with it
        assert image.size == SIZE and ";16" in (args[0] if isinstance(args, tuple) else args)


def test_tiff_is_compressed_as_asked(tmp_path: Path) -> None:
    deflate = (8, 32946)  # Adobe's code (Pillow) and the older one (libav)
    for bits, compression, tags in ((8, "lzw", (5,)), (8, "deflate", deflate), (16, "deflate", deflate),
                                    (16, "raw", (1,))):
        path = write_tiff_sequence(tmp_path / f"{bits}{compression}", 1, bits=bits, size=SIZE,
                                   compression=compression) % START
        with Image.open(path) as image:
            assert image.tag_v2[259] in tags  # Compression


def test_jpeg_read_back_by_simplejpeg(sequences: dict[str, str]) -> None:
    error = np.abs(_libjpeg_turbo(sequences["jpeg"] % START).astype(int) - draw_test_frame(START, SIZE, COUNT))
    assert error.mean() < 6  # quality 90 on a small frame of grain and text


@pytest.mark.parametrize("kind", list(FORMATS))
def test_each_format_decodes_to_the_written_pixels(sequences: dict[str, str], kind: str) -> None:
    _, expected = FORMATS[kind]
    source = open_frame_source(sequences[kind])
    assert source.frame_range == (START, START + COUNT - 1)
    for frame in range(START, START + COUNT):
        pixels = source.read(frame).pixels
        wanted = expected(frame, sequences[kind] % frame)
        assert pixels.dtype == wanted.dtype and pixels.shape == (SIZE[1], SIZE[0], 3)
        np.testing.assert_array_equal(pixels, wanted)


@pytest.mark.parametrize("kind", ["dpx", "tiff16", "tiff8", "png16", "png8"])
def test_the_pipeline_s_decode_processes_give_the_written_pixels(sequences: dict[str, str], kind: str) -> None:
    _, expected = FORMATS[kind]
    pool = DecodePool(1)
    try:
        assert pool.wait_ready()
        with FrameCache(open_frame_source(sequences[kind]), workers=1, pool=pool, read_ahead=COUNT) as cache:
            cache.set_playhead(START)
            for frame in range(START, START + COUNT):
                entry = cache.get(frame, timeout=60)
                assert entry.error is None
                np.testing.assert_array_equal(entry.frame.pixels, expected(frame, sequences[kind] % frame))
    finally:
        pool.close()


def test_8_bit_srgb_frames_pass_the_cpu_colour_step_unchanged(sequences: dict[str, str]) -> None:
    colour = default_colour_config()
    convert = cpu_convert(colour, ViewSettings(SRGB_ENCODED, "sRGB - Display", colour.default_view("sRGB - Display")))
    for kind in ("tiff8", "png8"):
        with FrameCache(open_frame_source(sequences[kind]), convert=convert, workers=2) as cache:
            cache.set_playhead(START)
            np.testing.assert_array_equal(cache.get(START, timeout=60).frame.pixels, draw_test_frame(START, SIZE, COUNT))


def test_log_dpx_is_read_as_printing_density_and_goes_through_the_view(sequences: dict[str, str],
                                                                        tmp_path: Path) -> None:
    frame = decode_image(sequences["dpx"] % START)
    assert frame.colour_space == "ADX10" and frame.metadata["colour_space_guessed"] is False
    colour = default_colour_config()
    convert = cpu_convert(colour, ViewSettings("ADX10", "sRGB - Display", colour.default_view("sRGB - Display")))
    assert convert(frame).pixels.shape == frame.pixels.shape
    # Not passed through as code values: the scan's black (code 95) is shown near black, its white (685) near
    # white, and its mid grey darker than the code value read as sRGB would be.
    ends = cineon_log_10bit(np.array([[[0, 0, 0], [128, 128, 128], [255, 255, 255]]], np.uint8))
    (tmp_path / "ends.dpx").write_bytes(dpx_bytes_10bit(ends))
    black, grey, white = convert(decode_image(tmp_path / "ends.dpx")).pixels[0].astype(int)
    assert black.max() < 40 and white.min() > 180 and black.max() < grey.min() < white.min()


def test_dpx_without_film_and_tv_headers_takes_no_rate_or_time_code_from_its_pixels(tmp_path: Path) -> None:
    # libav's DPX starts the pixels at byte 1664, where the film header would be: pixel 15 of the first row
    # lies where a film frame rate is read (byte 1724) and pixel 64 where a time code is (1920).
    codes = np.zeros((2, 80, 3), np.uint16)
    codes[0, 15] = (0x41C00000 >> 22, 0, 0)  # the float 24.0 as a method A word
    codes[0, 64] = (0x01000000 >> 22, 0, 0)
    path = tmp_path / "bare.dpx"
    path.write_bytes(dpx_bytes_10bit(codes))
    data = path.read_bytes()
    assert struct.unpack_from("<I", data, 4)[0] == 1664 and struct.unpack_from("<f", data, 1724)[0] == 24.0
    header = read_dpx_header(data, str(path))
    assert header.frame_rate is None and header.timecode is None
    np.testing.assert_array_equal(decode_image(path).pixels, _widened(codes))


def test_tiff_compressions_and_alpha_decode_to_the_same_pixels(tmp_path: Path) -> None:
    rgb = draw_test_frame(7, SIZE)
    rgba = np.dstack([rgb, rgb[:, :, 1:2]])
    for compression in (None, "tiff_lzw", "tiff_adobe_deflate", "packbits"):
        for pixels in (rgb, rgba):
            path = tmp_path / f"{compression}-{pixels.shape[2]}.tif"
            Image.fromarray(pixels).save(path, compression=compression)
            frame = decode_image(path)
            assert frame.channels == tuple("RGBA"[: pixels.shape[2]])
            np.testing.assert_array_equal(frame.pixels, pixels)
    Image.fromarray(rgb).save(tmp_path / "jpeg.tif", compression="jpeg", quality=95)
    error = np.abs(decode_image(tmp_path / "jpeg.tif").pixels.astype(int) - rgb)
    assert error.mean() < 3


def test_the_bench_s_bare_decoder_of_each_format_reads_its_files(sequences: dict[str, str]) -> None:
    from horus_desktop.media.bench import bare_image_decoder

    for pattern in sequences.values():
        path = pattern % START
        bare_image_decoder(Path(path).suffix)(path)  # raises on a file it cannot decode


def test_bench_all_runs_the_decode_bench_on_every_format_with_an_input_for_each() -> None:
    from horus_desktop.cli.bench_all import ALL_RUNS, INPUTS, rows_of

    placeholders = [args[0] for args in ALL_RUNS["decode"]]
    assert {"{exr}", "{exr_grain}", "{dpx}", "{tiff8}", "{tiff16}", "{png8}", "{png16}", "{jpeg}"} <= set(placeholders)
    assert all(p[1:-1] in INPUTS for p in placeholders)
    result = {"pipeline_cpu_colour_fps_all": 20.0, "bare_best_all": 25.0}
    (row,) = rows_of("decode", result, ("{dpx}", "--frames", "24"))
    assert "10-bit log DPX" in row["figure"] and row["ratio"] == 0.8
    # A run with paired rounds: each row is its median round's pipeline against that round's bare decoder.
    paired = {"pipeline_cpu_colour_paired_fps_all": 30.0, "pipeline_cpu_colour_paired_bare_fps_all": 40.0,
              "pipeline_cpu_colour_fps_all": 33.0, "bare_best_all": 50.0}
    (row,) = rows_of("decode", paired, ("{tiff16}", "--frames", "24"))
    assert row["ratio"] == 0.75 and row["baseline"] == 40.0 and "same round" in row["baseline_label"]
    # The two EXRs' rows are told apart in the table.
    (smooth,) = rows_of("decode", result, ("/tmp/run/exr/shot.%04d.exr", "--frames", "48"))
    (grain,) = rows_of("decode", result, ("/tmp/run/exr_grain/shot.%04d.exr", "--frames", "48"))
    assert "EXR with grain" in grain["figure"] and "EXR with grain" not in smooth["figure"]


def test_exr_with_grain_holds_a_render_s_many_half_values(tmp_path: Path) -> None:
    import OpenEXR

    from horus_desktop.media.synthetic import srgb_to_linear_half, write_exr_sequence

    def read(pattern: str) -> np.ndarray:
        with OpenEXR.File(pattern % START) as exr:
            return np.asarray(exr.channels()["RGB"].pixels)

    size = (256, 144)
    smooth = read(write_exr_sequence(tmp_path / "smooth", 1, size=size, start=START))
    grain = read(write_exr_sequence(tmp_path / "grain", 1, size=size, start=START, grain=True))
    assert grain.dtype == smooth.dtype == np.float16
    # The 8-bit-made frame has at most 256 levels a channel; the grain one thousands, as a render.
    assert max(len(np.unique(smooth[..., c])) for c in range(3)) <= 256
    assert min(len(np.unique(grain[..., c])) for c in range(3)) > 2000
    np.testing.assert_array_equal(grain, srgb_to_linear_half(draw_test_frame_16(START, size, 1)))
    # The same picture under the grain: within the 16-bit grain's 128 codes of the 8-bit frame's values.
    assert np.abs(grain.astype(np.float32) - smooth.astype(np.float32)).max() < 0.01

"""Synthetic test media: 2K JPEG, DPX, TIFF, PNG and half-float EXR sequences and H.264 movies with a moving
shape and the frame number burned in (drawn with Pillow), for benchmarks, tests and the demo project.

Each format is written by a real library, as footage would be: JPEG, 8-bit PNG and 8-bit TIFF by Pillow;
10-bit DPX, 16-bit PNG and 16-bit TIFF by libav's encoders (PyAV; Pillow writes no 16-bit RGB); EXR by
OpenEXR; movies by libx264."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import av
import numpy as np
import OpenEXR
from PIL import Image, ImageDraw, ImageFont

from horus_desktop.media.core_spread import core_count

SIZE_2K = (2048, 1152)
SIZE_HD = (1920, 1080)
_EXR_COMPRESSION = {
    "piz": OpenEXR.PIZ_COMPRESSION,
    "zip": OpenEXR.ZIP_COMPRESSION,
    "zips": OpenEXR.ZIPS_COMPRESSION,
    "none": OpenEXR.NO_COMPRESSION,
    "dwaa": OpenEXR.DWAA_COMPRESSION,
}


@lru_cache(maxsize=4)
def _background(width: int, height: int) -> np.ndarray:
    """A colour ramp with film-grain-like noise, so codecs see realistic detail."""
    x = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :]
    y = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    rng = np.random.default_rng(1234)
    grain = rng.normal(0.0, 6.0, (height, width, 1)).astype(np.float32)
    base = np.stack([40 + 150 * x + 0 * y, 30 + 120 * y + 0 * x, 90 + 60 * (1 - x) * y], axis=2)
    return np.clip(base + grain, 0, 255).astype(np.uint8)


@lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):
        return ImageFont.load_default()


def draw_test_frame(frame: int, size: tuple[int, int] = SIZE_2K, count: int = 100) -> np.ndarray:
    """An 8-bit sRGB HxWx3 frame: ramp, grain, a white square moving left to right, the frame number."""
    width, height = size
    image = Image.fromarray(_background(width, height))
    draw = ImageDraw.Draw(image)
    side = max(4, height // 6)
    x = int((width - side) * ((frame % max(count, 1)) / max(count - 1, 1)))
    y = (height - side) // 2
    draw.rectangle((x, y, x + side, y + side), fill=(235, 235, 235))
    text_size = max(8, height // 8)
    draw.text((width // 20, height // 20), f"{frame:04d}", fill=(255, 220, 0), font=_font(text_size))
    return np.asarray(image)


def draw_test_frame_16(frame: int, size: tuple[int, int] = SIZE_2K, count: int = 100) -> np.ndarray:
    """A 16-bit HxWx3 version of `draw_test_frame`: its 8-bit values spread to 16 bits with fine grain below
    the 8-bit step, so every 16-bit code is used as in a real 16-bit render (not 256 levels times 257)."""
    pixels = draw_test_frame(frame, size, count).astype(np.int32) * 257
    return np.clip(pixels + _fine_grain(size[0], size[1]), 0, 65535).astype(np.uint16)


@lru_cache(maxsize=2)
def _fine_grain(width: int, height: int) -> np.ndarray:
    return np.random.default_rng(4321).integers(-128, 128, (height, width, 3), dtype=np.int32)


def cineon_log_10bit(pixels: np.ndarray) -> np.ndarray:
    """8-bit sRGB HxWx3 to 10-bit Cineon printing-density code values (uint16, 95 black, 685 white, 300 codes a
    decade of linear light): what a film scan's DPX holds."""
    return _cineon_table()[pixels]


@lru_cache(maxsize=1)
def _cineon_table() -> np.ndarray:
    """The Cineon code value of each 8-bit sRGB value (one gather a frame instead of a log per pixel)."""
    linear = srgb_to_linear_half(np.arange(256, dtype=np.uint8)).astype(np.float64)
    black = 10.0 ** ((95 - 685) / 300.0)
    code = 685.0 + 300.0 * np.log10(linear * (1.0 - black) + black)
    return np.clip(np.rint(code), 0, 1023).astype(np.uint16)


def srgb_to_linear_half(pixels: np.ndarray) -> np.ndarray:
    """8-bit (or uint16: 16-bit) sRGB to scene-linear float16 (the sRGB EOTF)."""
    v = pixels.astype(np.float32) / (65535.0 if pixels.dtype == np.uint16 else 255.0)
    linear = np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)
    return linear.astype(np.float16)


def write_jpeg_sequence(
    folder: str | Path, count: int, *, size: tuple[int, int] = SIZE_2K, start: int = 1001,
    name: str = "shot", quality: int = 90,
) -> str:
    """Write `count` JPEG frames `name.%04d.jpg` from `start`; return the printf pattern."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    pattern = str(folder / f"{name}.%04d.jpg")
    for frame in range(start, start + count):
        Image.fromarray(draw_test_frame(frame, size, count)).save(pattern % frame, quality=quality)
    return pattern


def encode_still(codec: str, pix_fmt: str, pixels: np.ndarray, options: dict[str, str] | None = None) -> bytes:
    """One image file's bytes from libav's image encoder `codec` ("dpx", "png", "tiff") for HxWxC `pixels`
    in `pix_fmt` (e.g. "gbrp10le" takes 10-bit values in uint16, "rgb48le" 16-bit)."""
    context = av.CodecContext.create(codec, "w")
    context.width, context.height = pixels.shape[1], pixels.shape[0]
    context.pix_fmt = pix_fmt
    context.time_base = Fraction(1, 24)
    context.options = dict(options or {})
    video = av.VideoFrame.from_ndarray(np.ascontiguousarray(pixels), format=pix_fmt)
    return b"".join(bytes(packet) for packet in [*context.encode(video), *context.encode(None)])


#: DPX transfer and colorimetric codes (header bytes 801, 802) of a film scan: printing density.
DPX_PRINTING_DENSITY = 1


def dpx_bytes_10bit(code_values: np.ndarray, *, printing_density: bool = True) -> bytes:
    """A 10-bit DPX (method A packing, as libav's encoder writes it) of HxWx3 10-bit code values.

    libav marks its DPX "unspecified video" (or Rec.709/linear from the colour transfer asked for); a scan is
    printing density, so `printing_density` sets the header's transfer and colorimetric bytes to 1 (the only
    change made to the encoder's file)."""
    data = bytearray(encode_still("dpx", "gbrp10le", code_values))
    if printing_density:
        data[801] = data[802] = DPX_PRINTING_DENSITY
    return bytes(data)


def _write_sequence(folder: str | Path, count: int, extension: str, name: str, start: int,
                    write: Callable[[str, int], None]) -> str:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    pattern = str(folder / f"{name}.%04d.{extension}")
    # Frames on every core: the encoders (zlib, libav) and numpy release the GIL for most of their work.
    with ThreadPoolExecutor(core_count()) as threads:
        list(threads.map(lambda frame: write(pattern % frame, frame), range(start, start + count)))
    return pattern


def write_dpx_sequence(
    folder: str | Path, count: int, *, size: tuple[int, int] = SIZE_2K, start: int = 1001, name: str = "shot",
) -> str:
    """Write `count` 10-bit log (printing density) DPX frames `name.%04d.dpx` by libav; return the pattern."""

    def write(path: str, frame: int) -> None:
        Path(path).write_bytes(dpx_bytes_10bit(cineon_log_10bit(draw_test_frame(frame, size, count))))

    return _write_sequence(folder, count, "dpx", name, start, write)


def write_tiff_sequence(
    folder: str | Path, count: int, *, bits: int = 8, size: tuple[int, int] = SIZE_2K, start: int = 1001,
    name: str = "shot", compression: str = "deflate",
) -> str:
    """Write `count` RGB TIFF frames `name.%04d.tif` (8-bit by Pillow, 16-bit by libav) with `compression`
    ("deflate", "lzw", "packbits" or "raw"); return the pattern."""
    pillow = {"deflate": "tiff_adobe_deflate", "lzw": "tiff_lzw", "packbits": "packbits", "raw": None}

    def write(path: str, frame: int) -> None:
        if bits == 8:
            Image.fromarray(draw_test_frame(frame, size, count)).save(path, compression=pillow[compression])
        elif bits == 16:
            Path(path).write_bytes(encode_still("tiff", "rgb48le", draw_test_frame_16(frame, size, count),
                                                {"compression_algo": compression}))
        else:
            raise ValueError(f"TIFF test frames are 8 or 16-bit, not {bits}")

    return _write_sequence(folder, count, "tif", name, start, write)


def write_png_sequence(
    folder: str | Path, count: int, *, bits: int = 8, size: tuple[int, int] = SIZE_2K, start: int = 1001,
    name: str = "shot",
) -> str:
    """Write `count` RGB PNG frames `name.%04d.png` (8-bit by Pillow, 16-bit by libav, each at its default
    compression); return the pattern."""

    def write(path: str, frame: int) -> None:
        if bits == 8:
            Image.fromarray(draw_test_frame(frame, size, count)).save(path)
        elif bits == 16:
            # PyAV takes native uint16 for the big-endian format and swaps the bytes itself.
            Path(path).write_bytes(encode_still("png", "rgb48be", draw_test_frame_16(frame, size, count)))
        else:
            raise ValueError(f"PNG test frames are 8 or 16-bit, not {bits}")

    return _write_sequence(folder, count, "png", name, start, write)


def write_exr(
    path: str | Path, pixels: np.ndarray, *, compression: str = "piz", fps: Fraction | None = None,
    extra_header: dict | None = None,
) -> None:
    """Write an RGB(A) float16/float32 array as a single-part scanline EXR."""
    header: dict = {"compression": _EXR_COMPRESSION[compression], "type": OpenEXR.scanlineimage}
    if fps is not None:
        header["framesPerSecond"] = fps
    header.update(extra_header or {})
    names = "RGBA"[: pixels.shape[2]]
    channels = {c: np.ascontiguousarray(pixels[:, :, i]) for i, c in enumerate(names)}
    OpenEXR.File(header, channels).write(str(path))


def write_exr_sequence(
    folder: str | Path, count: int, *, size: tuple[int, int] = SIZE_2K, start: int = 1001,
    name: str = "shot", compression: str = "piz", fps: Fraction | None = Fraction(24), grain: bool = False,
) -> str:
    """Write `count` half-float EXR frames `name.%04d.exr` (linearised test frames); return the pattern.

    ``grain``: linearised from the 16-bit test frame (`draw_test_frame_16`, grain below the 8-bit step), so the
    frames hold thousands of half values a channel, as a render or a scanned plate does, not the 256 levels of
    an 8-bit frame: PIZ compresses those about twice as well, and the colour step's tables read by so few
    values stay in the CPU's cache."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    pattern = str(folder / f"{name}.%04d.exr")
    draw = draw_test_frame_16 if grain else draw_test_frame
    for frame in range(start, start + count):
        pixels = srgb_to_linear_half(draw(frame, size, count))
        write_exr(pattern % frame, pixels, compression=compression, fps=fps)
    return pattern


def write_movie(
    path: str | Path, count: int, *, size: tuple[int, int] = SIZE_HD, fps: Fraction = Fraction(24),
    codec: str = "libx264", gop: int = 12, crf: int = 18,
) -> str:
    """Write an H.264 (yuv420p) movie of `count` test frames numbered from 1; return its path."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.codec_context.gop_size = gop
        if codec == "libx264":
            stream.options = {"crf": str(crf), "preset": "veryfast", "bf": "2"}
        for frame in range(1, count + 1):
            video = av.VideoFrame.from_ndarray(draw_test_frame(frame, size, count), format="rgb24")
            for packet in stream.encode(video):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return str(path)

"""Synthetic test media: 2K JPEG and half-float EXR sequences and H.264 movies with a moving shape and the
frame number burned in (drawn with Pillow), for benchmarks, tests and the demo project."""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import av
import numpy as np
import OpenEXR
from PIL import Image, ImageDraw, ImageFont

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


def srgb_to_linear_half(pixels: np.ndarray) -> np.ndarray:
    """8-bit sRGB to scene-linear float16 (the sRGB EOTF)."""
    v = pixels.astype(np.float32) / 255.0
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
    name: str = "shot", compression: str = "piz", fps: Fraction | None = Fraction(24),
) -> str:
    """Write `count` half-float EXR frames `name.%04d.exr` (linearised test frames); return the pattern."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    pattern = str(folder / f"{name}.%04d.exr")
    for frame in range(start, start + count):
        pixels = srgb_to_linear_half(draw_test_frame(frame, size, count))
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

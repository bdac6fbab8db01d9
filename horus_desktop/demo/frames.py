"""Demo frames: a shot-coloured background, a ball moving along a path, shot/department/version/frame
burned in, and the frame number as a machine-readable bar code (so tests can check what is on screen)."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

CODE_BITS = 14
CODE_CELL = 12
CODE_MARGIN = 8


@lru_cache(maxsize=32)
def _background(width: int, height: int, hue: float) -> np.ndarray:
    x = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :, None]
    y = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    base = np.array([0.5 + 0.4 * math.cos(hue), 0.5 + 0.4 * math.cos(hue + 2.1), 0.5 + 0.4 * math.cos(hue + 4.2)],
                    dtype=np.float32)[None, None, :]
    image = 35 + 110 * base * (0.55 + 0.45 * x) * (1.0 - 0.4 * y)
    horizon = (np.abs(y - 0.7) < 0.004).astype(np.float32) * 40
    return np.clip(image + horizon, 0, 255).astype(np.uint8)


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):
        return ImageFont.load_default()


def ball_position(frame: int, first: int, count: int, size: tuple[int, int], version: int) -> tuple[int, int]:
    """Where the ball is: left to right along an arc; each version bounces a little higher."""
    width, height = size
    t = ((frame - first) % max(count, 1)) / max(count - 1, 1)
    x = int(width * (0.1 + 0.8 * t))
    y = int(height * (0.68 - (0.25 + 0.08 * version) * math.sin(math.pi * t)))
    return x, y


def draw_demo_frame(
    frame: int, *, shot: str, department: str, version: str, version_number: int, first: int, count: int,
    size: tuple[int, int] = (960, 540), hue: float = 0.0,
) -> np.ndarray:
    """One 8-bit sRGB HxWx3 frame."""
    width, height = size
    image = Image.fromarray(_background(width, height, hue))
    draw = ImageDraw.Draw(image)
    bx, by = ball_position(frame, first, count, size, version_number)
    r = max(6, height // 14)
    ball = (240, 200 - 40 * (version_number % 3), 60 + 60 * (version_number % 3))
    draw.ellipse((bx - r, by - r, bx + r, by + r), fill=ball, outline=(20, 20, 20), width=2)
    big = _font(max(12, height // 9))
    small = _font(max(10, height // 22))
    draw.text((width * 0.04, height * 0.05), f"{shot.upper()}  {department}  {version}", fill=(250, 250, 250),
              font=small)
    draw.text((width * 0.04, height * 0.11), f"{frame:04d}", fill=(255, 220, 40), font=big)
    draw.text((width * 0.70, height * 0.05), "HORUS DEMO", fill=(200, 200, 210), font=small)
    pixels = np.array(image)
    write_frame_code(pixels, frame)
    return pixels


def write_frame_code(pixels: np.ndarray, frame: int) -> None:
    """Burn ``frame`` as CODE_BITS black/white cells along the bottom-left corner (MSB first)."""
    height = pixels.shape[0]
    y0 = height - CODE_MARGIN - CODE_CELL
    pixels[y0 - 3: y0 + CODE_CELL + 3, CODE_MARGIN - 3: CODE_MARGIN + CODE_BITS * CODE_CELL + 3] = 128
    for bit in range(CODE_BITS):
        on = (frame >> (CODE_BITS - 1 - bit)) & 1
        x0 = CODE_MARGIN + bit * CODE_CELL
        pixels[y0: y0 + CODE_CELL, x0: x0 + CODE_CELL] = 255 if on else 0


def read_frame_code(pixels: np.ndarray) -> int:
    """Read the bar code back from an image showing a demo frame at 1:1 (display pixels, any type)."""
    values = np.asarray(pixels, dtype=np.float32)
    if values.ndim == 3:
        values = values[:, :, :3].mean(axis=2)
    scale = 255.0 if values.max() > 1.5 else 1.0
    height = values.shape[0]
    y = height - CODE_MARGIN - CODE_CELL // 2
    frame = 0
    for bit in range(CODE_BITS):
        x = CODE_MARGIN + bit * CODE_CELL + CODE_CELL // 2
        frame = (frame << 1) | int(values[y, x] / scale > 0.5)
    return frame

"""Studio media for the services tests, written by Pillow."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image


def write_frames(folder: Path, name: str, frames: range, size: tuple[int, int] = (48, 32), seed: int = 0) -> None:
    """PNG frames written by Pillow, noise so each frame's bytes differ (and do not compress)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for n in frames:
        pixels = rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
        Image.fromarray(pixels).save(folder / f"{name}.{n:04d}.png", compress_level=0)

"""Thumbnails: small/medium/large JPEGs (64/128/256 px long edge) in a cache folder, made on workers.

Float media go through the CPU colour path (default display and view); JPEG sources decode in draft
mode (libjpeg scales in the DCT). Recording them in the database is the caller's: pass `record`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from horus_desktop.media.colour import ColourConfig, default_colour_config
from horus_desktop.media.decode_image import JPEG_EXTENSIONS, decode_jpeg
from horus_desktop.media.display import render_frame
from horus_desktop.media.frames import Frame
from horus_desktop.media.open_source import open_frame_source
from horus_desktop.media.sequences import MediaItem, MediaKind, media_item_for

THUMBNAIL_SIZES = {"small": 64, "medium": 128, "large": 256}
JPEG_QUALITY = 85


@dataclass(frozen=True)
class ThumbnailFile:
    """One thumbnail written to disk."""

    size: str
    path: str
    sha256: str
    frame_number: int
    width: int
    height: int


def _display_frame(item: MediaItem, frame: int | None, colour: ColourConfig) -> tuple[int, np.ndarray]:
    largest = max(THUMBNAIL_SIZES.values())
    if item.extension in JPEG_EXTENSIONS:
        number = frame if frame is not None else (item.first_frame or 1)
        path = item.file_for_frame(number) if item.kind is MediaKind.SEQUENCE else item.files[0]
        decoded: Frame = decode_jpeg(path, min_size=(largest, largest))
        return number, decoded.pixels
    with open_frame_source(item) as source:
        number = frame if frame is not None else source.frame_range[0]
        decoded = source.read(number)
    return number, render_frame(decoded, colour)


def _to_rgb_image(pixels: np.ndarray) -> Image.Image:
    if pixels.shape[2] == 4:
        alpha = pixels[:, :, 3:4].astype(np.uint16)
        pixels = (pixels[:, :, :3].astype(np.uint16) * alpha // 255).astype(np.uint8)  # over black
    return Image.fromarray(np.ascontiguousarray(pixels[:, :, :3]))


def make_thumbnails(
    media: MediaItem | str | Path,
    cache_dir: str | Path,
    key: str,
    *,
    frame: int | None = None,
    colour: ColourConfig | None = None,
    record: Callable[[ThumbnailFile], None] | None = None,
) -> list[ThumbnailFile]:
    """Write the three thumbnails of a media (its first frame unless `frame`) as `cache_dir/kk/key_size.jpg`.

    `key` names the files (e.g. the media id); `record` is called with each file written.
    Raises a MediaError subclass when the frame cannot be decoded.
    """
    item = media if isinstance(media, MediaItem) else media_item_for(media)
    number, pixels = _display_frame(item, frame, colour or default_colour_config())
    image = _to_rgb_image(pixels)
    folder = Path(cache_dir) / key[:2]
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for size, edge in sorted(THUMBNAIL_SIZES.items(), key=lambda kv: -kv[1]):
        image = image.copy() if image.width <= edge and image.height <= edge else image
        image.thumbnail((edge, edge), Image.Resampling.LANCZOS)
        path = folder / f"{key}_{size}.jpg"
        image.save(path, quality=JPEG_QUALITY)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        thumb = ThumbnailFile(size, str(path), digest, number, image.width, image.height)
        if record is not None:
            record(thumb)
        written.append(thumb)
    return written

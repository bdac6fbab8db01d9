"""Still-image decoding: JPEG through simplejpeg (libjpeg-turbo, Pillow fallback), PNG/TIFF and others
through Pillow, 16-bit RGB(A) PNG/TIFF through libav (Pillow reduces those to 8 bits), and the dispatch
of a file to its decoder by extension."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import av
import numpy as np
import simplejpeg
from PIL import Image, UnidentifiedImageError

from horus_desktop.media.colour_defaults import FLOAT_IMAGE_DEFAULT, INTEGER_IMAGE_DEFAULT
from horus_desktop.media.decode_dpx import decode_dpx
from horus_desktop.media.decode_exr import decode_exr
from horus_desktop.media.errors import DamagedFrameError, MediaError
from horus_desktop.media.file_access import read_bytes, read_bytes_check
from horus_desktop.media.frames import Frame, full_window

JPEG_EXTENSIONS = frozenset({".jpg", ".jpeg"})
_SIXTEEN_BIT_RAW = ("RGB;16", "RGBA;16", "RGBX;16")


def _frame(pixels: np.ndarray, colour_space: str, channels: tuple[str, ...], **metadata: object) -> Frame:
    window = full_window(pixels.shape[1], pixels.shape[0])
    return Frame(np.ascontiguousarray(pixels), 0, colour_space, window, window, channels, metadata)


def decode_jpeg(path: str, *, min_size: tuple[int, int] | None = None) -> Frame:
    """Decode a JPEG to uint8 RGB; `min_size` (w, h) lets libjpeg scale down in the DCT (draft mode)."""
    data = read_bytes(path)
    kwargs = {"min_width": min_size[0], "min_height": min_size[1]} if min_size else {}
    try:
        pixels = simplejpeg.decode_jpeg(data, colorspace="RGB", **kwargs)
    except ValueError:
        return _decode_pillow_jpeg(path, min_size)
    return _frame(pixels, INTEGER_IMAGE_DEFAULT, ("R", "G", "B"), bit_depth=8, decoder="simplejpeg")


def _decode_pillow_jpeg(path: str, min_size: tuple[int, int] | None) -> Frame:
    try:
        with Image.open(path) as image:
            if min_size:
                image.draft("RGB", min_size)
            pixels = np.asarray(image.convert("RGB"))
    except (OSError, UnidentifiedImageError, ValueError) as exc:
        raise DamagedFrameError(path, f"cannot decode JPEG: {exc}") from exc
    return _frame(pixels, INTEGER_IMAGE_DEFAULT, ("R", "G", "B"), bit_depth=8, decoder="Pillow")


def _decode_libav_16bit(path: str, alpha: bool) -> Frame:
    try:
        with av.open(path) as container:
            video = next(container.decode(video=0))
            pixels = video.to_ndarray(format="rgba64le" if alpha else "rgb48le")
    except (av.FFmpegError, StopIteration) as exc:
        raise DamagedFrameError(path, f"cannot decode 16-bit image: {exc}") from exc
    channels = ("R", "G", "B", "A") if alpha else ("R", "G", "B")
    return _frame(pixels, INTEGER_IMAGE_DEFAULT, channels, bit_depth=16, decoder="libav")


def decode_pillow(path: str) -> Frame:
    """Decode PNG/TIFF/TGA/BMP/WebP: uint8, uint16 (16-bit) or float16 (float TIFF) HxWxC."""
    read_bytes_check(path)
    try:
        with Image.open(path) as image:
            rawmode = image.tile[0].args if image.tile else None
            raw = rawmode[0] if isinstance(rawmode, tuple) else rawmode
            if isinstance(raw, str) and raw.startswith(_SIXTEEN_BIT_RAW):
                return _decode_libav_16bit(path, alpha=image.mode == "RGBA")
            image.load()
            mode = image.mode
            if mode in ("I;16", "I;16B", "I;16L", "I;16N"):
                gray = np.asarray(image).astype(np.uint16)
                return _frame(np.repeat(gray[:, :, None], 3, 2), INTEGER_IMAGE_DEFAULT, ("Y", "Y", "Y"), bit_depth=16)
            if mode == "F":
                gray = np.asarray(image).astype(np.float16)
                return _frame(np.repeat(gray[:, :, None], 3, 2), FLOAT_IMAGE_DEFAULT, ("Y", "Y", "Y"), bit_depth=32)
            if mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in image.info):
                return _frame(np.asarray(image.convert("RGBA")), INTEGER_IMAGE_DEFAULT, ("R", "G", "B", "A"), bit_depth=8)
            return _frame(np.asarray(image.convert("RGB")), INTEGER_IMAGE_DEFAULT, ("R", "G", "B"), bit_depth=8)
    except MediaError:
        raise
    except UnidentifiedImageError as exc:
        raise DamagedFrameError(path, "not a readable image (unknown or corrupted header)") from exc
    except (Image.DecompressionBombError, MemoryError) as exc:
        raise DamagedFrameError(path, f"image too large to decode (damaged size in its header?): {exc}") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise DamagedFrameError(path, f"cannot decode image: {exc}") from exc


def decoder_for(path: str | Path, **options: object) -> Callable[[str], Frame]:
    """The decode function for an image file, chosen by extension (EXR options: part, view, layer)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".exr":
        return lambda p: decode_exr(p, **options)  # type: ignore[arg-type]
    if suffix == ".dpx":
        return decode_dpx
    if suffix in JPEG_EXTENSIONS:
        return decode_jpeg
    return decode_pillow


def decode_image(path: str | Path, **options: object) -> Frame:
    """Decode one image file with the decoder its extension calls for."""
    return decoder_for(path, **options)(str(path))

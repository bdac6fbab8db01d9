"""Still-image decoding: JPEG through simplejpeg (libjpeg-turbo, Pillow fallback), PNG and others through
Pillow, 16-bit RGB(A) PNG/TIFF and 8-bit RGB(A) TIFF through libav, and the dispatch of a file to its decoder
by extension.

Why libav for those: Pillow reduces 16-bit RGB to 8 bits; and libav's TIFF decoder took 42 ms a 2K deflate
TIFF where Pillow took 66 ms (CPU, medians of 5 interleaved rounds on this machine; PNG the other way round:
Pillow 62 ms, libav 77 ms). libav's frames are taken in their own pixel format when it is one we keep
(rgb48be included: PyAV swaps the bytes) rather than through swscale (no measurable change on 16-bit PNG,
whose inflate and Paeth filter take ~0.2 s a 2K frame)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from horus_desktop.media.frame_memory import FrameMemory

JPEG_EXTENSIONS = frozenset({".jpg", ".jpeg"})
TIFF_EXTENSIONS = frozenset({".tif", ".tiff"})
_SIXTEEN_BIT_RAW = ("RGB;16", "RGBA;16", "RGBX;16")
#: libav pixel formats kept as they come (HxWxC, native-endian after PyAV's swap): (channels, bit depth).
#: TIFF compressions (as Pillow names them) libav decodes to the same pixels as Pillow; not JPEG-in-TIFF, whose
#: YCbCr libav returned unconverted in a test (255 codes off).
_LIBAV_TIFF_COMPRESSIONS = frozenset({"raw", "tiff_lzw", "tiff_adobe_deflate", "tiff_deflate", "packbits"})
_LIBAV_KEPT = {"rgb24": (3, 8), "rgba": (4, 8), "rgb48le": (3, 16), "rgb48be": (3, 16), "rgba64le": (4, 16),
               "rgba64be": (4, 16)}


def _frame(pixels: np.ndarray, colour_space: str, channels: tuple[str, ...], **metadata: object) -> Frame:
    window = full_window(pixels.shape[1], pixels.shape[0])
    return Frame(np.ascontiguousarray(pixels), 0, colour_space, window, window, channels, metadata)


def decode_jpeg(path: str, *, min_size: tuple[int, int] | None = None, memory: FrameMemory | None = None) -> Frame:
    """Decode a JPEG to uint8 RGB; `min_size` (w, h) lets libjpeg scale down in the DCT (draft mode).
    ``memory``: the pixels go into its pages (a freed frame's, media/frame_memory.py) rather than new ones."""
    data = read_bytes(path)
    kwargs = {"min_width": min_size[0], "min_height": min_size[1]} if min_size else {}
    try:
        if memory is None:
            pixels = simplejpeg.decode_jpeg(data, colorspace="RGB", **kwargs)
        else:
            height, width, _, _ = simplejpeg.decode_jpeg_header(data, **kwargs)
            pixels = memory.new_array((height, width, 3), np.dtype(np.uint8))
            simplejpeg.decode_jpeg(data, colorspace="RGB", buffer=pixels, **kwargs)
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


def _decode_libav(path: str, alpha: bool, bit_depth: int) -> Frame:
    """An RGB(A) image through libav at `bit_depth` (8 or 16): its frame as it comes when libav decoded it to
    that layout, else converted to it."""
    wanted = {(False, 8): "rgb24", (True, 8): "rgba", (False, 16): "rgb48le", (True, 16): "rgba64le"}
    try:
        with av.open(path) as container:
            video = next(container.decode(video=0))
            name = video.format.name
            kept = _LIBAV_KEPT.get(name) == (4 if alpha else 3, bit_depth)
            pixels = video.to_ndarray() if kept else video.to_ndarray(format=wanted[alpha, bit_depth])
    except (av.FFmpegError, StopIteration) as exc:
        raise DamagedFrameError(path, f"cannot decode {bit_depth}-bit image: {exc}") from exc
    channels = ("R", "G", "B", "A") if alpha else ("R", "G", "B")
    return _frame(pixels, INTEGER_IMAGE_DEFAULT, channels, bit_depth=bit_depth, decoder="libav")


def _libav_tiff(path: str, image: Image.Image, raw: object) -> Frame | None:
    """An 8-bit RGB(A) TIFF through libav (faster than Pillow's libtiff path: see the module docstring); None
    for another layout or a TIFF libav cannot read (Pillow decodes those)."""
    if (image.mode not in ("RGB", "RGBA") or raw not in ("RGB", "RGBA", "RGBX")
            or image.info.get("compression") not in _LIBAV_TIFF_COMPRESSIONS):
        return None
    try:
        return _decode_libav(path, alpha=image.mode == "RGBA", bit_depth=8)
    except DamagedFrameError:
        return None


def decode_pillow(path: str) -> Frame:
    """Decode PNG/TIFF/TGA/BMP/WebP: uint8, uint16 (16-bit) or float16 (float TIFF) HxWxC."""
    read_bytes_check(path)
    try:
        with Image.open(path) as image:
            rawmode = image.tile[0].args if image.tile else None
            raw = rawmode[0] if isinstance(rawmode, tuple) else rawmode
            if isinstance(raw, str) and raw.startswith(_SIXTEEN_BIT_RAW):
                return _decode_libav(path, alpha=image.mode == "RGBA", bit_depth=16)
            if Path(path).suffix.lower() in TIFF_EXTENSIONS:
                frame = _libav_tiff(path, image, raw)
                if frame is not None:
                    return frame
            image.load()
            mode = image.mode
            if mode in ("I;16", "I;16B", "I;16L", "I;16N"):
                gray = np.asarray(image).astype(np.uint16)
                return _frame(np.repeat(gray[:, :, None], 3, 2), INTEGER_IMAGE_DEFAULT, ("Y", "Y", "Y"), bit_depth=16)
            if mode == "F":
                gray = np.asarray(image).astype(np.float16)
                return _frame(np.repeat(gray[:, :, None], 3, 2), FLOAT_IMAGE_DEFAULT, ("Y", "Y", "Y"), bit_depth=32)
            # An RGB(A) image is taken as it is: convert() to its own mode would copy the pixels once more.
            if mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in image.info):
                rgba = image if mode == "RGBA" else image.convert("RGBA")
                return _frame(np.asarray(rgba), INTEGER_IMAGE_DEFAULT, ("R", "G", "B", "A"), bit_depth=8)
            rgb = image if mode == "RGB" else image.convert("RGB")
            return _frame(np.asarray(rgb), INTEGER_IMAGE_DEFAULT, ("R", "G", "B"), bit_depth=8)
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


def decodes_at_view_size(decode: Callable[..., Frame]) -> bool:
    """True for a decoder that takes ``reduction`` and decodes straight at the view's reduced size (DPX: it
    unpacks only the kept pixels), so a decode process need not reduce its frame afterwards."""
    return decode is decode_dpx


def decode_image(path: str | Path, **options: object) -> Frame:
    """Decode one image file with the decoder its extension calls for."""
    return decoder_for(path, **options)(str(path))

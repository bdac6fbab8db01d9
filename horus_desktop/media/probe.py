"""Technical metadata of a media item: resolution, rational frame rate, colour space, bit depth,
compression, frame range, size on disk, modification time and mime type."""

from __future__ import annotations

import hashlib
import io
import mimetypes
import os
import struct
import zlib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import OpenEXR
from PIL import Image, ImageCms, ImageFile, UnidentifiedImageError

from horus_desktop.domain.timecode import (
    frames_to_timecode,
    parse_timecode,
    smpte_from_packed,
    timecode_to_frames,
)
from horus_desktop.media import colour_defaults as cd
from horus_desktop.media.decode_dpx import read_dpx_header
from horus_desktop.media.errors import DamagedFrameError, MediaError, UnreadableFileError
from horus_desktop.media.exr_header import COMPRESSION_NAMES, ExrStructureError, read_exr_layout
from horus_desktop.media.exr_layers import ExrLayer, default_part_index, part_bit_depth, part_layers
from horus_desktop.media.hashing import combine_digests
from horus_desktop.media.integrity import HANDLE_CHECKED, check_file, check_handle
from horus_desktop.media.movie_source import MOVIE_FIRST_FRAME, stream_frame_count, stream_rate
from horus_desktop.media.sequences import MediaItem, MediaKind

DEFAULT_SEQUENCE_FPS = Fraction(24)

MIME_TYPES = {
    ".exr": "image/x-exr", ".dpx": "image/x-dpx", ".cin": "image/x-cineon", ".tif": "image/tiff",
    ".tiff": "image/tiff", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".tga": "image/x-tga", ".bmp": "image/bmp", ".webp": "image/webp", ".mov": "video/quicktime",
    ".mp4": "video/mp4", ".m4v": "video/x-m4v", ".mxf": "application/mxf", ".avi": "video/x-msvideo",
    ".mkv": "video/x-matroska", ".webm": "video/webm",
}


class FpsSource:
    """Where a frame rate came from."""

    FILE = "file"
    DEFAULT = "default"  # an image sequence that states no rate: 24 fps assumed
    NONE = "none"  # a still


@dataclass(frozen=True)
class ProbeResult:
    """What a media is, technically. `fps_source` says whether `fps` was read or assumed."""

    path: str
    kind: MediaKind
    width: int
    height: int
    fps: Fraction | None
    fps_source: str
    colour_space: str
    bit_depth: int
    compression: str
    start_frame: int | None
    end_frame: int | None
    frame_count: int
    missing_frames: tuple[int, ...]
    empty_frames: tuple[int, ...]
    file_size: int
    mtime: float
    mime_type: str
    codec: str | None = None
    #: (frame, reason) of every frame found damaged (empty, truncated, unreadable header); the media is
    #: described from its good frames.
    damaged_frames: tuple[tuple[int, str], ...] = ()
    #: Every (part, layer) of an EXR (first good frame): beauty, AOVs, depth; empty for other formats.
    layers: tuple[ExrLayer, ...] = ()
    #: The source timecode of the first frame as the file says ("HH:MM:SS:FF", ';' for drop-frame): a
    #: movie's start timecode, EXR `timeCode`, DPX TV header time code; None when the file has none.
    start_timecode: str | None = None
    #: True when the file does not state its colour space and `colour_space` is a per-format default (a
    #: project's default should win over it).
    colour_space_guessed: bool = False

    @property
    def resolution(self) -> str:
        """'2048x1152'."""
        return f"{self.width}x{self.height}"


@dataclass(frozen=True)
class _ImageInfo:
    width: int
    height: int
    colour_space: str
    bit_depth: int
    compression: str
    fps: Fraction | None = None
    layers: tuple[ExrLayer, ...] = ()
    timecode: str | None = None
    colour_space_guessed: bool = False


def mime_type_of(path: str | Path) -> str:
    """Mime type by extension, including the VFX formats the system table lacks."""
    suffix = os.path.splitext(str(path))[1].lower()  # not pathlib: this runs for every file of an ingest
    return MIME_TYPES.get(suffix) or mimetypes.guess_type(str(path))[0] or "application/octet-stream"


def _stat(path: str) -> os.stat_result:
    try:
        result = os.stat(path)
    except FileNotFoundError as exc:
        raise UnreadableFileError(path, "file not found") from exc
    except OSError as exc:
        raise UnreadableFileError(path, exc.strerror or str(exc)) from exc
    if not os.access(path, os.R_OK):
        raise UnreadableFileError(path, "no read permission")
    return result


def _exr_colour_guessed(header: Any) -> bool:
    """True when an EXR names no colour space and its chromaticities match none we know."""
    if any(header.get(key) for key in ("colorSpace", "colorspace", "oiio:ColorSpace", "ocio:colorspace")):
        return False
    chromaticities = header.get("chromaticities")
    return chromaticities is None or cd.colour_space_from_chromaticities(chromaticities) is None


def _probe_exr(path: str) -> _ImageInfo:
    try:
        layout = read_exr_layout(path)
    except ExrStructureError as exc:
        raise DamagedFrameError(path, str(exc)) from exc
    shown = default_part_index(layout)
    try:
        header = OpenEXR.File(path, header_only=True).parts[shown].header
        (x0, y0), (x1, y1) = header["displayWindow"]
    except Exception as exc:
        raise DamagedFrameError(path, f"cannot read EXR header: {exc}") from exc
    fps = header.get("framesPerSecond")
    compression = COMPRESSION_NAMES.get(layout.parts[shown].compression or 0, "unknown")
    return _ImageInfo(
        int(x1 - x0 + 1), int(y1 - y0 + 1), cd.exr_colour_space(header), part_bit_depth(layout.parts[shown]),
        compression, Fraction(fps) if fps else None,
        tuple(layer for part in layout.parts for layer in part_layers(part)),
        smpte_from_packed(layout.parts[shown].timecode),
        _exr_colour_guessed(header),
    )


def _probe_dpx(path: str) -> _ImageInfo:
    with open(path, "rb") as handle:
        return _dpx_info(read_dpx_header(handle.read(2048), path))


def _dpx_info(header: Any) -> _ImageInfo:
    compression = "rle" if header.encoding else "none"
    colour_space, guessed = cd.dpx_colour_space(header.transfer, header.colorimetric, header.bit_depth)
    return _ImageInfo(header.width, header.height, colour_space, header.bit_depth, compression, header.frame_rate,
                      timecode=smpte_from_packed(header.timecode), colour_space_guessed=guessed)


def _icc_colour_space(icc: bytes) -> str | None:
    try:
        description = ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc))).lower()
    except (OSError, ImageCms.PyCMSError):
        return None
    if "srgb" in description or "709" in description:
        return cd.SRGB_ENCODED
    if "p3" in description:
        return "sRGB Encoded P3-D65"
    if "adobe" in description:
        return "Gamma 2.2 Encoded AdobeRGB"
    return None


def _pillow_colour_space(image: Image.Image, float_pixels: bool) -> str:
    icc = image.info.get("icc_profile")
    if icc:
        return _icc_colour_space(icc) or cd.SRGB_ENCODED
    gamma = image.info.get("gamma")
    if gamma is not None and abs(float(gamma) - 1.0) < 0.01:
        return cd.LINEAR_REC709
    return cd.FLOAT_IMAGE_DEFAULT if float_pixels else cd.INTEGER_IMAGE_DEFAULT


def _pillow_bit_depth(image: Image.Image) -> int:
    raw = image.tile[0].args if image.tile else None
    raw = raw[0] if isinstance(raw, tuple) else raw
    if image.mode in ("F", "I"):
        return 32
    if image.mode.startswith("I;16") or (isinstance(raw, str) and ";16" in raw):
        return 16
    return 1 if image.mode == "1" else 8


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# (bit depth, colour type) -> the bit depth Pillow's PNG plugin and _pillow_bit_depth give (its mode and raw mode).
_PNG_BIT_DEPTHS = {(1, 0): 1, (2, 0): 8, (4, 0): 8, (8, 0): 8, (16, 0): 16, (8, 2): 8, (16, 2): 16, (1, 3): 8,
                   (2, 3): 8, (4, 3): 8, (8, 3): 8, (8, 4): 8, (16, 4): 16, (8, 6): 8, (16, 6): 16}
# Chunks before the first IDAT whose content cannot change what Pillow says about the header (or make it fail);
# any other (iCCP, text, animation, ...) and the file is read by Pillow itself. Value: the shortest Pillow reads.
_PNG_PLAIN_CHUNKS = {b"sRGB": 1, b"pHYs": 9, b"tIME": 0, b"sBIT": 0, b"bKGD": 0, b"PLTE": 0}
_PNG_HEAD = 64 * 1024


def _probe_png_header(path: str) -> _ImageInfo | None:
    """What `_probe_pillow` says of a plain PNG, read from its first chunks without Pillow's image set-up
    (a still is probed per file). None whenever the file is not plain (another chunk, a bad checksum, a
    huge or odd header, Pillow told to load truncated files): Pillow then reads it, so the answer and the
    errors are Pillow's, by construction."""
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        return None
    with open(path, "rb") as handle:
        return _png_header_info(handle.read(_PNG_HEAD))


def _png_header_info(head: bytes) -> _ImageInfo | None:
    """`_probe_png_header` of a file's first bytes (at least its chunks before the first IDAT)."""
    if ImageFile.LOAD_TRUNCATED_IMAGES or not head.startswith(_PNG_SIGNATURE):
        return None
    pos, width, height, bit_depth, gamma = 8, 0, 0, 0, None
    while True:
        if pos + 8 > len(head):
            return None
        length, cid = struct.unpack_from(">I4s", head, pos)
        data_end = pos + 8 + length
        if cid == b"IDAT":
            break
        if data_end + 4 > len(head):
            return None
        data = head[pos + 8 : data_end]
        if zlib.crc32(data, zlib.crc32(cid)) != struct.unpack_from(">I", head, data_end)[0]:
            return None
        if pos == 8:
            if cid != b"IHDR" or length != 13 or data[11] or data[12] not in (0, 1):
                return None
            width, height = struct.unpack_from(">II", data)
            bit_depth = _PNG_BIT_DEPTHS.get((data[8], data[9]), 0)
            if not bit_depth:
                return None
        elif cid == b"gAMA" and length == 4:
            gamma = struct.unpack(">I", data)[0] / 100000.0
        elif length < _PNG_PLAIN_CHUNKS.get(cid, length + 1):
            return None
        pos = data_end + 4
    if width <= 0 or height <= 0 or (Image.MAX_IMAGE_PIXELS and width * height > Image.MAX_IMAGE_PIXELS):
        return None
    linear = gamma is not None and abs(gamma - 1.0) < 0.01
    return _ImageInfo(width, height, cd.LINEAR_REC709 if linear else cd.INTEGER_IMAGE_DEFAULT, bit_depth,
                      "deflate", colour_space_guessed=not linear)


def _probe_pillow(path: str) -> _ImageInfo:
    try:
        with Image.open(path) as image:
            compression = str(image.info.get("compression") or {"JPEG": "jpeg", "PNG": "deflate"}.get(
                image.format or "", "none"))
            space = _pillow_colour_space(image, image.mode == "F")
            icc = image.info.get("icc_profile")
            stated = (icc and _icc_colour_space(icc)) or space == cd.LINEAR_REC709 and "gamma" in image.info
            return _ImageInfo(image.width, image.height, space, _pillow_bit_depth(image), compression,
                              colour_space_guessed=not stated)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise DamagedFrameError(path, f"not a readable image: {exc}") from exc


def probe_image_file(path: str) -> _ImageInfo:
    """Header-only metadata of one image file."""
    if os.path.getsize(path) == 0:
        raise DamagedFrameError(path, "empty file (0 bytes)")
    suffix = os.path.splitext(path)[1].lower()
    if suffix == ".exr":
        return _probe_exr(path)
    if suffix == ".dpx":
        return _probe_dpx(path)
    if suffix == ".png":
        try:
            plain = _probe_png_header(path)
        except OSError as exc:
            raise DamagedFrameError(path, f"not a readable image: {exc}") from exc
        if plain is not None:
            return plain
    return _probe_pillow(path)


def _bit_depth_of_pix_fmt(name: str) -> int:
    for depth in (16, 12, 10):
        if str(depth) in name:
            return depth
    return 8


def _movie_timecode(container: Any, stream: Any) -> str | None:
    """The start timecode ffmpeg reads from the video stream, a timecode (tmcd) track or the container."""
    sources = [stream, *(s for s in container.streams if s is not stream), container]
    for source in sources:
        try:
            text = (source.metadata or {}).get("timecode")
            if text:
                hours, minutes, seconds, frames, drop = parse_timecode(text)
                return f"{hours:02d}:{minutes:02d}:{seconds:02d}{';' if drop else ':'}{frames:02d}"
        except (ValueError, UnicodeDecodeError):
            continue
    return None


def _probe_movie(item: MediaItem, stat: os.stat_result) -> ProbeResult:
    path = item.path
    try:
        with av.open(path) as container:
            if not container.streams.video:
                raise UnreadableFileError(path, "no video stream")
            stream = container.streams.video[0]
            rate = stream_rate(stream)
            count = stream_frame_count(container, stream, rate)
            ctx: Any = stream.codec_context
            if ctx is None:  # a damaged or unknown codec header: PyAV has no decoder for it
                raise DamagedFrameError(path, "the video stream has no usable codec (damaged or unknown header)")
            width, height, codec, pix_fmt = ctx.width, ctx.height, ctx.name, ctx.pix_fmt or ""
            timecode = _movie_timecode(container, stream)
    except MediaError:
        raise
    except (av.FFmpegError, ValueError) as exc:
        raise DamagedFrameError(path, f"cannot open movie: {exc}") from exc
    if count <= 0 or not width:
        raise DamagedFrameError(path, "movie has no decodable video frames")
    return ProbeResult(
        path=path, kind=item.kind, width=width, height=height, fps=rate,
        fps_source=FpsSource.FILE if rate else FpsSource.NONE, colour_space=cd.MOVIE_DEFAULT,
        bit_depth=_bit_depth_of_pix_fmt(pix_fmt), compression=codec, start_frame=MOVIE_FIRST_FRAME,
        end_frame=MOVIE_FIRST_FRAME + count - 1, frame_count=count, missing_frames=(), empty_frames=(),
        file_size=stat.st_size, mtime=stat.st_mtime, mime_type=mime_type_of(path), codec=codec,
        start_timecode=timecode, colour_space_guessed=True,
    )


def _frame_damage(path: str, size: int) -> str | None:
    if size == 0:
        return "empty file (0 bytes)"
    try:
        return check_file(path)
    except OSError as exc:
        return exc.strerror or str(exc)


def _probe_good_frame(candidates: list[tuple[int | None, str]],
                      damaged: list[tuple[int | None, str]]) -> tuple[_ImageInfo, int | None] | None:
    """The header (and frame) of the first candidate that reads; frames whose header does not read join
    `damaged`."""
    for frame, path in candidates:
        try:
            return probe_image_file(path), frame
        except DamagedFrameError as exc:
            damaged.append((frame, exc.reason))
    return None


def _start_timecode(timecode: str | None, frame: int | None, start: int, fps: Fraction | None) -> str | None:
    """The first frame's timecode, counted back from the frame whose header was read (the first may be damaged)."""
    if timecode is None or frame is None or frame == start or not fps:
        return timecode
    try:
        drop = parse_timecode(timecode)[4]
        return frames_to_timecode(timecode_to_frames(timecode, fps) - (frame - start), fps, drop)
    except ValueError:
        return None


def probe_media(item: MediaItem) -> ProbeResult:
    """Probe a movie, still or sequence.

    Every frame of a sequence gets the cheap integrity check (`integrity.check_file`: no pixel decode);
    the first good frame's header describes the sequence and every damaged frame is listed in
    `damaged_frames`. Raises a MediaError subclass when the media cannot be read at all (a movie that
    does not open, a still or a sequence with no good frame).
    """
    if item.kind is MediaKind.MOVIE:
        return _probe_movie(item, _stat(item.path))
    numbers: list[int | None] = list(item.frames) if item.frames else [None]
    stats = [(frame, path, _stat(path)) for frame, path in zip(numbers, item.files, strict=False)]
    damaged: list[tuple[int | None, str]] = []
    good: list[tuple[int | None, str]] = []
    for frame, path, st in stats:
        reason = _frame_damage(path, st.st_size)
        (good.append((frame, path)) if reason is None else damaged.append((frame, reason)))
    return _image_result(item, stats, damaged, _probe_good_frame(good, damaged))


def _image_result(item: MediaItem, stats: list[tuple[int | None, str, os.stat_result]],
                  damaged: list[tuple[int | None, str]], found: tuple[_ImageInfo, int | None] | None) -> ProbeResult:
    """The ProbeResult of a still or sequence from its files' stats, damaged frames and first good header."""
    empty = tuple(frame for frame, _, st in stats if st.st_size == 0 and frame is not None)
    if found is None:
        frame, reason = min(damaged, key=lambda d: d[0] or 0)
        many = f"all {len(stats)} frames are damaged; " if len(stats) > 1 else ""
        raise DamagedFrameError(item.file_for_frame(frame) if frame is not None else item.files[0], many + reason)
    info, probed_frame = found
    if item.kind is MediaKind.SEQUENCE:
        fps, fps_source = (info.fps, FpsSource.FILE) if info.fps else (DEFAULT_SEQUENCE_FPS, FpsSource.DEFAULT)
        start, end, count = item.frames[0], item.frames[-1], len(item.frames)
    else:
        fps, fps_source = info.fps, FpsSource.FILE if info.fps else FpsSource.NONE
        start = end = item.frames[0] if item.frames else 1
        count = 1
    return ProbeResult(
        start_timecode=_start_timecode(info.timecode, probed_frame, start, fps),
        path=item.path, kind=item.kind, width=info.width, height=info.height, fps=fps, fps_source=fps_source,
        colour_space=info.colour_space, colour_space_guessed=info.colour_space_guessed,
        bit_depth=info.bit_depth, compression=info.compression,
        start_frame=start, end_frame=end, frame_count=count, missing_frames=item.missing_frames,
        empty_frames=empty, file_size=sum(st.st_size for _, _, st in stats),
        mtime=max(st.st_mtime for _, _, st in stats), mime_type=mime_type_of(item.files[0]),
        layers=info.layers,
        damaged_frames=tuple(sorted((frame if frame is not None else start, reason) for frame, reason in damaged)),
    )


#: Files up to this size are read whole, once, by `probe_and_hash`: the integrity check, the header and the
#: hash from the same bytes (three opens of a small file cost more than reading and hashing it).
SMALL_FILE = 1024 * 1024
#: ... as long as the whole media stays under this: a long sequence is hashed by the ingest's threads, all
#: cores on its frames, not by the one thread that probes it.
SMALL_MEDIA = 64 * 1024 * 1024
_EMPTY_DIGEST = hashlib.sha256(b"").hexdigest()
#: A media's stored (file size, modification time) when it has a hash: unchanged files are not hashed again.
Known = tuple[int, float]


def hashed_files(item: MediaItem, probe: ProbeResult) -> list[str]:
    """The files a media's hash covers: its non-empty frames (all of them when every one is empty)."""
    if not probe.empty_frames or not item.frames:
        return list(item.files)
    empty = set(probe.empty_frames)
    return [path for frame, path in zip(item.frames, item.files, strict=False) if frame not in empty] or list(item.files)


def unchanged(known: Known | None, probe: ProbeResult) -> bool:
    """Whether a media stored as ``known`` (size, modification time) is the one probed (not hashed again)."""
    return known is not None and known[0] == probe.file_size and abs(known[1] - probe.mtime) < 1e-3


def probe_and_hash(item: MediaItem, known: Known | None = None) -> tuple[ProbeResult, str | None]:
    """`probe_media(item)` and the media's ``file_hash`` (None when `unchanged` against ``known``, or when the
    media is not read here: a movie, a large or unusual file, a long sequence, which the caller hashes).

    A still or sequence of small files (every one up to `SMALL_FILE`, all of them up to `SMALL_MEDIA`, a
    format `integrity.check_handle` reads) is read once per file: the integrity check, the first good frame's header and the hash come from
    the same bytes. Anything unexpected on the way (a file that cannot be opened, changes size meanwhile)
    and the media is probed by `probe_media` instead, so the answer and the errors are the same."""
    fast = _probe_small(item, known)
    return fast if fast is not None else (probe_media(item), None)


def _probe_small(item: MediaItem, known: Known | None) -> tuple[ProbeResult, str | None] | None:
    if item.kind is MediaKind.MOVIE:
        return None
    suffix = os.path.splitext(item.files[0])[1].lower()
    if suffix not in HANDLE_CHECKED:
        return None
    numbers: list[int | None] = list(item.frames) if item.frames else [None]
    try:
        stats = [(frame, path, os.stat(path)) for frame, path in zip(numbers, item.files, strict=False)]
    except OSError:
        return None
    if any(st.st_size > SMALL_FILE for _, _, st in stats) or sum(st.st_size for _, _, st in stats) > SMALL_MEDIA:
        return None
    hashing = not (known is not None and known[0] == sum(st.st_size for _, _, st in stats)
                   and abs(known[1] - max(st.st_mtime for _, _, st in stats)) < 1e-3)
    damaged: list[tuple[int | None, str]] = []
    digests: list[str] = []
    found: tuple[_ImageInfo, int | None] | None = None
    for frame, path, st in stats:
        size = st.st_size
        if size == 0:
            damaged.append((frame, "empty file (0 bytes)"))
            digests.append(_EMPTY_DIGEST)
            continue
        try:
            with open(path, "rb", buffering=0) as handle:
                data = handle.read(size + 1)
        except OSError:
            return None
        if len(data) != size:  # written to meanwhile: probe_media reads it as it is now
            return None
        if hashing:
            digests.append(hashlib.sha256(data).hexdigest())
        reason = check_handle(io.BytesIO(data), size, suffix)
        if reason is not None:
            damaged.append((frame, reason))
        elif found is None:
            try:
                found = _header_from_bytes(path, suffix, data), frame
            except DamagedFrameError as exc:
                damaged.append((frame, exc.reason))
    result = _image_result(item, stats, damaged, found)
    if not hashing:
        return result, None
    if result.empty_frames and item.frames:  # the hash covers the non-empty frames (hashed_files)
        empty = set(result.empty_frames)
        kept = [d for f, d in zip(item.frames, digests, strict=True) if f not in empty] or digests
    else:
        kept = digests
    return result, (kept[0] if len(kept) == 1 else combine_digests(kept))


def _header_from_bytes(path: str, suffix: str, data: bytes) -> _ImageInfo:
    """`probe_image_file(path)` of a non-empty file whose bytes are ``data`` (PNG and DPX read from them)."""
    if suffix == ".png":
        plain = _png_header_info(data[:_PNG_HEAD])
        if plain is not None:
            return plain
        return _probe_pillow(path)
    if suffix == ".dpx":
        return _dpx_info(read_dpx_header(data[:2048], path))
    return probe_image_file(path)

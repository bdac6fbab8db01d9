"""`open_frame_source`: the FrameSource for a movie, a still or an image sequence pattern."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from horus_desktop.media.decode_dpx import decode_dpx
from horus_desktop.media.decode_exr import decode_exr
from horus_desktop.media.decode_image import JPEG_EXTENSIONS, decode_image, decode_jpeg, decoder_for
from horus_desktop.media.errors import MissingFrameError, UnreadableFileError
from horus_desktop.media.frames import DEFAULT_DECODE_TIMEOUT, DecodeJob, Frame, FrameSource
from horus_desktop.media.movie_source import MovieSource
from horus_desktop.media.sequences import MediaItem, MediaKind, media_item_for

if TYPE_CHECKING:
    from horus_desktop.media.frame_memory import FrameMemory


class ImageSource(FrameSource):
    """Frames of an image sequence (one file per frame) or of a still (one frame)."""

    def __init__(
        self,
        item: MediaItem,
        *,
        decode_timeout: float | None = DEFAULT_DECODE_TIMEOUT,
        part: str | int | None = None,
        view: str | None = None,
        layer: str | None = None,
    ) -> None:
        if not item.files:
            raise UnreadableFileError(item.path, "no frames on disk")
        self.item = item
        self.path = item.path
        self.decode_timeout = decode_timeout
        options = {k: v for k, v in {"part": part, "view": view, "layer": layer}.items() if v is not None}
        self._options = options
        self._decode_file = decoder_for(item.files[0], **options)
        self._present = frozenset(item.frames)

    @property
    def frame_range(self) -> tuple[int, int]:
        """(first, last) frame on disk; (n, n) for a numbered still and (1, 1) for an unnumbered one."""
        if self.item.kind is MediaKind.SEQUENCE or self.item.frames:
            return (self.item.frames[0], self.item.frames[-1])
        return (1, 1)

    def file_for(self, frame: int) -> str:
        """The file holding `frame`."""
        if self.item.kind is MediaKind.SEQUENCE:
            return self.item.file_for_frame(frame)
        return self.item.files[0]

    def _file_checked(self, frame: int) -> str:
        first, last = self.frame_range
        if not first <= frame <= last:
            raise MissingFrameError(self.path, f"frame {frame} is outside {first}-{last}")
        path = self.file_for(frame)
        if self.item.kind is MediaKind.SEQUENCE and frame not in self._present and not os.path.exists(path):
            raise MissingFrameError(path, f"frame {frame} is missing from the sequence")
        if not os.path.exists(path):
            raise MissingFrameError(path, f"frame {frame}: file no longer exists")
        return path

    def _decode(self, frame: int) -> Frame:
        return replace(self._decode_file(self._file_checked(frame)), frame=frame)

    def read_unless(self, frame: int, cancelled: Callable[[], bool], memory: FrameMemory | None = None) -> Frame:
        """`read`; a JPEG's pixels into ``memory``'s pages (a freed frame's: a cache keeps each frame it
        plays, and new pages cost ~2-3 ms CPU a 2K JPEG frame here, a fifth of its decode)."""
        if memory is None or self._decode_file is not decode_jpeg:
            return self.read(frame)
        return self.read_with(frame, lambda: replace(decode_jpeg(self._file_checked(frame), memory=memory),
                                                     frame=frame))

    def decode_job(self, frame: int) -> DecodeJob | None:
        """Decode `frame`'s file in a worker process with the same decoder and options; None for JPEG,
        whose decoder (libjpeg-turbo) releases the GIL: threads decode it faster than a process round trip
        (measured: 148 against 107 frames/s of 2K on 2 cores)."""
        path = self._file_checked(frame)
        suffix = Path(path).suffix.lower()
        if suffix in JPEG_EXTENSIONS:
            return None
        # An EXR's decoder named itself (what decode_image calls for it): the pool sees it can stop part-way;
        # a DPX's (it takes no options): the pool has it decode at the view's reduced size while playing.
        if suffix == ".dpx":
            return DecodeJob(path, frame, decode_dpx)
        return DecodeJob(path, frame, decode_exr if suffix == ".exr" else decode_image, self._options)


def open_frame_source(
    media: str | Path | MediaItem,
    *,
    decode_timeout: float | None = DEFAULT_DECODE_TIMEOUT,
    part: str | int | None = None,
    view: str | None = None,
    layer: str | None = None,
) -> FrameSource:
    """Open a movie, a still, a sequence pattern (`shot.%04d.exr`, `shot.####.exr`) or a MediaItem.

    EXR `part` (name or index), `layer` (an AOV such as "diffuse", or "Z"; see media.exr_layers) and
    `view` pick what to show; by default the first RGB part, its colour channels and the default view.
    """
    item = media if isinstance(media, MediaItem) else media_item_for(media)
    if item.kind is MediaKind.MOVIE:
        return MovieSource(item.path, decode_timeout=decode_timeout)
    return ImageSource(item, decode_timeout=decode_timeout, part=part, view=view, layer=layer)

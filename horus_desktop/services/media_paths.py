"""Where this machine finds a media record's files: the one resolver every opener goes through.

A media record keeps the path on the studio's storage; this machine's path mappings (machine settings,
``horus paths map``) say where its copy is. The viewer, playlist playback, local thumbnails, the offline copy
and the CLI all ask :func:`media_paths` rather than mapping on their own, so a mapping changed in Settings
(or by ``horus paths map`` while the app runs) applies everywhere at once.

A file missing here is reported by :class:`MediaNotHereError`, naming both the studio path and the path looked
at, so the placeholder tells the user which mapping (or which copy) is wrong.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from horus_desktop.domain.paths import map_to_local
from horus_desktop.machine_settings import PathMap, SettingsError, load_settings, settings_path
from horus_desktop.media.errors import UnreadableFileError

if TYPE_CHECKING:  # a type only: media.frames loads numpy (most of `horus paths where`'s start-up)
    from horus_desktop.media.frames import FrameSource

log = logging.getLogger(__name__)

#: The settings file is looked at (one stat) at most this often; a change is read on the next look.
RECHECK_SECONDS = 1.0


@dataclass(frozen=True)
class MediaLocation:
    """A media path as the studio names it and where this machine looks for it."""

    server_path: str
    local_path: str
    present: bool

    @property
    def mapped(self) -> bool:
        """True when a path mapping moved the path."""
        return self.local_path != self.server_path

    def looked_at(self) -> str:
        """Where the file was looked for, in words (both paths when a mapping applies)."""
        if self.mapped:
            return f"looked at {self.local_path} (studio path {self.server_path})"
        return f"looked at {self.local_path} (no path mapping applies: horus paths map SERVER_ROOT LOCAL_ROOT)"


class MediaNotHereError(UnreadableFileError):
    """The media's file is not on this machine; the message says where it looked."""

    def __init__(self, location: MediaLocation) -> None:
        self.location = location
        super().__init__(location.local_path, f"not on this machine: {location.looked_at()}")

    def __str__(self) -> str:
        return self.reason  # it names both paths already; the viewer puts the record's name before it


def media_present(path: str) -> bool:
    """True when a movie/still exists, or a sequence pattern has at least one frame on disk."""
    if "%" in path:
        # A printf pattern's folder is read without fileseq, as media_item_for reads it.
        from horus_desktop.media.frame_pattern import printf_frames

        try:
            return bool(printf_frames(path))
        except (ValueError, OSError):
            return False
    if "#" in path or "@" in path:
        # fileseq loads on first use, not at start-up (a hash pattern's padding is its to read)
        from horus_desktop.media.sequences import media_item_for

        try:
            return bool(media_item_for(path).files)
        except (ValueError, OSError):
            return False
    return os.path.isfile(path)


class MediaPaths:
    """This machine's path mappings, applied to media paths.

    ``maps`` fixes the mappings (tests, scripts); without it they are read from the machine settings and
    re-read when that file changes."""

    def __init__(self, maps: tuple[PathMap, ...] | None = None, *, settings_file: Path | None = None) -> None:
        self._fixed = maps
        self._file = settings_file
        self._maps: tuple[PathMap, ...] = ()
        self._stamp: tuple[str, int, int] | None = None
        self._checked = float("-inf")
        self._lock = threading.Lock()

    def maps(self) -> tuple[PathMap, ...]:
        """The mappings in force now."""
        if self._fixed is not None:
            return self._fixed
        with self._lock:
            now = time.monotonic()
            if now - self._checked >= RECHECK_SECONDS:
                self._checked = now
                self._reload()
            return self._maps

    def _reload(self) -> None:
        path = self._file or settings_path()
        try:
            info = path.stat()
            stamp = (str(path), info.st_mtime_ns, info.st_size)
        except OSError:
            stamp = (str(path), 0, -1)  # no file: no mappings
        if stamp == self._stamp:
            return
        try:
            self._maps = load_settings(path).path_maps
        except SettingsError as exc:  # keep the last good mappings; the file is fixed by hand or in Settings
            log.warning("path mappings not reloaded: %s", exc)
        self._stamp = stamp

    def forget(self) -> None:
        """Read the settings again on the next use (Settings saved new mappings)."""
        with self._lock:
            self._stamp, self._checked = None, float("-inf")

    def local_path(self, path: str) -> str:
        """Where this machine keeps the file the studio calls ``path`` (no disk access)."""
        return map_to_local(path, self.maps())

    def locate(self, path: str) -> MediaLocation:
        """The studio path, the local path and whether the file (or any frame of the sequence) is there."""
        local = self.local_path(path)
        return MediaLocation(path, local, media_present(local))

    def open(self, path: str, **options: Any) -> FrameSource:
        """A FrameSource on this machine's copy of ``path``; MediaNotHereError when it is missing here."""
        location = self.locate(path)
        if not location.present:
            raise MediaNotHereError(location)
        from horus_desktop.media.open_source import open_frame_source  # the decoders load on the first open

        return open_frame_source(location.local_path, **options)


_default: MediaPaths | None = None
_default_lock = threading.Lock()


def media_paths() -> MediaPaths:
    """The process's resolver, reading this machine's settings (``HORUS_CONFIG`` names another file)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = MediaPaths()
        return _default


def open_media(path: str, **options: Any) -> FrameSource:
    """Open the media a record names, from this machine's copy (see :class:`MediaPaths`)."""
    return media_paths().open(path, **options)

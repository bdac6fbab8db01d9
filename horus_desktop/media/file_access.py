"""Reading media files with missing, unreadable and empty files turned into typed errors."""

from __future__ import annotations

import os

from horus_desktop.media.errors import DamagedFrameError, UnreadableFileError


def read_bytes(path: str) -> bytes:
    """The whole file, with missing/unreadable/empty files turned into typed errors."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError as exc:
        raise UnreadableFileError(path, "file not found") from exc
    except PermissionError as exc:
        raise UnreadableFileError(path, "no read permission") from exc
    except OSError as exc:
        raise UnreadableFileError(path, exc.strerror or str(exc)) from exc
    if not data:
        raise DamagedFrameError(path, "empty file (0 bytes)")
    return data


def read_bytes_check(path: str) -> None:
    """Raise the typed error for a missing, unreadable or empty file without reading it."""
    try:
        size = os.stat(path).st_size
    except FileNotFoundError as exc:
        raise UnreadableFileError(path, "file not found") from exc
    except OSError as exc:
        raise UnreadableFileError(path, exc.strerror or str(exc)) from exc
    if size == 0:
        raise DamagedFrameError(path, "empty file (0 bytes)")
    if not os.access(path, os.R_OK):
        raise UnreadableFileError(path, "no read permission")

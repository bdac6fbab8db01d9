"""Typed media errors: each names the file and the reason, so the viewer and ingest can report them."""

from __future__ import annotations

from pathlib import Path


class MediaError(Exception):
    """Base of every media error: carries the path and a human-readable reason."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class MissingFrameError(MediaError):
    """A frame inside the range has no file on disk (a gap in a sequence)."""


class DamagedFrameError(MediaError):
    """The file exists but its contents cannot be decoded (truncated, corrupted, zero length)."""


class UnreadableFileError(MediaError):
    """The file cannot be opened: no permission, not a media file, unsupported format."""


class DecodeTimeoutError(MediaError):
    """A decode ran past its time bound and was abandoned."""

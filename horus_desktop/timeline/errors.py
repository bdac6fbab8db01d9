"""Errors of the timeline package: each says what is wrong in one line."""

from __future__ import annotations

from pathlib import Path


class PlaylistError(ValueError):
    """A playlist operation cannot be done (bad rule, unknown clip, no room on a track...)."""


class PlaylistFileError(PlaylistError):
    """An OTIO/EDL file cannot be read or written; names the file (and the line, when known)."""

    def __init__(self, path: str | Path, reason: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


class EditError(PlaylistError):
    """An editing operation does not fit the playlist as it is (overlap, trim past the media...)."""

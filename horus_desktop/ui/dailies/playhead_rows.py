"""Which row of the dailies notes list is the playhead's: the note of the clip under it.

No Qt here: rows are whatever the list keeps (its tree items), indexed by media once per listing, so the
look-up made on every shown frame of playback is a short scan of one media's notes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Generic, TypeVar

Row = TypeVar("Row")


class PlayheadRows(Generic[Row]):
    """The note rows (source frame, row) and the version row of each media of a listing."""

    def __init__(self) -> None:
        self._notes: dict[uuid.UUID, list[tuple[int, Row]]] = {}
        self._versions: dict[uuid.UUID, Row] = {}

    def add_version(self, media_id: uuid.UUID, row: Row, notes: Iterable[tuple[int | None, Row]]) -> None:
        """A version's row and its note rows (source frame, row) in list order; notes without a frame (about
        the whole media) are never the playhead's."""
        self._versions[media_id] = row
        self._notes[media_id] = [(frame, note) for frame, note in notes if frame is not None]

    def row_at(self, media_id: uuid.UUID | None, source_frame: int, first: int, last: int,
               keep: Row | None = None) -> Row | None:
        """The row of the playhead on ``source_frame`` of ``media_id``, shown by a clip of source frames
        ``first`` to ``last``: the clip's last note at or before the frame (the note being looked at, until
        the next one is reached), else (before its first note, or a clip without notes) its version's row;
        None when the media is not listed. Of several notes on that frame the first is taken, or ``keep``
        when it is one of them (the note the user clicked stays highlighted)."""
        if media_id is None or media_id not in self._versions:
            return None
        best: int | None = None
        rows: list[Row] = []
        for frame, row in self._notes[media_id]:
            if not first <= frame <= min(last, source_frame):
                continue
            if best is None or frame > best:
                best, rows = frame, [row]
            elif frame == best:
                rows.append(row)
        if not rows:
            return self._versions[media_id]
        return keep if keep is not None and any(r is keep for r in rows) else rows[0]

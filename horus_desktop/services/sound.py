"""A media's sound file (an image sequence's sound): set or clear it on the record (Qt-free; the viewer runs
these on the DB worker, the CLI and the API call them directly).

The file is checked before anything is written (it opens and holds audio), so a bad path is refused with a
message naming it and the record is left as it was.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from horus_desktop.domain.records import MediaRecord
from horus_desktop.media.audio_attach import SoundAttachment, attach_path, sound_of, with_sound
from horus_desktop.media.audio_source import check_sound_file

if TYPE_CHECKING:
    from horus_desktop.store import Store


def set_sound(store: Store, media_id: uuid.UUID | str, path: str, offset: int = 0) -> MediaRecord:
    """Attach ``path`` (WAV, AIFF, MP3...) to a media, heard from frame ``offset`` (counted from its first frame)."""
    path = attach_path(path)
    check_sound_file(path)  # raises a MediaError naming the file: nothing is written
    with store.transaction():
        current = store.media.get(media_id)
        extra = with_sound(current.extra_metadata, SoundAttachment(path, int(offset)))
        return store.media.update(current.id, extra_metadata=extra)


def clear_sound(store: Store, media_id: uuid.UUID | str) -> MediaRecord:
    """Remove a media's sound file (a movie plays its own audio again)."""
    with store.transaction():
        current = store.media.get(media_id)
        if sound_of(current.extra_metadata) is None:
            return current
        return store.media.update(current.id, extra_metadata=with_sound(current.extra_metadata, None))


def sound_attachments(store: Store, media_ids: Iterable[uuid.UUID | str]) -> dict[uuid.UUID, tuple[SoundAttachment, int]]:
    """Media id -> (its sound file, its first frame) for those media that have one (a playlist's clips; one read)."""
    out: dict[uuid.UUID, tuple[SoundAttachment, int]] = {}
    for record in store.media.get_many(list(media_ids)):
        sound = sound_of(record.extra_metadata)
        if sound is not None:
            out[record.id] = (sound, record.start_frame if record.start_frame is not None else 1)
    return out

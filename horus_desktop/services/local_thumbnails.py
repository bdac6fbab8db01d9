"""Thumbnails made on this machine from its own copy of the media.

Thumbnails are not synced: a record pulled from the server arrives without any, and a thumbnail path made on
another machine means nothing here. When the browser finds none, it asks :func:`make_local_thumbnails`,
which decodes this machine's copy (through the path mappings) into the store's thumbnail folder and records
the files in ``horus_thumbnails`` (a table each machine keeps for itself), as ingest does.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from horus_desktop.services.jobs import WriteFn, write_here
from horus_desktop.services.media_paths import MediaNotHereError, MediaPaths, media_paths

if TYPE_CHECKING:  # the decoders and the store load when a thumbnail is made, not when the window starts
    from horus_desktop.media.thumbnails import ThumbnailFile
    from horus_desktop.store import Store


def make_local_thumbnails(store: Store, media_id: uuid.UUID, paths: MediaPaths | None = None, *,
                          write: WriteFn = write_here) -> list[ThumbnailFile]:
    """Make and record the thumbnails of a media from this machine's copy (slow: decodes a frame, here); the
    rows are written through ``write`` (the app's DB worker, see services/jobs.py).

    Raises MediaNotHereError when the copy is not here, the media error of a frame that does not decode, or
    ReadOnlyStoreError for a store that is only browsed."""
    store.check_writable()  # an archive's folder gets no files
    record = store.media.get(media_id)
    location = (paths or media_paths()).locate(record.file_path)
    if not location.present:
        raise MediaNotHereError(location)
    folder = Path(store.files_dir) / "thumbnails"
    from horus_desktop.media.thumbnails import make_thumbnails

    made = make_thumbnails(location.local_path, folder, str(record.id))

    def record_them() -> None:
        with store.transaction():
            for thumb in made:
                store.thumbnails.upsert(record.id, thumb.size, thumb.path, thumbnail_hash=thumb.sha256,
                                        frame_number=thumb.frame_number)

    write(record_them)
    return made

"""Thumbnail images for the browser: paths from the store (DB worker), pixels read on a worker thread."""

from __future__ import annotations

import os
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QImage

from horus_desktop.media.errors import MediaError
from horus_desktop.services.local_thumbnails import make_local_thumbnails
from horus_desktop.ui.db_worker import DbWorker

if TYPE_CHECKING:
    from horus_desktop.store import Store

CACHE_LIMIT = 4000


class ThumbnailLoader(QObject):
    """Loads thumbnails by (media id, size) without blocking; ``sig_loaded`` when one is ready."""

    sig_loaded = Signal(object, str)  # media id, size
    _sig_image = Signal(object, str, object)

    def __init__(self, store: Store, db: DbWorker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._db = db
        self._pool = ThreadPoolExecutor(2, thread_name_prefix="horus-thumbs")
        self._images: OrderedDict[tuple[uuid.UUID, str], QImage | None] = OrderedDict()
        self._asked: set[tuple[uuid.UUID, str]] = set()
        self._closed = False
        self._batch: dict[str, list[uuid.UUID]] = {}
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(0)
        self._flush_timer.timeout.connect(self._flush)
        self._sig_image.connect(self._on_image)

    def image(self, media_id: uuid.UUID, size: str) -> QImage | None:
        """The image if loaded (None while loading or when the media has none)."""
        return self._images.get((media_id, size))

    def request(self, media_ids: Iterable[uuid.UUID], size: str) -> None:
        """Load thumbnails not loaded or asked for yet (requests made while painting go as one query)."""
        wanted = [m for m in media_ids if (m, size) not in self._images and (m, size) not in self._asked]
        if not wanted or self._closed:
            return
        self._asked.update((m, size) for m in wanted)
        batch = self._batch.setdefault(size, [])
        batch.extend(wanted)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def _flush(self) -> None:
        batches, self._batch = self._batch, {}
        for size, wanted in batches.items():
            self._db.submit(self._store.thumbnails.for_media, wanted, size,
                            on_done=lambda found, w=wanted, s=size: self._read(w, s, found))

    def forget(self, media_ids: Iterable[uuid.UUID]) -> None:
        """Drop cached images (a thumbnail was remade)."""
        ids = set(media_ids)
        for key in [k for k in self._images if k[0] in ids]:
            del self._images[key]
        self._asked = {k for k in self._asked if k[0] not in ids}

    def _read(self, wanted: list[uuid.UUID], size: str, found: dict) -> None:
        if self._closed:
            return
        for media_id in wanted:
            thumb = found.get(media_id)
            if thumb is None:  # e.g. a record synced from another machine: made here from the local copy
                self._pool.submit(self._make_local, media_id, size)
                continue
            self._pool.submit(self._load_file, media_id, size, thumb.thumbnail_path)

    def _load_file(self, media_id: uuid.UUID, size: str, path: str) -> None:
        image = QImage(path)
        if image.isNull() and not os.path.exists(path):
            self._make_local(media_id, size)
            return
        self._sig_image.emit(media_id, size, None if image.isNull() else image)

    def _make_local(self, media_id: uuid.UUID, size: str) -> None:
        """Thumbnails are never synced: make this media's from this machine's copy (on this pool thread)."""
        # on this pool thread: not among the window's first imports
        from horus_desktop.store import StoreError

        try:
            made = make_local_thumbnails(self._store, media_id, write=self._db.call)  # rows: the one writer
        # not here, does not decode, an archive, or the DB worker stopped (closing): the placeholder stays
        except (MediaError, OSError, StoreError, RuntimeError):
            made = []
        path = next((t.path for t in made if t.size == size), None)
        image = QImage(path) if path else None
        self._sig_image.emit(media_id, size, None if image is None or image.isNull() else image)

    @Slot(object, str, object)
    def _on_image(self, media_id: uuid.UUID, size: str, image: QImage | None) -> None:
        self._store_image(media_id, size, image)

    def _store_image(self, media_id: uuid.UUID, size: str, image: QImage | None) -> None:
        key = (media_id, size)
        self._asked.discard(key)
        self._images[key] = image
        while len(self._images) > CACHE_LIMIT:
            self._images.popitem(last=False)
        self.sig_loaded.emit(media_id, size)

    def shutdown(self) -> None:
        """Stop reading files."""
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)

"""The browser's item model: a thin adapter over ``store.media.search``.

It holds one snapshot per loaded row, fetches pages of 200 on the DB worker as the view scrolls
(``canFetchMore``/``fetchMore``), sorts in SQL, and refreshes only the rows a store change touched.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QImage

from horus_desktop.domain.media_query import MediaQuery, Page
from horus_desktop.domain.records import MediaRecord
from horus_desktop.services.media_paths import media_paths
from horus_desktop.ui.browser.thumbnails import ThumbnailLoader
from horus_desktop.ui.db_worker import DbWorker
from horus_desktop.ui.store_events import StoreEvents
from horus_desktop.ui.theme import STATUS_LABELS, status_colour

if TYPE_CHECKING:
    from horus_desktop.store import Store
    from horus_desktop.store.unit_of_work import ChangeSet

PAGE_SIZE = 200
_PRINTF = re.compile(r"%0?(\d*)d")
MEDIA_MIME = "application/x-horus-media-ids"
RecordRole = Qt.ItemDataRole.UserRole + 1
StatusRole = Qt.ItemDataRole.UserRole + 2
MediaIdRole = Qt.ItemDataRole.UserRole + 3
ThumbnailRole = Qt.ItemDataRole.UserRole + 4
OfflineRole = Qt.ItemDataRole.UserRole + 5  # True when this machine holds a complete copy (ui/offline_view.py)

#: (title, record field shown, SQL sort column)
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("Name", "file_name", "file_name"),
    ("Sequence", "sequence", "sequence"),
    ("Shot", "shot", "shot"),
    ("Department", "department", "department"),
    ("Version", "version", "version_number"),
    ("Status", "approval_status", "approval_status"),
    ("Artist", "artist_name", "artist_name"),
    ("Resolution", "resolution", "resolution"),
    ("FPS", "frame_rate", "frame_rate"),
    ("Colour space", "color_space", "color_space"),
    ("Frames", "frame_range", "start_frame"),
    ("Date", "created_at", "created_at"),
)


def display_name(name: str) -> str:
    """A sequence pattern as artists read it: ``shot.%04d.exr`` -> ``shot.####.exr``."""
    return _PRINTF.sub(lambda m: "#" * int(m.group(1) or 1), name)


def _cell(record: MediaRecord, field: str) -> str:
    if field == "frame_range":
        if record.start_frame is None:
            return ""
        return f"{record.start_frame}-{record.end_frame}"
    if field == "approval_status":
        return STATUS_LABELS.get(record.approval_status or "pending", record.approval_status or "")
    if field == "version":
        return f"{record.version}{'  ★' if record.is_latest_version else ''}"
    value = getattr(record, field)
    if value is None:
        return ""
    if field == "file_name":
        return display_name(str(value))
    if field == "created_at":
        return value.strftime("%Y-%m-%d %H:%M")
    if field == "frame_rate":
        return f"{float(value):g}"
    return str(value)


class MediaModel(QAbstractTableModel):
    """Rows are media records matching the current query, loaded a page at a time."""

    sig_total_changed = Signal(int)
    sig_loading = Signal(bool)

    def __init__(self, store: Store, db: DbWorker, thumbnails: ThumbnailLoader, events: StoreEvents,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._db = db
        self._thumbs = thumbnails
        self._query = MediaQuery(limit=PAGE_SIZE, with_total=False)
        self._records: list[MediaRecord] = []
        self._rows: dict[uuid.UUID, int] = {}
        self._offline: dict[uuid.UUID, bool] = {}
        self._total = 0
        self._generation = 0
        self._fetching = False
        self.thumbnail_size = "medium"
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(300)
        self._reload_timer.timeout.connect(self.reload)
        thumbnails.sig_loaded.connect(self._on_thumbnail)
        events.changed.connect(self._on_store_changed)

    # --- query -----------------------------------------------------------------------------------
    @property
    def query(self) -> MediaQuery:
        """The query the rows match."""
        return self._query

    @property
    def total(self) -> int:
        """How many media match (all pages)."""
        return self._total

    @property
    def is_loading(self) -> bool:
        """True while a page is being fetched."""
        return self._fetching

    def set_query(self, query: MediaQuery) -> None:
        """Show the media matching ``query`` (its sort is kept if the query does not change it)."""
        self._query = replace(query, offset=0, limit=PAGE_SIZE, with_total=False)
        self.reload()

    def reload(self) -> None:
        """Run the query again from the first page."""
        self._generation += 1
        generation = self._generation
        query = replace(self._query, offset=0, with_total=True)
        self._fetching = True
        self.sig_loading.emit(True)
        self._db.submit(self._store.media.search, query,
                        on_done=lambda page: self._on_first_page(generation, page))

    def _on_first_page(self, generation: int, page: Page[MediaRecord]) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._records = list(page.items)
        self._rows = {r.id: i for i, r in enumerate(self._records)}
        self._total = page.total if page.total is not None else len(self._records)
        self.endResetModel()
        self._fetching = False
        self.sig_loading.emit(False)
        self.sig_total_changed.emit(self._total)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008,N802
        return not parent.isValid() and not self._fetching and len(self._records) < self._total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008,N802
        if not self.canFetchMore(parent):
            return
        generation = self._generation
        query = replace(self._query, offset=len(self._records), with_total=False)
        self._fetching = True
        self.sig_loading.emit(True)
        self._db.submit(self._store.media.search, query, on_done=lambda page: self._on_page(generation, page))

    def _on_page(self, generation: int, page: Page[MediaRecord]) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        self.sig_loading.emit(False)
        items = [r for r in page.items if r.id not in self._rows]
        if page.offset != len(self._records) or not items:
            if not page.items:
                self._total = len(self._records)
            return
        start = len(self._records)
        self.beginInsertRows(QModelIndex(), start, start + len(items) - 1)
        for i, record in enumerate(items):
            self._rows[record.id] = start + i
        self._records.extend(items)
        self.endInsertRows()

    # --- store changes ---------------------------------------------------------------------------
    def _on_store_changed(self, change_set: ChangeSet) -> None:
        media_changes = change_set.of("media")
        if any(c.op != "update" for c in media_changes):
            self._reload_timer.start()
        updated = [c.row_id for c in media_changes if c.op == "update" and c.row_id in self._rows]
        if updated:
            self._db.submit(self._store.media.get_many, updated, on_done=self._on_updated)
        thumbs = "thumbnail" in change_set.kinds()
        if thumbs:
            self._reload_thumbnails()

    def _reload_thumbnails(self) -> None:
        self._thumbs.forget(list(self._rows))
        if self._records:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._records) - 1, 0),
                                  [Qt.ItemDataRole.DecorationRole, ThumbnailRole])

    def _on_updated(self, records: list[MediaRecord]) -> None:
        for record in records:
            row = self._rows.get(record.id)
            if row is None:
                continue
            self._records[row] = record
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    # --- Qt model --------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and \
                0 <= section < len(COLUMNS):
            return COLUMNS[section][0]
        return None

    def record(self, row: int) -> MediaRecord | None:
        """The record of a row."""
        return self._records[row] if 0 <= row < len(self._records) else None

    def row_of(self, media_id: uuid.UUID) -> int | None:
        """The row of a media id, if loaded."""
        return self._rows.get(media_id)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._records):
            return None
        record = self._records[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(record, COLUMNS[column][1])
        if role == Qt.ItemDataRole.ToolTipRole:
            return record.file_path
        if role == RecordRole:
            return record
        if role == MediaIdRole:
            return record.id
        if role == StatusRole:
            return record.approval_status
        if role == OfflineRole:
            return self._offline.get(record.id)
        if role == Qt.ItemDataRole.ForegroundRole and COLUMNS[column][1] == "approval_status":
            return status_colour(record.approval_status)
        if role in (ThumbnailRole, Qt.ItemDataRole.DecorationRole) and column == 0:
            image = self._thumbs.image(record.id, self.thumbnail_size)
            if image is None:
                self._thumbs.request([record.id], self.thumbnail_size)
                return None if role == Qt.ItemDataRole.DecorationRole else QImage()
            if role == Qt.ItemDataRole.DecorationRole:
                return image.scaledToHeight(32, Qt.TransformationMode.SmoothTransformation)
            return image
        if role == Qt.ItemDataRole.BackgroundRole:
            return None
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        sort_by = COLUMNS[column][2]
        if (sort_by, descending) == (self._query.sort_by, self._query.descending):
            return
        self._query = replace(self._query, sort_by=sort_by, descending=descending)
        self.reload()

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [MEDIA_MIME, "text/uri-list"]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # noqa: N802
        rows = sorted({i.row() for i in indexes if i.isValid()})
        records = [self._records[r] for r in rows]
        mime = QMimeData()
        mime.setData(MEDIA_MIME, json.dumps([str(r.id) for r in records]).encode())
        local = media_paths().local_path  # a drop elsewhere gets this machine's copy (path mappings)
        mime.setUrls([QUrl.fromLocalFile(local(r.file_path)) for r in records])
        return mime

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.CopyAction

    def records(self) -> list[MediaRecord]:
        """The records loaded so far (the rows), in order."""
        return list(self._records)

    def set_offline(self, flags: dict[uuid.UUID, bool]) -> None:
        """Which records this machine holds a complete copy of (computed off the UI thread)."""
        self._offline.update(flags)
        rows = [self._rows[m] for m in flags if m in self._rows]
        if rows:
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), 0), [OfflineRole])

    def _on_thumbnail(self, media_id: uuid.UUID, size: str) -> None:
        row = self._rows.get(media_id)
        if row is not None and size == self.thumbnail_size:
            index = self.index(row, 0)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole, ThumbnailRole])

    def set_thumbnail_size(self, size: str) -> None:
        """small, medium or large (which stored thumbnails are shown)."""
        if size != self.thumbnail_size:
            self.thumbnail_size = size
            if self._records:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._records) - 1, 0),
                                      [Qt.ItemDataRole.DecorationRole, ThumbnailRole])

    def close(self) -> None:
        """Drop a pending reload."""
        self._reload_timer.stop()



"""The reads ``horus playlist notes`` makes (``services.dailies.dailies_notes``), answered by a
:class:`~horus_desktop.store.quick_read.QuickReader` with the standard library only.

:class:`QuickStore` stands where the dailies code expects the store: ``timelines``, ``media``, ``comments``,
``annotations`` and ``layers``, each with only the reads that code makes, in the repositories' own SQL
(the same 500-id chunks and orders, every column selected so SQLite takes the same plans). The grouping,
layout and text are the dailies code's own, so both paths print the same list; the tests run the verb both
ways and compare. Whatever these reads do not answer exactly (an unknown playlist, a document the JSON walk
leaves to OpenTimelineIO) raises :class:`~horus_desktop.store.quick_read.NotHere`: the full path answers it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from horus_desktop.store.quick_read import NotHere, QuickReader, _media_reader, chunks, marks, uuid_key

if TYPE_CHECKING:
    from horus_desktop.domain.records import ApprovalChange, CommentNode, MediaRecord, Timeline


def _keys(ids: Iterable[uuid.UUID | str]) -> list[str]:
    """The ids asked, as the store keeps them, each once (NotHere when one is no UUID)."""
    return [uuid_key(i) for i in dict.fromkeys(ids)]


class _Timelines:
    def __init__(self, reader: QuickReader) -> None:
        self._reader = reader

    def get(self, timeline_id: uuid.UUID | str, *, with_clips: bool = True) -> Timeline:
        """As ``TimelineRepository.get`` without clips (with them: the OTIO path, the full path's)."""
        from horus_desktop.domain.records import Timeline

        if with_clips:
            raise NotHere("a document read through OpenTimelineIO: the full path reads it")
        found = self._reader._records(Timeline, "horus_timelines", "WHERE horus_timelines.id = ?",
                                      _keys([timeline_id]))
        if not found or found[0].is_deleted:
            raise NotHere("no such playlist: the full path says so")
        return found[0]

    def list(self) -> list[tuple[Timeline, int]]:
        """As ``TimelineRepository.list()``: live playlists, newest first (clip counts are not read here)."""
        from horus_desktop.domain.records import Timeline

        rows = self._reader._records(Timeline, "horus_timelines", "WHERE horus_timelines.is_deleted IS NOT 1 "
                                     "ORDER BY horus_timelines.created_at DESC", [])
        return [(t, -1) for t in rows]


class _Media:
    def __init__(self, reader: QuickReader) -> None:
        self._reader = reader

    def get_many(self, media_ids: Iterable[uuid.UUID | str]) -> list[MediaRecord]:
        """As ``MediaRepository.get_many``: live records in the order asked, missing ones left out."""
        keys = _keys(media_ids)
        names, make = _media_reader()
        by_id: dict[str, Any] = {}
        for chunk in chunks(keys):
            for row in self._reader._rows(
                    f"SELECT {', '.join(names)} FROM horus_media_records WHERE horus_media_records.id IN "
                    f"({marks(len(chunk))}) AND horus_media_records.is_deleted IS NOT 1", chunk):
                record = make(row)
                by_id[record.id.hex] = record
        return [by_id[k] for k in keys if k in by_id]

    def latest_status_changes(self, media_ids: Iterable[uuid.UUID | str]) -> dict[uuid.UUID, ApprovalChange]:
        """As ``MediaRepository.latest_status_changes``: each version's newest approval change."""
        from horus_desktop.domain.records import ApprovalChange

        changes = self._reader.grouped(ApprovalChange, "horus_approval_history", "media_id", _keys(media_ids),
                                       "horus_approval_history.created_at DESC")
        return {media_id: newest_first[0] for media_id, newest_first in changes.items()}


class _Comments:
    def __init__(self, reader: QuickReader) -> None:
        self._reader = reader

    def threads_by_media(self, media_ids: Iterable[uuid.UUID | str]) -> dict[uuid.UUID, list[CommentNode]]:
        """As ``CommentRepository.threads_by_media``: media without notes left out."""
        return self._reader.threads_by_media(_keys(media_ids))


class _ByMedia:
    """A repository's ``list_by_media``: records of many media, keyed by media id, in the repository's order."""

    def __init__(self, reader: QuickReader, record: str, table: str, where: str, order: str) -> None:
        self._reader, self._record, self._table, self._where, self._order = reader, record, table, where, order

    def list_by_media(self, media_ids: Iterable[uuid.UUID | str]) -> dict[uuid.UUID, list[Any]]:
        from horus_desktop.domain import records

        return self._reader.grouped(getattr(records, self._record), self._table, "media_id", _keys(media_ids),
                                    self._order, self._where)


class QuickStore:
    """The store as ``services.dailies.dailies_notes`` reads it, over a :class:`QuickReader`."""

    def __init__(self, reader: QuickReader) -> None:
        self.timelines = _Timelines(reader)
        self.media = _Media(reader)
        self.comments = _Comments(reader)
        # As AnnotationRepository.list_by_media (live shapes, draw order) and LayerRepository.list_by_media.
        self.annotations = _ByMedia(
            reader, "Annotation", "horus_annotations", " AND horus_annotations.is_deleted IS NOT 1",
            "horus_annotations.frame_number, horus_annotations.layer_order, horus_annotations.created_at")
        self.layers = _ByMedia(reader, "AnnotationLayer", "horus_annotation_layers", "",
                               "horus_annotation_layers.layer_order, horus_annotation_layers.created_at")

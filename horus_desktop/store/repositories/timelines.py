"""Timelines (playlists, cuts) with their clips, written together in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select

from horus_desktop.domain.records import Timeline, TimelineClip
from horus_desktop.domain.vocabulary import TRACK_TYPES
from horus_desktop.store.models import TimelineClipRow, TimelineRow
from horus_desktop.store.repositories.base import (
    InvalidFieldError,
    NotFoundError,
    TombstonedRepository,
    as_uuid,
    check_length,
    to_record,
)
from horus_desktop.store.types import utcnow
from horus_desktop.store.unit_of_work import WriteContext

_TIMELINE_FIELDS = frozenset(
    {"name", "description", "project_id", "episode", "sequence", "timeline_type", "otio_data", "frame_rate",
     "resolution", "duration_frames", "duration_timecode", "created_by_name", "last_modified_by", "status",
     "version"}
)
_CLIP_COLUMNS = tuple(c.name for c in TimelineClipRow.__table__.columns)
_CLIP_FIELDS = frozenset(
    {"media_id", "media_path", "track_name", "track_type", "track_index", "start_time_frames", "duration_frames",
     "source_start_frames", "source_duration_frames", "clip_name", "clip_metadata", "clip_order", "id"}
)


_CLIP_REQUIRED = ("media_path", "track_name", "track_type", "track_index", "start_time_frames", "duration_frames",
                  "clip_order")


def _check_clip(index: int, clip: dict[str, Any]) -> dict[str, Any]:
    # Field names are made only for an error: an import checks thousands of clips.
    if not _CLIP_FIELDS.issuperset(clip):
        raise InvalidFieldError(f"clips[{index}].{sorted(set(clip) - _CLIP_FIELDS)[0]}", "not a clip field")
    for required in _CLIP_REQUIRED:
        if clip.get(required) is None:
            raise InvalidFieldError(f"clips[{index}].{required}", "required")
    if clip["track_type"] not in TRACK_TYPES:
        raise InvalidFieldError(f"clips[{index}].track_type", f"{clip['track_type']!r} is not one of {TRACK_TYPES}")
    if clip["duration_frames"] < 0:
        raise InvalidFieldError(f"clips[{index}].duration_frames", "negative")
    for name, limit in (("track_name", 100), ("clip_name", 255)):
        value = clip.get(name)
        if value is not None and len(value) > limit:
            check_length(f"clips[{index}].{name}", value, limit)
    out = dict(clip)
    media_id = out.get("media_id")
    if media_id is not None and type(media_id) is not uuid.UUID:
        out["media_id"] = as_uuid(media_id, f"clips[{index}].media_id")
    return out


class TimelineRepository(TombstonedRepository[Timeline]):
    """``horus_timelines`` and ``horus_timeline_clips``."""

    _model, _record, _what = TimelineRow, Timeline, "timeline"

    def create(
        self, *, name: str, project_id: str, timeline_type: str, created_by: str,
        clips: Sequence[dict[str, Any]] = (), id: uuid.UUID | None = None, **values: Any,
    ) -> Timeline:
        """A new timeline with its clips."""
        unknown = set(values) - _TIMELINE_FIELDS
        if unknown:
            raise InvalidFieldError(sorted(unknown)[0], "not a timeline field")
        if not name or not name.strip():
            raise InvalidFieldError("name", "required")
        check_length("name", name, 255)
        checked = [_check_clip(i, c) for i, c in enumerate(clips)]
        timeline_id = id or uuid.uuid4()
        with self._uow.write() as ctx:
            row = TimelineRow(id=timeline_id, name=name, project_id=project_id, timeline_type=timeline_type,
                              created_by=created_by, **values)
            ctx.session.add(row)
            ctx.record(TimelineRow.__tablename__, timeline_id, "insert")
            ctx.session.flush()
            self._write_clips(ctx, timeline_id, checked)
        return self.get(timeline_id)

    def _write_clips(self, ctx: WriteContext, timeline_id: uuid.UUID, clips: list[dict[str, Any]]) -> None:
        if not clips:
            return
        now = utcnow()
        rows = []
        for clip in clips:
            row = {name: None for name in _CLIP_COLUMNS}
            row.update(clip, id=clip.get("id") or uuid.uuid4(), timeline_id=timeline_id, created_at=now,
                       updated_at=now)
            if row["source_start_frames"] is None:
                row["source_start_frames"] = 0
            rows.append(row)
            ctx.record(TimelineClipRow.__tablename__, row["id"], "insert")
        # One executemany instead of an ORM object per clip: a 2,000-clip import spent most of its write here.
        ctx.session.execute(insert(TimelineClipRow), rows)

    def replace_clips(
        self, timeline_id: uuid.UUID | str, clips: Sequence[dict[str, Any]], **values: Any
    ) -> Timeline:
        """Swap the whole clip list (and any timeline fields, e.g. ``otio_data``) in one transaction."""
        timeline_id = as_uuid(timeline_id, "timeline_id")
        unknown = set(values) - _TIMELINE_FIELDS
        if unknown:
            raise InvalidFieldError(sorted(unknown)[0], "not a timeline field")
        checked = [_check_clip(i, c) for i, c in enumerate(clips)]
        with self._uow.write() as ctx:
            row = self._get_live(ctx.session, TimelineRow, timeline_id, "timeline")
            for key, value in values.items():
                setattr(row, key, value)
            old = ctx.session.execute(
                select(TimelineClipRow.id).where(TimelineClipRow.timeline_id == timeline_id)).scalars().all()
            ctx.session.execute(delete(TimelineClipRow).where(TimelineClipRow.timeline_id == timeline_id))
            for clip_id in old:
                ctx.record(TimelineClipRow.__tablename__, clip_id, "delete")
            ctx.record(TimelineRow.__tablename__, timeline_id, "update")
            self._write_clips(ctx, timeline_id, checked)
        return self.get(timeline_id)

    def update(self, timeline_id: uuid.UUID | str, **values: Any) -> Timeline:
        """Change timeline fields (name, status, version, ...)."""
        timeline_id = as_uuid(timeline_id, "timeline_id")
        unknown = set(values) - _TIMELINE_FIELDS
        if unknown:
            raise InvalidFieldError(sorted(unknown)[0], "not a timeline field")
        with self._uow.write() as ctx:
            row = self._get_live(ctx.session, TimelineRow, timeline_id, "timeline")
            for key, value in values.items():
                setattr(row, key, value)
            ctx.record(TimelineRow.__tablename__, timeline_id, "update")
        return self.get(timeline_id)

    def get(self, timeline_id: uuid.UUID | str, *, with_clips: bool = True) -> Timeline:
        """A live timeline with its clips in (track, clip order); without them when ``with_clips`` is False
        (a track view that reads the OTIO document needs no rows)."""
        timeline_id = as_uuid(timeline_id, "timeline_id")
        with self._uow.read() as session:
            row = self._get_live(session, TimelineRow, timeline_id, "timeline")
            if not with_clips:
                return to_record(row, Timeline)
            clips = session.execute(
                select(TimelineClipRow).where(TimelineClipRow.timeline_id == timeline_id)
                .order_by(TimelineClipRow.track_index, TimelineClipRow.clip_order)
            ).scalars()
            return to_record(row, Timeline, clips=tuple(to_record(c, TimelineClip) for c in clips))

    def list(
        self, *, project_id: str | None = None, timeline_type: str | None = None, status: str | None = None,
    ) -> list[tuple[Timeline, int]]:
        """Live timelines (without clips), newest first, each with its clip count."""
        counts = (select(TimelineClipRow.timeline_id, func.count().label("n"))
                  .group_by(TimelineClipRow.timeline_id).subquery())
        stmt = (select(TimelineRow, func.coalesce(counts.c.n, 0))
                .outerjoin(counts, counts.c.timeline_id == TimelineRow.id)
                .where(TimelineRow.is_deleted.is_not(True)))
        if project_id:
            stmt = stmt.where(TimelineRow.project_id == project_id)
        if timeline_type:
            stmt = stmt.where(TimelineRow.timeline_type == timeline_type)
        if status:
            stmt = stmt.where(TimelineRow.status == status)
        with self._uow.read() as session:
            rows = session.execute(stmt.order_by(TimelineRow.created_at.desc())).all()
            return [(to_record(r, Timeline), int(n)) for r, n in rows]

    def exists(self, timeline_id: uuid.UUID) -> bool:
        """Whether a timeline with this id exists (deleted or not): for idempotent imports."""
        with self._uow.read() as session:
            return session.get(TimelineRow, timeline_id) is not None


__all__ = ["NotFoundError", "TimelineRepository"]

"""Tags and thumbnails of media records."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import delete, select

from horus_desktop.domain.records import MediaTag, Thumbnail
from horus_desktop.domain.stable_ids import tag_id
from horus_desktop.store.models import MediaTagRow, ThumbnailRow
from horus_desktop.store.repositories.base import (
    InvalidFieldError,
    Repository,
    as_uuid,
    check_length,
    to_record,
)


class TagRepository(Repository):
    """``horus_media_tags``: add, remove and list tags."""

    def add(
        self,
        media_ids: Iterable[uuid.UUID | str],
        tag_name: str,
        *,
        category: str | None = "custom",
        created_by: str | None = None,
    ) -> list[MediaTag]:
        """Tag one or many media; a tag already there is left as it is."""
        tag_name = tag_name.strip()
        if not tag_name:
            raise InvalidFieldError("tag_name", "empty")
        check_length("tag_name", tag_name, 100)
        check_length("tag_category", category, 50)
        out = []
        with self._uow.write() as ctx:
            for media_id in (as_uuid(m, "media_id") for m in media_ids):
                existing = ctx.session.execute(
                    select(MediaTagRow).where(MediaTagRow.media_id == media_id, MediaTagRow.tag_name == tag_name)
                ).scalar_one_or_none()
                if existing is None:
                    existing = MediaTagRow(
                        id=tag_id(media_id, tag_name), media_id=media_id, tag_name=tag_name, tag_category=category,
                        created_by=created_by,
                    )
                    ctx.session.add(existing)
                    ctx.record(MediaTagRow.__tablename__, existing.id, "insert")
                out.append(existing)
            ctx.session.flush()
        return [to_record(r, MediaTag) for r in out]

    def remove(self, media_id: uuid.UUID | str, tag_name: str) -> bool:
        """Remove a tag from a media (tags have no tombstone in the schema); True when one was there."""
        media_id = as_uuid(media_id, "media_id")
        with self._uow.write() as ctx:
            row = ctx.session.execute(
                select(MediaTagRow).where(MediaTagRow.media_id == media_id, MediaTagRow.tag_name == tag_name)
            ).scalar_one_or_none()
            if row is None:
                return False
            ctx.session.execute(delete(MediaTagRow).where(MediaTagRow.id == row.id))
            ctx.record(MediaTagRow.__tablename__, row.id, "delete")
        return True

    def list_for(self, media_id: uuid.UUID | str) -> list[MediaTag]:
        """The tags of a media, by name."""
        media_id = as_uuid(media_id, "media_id")
        with self._uow.read() as session:
            rows = session.execute(
                select(MediaTagRow).where(MediaTagRow.media_id == media_id).order_by(MediaTagRow.tag_name)
            ).scalars()
            return [to_record(r, MediaTag) for r in rows]


class ThumbnailRepository(Repository):
    """``horus_thumbnails``: where the cached thumbnail images are."""

    def upsert(
        self,
        media_id: uuid.UUID | str,
        size: str,
        path: str,
        *,
        thumbnail_hash: str | None = None,
        frame_number: int = 1,
    ) -> Thumbnail:
        """Record (or replace) the thumbnail of a media at a size and frame."""
        media_id = as_uuid(media_id, "media_id")
        check_length("thumbnail_size", size, 20)
        with self._uow.write() as ctx:
            row = ctx.session.execute(
                select(ThumbnailRow).where(
                    ThumbnailRow.media_id == media_id,
                    ThumbnailRow.thumbnail_size == size,
                    ThumbnailRow.frame_number == frame_number,
                )
            ).scalar_one_or_none()
            if row is None:
                row = ThumbnailRow(id=uuid.uuid4(), media_id=media_id, thumbnail_size=size, frame_number=frame_number,
                                   thumbnail_path=path)
                ctx.session.add(row)
                op = "insert"
            else:
                op = "update"
            row.thumbnail_path = path
            row.thumbnail_hash = thumbnail_hash
            ctx.record(ThumbnailRow.__tablename__, row.id, op)  # type: ignore[arg-type]
            ctx.session.flush()
        return to_record(row, Thumbnail)

    def delete_for(self, media_ids: Iterable[uuid.UUID | str]) -> int:
        """Forget the thumbnails of media whose file changed (so a later ingest knows to remake them)."""
        ids = [as_uuid(m, "media_id") for m in media_ids]
        removed = 0
        with self._uow.write() as ctx:
            for start in range(0, len(ids), 500):
                rows = ctx.session.execute(select(ThumbnailRow.id).where(
                    ThumbnailRow.media_id.in_(ids[start:start + 500]))).scalars().all()
                if rows:
                    ctx.session.execute(delete(ThumbnailRow).where(ThumbnailRow.id.in_(rows)))
                for row_id in rows:
                    ctx.record(ThumbnailRow.__tablename__, row_id, "delete")
                removed += len(rows)
        return removed

    def list_for(self, media_id: uuid.UUID | str) -> list[Thumbnail]:
        """The thumbnails of a media."""
        media_id = as_uuid(media_id, "media_id")
        with self._uow.read() as session:
            rows = session.execute(select(ThumbnailRow).where(ThumbnailRow.media_id == media_id)).scalars()
            return [to_record(r, Thumbnail) for r in rows]

    def for_media(self, media_ids: Iterable[uuid.UUID | str], size: str) -> dict[uuid.UUID, Thumbnail]:
        """The thumbnail of one size for each of many media (a browser page at once)."""
        ids = [as_uuid(m, "media_id") for m in media_ids]
        if not ids:
            return {}
        with self._uow.read() as session:
            rows = session.execute(
                select(ThumbnailRow)
                .where(ThumbnailRow.media_id.in_(ids), ThumbnailRow.thumbnail_size == size)
                .order_by(ThumbnailRow.frame_number)
            ).scalars()
            out: dict[uuid.UUID, Thumbnail] = {}
            for row in rows:
                out.setdefault(row.media_id, to_record(row, Thumbnail))  # type: ignore[arg-type]
            return out

"""Annotations (one row per drawn shape) and their layers."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, select, update

from horus_desktop.domain.records import Annotation, AnnotationLayer
from horus_desktop.store.models import (
    AnnotationLayerRow,
    AnnotationRow,
    MediaRecordRow,
    NotificationRow,
    UserRow,
)
from horus_desktop.store.repositories.base import (
    InvalidFieldError,
    NotFoundError,
    Repository,
    TombstonedRepository,
    as_uuid,
    check_length,
    to_record,
)

_SHAPE_FIELDS = frozenset(
    {"coordinates", "style_properties", "content", "content_type", "frame_number", "layer_name", "layer_order",
     "is_visible", "is_locked", "annotation_type"}
)
_HEX = frozenset("0123456789abcdefABCDEF")


def _check_colour(value: str | None) -> None:
    if value is not None and not (len(value) == 7 and value[0] == "#" and set(value[1:]) <= _HEX):
        raise InvalidFieldError("layer_color", f"{value!r} is not a #rrggbb colour")


class AnnotationRepository(TombstonedRepository[Annotation]):
    """``horus_annotations``: add, change, delete (tombstone) and list shapes."""

    _model, _record, _what = AnnotationRow, Annotation, "annotation"

    def add(
        self,
        *,
        media_id: uuid.UUID | str,
        frame_number: int,
        annotation_type: str,
        coordinates: Any,
        user_id: str,
        user_name: str,
        style_properties: dict[str, Any] | None = None,
        content: str | None = None,
        layer_name: str = "default",
        layer_order: int = 0,
        id: uuid.UUID | None = None,
    ) -> Annotation:
        """Store one shape (one row per shape, never one blob per frame)."""
        return self.add_many([dict(
            id=id, media_id=media_id, frame_number=frame_number, annotation_type=annotation_type,
            coordinates=coordinates, user_id=user_id, user_name=user_name, style_properties=style_properties,
            content=content, layer_name=layer_name, layer_order=layer_order,
        )])[0]

    def add_many(self, shapes: list[dict[str, Any]], *, notify_owner: bool = False) -> list[Annotation]:
        """Store many shapes in one transaction.

        With ``notify_owner``, the artist of each media drawn on (a Horus user other than the one drawing)
        gets one notification for the batch, not one per stroke.
        """
        rows = []
        with self._uow.write() as ctx:
            for shape in shapes:
                values = dict(shape)
                row_id = values.pop("id", None) or uuid.uuid4()
                values["media_id"] = as_uuid(values["media_id"], "media_id")
                self._get_live(ctx.session, MediaRecordRow, values["media_id"], "media")
                if values.get("coordinates") is None:
                    raise InvalidFieldError("coordinates", "a shape needs coordinates")
                if not isinstance(values.get("frame_number"), int):
                    raise InvalidFieldError("frame_number", f"not a frame number: {values.get('frame_number')!r}")
                if not values.get("annotation_type"):
                    raise InvalidFieldError("annotation_type", "required")
                check_length("annotation_type", values["annotation_type"], 50)
                check_length("layer_name", values.get("layer_name"), 100)
                row = AnnotationRow(id=row_id, **values)
                ctx.session.add(row)
                rows.append(row)
                ctx.record(AnnotationRow.__tablename__, row_id, "insert", media_id=row.media_id,
                           frame=row.frame_number)
            ctx.session.flush()
            if notify_owner:
                self._notify_owners(ctx, rows)
        return [to_record(r, Annotation) for r in rows]

    def _notify_owners(self, ctx: Any, rows: list[AnnotationRow]) -> None:
        first_by_media: dict[uuid.UUID, AnnotationRow] = {}
        for row in rows:
            first_by_media.setdefault(row.media_id, row)  # type: ignore[arg-type]
        for media_id, row in first_by_media.items():
            media = ctx.session.get(MediaRecordRow, media_id)
            owner = media.artist_id if media is not None else None
            if not owner or owner == row.user_id or ctx.session.get(UserRow, owner) is None:
                continue
            count = sum(1 for r in rows if r.media_id == media_id)
            notice = NotificationRow(
                id=uuid.uuid4(), user_id=owner, type="annotation_added",
                title=f"{row.user_name} drew on {media.file_name} at frame {row.frame_number}"[:255],
                message=f"{count} new shape{'s' if count != 1 else ''}", related_media_id=media_id,
                related_annotation_id=row.id)
            ctx.session.add(notice)
            ctx.record(NotificationRow.__tablename__, notice.id, "insert")

    def update(self, annotation_id: uuid.UUID | str, **values: Any) -> Annotation:
        """Change a shape (moved, restyled, re-layered, ...)."""
        unknown = set(values) - _SHAPE_FIELDS
        if unknown:
            raise InvalidFieldError(sorted(unknown)[0], "not a field of a shape that can change")
        annotation_id = as_uuid(annotation_id, "annotation_id")
        with self._uow.write() as ctx:
            row = self._get_live(ctx.session, AnnotationRow, annotation_id, "annotation")
            for key, value in values.items():
                setattr(row, key, value)
            ctx.record(AnnotationRow.__tablename__, annotation_id, "update", media_id=row.media_id,
                       frame=row.frame_number)
            ctx.session.flush()
        return to_record(row, Annotation)

    def link_to_comment(self, annotation_ids: Iterable[uuid.UUID | str],
                        comment_id: uuid.UUID | str) -> list[Annotation]:
        """Mark shapes as drawn for a note (``style_properties.comment_id``): one read of them all and one
        batched update, not a read and a write per shape. A missing or deleted shape is refused by id."""
        ids = list(dict.fromkeys(as_uuid(a, "annotation_id") for a in annotation_ids))
        if not ids:
            return []
        key = str(as_uuid(comment_id, "comment_id"))
        with self._uow.write() as ctx:
            rows = {row.id: row for row in ctx.session.execute(select(AnnotationRow).where(
                AnnotationRow.id.in_(ids), AnnotationRow.is_deleted.is_not(True))).scalars()}
            missing = [i for i in ids if i not in rows]
            if missing:
                raise NotFoundError("annotation", missing[0])
            for annotation_id in ids:
                row = rows[annotation_id]
                row.style_properties = {**(row.style_properties or {}), "comment_id": key}
                ctx.record(AnnotationRow.__tablename__, annotation_id, "update")
            ctx.session.flush()
        return [to_record(rows[i], Annotation) for i in ids]

    def list(
        self, media_id: uuid.UUID | str, *, frame: int | None = None, layer_name: str | None = None,
        frames: tuple[int, int] | None = None,
    ) -> list[Annotation]:
        """Live shapes of a media, optionally of one frame, a frame range and/or one layer, in draw order."""
        media_id = as_uuid(media_id, "media_id")
        stmt = select(AnnotationRow).where(AnnotationRow.media_id == media_id, AnnotationRow.is_deleted.is_not(True))
        if frame is not None:
            stmt = stmt.where(AnnotationRow.frame_number == frame)
        if frames is not None:
            stmt = stmt.where(AnnotationRow.frame_number.between(*frames))
        if layer_name is not None:
            stmt = stmt.where(AnnotationRow.layer_name == layer_name)
        stmt = stmt.order_by(AnnotationRow.frame_number, AnnotationRow.layer_order, AnnotationRow.created_at)
        with self._uow.read() as session:
            return [to_record(r, Annotation) for r in session.execute(stmt).scalars()]

    def list_by_media(self, media_ids: Iterable[uuid.UUID | str]) -> dict[uuid.UUID, list[Annotation]]:
        """Live shapes of many media in batched reads (500 media per query), keyed by media id, in draw order."""
        ids = list(dict.fromkeys(as_uuid(m, "media_id") for m in media_ids))
        out: dict[uuid.UUID, list[Annotation]] = {}
        with self._uow.read() as session:
            for start in range(0, len(ids), 500):
                rows = session.execute(select(AnnotationRow).where(
                    AnnotationRow.media_id.in_(ids[start:start + 500]), AnnotationRow.is_deleted.is_not(True))
                    .order_by(AnnotationRow.frame_number, AnnotationRow.layer_order, AnnotationRow.created_at))
                for row in rows.scalars():
                    out.setdefault(row.media_id, []).append(to_record(row, Annotation))  # type: ignore[arg-type]
        return out

    def frames_with_annotations(self, media_id: uuid.UUID | str) -> list[int]:
        """Frames carrying at least one live shape (slider markers, ghosting)."""
        media_id = as_uuid(media_id, "media_id")
        with self._uow.read() as session:
            return list(session.execute(
                select(AnnotationRow.frame_number)
                .where(AnnotationRow.media_id == media_id, AnnotationRow.is_deleted.is_not(True))
                .distinct().order_by(AnnotationRow.frame_number)
            ).scalars())

    def frames_by_media(self, media_ids: Iterable[uuid.UUID | str]) -> dict[uuid.UUID, list[int]]:
        """Frames carrying a live, visible shape, of many media in batched reads (a playlist's drawing marks)."""
        ids = list(dict.fromkeys(as_uuid(m, "media_id") for m in media_ids))
        out: dict[uuid.UUID, list[int]] = {}
        with self._uow.read() as session:
            for start in range(0, len(ids), 500):
                rows = session.execute(
                    select(AnnotationRow.media_id, AnnotationRow.frame_number)
                    .where(AnnotationRow.media_id.in_(ids[start:start + 500]), AnnotationRow.is_deleted.is_not(True),
                           AnnotationRow.is_visible.is_not(False))
                    .distinct().order_by(AnnotationRow.media_id, AnnotationRow.frame_number))
                for media_id, frame in rows:
                    out.setdefault(media_id, []).append(frame)
        return out

    def count(self, media_id: uuid.UUID | str) -> int:
        """How many live shapes a media has."""
        media_id = as_uuid(media_id, "media_id")
        with self._uow.read() as session:
            return session.execute(select(func.count()).select_from(AnnotationRow).where(
                AnnotationRow.media_id == media_id, AnnotationRow.is_deleted.is_not(True))).scalar_one()


class LayerRepository(Repository):
    """``horus_annotation_layers``: create, rename, colour, show/hide, lock, reorder."""

    def create(
        self, media_id: uuid.UUID | str, layer_name: str, *, layer_color: str | None = None,
        created_by: str | None = None, layer_order: int | None = None, id: uuid.UUID | None = None,
    ) -> AnnotationLayer:
        """A new layer on top of the others (or at ``layer_order``)."""
        media_id = as_uuid(media_id, "media_id")
        layer_name = layer_name.strip()
        if not layer_name:
            raise InvalidFieldError("layer_name", "empty")
        check_length("layer_name", layer_name, 100)
        _check_colour(layer_color)
        with self._uow.write() as ctx:
            self._get_live(ctx.session, MediaRecordRow, media_id, "media")
            taken = ctx.session.execute(select(AnnotationLayerRow.id).where(
                AnnotationLayerRow.media_id == media_id, AnnotationLayerRow.layer_name == layer_name)).first()
            if taken:
                raise InvalidFieldError("layer_name", f"a layer named {layer_name!r} already exists on this media")
            if layer_order is None:
                top = ctx.session.execute(select(func.max(AnnotationLayerRow.layer_order)).where(
                    AnnotationLayerRow.media_id == media_id)).scalar()
                layer_order = 0 if top is None else top + 1
            row = AnnotationLayerRow(id=id or uuid.uuid4(), media_id=media_id, layer_name=layer_name,
                                     layer_color=layer_color, created_by=created_by, layer_order=layer_order)
            ctx.session.add(row)
            ctx.record(AnnotationLayerRow.__tablename__, row.id, "insert")
            ctx.session.flush()
        return to_record(row, AnnotationLayer)

    def update(self, layer_id: uuid.UUID | str, **values: Any) -> AnnotationLayer:
        """Rename, recolour, show/hide or lock a layer; a rename carries its shapes along."""
        allowed = {"layer_name", "layer_color", "is_visible", "is_locked", "layer_order"}
        unknown = set(values) - allowed
        if unknown:
            raise InvalidFieldError(sorted(unknown)[0], "not a layer field that can change")
        _check_colour(values.get("layer_color"))
        layer_id = as_uuid(layer_id, "layer_id")
        with self._uow.write() as ctx:
            row = ctx.session.get(AnnotationLayerRow, layer_id)
            if row is None:
                raise NotFoundError("layer", layer_id)
            shape_changes: dict[str, Any] = {}
            if "layer_name" in values and values["layer_name"] != row.layer_name:
                new_name = values["layer_name"].strip()
                if not new_name:
                    raise InvalidFieldError("layer_name", "empty")
                check_length("layer_name", new_name, 100)
                values["layer_name"] = shape_changes["layer_name"] = new_name
            if "layer_order" in values:
                shape_changes["layer_order"] = values["layer_order"]
            if shape_changes:
                self._move_shapes(ctx, row, shape_changes)
            for key, value in values.items():
                setattr(row, key, value)
            ctx.record(AnnotationLayerRow.__tablename__, layer_id, "update")
            ctx.session.flush()
        return to_record(row, AnnotationLayer)

    def _move_shapes(self, ctx: Any, layer: AnnotationLayerRow, changes: dict[str, Any]) -> None:
        ids = ctx.session.execute(select(AnnotationRow.id).where(
            AnnotationRow.media_id == layer.media_id, AnnotationRow.layer_name == layer.layer_name)).scalars().all()
        if ids:
            ctx.session.execute(update(AnnotationRow).where(AnnotationRow.id.in_(ids)).values(**changes))
            for shape_id in ids:
                ctx.record(AnnotationRow.__tablename__, shape_id, "update")

    def reorder(self, media_id: uuid.UUID | str, layer_ids_bottom_to_top: list[uuid.UUID]) -> list[AnnotationLayer]:
        """Set the stacking order of a media's layers (first = bottom), in one transaction."""
        with self._uow.write():
            for order, layer_id in enumerate(layer_ids_bottom_to_top):
                self.update(layer_id, layer_order=order)
            return self.list(media_id)

    def ensure_for_shapes(self, media_id: uuid.UUID | str, *, created_by: str | None = None) -> list[AnnotationLayer]:
        """Give a record to every layer only named by the media's live shapes (so it can be renamed or
        reordered, at the order its shapes carry); return all the media's layers, bottom first."""
        media_id = as_uuid(media_id, "media_id")
        with self._uow.write() as ctx:
            named = set(ctx.session.execute(select(AnnotationLayerRow.layer_name).where(
                AnnotationLayerRow.media_id == media_id)).scalars())
            # Grouped on the column (not on coalesce(): PostgreSQL sees two bound "default"s as two expressions).
            implied: dict[str, int] = {}
            for name, order in ctx.session.execute(
                    select(AnnotationRow.layer_name, func.min(AnnotationRow.layer_order))
                    .where(AnnotationRow.media_id == media_id, AnnotationRow.is_deleted.is_not(True))
                    .group_by(AnnotationRow.layer_name)):
                key = name or "default"
                implied[key] = min(implied.get(key, order or 0), order or 0)
            for name, order in implied.items():
                if name not in named:
                    self.create(media_id, name, layer_order=order or 0, created_by=created_by)
            return self.list(media_id)

    def delete(self, layer_id: uuid.UUID | str) -> None:
        """Remove a layer; its shapes are soft-deleted with it (layers have no tombstone in the schema)."""
        layer_id = as_uuid(layer_id, "layer_id")
        with self._uow.write() as ctx:
            row = ctx.session.get(AnnotationLayerRow, layer_id)
            if row is None:
                raise NotFoundError("layer", layer_id)
            shape_ids = ctx.session.execute(select(AnnotationRow.id).where(
                AnnotationRow.media_id == row.media_id, AnnotationRow.layer_name == row.layer_name,
                AnnotationRow.is_deleted.is_not(True))).scalars().all()
            for shape_id in shape_ids:
                self._soft_delete(ctx, AnnotationRow, shape_id, "annotation")
            ctx.session.execute(delete(AnnotationLayerRow).where(AnnotationLayerRow.id == layer_id))
            ctx.record(AnnotationLayerRow.__tablename__, layer_id, "delete")

    def list(self, media_id: uuid.UUID | str) -> list[AnnotationLayer]:
        """The layers of a media, bottom first."""
        media_id = as_uuid(media_id, "media_id")
        with self._uow.read() as session:
            rows = session.execute(select(AnnotationLayerRow).where(AnnotationLayerRow.media_id == media_id)
                                   .order_by(AnnotationLayerRow.layer_order, AnnotationLayerRow.created_at)).scalars()
            return [to_record(r, AnnotationLayer) for r in rows]

    def list_by_media(self, media_ids: Iterable[uuid.UUID | str]) -> dict[uuid.UUID, list[AnnotationLayer]]:
        """The layers of many media (500 per query), bottom first, keyed by media id."""
        ids = list(dict.fromkeys(as_uuid(m, "media_id") for m in media_ids))
        out: dict[uuid.UUID, list[AnnotationLayer]] = {}
        with self._uow.read() as session:
            for start in range(0, len(ids), 500):
                rows = session.execute(select(AnnotationLayerRow).where(
                    AnnotationLayerRow.media_id.in_(ids[start:start + 500]))
                    .order_by(AnnotationLayerRow.layer_order, AnnotationLayerRow.created_at)).scalars()
                for row in rows:
                    out.setdefault(row.media_id, []).append(to_record(row, AnnotationLayer))  # type: ignore[arg-type]
        return out

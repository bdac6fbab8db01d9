"""Comments as thread trees, with reactions, attachments, resolve and soft delete."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select

from horus_desktop.domain.mentions import find_mentions
from horus_desktop.domain.records import Comment, CommentAttachment, CommentNode, CommentReaction, MediaRecord
from horus_desktop.domain.stable_ids import reaction_id
from horus_desktop.domain.vocabulary import CONTENT_TYPES
from horus_desktop.store.models import (
    CommentAttachmentRow,
    CommentReactionRow,
    CommentRow,
    MediaRecordRow,
    NotificationRow,
    UserRow,
)
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


def thread_key(created_us: int, comment_id: uuid.UUID) -> str:
    """One step of a materialized thread path: sorts siblings by creation time, ties by id."""
    return f"{created_us:017d}{comment_id.hex[:8]}"


#: What a reply needs of its parent note: (media id, thread path, thread depth).
ParentPlace = tuple[uuid.UUID, str | None, int | None]


def thread_place(comment_id: uuid.UUID, created: datetime, media_id: uuid.UUID,
                 parent: ParentPlace | None) -> tuple[int, str]:
    """(thread depth, thread path) of a new note, or of a reply under ``parent``; the one rule both a written
    note and an imported one follow. A reply must be on its note's media."""
    key = thread_key(int(created.timestamp() * 1_000_000), comment_id)
    if parent is None:
        return 0, key
    parent_media, parent_path, parent_depth = parent
    if parent_media != media_id:
        raise InvalidFieldError("parent_id", "a reply must be on the same media as its note")
    return (parent_depth or 0) + 1, f"{parent_path}/{key}"


class CommentRepository(TombstonedRepository[Comment]):
    """``horus_comments`` and its reactions and attachments."""

    _model, _record, _what = CommentRow, Comment, "comment"

    def soft_delete(self, row_id: uuid.UUID | str, by: str | None = None, **extra: Any) -> None:  # type: ignore[override]
        """Tombstone a note (who deleted it is kept): it and its replies drop out of the thread."""
        super().soft_delete(row_id, deleted_by=by, **extra)

    def restore(self, row_id: uuid.UUID | str, **extra: Any) -> Comment:
        """Bring back a deleted note (and so its replies)."""
        return super().restore(row_id, deleted_by=None, **extra)

    def add(
        self,
        *,
        media_id: uuid.UUID | str,
        content: str,
        user_id: str,
        user_name: str,
        frame_number: int | None = None,
        timecode: str | None = None,
        parent_id: uuid.UUID | str | None = None,
        content_type: str = "markdown",
        user_email: str | None = None,
        user_avatar_url: str | None = None,
        id: uuid.UUID | None = None,
        notify: bool = True,
        created_at: datetime | None = None,
    ) -> Comment:
        """Write a note (or a reply when ``parent_id`` is given).

        Mentions (``@username``) are stored in ``mentioned_users``; with ``notify``, each mentioned user and
        the author of the note replied to get a notification in the same transaction. ``created_at`` keeps
        an imported note's original time (and so its place in the thread).
        """
        media_uuid = as_uuid(media_id, "media_id")
        if not content or not content.strip():
            raise InvalidFieldError("content", "a note needs some text")
        if content_type not in CONTENT_TYPES:
            raise InvalidFieldError("content_type", f"{content_type!r} is not one of {', '.join(CONTENT_TYPES)}")
        if not user_id or not user_name:
            raise InvalidFieldError("user_id", "a note needs its author")
        check_length("user_id", user_id, 100)
        check_length("user_name", user_name, 255)
        check_length("timecode", timecode, 20)
        comment_id = id or uuid.uuid4()
        now = created_at or utcnow()
        with self._uow.write() as ctx:
            media = self._get_live(ctx.session, MediaRecordRow, media_uuid, "media")
            parent = None
            if parent_id is not None:
                parent = self._get_live(ctx.session, CommentRow, as_uuid(parent_id, "parent_id"), "comment")
            depth, path = thread_place(comment_id, now, media_uuid, None if parent is None else
                                       (parent.media_id, parent.thread_path, parent.thread_depth))
            if parent is not None:
                if frame_number is None:
                    frame_number, timecode = parent.frame_number, parent.timecode
            mentioned = self._known_usernames(ctx, find_mentions(content))
            row = CommentRow(
                id=comment_id, media_id=media_uuid, parent_id=parent.id if parent else None,
                frame_number=frame_number, timecode=timecode, user_id=user_id, user_name=user_name,
                user_email=user_email, user_avatar_url=user_avatar_url, content=content,
                content_type=content_type, thread_depth=depth, thread_path=path,
                mentioned_users=[u.id for u in mentioned], created_at=now, updated_at=now,
            )
            ctx.session.add(row)
            ctx.record(CommentRow.__tablename__, comment_id, "insert", media_id=media_uuid)
            if notify:
                where = f" at frame {frame_number}" if frame_number is not None else ""
                for user in mentioned:
                    if user.id != user_id:
                        self._notify(ctx, user.id, "comment_mention", f"{user_name} mentioned you on "
                                     f"{media.file_name}{where}", content, media_uuid, comment_id)
                told = {user_id} | {u.id for u in mentioned}
                if parent is not None and parent.user_id not in told:
                    self._notify(ctx, parent.user_id, "comment_reply", f"{user_name} replied to your note on "
                                 f"{media.file_name}", content, media_uuid, comment_id)
                    told.add(parent.user_id)
                if media.artist_id and media.artist_id not in told:
                    self._notify(ctx, media.artist_id, "comment_added", f"{user_name} wrote a note on "
                                 f"{media.file_name}{where}", content, media_uuid, comment_id)
            ctx.session.flush()
        return to_record(row, Comment)

    def _known_usernames(self, ctx: WriteContext, names: list[str]) -> list[UserRow]:
        if not names:
            return []
        rows = ctx.session.execute(
            select(UserRow).where(or_(UserRow.username.in_(names), UserRow.id.in_(names)))
        ).scalars().all()
        order = {n: i for i, n in enumerate(names)}
        return sorted(rows, key=lambda u: order.get(u.username, order.get(u.id, 0)))

    def _notify(
        self, ctx: WriteContext, user_id: str, kind: str, title: str, message: str,
        media_id: uuid.UUID, comment_id: uuid.UUID,
    ) -> None:
        if ctx.session.get(UserRow, user_id) is None:
            return  # the author of an imported note may not be a Horus user
        note_id = uuid.uuid4()
        ctx.session.add(NotificationRow(
            id=note_id, user_id=user_id, type=kind, title=title[:255], message=message,
            related_media_id=media_id, related_comment_id=comment_id,
        ))
        ctx.record(NotificationRow.__tablename__, note_id, "insert")

    def edit(self, comment_id: uuid.UUID | str, content: str) -> Comment:
        """Change the text of a note (updated_at moves; mentions are re-read)."""
        if not content or not content.strip():
            raise InvalidFieldError("content", "a note needs some text")
        comment_id = as_uuid(comment_id, "comment_id")
        with self._uow.write() as ctx:
            row = self._get_live(ctx.session, CommentRow, comment_id, "comment")
            row.content = content
            row.mentioned_users = [u.id for u in self._known_usernames(ctx, find_mentions(content))]
            ctx.record(CommentRow.__tablename__, comment_id, "update", media_id=row.media_id)
            ctx.session.flush()
        return to_record(row, Comment)

    def set_resolved(self, comment_id: uuid.UUID | str, resolved: bool, by: str) -> Comment:
        """Resolve (who and when are kept) or reopen a note."""
        comment_id = as_uuid(comment_id, "comment_id")
        with self._uow.write() as ctx:
            row = self._get_live(ctx.session, CommentRow, comment_id, "comment")
            row.is_resolved = resolved
            row.resolved_by = by if resolved else None
            row.resolved_at = utcnow() if resolved else None
            # updated_at dates the text (the panel's "(edited)"); resolving is dated by resolved_at. A 1 ms step
            # still shows the row changed, and (being set) stops onupdate and the touch trigger moving it to now.
            if row.updated_at is not None:
                row.updated_at = row.updated_at + timedelta(milliseconds=1)
            ctx.record(CommentRow.__tablename__, comment_id, "update", media_id=row.media_id)
            ctx.session.flush()
        return to_record(row, Comment)

    def list_for_media(self, media_id: uuid.UUID | str) -> list[Comment]:
        """The live comments of a media in thread order (a note, then its replies, depth first)."""
        return [n.comment for root in self.threads(media_id) for n in root.walk()]

    def threads(self, media_id: uuid.UUID | str) -> list[CommentNode]:
        """The thread trees of a media: top-level notes in time order, replies nested under them.

        A deleted note takes its replies out of the tree with it (restore brings them back).
        """
        media_id = as_uuid(media_id, "media_id")
        return self.threads_by_media([media_id]).get(media_id, [])

    def threads_by_media(self, media_ids: Iterable[uuid.UUID | str]) -> dict[uuid.UUID, list[CommentNode]]:
        """The thread trees of many media in grouped reads (notes, then their reactions and attachments, 500
        media or notes per query), whatever the number of media: keyed by media id, media without notes left out."""
        ids = list(dict.fromkeys(as_uuid(m, "media_id") for m in media_ids))
        rows: list[CommentRow] = []
        with self._uow.read() as session:
            for start in range(0, len(ids), 500):
                rows += session.execute(select(CommentRow).where(CommentRow.media_id.in_(ids[start:start + 500]))
                                        .order_by(CommentRow.media_id, CommentRow.thread_path)).scalars()
            comment_ids = [r.id for r in rows]
            reactions = self._grouped(session, CommentReactionRow, comment_ids, CommentReaction)
            attachments = self._grouped(session, CommentAttachmentRow, comment_ids, CommentAttachment)
        by_media: dict[uuid.UUID, list[CommentRow]] = {}
        for row in rows:
            by_media.setdefault(row.media_id, []).append(row)  # type: ignore[arg-type]
        return {media_id: trees for media_id, media_rows in by_media.items()
                if (trees := _build_tree(media_rows, reactions, attachments))}

    def _grouped(self, session: Any, model: Any, ids: list[uuid.UUID], record: type) -> dict[uuid.UUID, list[Any]]:
        out: dict[uuid.UUID, list[Any]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for row in session.execute(
                select(model).where(model.comment_id.in_(chunk)).order_by(model.created_at)
            ).scalars():
                out.setdefault(row.comment_id, []).append(to_record(row, record))
        return out

    def search(self, text: str, *, media_id: uuid.UUID | str | None = None, limit: int = 200) -> list[Comment]:
        """Live notes whose text contains every word of ``text`` (case-insensitive), newest first."""
        stmt = select(CommentRow).where(CommentRow.is_deleted.is_not(True))
        for word in text.split():
            escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            stmt = stmt.where(func.lower(CommentRow.content).like(f"%{escaped}%", escape="\\"))
        if media_id is not None:
            stmt = stmt.where(CommentRow.media_id == as_uuid(media_id, "media_id"))
        with self._uow.read() as session:
            rows = session.execute(stmt.order_by(CommentRow.created_at.desc()).limit(limit)).scalars()
            return [to_record(r, Comment) for r in rows]

    def frame_notes_by_media(self, media_ids: Iterable[uuid.UUID | str]) -> dict[uuid.UUID, list[Comment]]:
        """Live top-level notes that sit on a frame, of many media in batched reads, by frame then time.

        What a playlist shows as markers (replies stay in their thread).
        """
        ids = list(dict.fromkeys(as_uuid(m, "media_id") for m in media_ids))
        out: dict[uuid.UUID, list[Comment]] = {}
        with self._uow.read() as session:
            for start in range(0, len(ids), 500):
                rows = session.execute(select(CommentRow).where(
                    CommentRow.media_id.in_(ids[start:start + 500]), CommentRow.parent_id.is_(None),
                    CommentRow.frame_number.is_not(None), CommentRow.is_deleted.is_not(True),
                ).order_by(CommentRow.frame_number, CommentRow.created_at)).scalars()
                for row in rows:
                    out.setdefault(row.media_id, []).append(to_record(row, Comment))  # type: ignore[arg-type]
        return out

    def frames_with_notes(self, media_id: uuid.UUID | str) -> list[int]:
        """The frames that carry at least one live note (for slider markers)."""
        media_id = as_uuid(media_id, "media_id")
        with self._uow.read() as session:
            return list(session.execute(
                select(CommentRow.frame_number).where(
                    CommentRow.media_id == media_id, CommentRow.is_deleted.is_not(True),
                    CommentRow.frame_number.is_not(None),
                ).distinct().order_by(CommentRow.frame_number)
            ).scalars())

    # Reactions ------------------------------------------------------------------------------------

    def react(self, comment_id: uuid.UUID | str, user_id: str, reaction_type: str) -> CommentReaction:
        """Add a reaction (adding the same one twice keeps one)."""
        comment_id = as_uuid(comment_id, "comment_id")
        check_length("reaction_type", reaction_type, 20)
        if not reaction_type:
            raise InvalidFieldError("reaction_type", "empty")
        with self._uow.write() as ctx:
            self._get_live(ctx.session, CommentRow, comment_id, "comment")
            row = ctx.session.execute(select(CommentReactionRow).where(
                CommentReactionRow.comment_id == comment_id, CommentReactionRow.user_id == user_id,
                CommentReactionRow.reaction_type == reaction_type,
            )).scalar_one_or_none()
            if row is None:
                row = CommentReactionRow(id=reaction_id(comment_id, user_id, reaction_type), comment_id=comment_id, user_id=user_id,
                                         reaction_type=reaction_type)
                ctx.session.add(row)
                ctx.record(CommentReactionRow.__tablename__, row.id, "insert")
                ctx.session.flush()
        return to_record(row, CommentReaction)

    def unreact(self, comment_id: uuid.UUID | str, user_id: str, reaction_type: str) -> bool:
        """Take a reaction back; True when there was one."""
        comment_id = as_uuid(comment_id, "comment_id")
        with self._uow.write() as ctx:
            row = ctx.session.execute(select(CommentReactionRow).where(
                CommentReactionRow.comment_id == comment_id, CommentReactionRow.user_id == user_id,
                CommentReactionRow.reaction_type == reaction_type,
            )).scalar_one_or_none()
            if row is None:
                return False
            ctx.session.delete(row)
            ctx.record(CommentReactionRow.__tablename__, row.id, "delete")
        return True

    def reactions(self, comment_id: uuid.UUID | str) -> list[CommentReaction]:
        """Every reaction to a comment, oldest first."""
        comment_id = as_uuid(comment_id, "comment_id")
        with self._uow.read() as session:
            return self._grouped(session, CommentReactionRow, [comment_id], CommentReaction).get(comment_id, [])

    # Attachments ----------------------------------------------------------------------------------

    def attach(
        self, comment_id: uuid.UUID | str, *, file_name: str, file_path: str, file_size: int | None = None,
        mime_type: str | None = None, uploaded_by: str | None = None,
    ) -> CommentAttachment:
        """Record a file attached to a comment (the caller has copied it into the store's folder)."""
        comment_id = as_uuid(comment_id, "comment_id")
        check_length("file_name", file_name, 255)
        with self._uow.write() as ctx:
            self._get_live(ctx.session, CommentRow, comment_id, "comment")
            row = CommentAttachmentRow(id=uuid.uuid4(), comment_id=comment_id, file_name=file_name,
                                       file_path=file_path, file_size=file_size, mime_type=mime_type,
                                       uploaded_by=uploaded_by)
            ctx.session.add(row)
            ctx.record(CommentAttachmentRow.__tablename__, row.id, "insert")
            ctx.session.flush()
        return to_record(row, CommentAttachment)

    def attachments(self, comment_id: uuid.UUID | str) -> list[CommentAttachment]:
        """The files attached to a comment."""
        comment_id = as_uuid(comment_id, "comment_id")
        with self._uow.read() as session:
            return self._grouped(session, CommentAttachmentRow, [comment_id], CommentAttachment).get(comment_id, [])

    def open_notes_on_earlier_versions(self, media_id: uuid.UUID | str) -> list[tuple[MediaRecord, list[CommentNode]]]:
        """Open (unresolved) note threads of the earlier versions of the same shot, department and task.

        What a reviewer checks when a new version comes in: newest earlier version first, each with its
        open threads (replies included). The threads of all earlier versions come in one grouped read.
        """
        return self.review_threads(media_id, own=False)[1]

    def review_threads(self, media_id: uuid.UUID | str, *, own: bool = True,
                       ) -> tuple[list[CommentNode], list[tuple[MediaRecord, list[CommentNode]]]]:
        """A media's thread trees (with ``own``) and the open threads of its earlier versions (see
        open_notes_on_earlier_versions), the notes of them all read in one grouped query (then their
        reactions and attachments): what the notes panel shows, in five statements however many versions."""
        records = self._earlier_versions(as_uuid(media_id, "media_id"))
        trees = self.threads_by_media([*([media_id] if own else []), *(r.id for r in records)])
        out = []
        for record in records:
            open_threads = [t for t in trees.get(record.id, []) if not t.comment.is_resolved]
            if open_threads:
                out.append((record, open_threads))
        return (trees.get(as_uuid(media_id, "media_id"), []) if own else []), out

    def _earlier_versions(self, media_id: uuid.UUID) -> list[MediaRecord]:
        with self._uow.read() as session:
            current = self._get_live(session, MediaRecordRow, media_id, "media")
            group = select(MediaRecordRow).where(
                MediaRecordRow.project_id == current.project_id, MediaRecordRow.id != current.id,
                MediaRecordRow.is_deleted.is_not(True),
                *(getattr(MediaRecordRow, name).is_(None) if getattr(current, name) is None
                  else getattr(MediaRecordRow, name) == getattr(current, name)
                  for name in ("shot", "department", "task_type")),
            ).order_by(MediaRecordRow.version_number.desc().nulls_last(), MediaRecordRow.created_at.desc())
            return [to_record(m, MediaRecord) for m in session.execute(group).scalars() if _is_earlier(m, current)]

    def ids_exist(self, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """Which of ``ids`` are comments (deleted or not): for idempotent imports."""
        ids = list(ids)
        if not ids:
            return set()
        with self._uow.read() as session:
            return set(session.execute(select(CommentRow.id).where(CommentRow.id.in_(ids))).scalars())


def _is_earlier(candidate: MediaRecordRow, current: MediaRecordRow) -> bool:
    if candidate.version_number is not None and current.version_number is not None:
        return candidate.version_number < current.version_number
    return (candidate.created_at or current.created_at) < (current.created_at or candidate.created_at)  # type: ignore[operator]


def _build_tree(
    rows: list[CommentRow],
    reactions: dict[uuid.UUID, list[CommentReaction]],
    attachments: dict[uuid.UUID, list[CommentAttachment]],
) -> list[CommentNode]:
    children: dict[uuid.UUID | None, list[CommentRow]] = {}
    live = {r.id for r in rows if not r.is_deleted}
    for row in rows:  # already in thread_path order: siblings come out in time order
        if row.id in live:
            children.setdefault(row.parent_id, []).append(row)

    def build(row: CommentRow) -> CommentNode:
        return CommentNode(
            comment=to_record(row, Comment),
            replies=tuple(build(child) for child in children.get(row.id, [])),
            reactions=tuple(reactions.get(row.id, ())),
            attachments=tuple(attachments.get(row.id, ())),
        )

    return [build(row) for row in children.get(None, [])]


__all__ = ["CommentRepository", "NotFoundError", "thread_key"]

"""Notes: the transaction scripts the notes panel and the Python API share (Qt-free).

Each script returns what it changed (the new or edited :class:`Comment`, the drawings it linked), so a
caller shows the result without reading it back. The panel runs these on the DB worker; the API calls them
directly.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from horus_desktop.domain.records import Annotation, Comment, CommentNode, MediaRecord
from horus_desktop.domain.timecode import exact_rate, frame_to_timecode

if TYPE_CHECKING:
    from horus_desktop.store import Store


@dataclass(frozen=True)
class Author:
    """Who signs a note."""

    user_id: str
    user_name: str
    user_email: str | None = None


class NoteWritten(NamedTuple):
    """A note as stored, the @names in it that are no user (nobody was told of those), and the drawings now
    linked to it."""

    comment: Comment
    unknown_mentions: tuple[str, ...] = ()
    drawings: tuple[Annotation, ...] = ()


class MediaNotes(NamedTuple):
    """What the notes panel shows for a media: its threads, and the open threads of its earlier versions
    (newest version first)."""

    threads: list[CommentNode]
    earlier: list[tuple[MediaRecord, list[CommentNode]]]


def load_notes(store: Store, media_id: uuid.UUID | str) -> MediaNotes:
    """A media's threads and the open threads of its earlier versions: the notes of all of them in one
    grouped query (five statements in all, however many earlier versions there are)."""
    return MediaNotes(*store.comments.review_threads(media_id))


def note_timecode(media: MediaRecord, frame: int | None) -> str | None:
    """The timecode a note on ``frame`` of ``media`` is stored with (None without a frame or a usable rate)."""
    if frame is None:
        return None
    try:
        return frame_to_timecode(frame, exact_rate(media.frame_rate, media.frame_rate_rational))
    except (ValueError, ZeroDivisionError):
        return None


def add_note(store: Store, media_id: uuid.UUID | str, text: str, author: Author, *, frame: int | None = None,
             reply_to: uuid.UUID | str | None = None, drawings: Iterable[uuid.UUID | str] = (),
             content_type: str = "markdown") -> NoteWritten:
    """Write a note on a media (at ``frame``), or a reply to ``reply_to`` (which sits on its note's frame), and
    link ``drawings`` to it, in one transaction: all of it lands, or nothing does."""
    drawing_ids = list(drawings)
    with store.transaction():
        timecode = note_timecode(store.media.get(media_id), frame) if frame is not None else None
        comment = store.comments.add(
            media_id=media_id, content=text, user_id=author.user_id, user_name=author.user_name,
            user_email=author.user_email, frame_number=frame, timecode=timecode, parent_id=reply_to,
            content_type=content_type)
        linked = store.annotations.link_to_comment(drawing_ids, comment.id) if drawing_ids else []
    return NoteWritten(comment, tuple(store.users.unknown_mentions(text)), tuple(linked))


def reply(store: Store, comment_id: uuid.UUID | str, text: str, author: Author) -> NoteWritten:
    """Reply to a note (on its media, at its frame)."""
    parent = store.comments.get(comment_id)
    assert parent.media_id is not None  # a stored note always has its media
    return add_note(store, parent.media_id, text, author, reply_to=parent.id)


def edit_note(store: Store, comment_id: uuid.UUID | str, text: str) -> NoteWritten:
    """Change a note's text (its mentions are read again)."""
    return NoteWritten(store.comments.edit(comment_id, text), tuple(store.users.unknown_mentions(text)))


def set_resolved(store: Store, comment_id: uuid.UUID | str, resolved: bool, by: str) -> Comment:
    """Resolve (who and when are kept) or reopen a note."""
    return store.comments.set_resolved(comment_id, resolved, by)


def add_notes(store: Store, notes: Iterable[dict[str, object]]) -> list[Comment]:
    """Write many notes in one transaction (each a dict of ``CommentRepository.add`` fields; a reply names a
    ``parent_id`` given as an ``id`` earlier in the list): all land, or none."""
    with store.transaction():
        return [store.comments.add(**fields) for fields in notes]  # type: ignore[arg-type]

"""Montu notes (``annotations.json`` / ``notes.json``) -> Horus notes, replies and shapes (pure).

Replies may be nested in their note (``replies[]``) or point at it (``parent_id``); they come out after their
parent. A box or point in ``coordinates`` becomes a shape on the note's frame; an empty ``coordinates``
(``{}``, as Montu writes for ``"annotation_type": "comment"``) means a note without a drawing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from horus_desktop.migrate import montu_fields as f
from horus_desktop.migrate.montu_fields import FieldError, derive_id
from horus_desktop.migrate.montu_mapping import MediaInfo
from horus_desktop.migrate.montu_source import SourceRecord, record_id

_EMPTY = (None, "", {}, [])


@dataclass
class _Note:
    record: SourceRecord
    data: dict[str, Any]
    key: str
    label: str
    parent_key: str | None = None
    media_hint: str | None = None


@dataclass
class NotePlan:
    """A note ready to write: its comment values and, when it has a drawing, its shape."""

    record: SourceRecord
    key: str
    label: str
    comment: dict[str, Any]
    shape: dict[str, Any] | None
    parent_key: str | None


@dataclass
class NoteError:
    """A note not imported: its file, label and why (``counted`` False for a reply's problem list only)."""

    record: SourceRecord
    label: str
    reason: str
    has_shape: bool = False


def media_ref(data: dict[str, Any]) -> str | None:
    """The Montu media id a note is on."""
    return f.text(data, "media_id", "media", "linked_media_id", "media_record_id", "version_id")


def _parent_ref(data: dict[str, Any]) -> str | None:
    return f.text(data, "parent_id", "reply_to", "parent", "in_reply_to")


def _content_key(data: dict[str, Any]) -> str:
    """The identity of a note without ``_id``: its media, frame, author and text."""
    parts = [f.first(data, "media_id", "media"), f.first(data, "frame_number", "frame"),
             f.first(data, "author", "created_by"), f.first(data, "text", "content", "note")]
    return "content:" + "|".join("" if p is None else str(p) for p in parts)


def has_drawing(data: dict[str, Any]) -> bool:
    """Whether a note carries a drawing (``coordinates`` that is not empty)."""
    return data.get("coordinates") not in _EMPTY


def map_notes(records: list[SourceRecord], media: dict[str, MediaInfo],
              user_id: str) -> tuple[list[NotePlan], list[NoteError]]:
    """Every note and reply of ``records``, parents first, and those that cannot be imported."""
    notes: dict[str, _Note] = {}
    order: list[str] = []
    errors: list[NoteError] = []

    def collect(rec: SourceRecord, data: dict[str, Any], key: str, label: str, parent: str | None,
                hint: str | None) -> None:
        if key in notes:
            errors.append(NoteError(rec, label, f"duplicate note id {label}"))
            return
        notes[key] = _Note(rec, data, key, label, parent, hint)
        order.append(key)
        replies = data.get("replies")
        if replies in _EMPTY:
            return
        if not isinstance(replies, list):
            errors.append(NoteError(rec, label, "replies: expected a list; replies not imported"))
            return
        for i, reply in enumerate(replies):
            if not isinstance(reply, dict):
                errors.append(NoteError(rec, f"{label}/replies[{i}]", "reply is not an object"))
                continue
            rid = record_id(reply)
            collect(rec, reply, rid or f"{key}/replies/{i}", rid or f"{label}/replies[{i}]", key,
                    hint or media_ref(data))

    for rec in records:
        try:
            parent, key = _parent_ref(rec.data), rec.montu_id or _content_key(rec.data)
        except FieldError as exc:
            errors.append(NoteError(rec, rec.label, str(exc), has_drawing(rec.data)))
            continue
        collect(rec, rec.data, key, rec.label, parent, None)

    done: dict[str, tuple[MediaInfo, int | None] | None] = {}
    plans: list[NotePlan] = []

    def plan(key: str, stack: tuple[str, ...]) -> tuple[MediaInfo, int | None] | None:
        if key in done:
            return done[key]
        done[key] = None
        note = notes[key]
        d = note.data
        try:
            parent_info = None
            if note.parent_key is not None:
                if note.parent_key not in notes:
                    raise FieldError(f"parent_id: reply to note {note.parent_key}, which is not among the notes")
                if note.parent_key in stack:
                    raise FieldError("parent_id: replies form a loop")
                parent_info = plan(note.parent_key, (*stack, key))
                if parent_info is None:
                    raise FieldError(f"parent_id: reply to note {note.parent_key}, which was not imported")
            ref = media_ref(d) or note.media_hint
            if parent_info is not None:
                target = parent_info[0]
            elif ref is None:
                raise FieldError("media_id: required")
            elif ref in media:
                target = media[ref]
            else:
                raise FieldError(f"media_id: media {ref} is not among the imported media records")
            content = f.text(d, "text", "content", "note", "comment", "body", required=True)
            assert content is not None
            line = f.priority_line(d.get("priority"))
            if line:
                content = f"{content}\n\n{line}"
            frame = f.integer(d, "frame_number", "frame")
            author = f.person(d, "author", "created_by", "user", "user_name") or (user_id, user_id)
            drawn = f.shape(d["coordinates"], target.resolution) if has_drawing(d) else None
            resolved = f.is_resolved(d.get("status")) or d.get("resolved") is True
            resolver = f.person(d, "resolved_by") or author
        except FieldError as exc:
            errors.append(NoteError(note.record, note.label, str(exc), has_drawing(d)))
            return None
        created: datetime | None = f.timestamp(d, "created_at", "timestamp", "_created_at", "date")
        comment_id = derive_id("note", key)
        frame_of_note = frame if frame is not None else (parent_info[1] if parent_info else None)
        comment = {
            "id": comment_id, "media_id": target.id, "content": content, "user_id": author[0][:100],
            "user_name": author[1][:255], "frame_number": frame,
            "parent_id": derive_id("note", note.parent_key) if parent_info else None, "created_at": created,
            "is_resolved": resolved, "resolved_by": resolver[0][:100] if resolved else None,
        }
        shape = None
        if drawn is not None:
            shape_frame = frame_of_note if frame_of_note is not None else (target.start_frame or 1)
            shape = {"id": derive_id("annotation", key), "media_id": target.id, "frame_number": shape_frame,
                     "annotation_type": drawn[0], "coordinates": drawn[1], "user_id": author[0][:100],
                     "user_name": author[1][:255]}
        plans.append(NotePlan(note.record, key, note.label, comment, shape, note.parent_key if parent_info else None))
        done[key] = (target, frame_of_note)
        return done[key]

    for key in order:
        plan(key, ())
    return plans, errors


def note_id(key: str) -> uuid.UUID:
    """The Horus id of a note by its key."""
    return derive_id("note", key)

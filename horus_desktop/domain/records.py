"""Plain, frozen records handed out by the store: never ORM objects, safe to pass between threads.

Field names are the column names of the seed schema, so a record reads like its row.
"""

from __future__ import annotations

import operator
import reprlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import Decimal
from typing import Any

#: The records' dataclass options: @dataclass writes and compiles each generated method apart (an exec per
#: method and class on Python 3.11), and __eq__, __hash__ and __repr__ were a third of this module's import
#: (~7 of ~23 ms of CPU in every store verb); _Record gives the same three to every record instead.
_RECORD = dataclass(frozen=True, slots=True, eq=False, repr=False)

_VALUES: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


def _values(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    """The tuple of a record's field values, in field order (what @dataclass's __eq__ and __hash__ compare)."""
    getter = _VALUES.get(cls)
    if getter is None:
        names = [f.name for f in fields(cls)]
        # attrgetter of two or more names gives their tuple (in C, as fast as the generated method's tuple)
        getter = operator.attrgetter(*names) if len(names) > 1 else lambda record: tuple(getattr(record, n) for n in names)
        _VALUES[cls] = getter
    return getter


class _Record:
    """Equality, hash and repr as @dataclass(frozen=True) generates them: equal when of the same class with equal
    field values, hashed on those values, shown as ``Name(field=value, ...)``."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            values = _values(self.__class__)
            return values(self) == values(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(_values(self.__class__)(self))

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))
        return f"{self.__class__.__qualname__}({shown})"


@_RECORD
class MediaRecord(_Record):
    """A reviewable media: a movie, a still or a frame sequence, at one version."""

    id: uuid.UUID
    file_path: str
    file_name: str
    project_id: str
    version: str
    file_size: int | None = None
    file_hash: str | None = None
    mime_type: str | None = None
    episode: str | None = None
    sequence: str | None = None
    shot: str | None = None
    version_number: int | None = None
    is_latest_version: bool | None = False
    department: str | None = None
    task_type: str | None = None
    artist_id: str | None = None
    artist_name: str | None = None
    approval_status: str | None = "pending"
    resolution: str | None = None
    frame_rate: Decimal | None = None
    color_space: str | None = None
    bit_depth: int | None = None
    compression: str | None = None
    start_frame: int | None = None
    end_frame: int | None = None
    frame_count: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    file_modified_at: datetime | None = None
    is_deleted: bool | None = False
    deleted_at: datetime | None = None
    frame_rate_rational: str | None = None
    media_kind: str | None = None
    missing_frames: list[int] | None = None
    extra_metadata: dict[str, Any] | None = None


@_RECORD
class MediaTag(_Record):
    """A tag on a media."""

    id: uuid.UUID
    media_id: uuid.UUID | None
    tag_name: str
    tag_category: str | None = None
    created_by: str | None = None
    created_at: datetime | None = None


@_RECORD
class Thumbnail(_Record):
    """Where one cached thumbnail image of a media is."""

    id: uuid.UUID
    media_id: uuid.UUID | None
    thumbnail_size: str
    thumbnail_path: str
    thumbnail_hash: str | None = None
    frame_number: int | None = 1
    created_at: datetime | None = None


@_RECORD
class Comment(_Record):
    """A note, or a reply to one."""

    id: uuid.UUID
    media_id: uuid.UUID | None
    user_id: str
    user_name: str
    content: str
    parent_id: uuid.UUID | None = None
    frame_number: int | None = None
    timecode: str | None = None
    user_email: str | None = None
    user_avatar_url: str | None = None
    content_type: str | None = "text"
    thread_depth: int | None = 0
    thread_path: str | None = None
    is_resolved: bool | None = False
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    mentioned_users: list[str] | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    is_deleted: bool | None = False
    deleted_at: datetime | None = None
    deleted_by: str | None = None


@_RECORD
class CommentReaction(_Record):
    """One user's reaction of one kind to a comment."""

    id: uuid.UUID
    comment_id: uuid.UUID | None
    user_id: str
    reaction_type: str
    created_at: datetime | None = None


@_RECORD
class CommentAttachment(_Record):
    """A file attached to a comment."""

    id: uuid.UUID
    comment_id: uuid.UUID | None
    file_name: str
    file_path: str
    file_size: int | None = None
    mime_type: str | None = None
    uploaded_by: str | None = None
    created_at: datetime | None = None


@_RECORD
class CommentNode(_Record):
    """A comment with its replies, reactions and attachments: one node of a thread tree."""

    comment: Comment
    replies: tuple[CommentNode, ...] = ()
    reactions: tuple[CommentReaction, ...] = ()
    attachments: tuple[CommentAttachment, ...] = ()

    def walk(self) -> list[CommentNode]:
        """This node and every reply below it, depth first in thread order."""
        out = [self]
        for reply in self.replies:
            out.extend(reply.walk())
        return out

    def reaction_counts(self) -> dict[str, int]:
        """How many reactions of each kind."""
        counts: dict[str, int] = {}
        for reaction in self.reactions:
            counts[reaction.reaction_type] = counts.get(reaction.reaction_type, 0) + 1
        return counts


@_RECORD
class Annotation(_Record):
    """One drawn shape on one frame of a media."""

    id: uuid.UUID
    media_id: uuid.UUID | None
    frame_number: int
    annotation_type: str
    coordinates: Any
    user_id: str
    user_name: str
    style_properties: dict[str, Any] | None = None
    content: str | None = None
    content_type: str | None = "text"
    layer_name: str | None = "default"
    layer_order: int | None = 0
    is_visible: bool | None = True
    is_locked: bool | None = False
    created_at: datetime | None = None
    updated_at: datetime | None = None
    is_deleted: bool | None = False
    deleted_at: datetime | None = None


@_RECORD
class AnnotationLayer(_Record):
    """A named, ordered drawing layer of a media."""

    id: uuid.UUID
    media_id: uuid.UUID | None
    layer_name: str
    layer_color: str | None = None
    is_visible: bool | None = True
    is_locked: bool | None = False
    layer_order: int | None = 0
    created_by: str | None = None
    created_at: datetime | None = None


@_RECORD
class TimelineClip(_Record):
    """A clip of a timeline as kept in horus_timeline_clips."""

    id: uuid.UUID
    timeline_id: uuid.UUID | None
    media_path: str
    track_name: str
    track_type: str
    track_index: int
    start_time_frames: int
    duration_frames: int
    clip_order: int
    media_id: uuid.UUID | None = None
    source_start_frames: int | None = 0
    source_duration_frames: int | None = None
    clip_name: str | None = None
    clip_metadata: dict[str, Any] | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def is_missing_media(self) -> bool:
        """True when no media record backs this clip (it keeps its path, name and range)."""
        return self.media_id is None


@_RECORD
class Timeline(_Record):
    """A playlist or cut, with its clips in track and clip order."""

    id: uuid.UUID
    name: str
    project_id: str
    timeline_type: str
    created_by: str
    description: str | None = None
    episode: str | None = None
    sequence: str | None = None
    otio_data: dict[str, Any] | None = None
    frame_rate: Decimal | None = Decimal("24.0")
    resolution: str | None = None
    duration_frames: int | None = None
    duration_timecode: str | None = None
    created_by_name: str | None = None
    last_modified_by: str | None = None
    status: str | None = "draft"
    version: str | None = "v001"
    created_at: datetime | None = None
    updated_at: datetime | None = None
    is_deleted: bool | None = False
    deleted_at: datetime | None = None
    clips: tuple[TimelineClip, ...] = field(default=())


@_RECORD
class User(_Record):
    """A person who reviews."""

    id: str
    username: str
    email: str
    full_name: str | None = None
    avatar_url: str | None = None
    role: str | None = "artist"
    department: str | None = None
    permissions: dict[str, Any] | None = None
    ui_preferences: dict[str, Any] | None = None
    notification_preferences: dict[str, Any] | None = None
    is_active: bool | None = True
    last_login_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def display_name(self) -> str:
        """The full name when known, else the username."""
        return self.full_name or self.username


@_RECORD
class UserSession(_Record):
    """Who is looking at what."""

    id: uuid.UUID
    session_token: str
    user_id: str | None = None
    media_id: uuid.UUID | None = None
    current_frame: int | None = None
    ip_address: str | None = None
    user_agent: str | None = None
    is_active: bool | None = True
    last_activity_at: datetime | None = None
    created_at: datetime | None = None
    expires_at: datetime | None = None


@_RECORD
class Notification(_Record):
    """Something a user should look at."""

    id: uuid.UUID
    type: str
    title: str
    user_id: str | None = None
    message: str | None = None
    related_media_id: uuid.UUID | None = None
    related_comment_id: uuid.UUID | None = None
    related_annotation_id: uuid.UUID | None = None
    is_read: bool | None = False
    read_at: datetime | None = None
    created_at: datetime | None = None


@_RECORD
class ProjectConfig(_Record):
    """A project's path templates, colour config and defaults."""

    project_id: str
    name: str | None = None
    path_templates: list[str] | None = None
    ocio_config: str | None = None
    frame_rate: Decimal | None = None
    resolution: str | None = None
    settings: dict[str, Any] | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@_RECORD
class ApprovalChange(_Record):
    """One change of a version's approval status."""

    id: uuid.UUID
    media_id: uuid.UUID
    status: str
    previous_status: str | None = None
    changed_by: str | None = None
    changed_by_name: str | None = None
    note: str | None = None
    created_at: datetime | None = None

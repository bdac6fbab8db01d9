"""SQLAlchemy 2 models for every table of the Horus review schema.

The reference is the seed's PostgreSQL schema (shared/seed/horus-database-schemas.md): every column, default,
foreign key, ON DELETE rule, unique constraint and index it names is here, with the seed's index names. Its
MySQL-style inline ``INDEX`` lines become real ``Index`` objects (DESC ones included).

Horus additions beyond the seed are marked ``# horus:``; each one is something the seed's columns cannot
hold (a rational frame rate, the missing frames of a sequence, per-project path templates).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.expression import FunctionElement

from horus_desktop.store.types import (
    PortableInet,
    PortableJson,
    PortableTextArray,
    PortableUuid,
    UtcDateTime,
    utcnow,
)

#: Constraint names Alembic can find again on both databases (batch mode on SQLite needs names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class new_uuid(FunctionElement[uuid.UUID]):  # noqa: N801 - reads as the SQL function it renders
    """Server-side UUID default: ``gen_random_uuid()`` on PostgreSQL, random hex on SQLite.

    Horus makes its keys on the client (sync needs them before the server sees a row); this default
    only serves rows inserted by plain SQL, as the seed's DEFAULT does.
    """

    inherit_cache = True


@compiles(new_uuid, "postgresql")
def _new_uuid_pg(element: Any, compiler: Any, **kw: Any) -> str:
    return "gen_random_uuid()"


@compiles(new_uuid)
def _new_uuid_default(element: Any, compiler: Any, **kw: Any) -> str:
    # SQLAlchemy's Uuid stores 32 hex digits on SQLite: produce the same form.
    return "(lower(hex(randomblob(16))))"


NOW = text("CURRENT_TIMESTAMP")


class Base(DeclarativeBase):
    """Declarative base carrying the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _uuid_pk() -> Mapped[uuid.UUID]:
    return mapped_column(PortableUuid, primary_key=True, default=uuid.uuid4, server_default=new_uuid())


def _created_at() -> Mapped[datetime | None]:
    return mapped_column(UtcDateTime, default=utcnow, server_default=NOW)


def _updated_at() -> Mapped[datetime | None]:
    return mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow, server_default=NOW)


def _flag(default: bool) -> Mapped[bool | None]:
    return mapped_column(Boolean, default=default, server_default=true() if default else false())


def _media_fk(ondelete: str | None = "CASCADE", nullable: bool = True) -> Mapped[Any]:
    return mapped_column(
        PortableUuid, ForeignKey("horus_media_records.id", ondelete=ondelete), nullable=nullable
    )


# --------------------------------------------------------------------------------------------------
# 1.1 Core media management


class MediaRecordRow(Base):
    """``horus_media_records``: one reviewable media (a movie, a still or a frame sequence)."""

    __tablename__ = "horus_media_records"

    id: Mapped[uuid.UUID] = _uuid_pk()
    file_path: Mapped[str] = mapped_column(Text, nullable=False)
    file_name: Mapped[str] = mapped_column(String(255), nullable=False)
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    file_hash: Mapped[str | None] = mapped_column(String(64))
    mime_type: Mapped[str | None] = mapped_column(String(100))

    project_id: Mapped[str] = mapped_column(String(100), nullable=False)
    episode: Mapped[str | None] = mapped_column(String(50))
    sequence: Mapped[str | None] = mapped_column(String(50))
    shot: Mapped[str | None] = mapped_column(String(50))

    version: Mapped[str] = mapped_column(String(20), nullable=False)
    version_number: Mapped[int | None] = mapped_column(Integer)
    is_latest_version: Mapped[bool | None] = _flag(False)

    department: Mapped[str | None] = mapped_column(String(50))
    task_type: Mapped[str | None] = mapped_column(String(50))
    artist_id: Mapped[str | None] = mapped_column(String(100))
    artist_name: Mapped[str | None] = mapped_column(String(255))
    approval_status: Mapped[str | None] = mapped_column(
        String(20), default="pending", server_default=text("'pending'")
    )

    resolution: Mapped[str | None] = mapped_column(String(20))
    frame_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    color_space: Mapped[str | None] = mapped_column(String(50))
    bit_depth: Mapped[int | None] = mapped_column(Integer)
    compression: Mapped[str | None] = mapped_column(String(50))

    start_frame: Mapped[int | None] = mapped_column(Integer)
    end_frame: Mapped[int | None] = mapped_column(Integer)
    frame_count: Mapped[int | None] = mapped_column(Integer)

    created_at: Mapped[datetime | None] = _created_at()
    updated_at: Mapped[datetime | None] = _updated_at()
    file_modified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    is_deleted: Mapped[bool | None] = _flag(False)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    # horus: DECIMAL(5,2) cannot hold 24000/1001 exactly; the exact rate as "num/den".
    frame_rate_rational: Mapped[str | None] = mapped_column(String(32))
    # horus: 'sequence', 'movie' or 'still'.
    media_kind: Mapped[str | None] = mapped_column(String(20))
    # horus: frames absent from a sequence's range on disk (gaps are kept in one record).
    missing_frames: Mapped[list[int] | None] = mapped_column(PortableJson)
    # horus: anything else a probe found (codec, channels, windows, source-specific attributes).
    extra_metadata: Mapped[dict[str, Any] | None] = mapped_column(PortableJson)

    __table_args__ = (
        Index("idx_media_project_shot", "project_id", "shot"),
        Index("idx_media_department_status", "department", "approval_status"),
        Index("idx_media_artist_created", "artist_id", text("created_at DESC")),
        Index("idx_media_version_latest", "version_number", "is_latest_version"),
        Index("idx_media_file_hash", "file_hash"),
        Index("idx_media_file_path", "file_path"),
        # horus: the browser's default sort, alone and under its main filters (migration 0002).
        Index("idx_media_created", text("created_at DESC"), sqlite_where=text("is_deleted IS NOT 1"),
              postgresql_where=text("is_deleted IS NOT true")),
        Index("idx_media_department_status_created", "department", "approval_status", text("created_at DESC"),
              sqlite_where=text("is_deleted IS NOT 1"), postgresql_where=text("is_deleted IS NOT true")),
    )


class MediaTagRow(Base):
    """``horus_media_tags``: free tags on a media."""

    __tablename__ = "horus_media_tags"

    id: Mapped[uuid.UUID] = _uuid_pk()
    media_id: Mapped[uuid.UUID | None] = _media_fk()
    tag_name: Mapped[str] = mapped_column(String(100), nullable=False)
    tag_category: Mapped[str | None] = mapped_column(String(50))
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime | None] = _created_at()

    __table_args__ = (
        UniqueConstraint("media_id", "tag_name"),
        Index("idx_tags_media", "media_id"),
        Index("idx_tags_name_category", "tag_name", "tag_category"),
    )


class ThumbnailRow(Base):
    """``horus_thumbnails``: where the cached thumbnail images of a media are."""

    __tablename__ = "horus_thumbnails"

    id: Mapped[uuid.UUID] = _uuid_pk()
    media_id: Mapped[uuid.UUID | None] = _media_fk()
    thumbnail_size: Mapped[str] = mapped_column(String(20), nullable=False)
    thumbnail_path: Mapped[str] = mapped_column(Text, nullable=False)
    thumbnail_hash: Mapped[str | None] = mapped_column(String(64))
    frame_number: Mapped[int | None] = mapped_column(Integer, default=1, server_default=text("1"))
    created_at: Mapped[datetime | None] = _created_at()

    __table_args__ = (
        UniqueConstraint("media_id", "thumbnail_size", "frame_number"),
        Index("idx_thumbnails_media_size", "media_id", "thumbnail_size"),
    )


# --------------------------------------------------------------------------------------------------
# 1.2 Comments and collaboration


class CommentRow(Base):
    """``horus_comments``: a note on a media (optionally at a frame), threaded by ``parent_id``."""

    __tablename__ = "horus_comments"

    id: Mapped[uuid.UUID] = _uuid_pk()
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        PortableUuid, ForeignKey("horus_comments.id", ondelete="CASCADE")
    )
    media_id: Mapped[uuid.UUID | None] = _media_fk()
    frame_number: Mapped[int | None] = mapped_column(Integer)
    timecode: Mapped[str | None] = mapped_column(String(20))

    user_id: Mapped[str] = mapped_column(String(100), nullable=False)
    user_name: Mapped[str] = mapped_column(String(255), nullable=False)
    user_email: Mapped[str | None] = mapped_column(String(255))
    user_avatar_url: Mapped[str | None] = mapped_column(Text)

    content: Mapped[str] = mapped_column(Text, nullable=False)
    content_type: Mapped[str | None] = mapped_column(String(20), default="text", server_default=text("'text'"))

    thread_depth: Mapped[int | None] = mapped_column(Integer, default=0, server_default=text("0"))
    thread_path: Mapped[str | None] = mapped_column(Text)

    is_resolved: Mapped[bool | None] = _flag(False)
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    mentioned_users: Mapped[list[str] | None] = mapped_column(PortableTextArray)

    created_at: Mapped[datetime | None] = _created_at()
    updated_at: Mapped[datetime | None] = _updated_at()

    is_deleted: Mapped[bool | None] = _flag(False)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    deleted_by: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (
        Index("idx_comments_media_frame", "media_id", "frame_number"),
        Index("idx_comments_user_created", "user_id", text("created_at DESC")),
        Index("idx_comments_parent_thread", "parent_id", "thread_depth"),
        # GIN on PostgreSQL answers "who is mentioned" (array containment); plain b-tree on SQLite.
        Index("idx_comments_mentions", "mentioned_users", postgresql_using="gin"),
        Index("idx_comments_resolved", "is_resolved", "resolved_at"),
    )


class CommentReactionRow(Base):
    """``horus_comment_reactions``: one user's reaction of one kind to a comment."""

    __tablename__ = "horus_comment_reactions"

    id: Mapped[uuid.UUID] = _uuid_pk()
    comment_id: Mapped[uuid.UUID | None] = mapped_column(
        PortableUuid, ForeignKey("horus_comments.id", ondelete="CASCADE")
    )
    user_id: Mapped[str] = mapped_column(String(100), nullable=False)
    reaction_type: Mapped[str] = mapped_column(String(20), nullable=False)
    created_at: Mapped[datetime | None] = _created_at()

    __table_args__ = (
        UniqueConstraint("comment_id", "user_id", "reaction_type"),
        Index("idx_reactions_comment", "comment_id"),
        Index("idx_reactions_user", "user_id"),
    )


class CommentAttachmentRow(Base):
    """``horus_comment_attachments``: a file attached to a comment."""

    __tablename__ = "horus_comment_attachments"

    id: Mapped[uuid.UUID] = _uuid_pk()
    comment_id: Mapped[uuid.UUID | None] = mapped_column(
        PortableUuid, ForeignKey("horus_comments.id", ondelete="CASCADE")
    )
    file_name: Mapped[str] = mapped_column(String(255), nullable=False)
    file_path: Mapped[str] = mapped_column(Text, nullable=False)
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    mime_type: Mapped[str | None] = mapped_column(String(100))
    uploaded_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime | None] = _created_at()

    __table_args__ = (Index("idx_attachments_comment", "comment_id"),)


# --------------------------------------------------------------------------------------------------
# 1.3 Annotations and drawing


class AnnotationRow(Base):
    """``horus_annotations``: one drawn shape on one frame of a media."""

    __tablename__ = "horus_annotations"

    id: Mapped[uuid.UUID] = _uuid_pk()
    media_id: Mapped[uuid.UUID | None] = _media_fk()
    frame_number: Mapped[int] = mapped_column(Integer, nullable=False)

    annotation_type: Mapped[str] = mapped_column(String(50), nullable=False)
    coordinates: Mapped[Any] = mapped_column(PortableJson, nullable=False)
    style_properties: Mapped[dict[str, Any] | None] = mapped_column(PortableJson)

    content: Mapped[str | None] = mapped_column(Text)
    content_type: Mapped[str | None] = mapped_column(String(20), default="text", server_default=text("'text'"))

    user_id: Mapped[str] = mapped_column(String(100), nullable=False)
    user_name: Mapped[str] = mapped_column(String(255), nullable=False)

    layer_name: Mapped[str | None] = mapped_column(
        String(100), default="default", server_default=text("'default'")
    )
    layer_order: Mapped[int | None] = mapped_column(Integer, default=0, server_default=text("0"))

    is_visible: Mapped[bool | None] = _flag(True)
    is_locked: Mapped[bool | None] = _flag(False)

    created_at: Mapped[datetime | None] = _created_at()
    updated_at: Mapped[datetime | None] = _updated_at()

    is_deleted: Mapped[bool | None] = _flag(False)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("idx_annotations_media_frame", "media_id", "frame_number"),
        Index("idx_annotations_user_created", "user_id", text("created_at DESC")),
        Index("idx_annotations_layer", "layer_name", "layer_order"),
        Index("idx_annotations_type", "annotation_type"),
        Index("idx_annotations_visible", "is_visible", "is_deleted"),
    )


class AnnotationLayerRow(Base):
    """``horus_annotation_layers``: a named, ordered drawing layer of a media."""

    __tablename__ = "horus_annotation_layers"

    id: Mapped[uuid.UUID] = _uuid_pk()
    media_id: Mapped[uuid.UUID | None] = _media_fk()
    layer_name: Mapped[str] = mapped_column(String(100), nullable=False)
    layer_color: Mapped[str | None] = mapped_column(String(7))
    is_visible: Mapped[bool | None] = _flag(True)
    is_locked: Mapped[bool | None] = _flag(False)
    layer_order: Mapped[int | None] = mapped_column(Integer, default=0, server_default=text("0"))
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime | None] = _created_at()

    __table_args__ = (
        UniqueConstraint("media_id", "layer_name"),
        Index("idx_layers_media_order", "media_id", "layer_order"),
    )


# --------------------------------------------------------------------------------------------------
# 1.4 Timelines and playlists


class TimelineRow(Base):
    """``horus_timelines``: a playlist or cut, with its OTIO document."""

    __tablename__ = "horus_timelines"

    id: Mapped[uuid.UUID] = _uuid_pk()
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)

    project_id: Mapped[str] = mapped_column(String(100), nullable=False)
    episode: Mapped[str | None] = mapped_column(String(50))
    sequence: Mapped[str | None] = mapped_column(String(50))

    timeline_type: Mapped[str] = mapped_column(String(50), nullable=False)
    otio_data: Mapped[dict[str, Any] | None] = mapped_column(PortableJson)

    frame_rate: Mapped[Decimal | None] = mapped_column(
        Numeric(5, 2), default=Decimal("24.0"), server_default=text("24.0")
    )
    resolution: Mapped[str | None] = mapped_column(String(20))
    duration_frames: Mapped[int | None] = mapped_column(Integer)
    duration_timecode: Mapped[str | None] = mapped_column(String(20))

    created_by: Mapped[str] = mapped_column(String(100), nullable=False)
    created_by_name: Mapped[str | None] = mapped_column(String(255))
    last_modified_by: Mapped[str | None] = mapped_column(String(100))

    status: Mapped[str | None] = mapped_column(String(20), default="draft", server_default=text("'draft'"))
    version: Mapped[str | None] = mapped_column(String(20), default="v001", server_default=text("'v001'"))

    created_at: Mapped[datetime | None] = _created_at()
    updated_at: Mapped[datetime | None] = _updated_at()

    is_deleted: Mapped[bool | None] = _flag(False)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("idx_timelines_project_type", "project_id", "timeline_type"),
        Index("idx_timelines_creator_created", "created_by", text("created_at DESC")),
        Index("idx_timelines_status_version", "status", "version"),
        Index("idx_timelines_episode_sequence", "episode", "sequence"),
    )


class TimelineClipRow(Base):
    """``horus_timeline_clips``: a clip of a timeline, kept for queries without parsing OTIO."""

    __tablename__ = "horus_timeline_clips"

    id: Mapped[uuid.UUID] = _uuid_pk()
    timeline_id: Mapped[uuid.UUID | None] = mapped_column(
        PortableUuid, ForeignKey("horus_timelines.id", ondelete="CASCADE")
    )
    # The seed gives no ON DELETE here: a clip keeps pointing at its media (media are soft-deleted).
    media_id: Mapped[uuid.UUID | None] = _media_fk(ondelete=None)
    media_path: Mapped[str] = mapped_column(Text, nullable=False)

    track_name: Mapped[str] = mapped_column(String(100), nullable=False)
    track_type: Mapped[str] = mapped_column(String(20), nullable=False)
    track_index: Mapped[int] = mapped_column(Integer, nullable=False)

    start_time_frames: Mapped[int] = mapped_column(Integer, nullable=False)
    duration_frames: Mapped[int] = mapped_column(Integer, nullable=False)
    source_start_frames: Mapped[int | None] = mapped_column(Integer, default=0, server_default=text("0"))
    source_duration_frames: Mapped[int | None] = mapped_column(Integer)

    clip_name: Mapped[str | None] = mapped_column(String(255))
    clip_metadata: Mapped[dict[str, Any] | None] = mapped_column(PortableJson)

    clip_order: Mapped[int] = mapped_column(Integer, nullable=False)

    created_at: Mapped[datetime | None] = _created_at()
    updated_at: Mapped[datetime | None] = _updated_at()

    __table_args__ = (
        Index("idx_clips_timeline_track", "timeline_id", "track_index", "clip_order"),
        Index("idx_clips_media", "media_id"),
        Index("idx_clips_timing", "start_time_frames", "duration_frames"),
    )


# --------------------------------------------------------------------------------------------------
# 1.5 Users and collaboration


class UserRow(Base):
    """``horus_users``: a person who reviews (id usually from the studio's auth system)."""

    __tablename__ = "horus_users"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    email: Mapped[str] = mapped_column(String(255), unique=True, nullable=False)
    full_name: Mapped[str | None] = mapped_column(String(255))
    avatar_url: Mapped[str | None] = mapped_column(Text)

    role: Mapped[str | None] = mapped_column(String(50), default="artist", server_default=text("'artist'"))
    department: Mapped[str | None] = mapped_column(String(50))
    permissions: Mapped[dict[str, Any] | None] = mapped_column(PortableJson)

    ui_preferences: Mapped[dict[str, Any] | None] = mapped_column(PortableJson)
    notification_preferences: Mapped[dict[str, Any] | None] = mapped_column(PortableJson)

    is_active: Mapped[bool | None] = _flag(True)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    created_at: Mapped[datetime | None] = _created_at()
    updated_at: Mapped[datetime | None] = _updated_at()

    __table_args__ = (
        Index("idx_users_username", "username"),
        Index("idx_users_email", "email"),
        Index("idx_users_department_role", "department", "role"),
        Index("idx_users_active_login", "is_active", text("last_login_at DESC")),
    )


class UserSessionRow(Base):
    """``horus_user_sessions``: who is looking at what, for collaboration."""

    __tablename__ = "horus_user_sessions"

    id: Mapped[uuid.UUID] = _uuid_pk()
    user_id: Mapped[str | None] = mapped_column(String(100), ForeignKey("horus_users.id"))
    session_token: Mapped[str] = mapped_column(String(255), unique=True, nullable=False)

    media_id: Mapped[uuid.UUID | None] = _media_fk(ondelete=None)
    current_frame: Mapped[int | None] = mapped_column(Integer)

    ip_address: Mapped[str | None] = mapped_column(PortableInet)
    user_agent: Mapped[str | None] = mapped_column(Text)

    is_active: Mapped[bool | None] = _flag(True)
    last_activity_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=utcnow, server_default=NOW)

    created_at: Mapped[datetime | None] = _created_at()
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("idx_sessions_user_active", "user_id", "is_active"),
        Index("idx_sessions_media_active", "media_id", "is_active"),
        Index("idx_sessions_token", "session_token"),
        Index("idx_sessions_activity", text("last_activity_at DESC")),
    )


class NotificationRow(Base):
    """``horus_notifications``: something a user should look at (a mention, a reply, ...)."""

    __tablename__ = "horus_notifications"

    id: Mapped[uuid.UUID] = _uuid_pk()
    user_id: Mapped[str | None] = mapped_column(String(100), ForeignKey("horus_users.id"))

    type: Mapped[str] = mapped_column(String(50), nullable=False)
    title: Mapped[str] = mapped_column(String(255), nullable=False)
    message: Mapped[str | None] = mapped_column(Text)

    related_media_id: Mapped[uuid.UUID | None] = _media_fk(ondelete=None)
    related_comment_id: Mapped[uuid.UUID | None] = mapped_column(PortableUuid, ForeignKey("horus_comments.id"))
    related_annotation_id: Mapped[uuid.UUID | None] = mapped_column(
        PortableUuid, ForeignKey("horus_annotations.id")
    )

    is_read: Mapped[bool | None] = _flag(False)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    created_at: Mapped[datetime | None] = _created_at()

    __table_args__ = (
        Index("idx_notifications_user_unread", "user_id", "is_read", text("created_at DESC")),
        Index("idx_notifications_type_created", "type", text("created_at DESC")),
        Index("idx_notifications_media", "related_media_id"),
    )


# --------------------------------------------------------------------------------------------------
# horus: per-project settings (not in the seed). Ingest reads its path templates; Montu's project_configs
# land here.


class ProjectConfigRow(Base):
    """``horus_project_configs``: a project's path templates, colour config and defaults."""

    __tablename__ = "horus_project_configs"

    project_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(255))
    path_templates: Mapped[list[str] | None] = mapped_column(PortableJson)
    ocio_config: Mapped[str | None] = mapped_column(Text)
    frame_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    resolution: Mapped[str | None] = mapped_column(String(20))
    settings: Mapped[dict[str, Any] | None] = mapped_column(PortableJson)
    created_at: Mapped[datetime | None] = _created_at()
    updated_at: Mapped[datetime | None] = _updated_at()


class ApprovalChangeRow(Base):
    """``horus_approval_history`` (horus): every approval status change of a version, who and when."""

    __tablename__ = "horus_approval_history"

    id: Mapped[uuid.UUID] = _uuid_pk()
    media_id: Mapped[uuid.UUID] = _media_fk(nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    previous_status: Mapped[str | None] = mapped_column(String(20))
    changed_by: Mapped[str | None] = mapped_column(String(100))
    changed_by_name: Mapped[str | None] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime | None] = _created_at()

    __table_args__ = (Index("idx_approval_history_media", "media_id", text("created_at DESC")),)


#: The 13 tables of the seed schema, in dependency order.
SEED_TABLES = (
    "horus_media_records",
    "horus_media_tags",
    "horus_thumbnails",
    "horus_comments",
    "horus_comment_reactions",
    "horus_comment_attachments",
    "horus_annotations",
    "horus_annotation_layers",
    "horus_timelines",
    "horus_timeline_clips",
    "horus_users",
    "horus_user_sessions",
    "horus_notifications",
)

#: Indexes Horus adds to the seed's (each one serves a measured query; see migration 0002).
HORUS_INDEXES = frozenset({"idx_media_created", "idx_media_department_status_created",
                           "idx_approval_history_media"})

#: Every index the seed names, by table.
SEED_INDEXES: dict[str, tuple[str, ...]] = {
    table.name: tuple(sorted(ix.name for ix in table.indexes
                             if ix.name and ix.name.startswith("idx_") and ix.name not in HORUS_INDEXES))
    for table in Base.metadata.sorted_tables
}

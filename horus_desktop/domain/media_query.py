"""What the media browser (and pipeline scripts) ask the store for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

T = TypeVar("T")

#: Columns a media search can be sorted on.
MEDIA_SORT_COLUMNS = (
    "file_name",
    "file_path",
    "project_id",
    "episode",
    "sequence",
    "shot",
    "department",
    "task_type",
    "version",
    "version_number",
    "artist_name",
    "approval_status",
    "resolution",
    "frame_rate",
    "color_space",
    "bit_depth",
    "start_frame",
    "end_frame",
    "frame_count",
    "file_size",
    "mime_type",
    "created_at",
    "updated_at",
    "file_modified_at",
)


@dataclass(frozen=True, slots=True)
class MediaQuery:
    """Filters, sort and page of a media search. Empty filters match everything.

    ``statuses``, ``departments`` and the other tuple filters match any of their values. ``file_types``
    matches extensions (``exr``) or media kinds (``movie``, ``sequence``, ``still``). ``text`` searches
    names, paths, shots and tags, case-insensitively.
    """

    project_id: str | None = None
    episode: str | None = None
    sequence: str | None = None
    shot: str | None = None
    departments: tuple[str, ...] = ()
    task_types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    artists: tuple[str, ...] = ()
    file_types: tuple[str, ...] = ()
    created_from: datetime | None = None
    created_to: datetime | None = None
    latest_only: bool = False
    text: str | None = None
    sort_by: str = "created_at"
    descending: bool = True
    offset: int = 0
    limit: int = 200
    include_deleted: bool = False
    with_total: bool = False
    extra_sort: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of results; ``total`` is the full match count when it was asked for."""

    items: tuple[T, ...]
    offset: int
    limit: int
    total: int | None = None

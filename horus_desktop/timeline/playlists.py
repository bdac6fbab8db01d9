"""The playlists service: create (empty, from media, from a rule), duplicate, save a document, list.

A playlist is a ``horus_timelines`` row whose ``otio_data`` is the whole OTIO document; its
``horus_timeline_clips`` rows are the document's clips flattened. :func:`save_document` is the one writer
of both, in one transaction (``TimelineRepository.create`` / ``replace_clips``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import opentimelineio as otio

from horus_desktop.domain.media_query import MediaQuery
from horus_desktop.domain.records import MediaRecord, Timeline
from horus_desktop.domain.timecode import exact_rate, frame_to_timecode, media_rate
from horus_desktop.domain.vocabulary import TIMELINE_STATUSES, TIMELINE_TYPES
from horus_desktop.timeline.errors import PlaylistError
from horus_desktop.timeline.otio_doc import (
    load_timeline,
    make_clip,
    rate_text,
    set_meta,
    timeline_rate,
    to_dict,
)
from horus_desktop.timeline.otio_parse import clip_rows, duration_frames, ensure_clip_ids, flatten

if TYPE_CHECKING:
    from horus_desktop.store import Store
    from horus_desktop.store.media_match import MediaMatch

_VERSION = re.compile(r"^v(\d+)$", re.IGNORECASE)
RULE_LIMIT = 5000


def media_range(media: MediaRecord) -> tuple[int, int]:
    """(first, last) frame of a media record; a still or unprobed movie is (1, frame_count or 1)."""
    first = media.start_frame if media.start_frame is not None else 1
    last = media.end_frame if media.end_frame is not None else first + max((media.frame_count or 1) - 1, 0)
    return first, last


def media_info(media: MediaRecord | MediaMatch) -> dict[str, Any]:
    """What the ``horus`` clip metadata keeps about a media."""
    return {"shot": media.shot, "version": media.version, "department": media.department,
            "sequence": media.sequence, "task_type": media.task_type}


def clip_for_media(media: MediaRecord, rate: Fraction, *, source_start: int | None = None,
                   duration: int | None = None) -> otio.schema.Clip:
    """An OTIO clip of a whole media (or of ``duration`` frames from ``source_start``)."""
    first, last = media_range(media)
    start = first if source_start is None else source_start
    length = (last - start + 1) if duration is None else duration
    name = f"{media.shot} {media.version}" if media.shot else media.file_name
    return make_clip(name=name, rate=rate, source_start=start, duration=max(length, 1), media_path=media.file_path,
                     media_id=str(media.id), available=(first, last), info=media_info(media))


def new_document(name: str, rate: Fraction, *, video_tracks: int = 1) -> otio.schema.Timeline:
    """An empty document with ``video_tracks`` video tracks (V1, V2...)."""
    timeline = load_timeline(None, name, rate)
    set_meta(timeline, rate=rate_text(rate))
    for i in range(video_tracks):
        timeline.tracks.append(otio.schema.Track(name=f"V{i + 1}", kind=otio.schema.TrackKind.Video))
    return timeline


def _document_fields(timeline: otio.schema.Timeline) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    rate = timeline_rate(timeline)
    set_meta(timeline, rate=rate_text(rate))
    ensure_clip_ids(timeline)
    rows = clip_rows(flatten(timeline, rate))
    return rows, _fields(to_dict(timeline), duration_frames(timeline, rate), rate)


def _fields(data: dict[str, Any], length: int, rate: Fraction) -> dict[str, Any]:
    """The ``horus_timelines`` values of a document: its otio_json dict, length and rate."""
    return {"otio_data": data, "duration_frames": length, "duration_timecode": frame_to_timecode(length, rate),
            "frame_rate": Decimal(float(rate)).quantize(Decimal("0.01"))}


def save_document(store: Store, timeline_id: uuid.UUID | str, timeline: otio.schema.Timeline, *,
                  user: str | None = None, **values: Any) -> Timeline:
    """Write a playlist's document and its flattened clip rows together, in one transaction."""
    rows, fields = _document_fields(timeline)
    if user:
        fields["last_modified_by"] = user
    return store.timelines.replace_clips(timeline_id, rows, **fields, **values)


def create_from_document(store: Store, timeline: otio.schema.Timeline, *, name: str, project_id: str, user: str,
                         timeline_type: str = "dailies", status: str = "draft", version: str = "v001",
                         **values: Any) -> Timeline:
    """A new playlist holding ``timeline`` (its row and clip rows written in one transaction)."""
    _check_vocabulary(timeline_type, status)
    timeline.name = name
    rows, fields = _document_fields(timeline)
    return store.timelines.create(name=name, project_id=project_id, timeline_type=timeline_type, created_by=user,
                                  clips=rows, status=status, version=version, **fields, **values)


def import_document(store: Store, timeline: otio.schema.Timeline, data: dict[str, Any], rows: list[dict[str, Any]],
                    *, project_id: str, user: str, timeline_type: str = "dailies") -> Timeline:
    """A new playlist of an imported document (named already): ``data`` is its otio_json dict, where the import
    wrote its clips' metadata, ``rows`` its clip rows (fresh ``clip_id``s). The row and its clip rows are
    written with one ``executemany`` each (``ImportRepository.create_timeline``), the record built from what
    was written rather than read back."""
    rate = timeline_rate(timeline)
    return import_rows(store, timeline.name, data, rows, rate, duration_frames(timeline, rate),
                       project_id=project_id, user=user, timeline_type=timeline_type)


def import_rows(store: Store, name: str, data: dict[str, Any], rows: list[dict[str, Any]], rate: Fraction,
                length: int, *, project_id: str, user: str, timeline_type: str = "dailies",
                orjson_exact: bool = False) -> Timeline:
    """:func:`import_document` of a document given as its otio_json dict, ``name``, ``rate`` and ``length`` in
    frames (an import read without OTIO's objects: ``otio_plain``). ``orjson_exact``: orjson writes the
    document as ``json`` does (``otio_plain.PlainDocument``), so the store may write it so (``create_timeline``)."""
    _check_vocabulary(timeline_type, "draft")
    fields = _fields(data, length, rate)

    from horus_desktop.store.repositories.imports import ImportRepository  # the store's classes load on use

    return ImportRepository(store.uow).create_timeline(
        {"name": name, "project_id": project_id, "timeline_type": timeline_type, "created_by": user,
         **fields}, rows, orjson_exact=orjson_exact)


def _check_vocabulary(timeline_type: str, status: str) -> None:
    if timeline_type not in TIMELINE_TYPES:
        raise PlaylistError(f"type {timeline_type!r} is not one of {', '.join(TIMELINE_TYPES)}")
    if status not in TIMELINE_STATUSES:
        raise PlaylistError(f"status {status!r} is not one of {', '.join(TIMELINE_STATUSES)}")


def create_playlist(store: Store, *, name: str, project_id: str, user: str, media_ids: Sequence[uuid.UUID | str] = (),
                    timeline_type: str = "dailies", status: str = "draft", rate: Fraction | None = None,
                    **values: Any) -> Timeline:
    """A new playlist: empty, or the given media one after another on V1 (in the order given; a media given
    twice is two clips, as a before/after pair is)."""
    asked = list(media_ids)
    by_id = {m.id: m for m in store.media.get_many(asked)}
    keys = [uuid.UUID(str(m)) for m in asked]
    lost = list(dict.fromkeys(str(m) for m, key in zip(asked, keys, strict=True) if key not in by_id))
    if lost:
        raise PlaylistError(f"media not found: {', '.join(lost)}")
    medias = [by_id[key] for key in keys]
    rate = rate or (media_rate(medias[0]) if medias else Fraction(24))
    timeline = new_document(name, rate)
    for media in medias:
        timeline.tracks[0].append(clip_for_media(media, rate))
    return create_from_document(store, timeline, name=name, project_id=project_id, user=user,
                                timeline_type=timeline_type, status=status, **values)


def parse_rule(rule: str, *, project_id: str | None = None, now: datetime | None = None,
               tz: tzinfo | None = None) -> MediaQuery:
    """The media query of a rule.

    ``latest:sequence=sq010,department=comp`` (also episode, shot, task_type, status; values may be
    ``a|b``): the latest version of every matching shot. ``submitted-today``: everything created in the
    user's local day (``now``/``tz`` default to the machine's clock and zone).
    """
    text = rule.strip()
    if text.lower() in ("submitted-today", "today"):
        local_now = (now or datetime.now(tz)).astimezone(tz)
        start = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
        return MediaQuery(project_id=project_id, created_from=start, created_to=start + timedelta(days=1),
                          sort_by="created_at", descending=False, limit=RULE_LIMIT, extra_sort=("shot",))
    kind, _, args = text.partition(":")
    if kind.strip().lower() != "latest":
        raise PlaylistError(f"unknown rule {rule!r}: use 'latest:sequence=X,department=Y' or 'submitted-today'")
    filters: dict[str, Any] = {}
    plural = {"department": "departments", "task_type": "task_types", "status": "statuses"}
    for part in filter(None, (p.strip() for p in args.split(","))):
        key, sep, value = part.partition("=")
        key = key.strip().lower().replace("-", "_")
        if not sep or not value.strip():
            raise PlaylistError(f"rule {rule!r}: {part!r} is not key=value")
        if key in ("episode", "sequence", "shot"):
            filters[key] = value.strip()
        elif key in plural:
            filters[plural[key]] = tuple(v.strip() for v in value.split("|"))
        else:
            raise PlaylistError(f"rule {rule!r}: unknown key {key!r} (episode, sequence, shot, department, "
                                "task_type, status)")
    return MediaQuery(project_id=project_id, latest_only=True, sort_by="shot", descending=False,
                      extra_sort=("department",), limit=RULE_LIMIT, **filters)


def create_from_rule(store: Store, rule: str, *, name: str, project_id: str, user: str,
                     now: datetime | None = None, tz: tzinfo | None = None, **values: Any) -> Timeline:
    """A new playlist of the media a rule selects (see :func:`parse_rule`), in shot order."""
    query = parse_rule(rule, project_id=project_id, now=now, tz=tz)
    media = store.media.search(query).items
    return create_playlist(store, name=name, project_id=project_id, user=user, media_ids=[m.id for m in media],
                           **values)


def next_version(version: str | None) -> str:
    """v001 -> v002 (anything else -> v002)."""
    found = _VERSION.match(version or "")
    return f"v{(int(found.group(1)) if found else 1) + 1:03d}"


def duplicate_playlist(store: Store, timeline_id: uuid.UUID | str, *, user: str) -> Timeline:
    """A copy of a playlist as its next version (v001 -> v002; past the highest of that name), status draft."""
    source = store.timelines.get(timeline_id)
    taken = {t.version for t, _ in store.timelines.list(project_id=source.project_id) if t.name == source.name}
    version = next_version(source.version)
    while version in taken:
        version = next_version(version)
    timeline = load_timeline(source.otio_data, source.name, exact_rate(source.frame_rate))
    ensure_clip_ids(timeline, fresh=True)
    set_meta(timeline, duplicated_from=str(source.id))
    return create_from_document(store, timeline, name=source.name, project_id=source.project_id, user=user,
                                timeline_type=source.timeline_type, version=version, description=source.description,
                                episode=source.episode, sequence=source.sequence, resolution=source.resolution)


def set_status(store: Store, timeline_id: uuid.UUID | str, status: str, *, user: str | None = None) -> Timeline:
    """Move a playlist to draft, review, approved or published."""
    if status not in TIMELINE_STATUSES:
        raise PlaylistError(f"status {status!r} is not one of {', '.join(TIMELINE_STATUSES)}")
    return store.timelines.update(timeline_id, status=status, last_modified_by=user)


def document_of(timeline: Timeline) -> otio.schema.Timeline:
    """The OTIO document of a stored playlist."""
    return load_timeline(timeline.otio_data, timeline.name, exact_rate(timeline.frame_rate))


def list_playlists(store: Store, *, project_id: str | None = None, timeline_type: str | None = None,
                   status: str | None = None) -> list[dict[str, Any]]:
    """Playlists, newest first, with clip counts and durations (frames and timecode)."""
    out = []
    for timeline, count in store.timelines.list(project_id=project_id, timeline_type=timeline_type, status=status):
        out.append({"id": str(timeline.id), "name": timeline.name, "project": timeline.project_id,
                    "type": timeline.timeline_type, "status": timeline.status, "version": timeline.version,
                    "clips": count, "duration_frames": timeline.duration_frames or 0,
                    "duration_timecode": timeline.duration_timecode,
                    "frame_rate": float(timeline.frame_rate) if timeline.frame_rate is not None else None,
                    "created_at": timeline.created_at})
    return out

"""``horus playlist create`` (empty, or of media ids) on a current SQLite store, with the standard library only.

The full path builds the playlist's document with OpenTimelineIO (``timeline.playlists.create_playlist``) and
writes it through SQLAlchemy; both imports are most of the verb's start-up. Here the document is written as
the otio_json dict OpenTimelineIO 0.18 writes for it (a Timeline, its Stack, one video track V1, a Clip.2 with
an ExternalReference per media; metadata keys in OTIO's sorted order, None values left out as ``set_meta``
leaves them out), the clip rows as ``otio_parse.clip_rows`` makes them, and the rows in the order the
repository writes them, after the sign-in, in its transaction (:class:`~horus_desktop.store.quick_write.QuickWriter`).
``tests/api/test_cli_playlist_create_quick.py`` runs the verb both ways and compares the stores row by row
(the document's text included), so a new OpenTimelineIO writing otherwise fails it. A rule, an unknown or
repeated media, a type or status outside the vocabulary, a bad name: :class:`NotHere`, the full path.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from horus_desktop.domain.timecode import media_rate
from horus_desktop.store.quick_read import NotHere, no_nul, stored_time, uuid_key
from horus_desktop.store.quick_write import _utcnow

if TYPE_CHECKING:
    from horus_desktop.domain.records import MediaRecord
    from horus_desktop.store.quick_write import QuickWriter

NS = "horus"  # as timeline.otio_doc.NS


def _rt(frames: int, rate: float) -> dict[str, Any]:
    return {"OTIO_SCHEMA": "RationalTime.1", "rate": rate, "value": float(frames)}


def _range(start: int, duration: int, rate: float) -> dict[str, Any]:
    return {"OTIO_SCHEMA": "TimeRange.1", "duration": _rt(duration, rate), "start_time": _rt(start, rate)}


def _meta(values: dict[str, Any]) -> dict[str, Any]:
    """A ``horus`` metadata dict as OTIO writes it: None values out (set_meta), keys sorted (OTIO's map)."""
    kept = {k: v for k, v in values.items() if v is not None}
    return {NS: {k: kept[k] for k in sorted(kept)}} if kept else {NS: {}}


def _item(schema: str, name: str, metadata: dict[str, Any], source_range: Any) -> dict[str, Any]:
    return {"OTIO_SCHEMA": schema, "metadata": metadata, "name": name, "source_range": source_range,
            "effects": [], "markers": [], "enabled": True, "color": None}


def playlist_document(name: str, medias: Sequence[MediaRecord]) -> tuple[dict[str, Any], list[dict[str, Any]], int,
                                                                         Fraction]:
    """The otio_json dict of a new playlist of ``medias`` on V1, its clip rows, its length and rate (as
    ``create_playlist`` then ``_document_fields`` make them)."""
    rate = media_rate(medias[0]) if medias else Fraction(24)
    r = float(rate)
    clips, rows, at = [], [], 0
    for order, media in enumerate(medias):
        first = media.start_frame if media.start_frame is not None else 1
        last = media.end_frame if media.end_frame is not None else first + max((media.frame_count or 1) - 1, 0)
        if last < first:
            raise NotHere("a media whose range OTIO would keep otherwise: the full path builds it")
        length = max(last - first + 1, 1)
        name_of = f"{media.shot} {media.version}" if media.shot else media.file_name
        clip_id = str(uuid.uuid4())
        info = {"shot": media.shot, "version": media.version, "department": media.department,
                "sequence": media.sequence, "task_type": media.task_type}
        metadata = _meta({**info, "media_id": str(media.id), "media_path": media.file_path, "clip_id": clip_id})
        reference = {"OTIO_SCHEMA": "ExternalReference.1", "metadata": {}, "name": "",
                     "available_range": _range(first, last - first + 1, r), "available_image_bounds": None,
                     "target_url": media.file_path or ""}
        clips.append({**_item("Clip.2", name_of, metadata, _range(first, length, r)),
                      "media_references": {"DEFAULT_MEDIA": reference}, "active_media_reference_key": "DEFAULT_MEDIA"})
        path = media.file_path or f"missing:{name_of}"
        extra = {k: v for k, v in metadata[NS].items() if k not in ("clip_id", "media_id", "media_path")}
        extra.update(track_path="0", item_index=order, missing_media=False)
        rows.append({"id": uuid.UUID(clip_id), "media_id": media.id, "media_path": path[:1000], "track_name": "V1",
                     "track_type": "video", "track_index": 0, "start_time_frames": at, "duration_frames": length,
                     "source_start_frames": first, "source_duration_frames": length,
                     "clip_name": (name_of or path.rsplit("/", 1)[-1])[:255], "clip_metadata": extra,
                     "clip_order": order})
        at += length
    track = {**_item("Track.1", "V1", {}, None), "children": clips, "kind": "Video"}
    stack = {**_item("Stack.1", "tracks", {}, None), "children": [track]}
    document = {"OTIO_SCHEMA": "Timeline.1", "metadata": _meta({"rate": f"{rate.numerator}/{rate.denominator}"}),
                "name": name, "global_start_time": _rt(0, r), "tracks": stack}
    return document, rows, at, rate


def create_playlist(writer: QuickWriter, user_name: str, name: str, project_id: str, media_ids: Sequence[str],
                    timeline_type: str = "dailies") -> uuid.UUID:
    """As ``Horus.open(user=user_name).create_playlist(name, project=project_id, media_ids=media_ids,
    timeline_type=timeline_type)``; the new playlist's id."""
    from horus_desktop.domain.timecode import frame_to_timecode
    from horus_desktop.domain.vocabulary import TIMELINE_TYPES
    from horus_desktop.store.quick_store import QuickStore

    no_nul(name, project_id, timeline_type)
    if timeline_type not in TIMELINE_TYPES or not name or not name.strip() or len(name) > 255:
        raise NotHere("a type or a name the full path refuses: it says why")
    keys = [uuid_key(m) for m in media_ids]
    if len(set(keys)) != len(keys):
        raise NotHere("a media given twice: the full path says what it makes of it")
    timeline_id = uuid.uuid4()
    with writer._transaction() as conn:  # the sign-in and the playlist: both or neither (NotHere rolls back)
        medias = QuickStore(writer).media.get_many(keys)
        if len(medias) != len(keys):
            raise NotHere("a media not found: the full path says which")
        user = writer._sign_in(user_name)
        document, rows, length, rate = playlist_document(name, medias)
        now = stored_time(_utcnow())
        conn.execute(
            "INSERT INTO horus_timelines (id, name, description, project_id, episode, sequence, timeline_type, "
            "otio_data, frame_rate, resolution, duration_frames, duration_timecode, created_by, created_by_name, "
            "last_modified_by, status, version, created_at, updated_at, is_deleted, deleted_at) "
            "VALUES (?, ?, NULL, ?, NULL, NULL, ?, ?, ?, NULL, ?, ?, ?, ?, NULL, 'draft', 'v001', ?, ?, 0, NULL)",
            (timeline_id.hex, name, project_id, timeline_type, json.dumps(document),
             float(Decimal(float(rate)).quantize(Decimal("0.01"))), length, frame_to_timecode(length, rate),
             user["id"], writer._display_name(user), now, now))
        if rows:
            stamp = stored_time(_utcnow())
            conn.executemany(
                "INSERT INTO horus_timeline_clips (id, timeline_id, media_id, media_path, track_name, track_type, "
                "track_index, start_time_frames, duration_frames, source_start_frames, source_duration_frames, "
                "clip_name, clip_metadata, clip_order, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(r["id"].hex, timeline_id.hex, r["media_id"].hex, r["media_path"], r["track_name"], r["track_type"],
                  r["track_index"], r["start_time_frames"], r["duration_frames"], r["source_start_frames"],
                  r["source_duration_frames"], r["clip_name"], json.dumps(r["clip_metadata"]), r["clip_order"],
                  stamp, stamp) for r in rows])
    return timeline_id

"""Montu playlists (``horus_playlists.json``) -> Horus timelines with clips and an OTIO document (pure).

A playlist's ``clips[]`` carry ``clip_id``, ``media_id``, ``position``, ``duration``, ``in_point``,
``out_point``, ``track`` and display fields (``department``, ``sequence``, ``shot``, ``version``, ``color``,
``notes``, ``added_at``, ``file_path``), kept in the clip's metadata; ``tracks[]`` names the tracks and
``metadata.playback_settings`` gives the rate and resolution. A clip whose media is not imported keeps its
path, shot, version and range as a clip with missing media.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from horus_desktop.migrate import montu_fields as f
from horus_desktop.migrate.montu_fields import FieldError, derive_id
from horus_desktop.migrate.montu_mapping import (
    MediaInfo,
    ProjectInfo,
    Unknown,
    code,
    timeline_status,
    timeline_type,
)
from horus_desktop.migrate.montu_otio import build_otio
from horus_desktop.migrate.montu_source import SourceRecord

_CLIP_MAPPED = frozenset({
    "media_id", "media", "position", "duration", "in_point", "out_point", "track", "shot", "version",
    "file_path", "name", "clip_name",
})
_PLAYLIST_MAPPED = frozenset({
    "_id", "id", "name", "title", "clips", "project", "project_id", "fps", "frame_rate", "type",
    "playlist_type", "timeline_type", "created_by", "author", "description", "episode", "sequence", "status",
    "version",
})


@dataclass
class PlaylistPlan:
    """A timeline ready to write with its clips, how many clips miss their media, and unknown words."""

    timeline_id: uuid.UUID
    values: dict[str, Any]
    clips: list[dict[str, Any]]
    missing: int
    unknown: list[Unknown]


def map_playlist(rec: SourceRecord, media: dict[str, MediaInfo], by_path: dict[str, MediaInfo],
                 projects: dict[str, ProjectInfo], default_project: str | None, user_id: str) -> PlaylistPlan:
    """The timeline of a Montu playlist; a value that cannot be read raises FieldError naming it."""
    d, safe = rec.data, f.json_safe_for(rec.odd_numbers)
    name = f.text(d, "name", "title", required=True)
    assert name is not None
    key = rec.montu_id or f"name:{name}"
    timeline_id = derive_id("playlist", key)
    raw_clips = f.first(d, "clips", "items") or []
    if not isinstance(raw_clips, list):
        raise FieldError(f"clips: expected a list, found {type(raw_clips).__name__}")
    track_names = _track_names(d.get("tracks"))
    clips: list[dict[str, Any]] = []
    medias: list[MediaInfo] = []
    cursors: dict[int, int] = {}
    seen_names: dict[str, int] = {}
    for i, c in enumerate(raw_clips):
        if not isinstance(c, dict):
            raise FieldError(f"clips[{i}]: expected an object, found {type(c).__name__}")
        try:
            clip, target = _clip(key, i, c, media, by_path, cursors, seen_names, track_names, safe)
        except FieldError as exc:
            raise FieldError(f"clips[{i}].{exc}") from exc
        clips.append(clip)
        if target is not None:
            medias.append(target)
    by_track: dict[int, list[dict[str, Any]]] = {}
    for clip in clips:
        by_track.setdefault(clip["track_index"], []).append(clip)
    for items in by_track.values():
        items.sort(key=lambda c: (c["start_time_frames"], c["clip_metadata"]["montu_clip_index"]))
        for order, clip in enumerate(items):
            clip["clip_order"] = order

    project = code(d, "project_id", "project") or (medias[0].project_id if medias else None) or default_project
    if not project:
        raise FieldError("project_id: required (no project and no clip with imported media)")
    config = projects.get(project)
    meta = d.get("metadata") if isinstance(d.get("metadata"), dict) else {}
    playback = meta.get("playback_settings") if isinstance(meta.get("playback_settings"), dict) else {}
    rate = (f.frame_rate(f.first(d, "fps", "frame_rate"), "fps")
            or f.frame_rate(f.first(playback, "frame_rate", "fps"), "metadata.playback_settings.frame_rate"))
    if rate is None and config is not None and config.frame_rate:
        rate = f.frame_rate(str(config.frame_rate))
    if rate is None and medias and medias[0].frame_rate:
        rate = f.frame_rate(medias[0].frame_rate_rational or str(medias[0].frame_rate))
    rate = rate or (Decimal("24.00"), None)
    otio_rate = float(Fraction(rate[1])) if rate[1] else float(rate[0])
    creator = f.person(d, "created_by", "author", "owner") or (user_id, user_id)
    kind, unknown_type = timeline_type(f.first(d, "type", "playlist_type", "timeline_type"))
    status, unknown_status = timeline_status(f.first(d, "status"))
    extras = safe({k: v for k, v in d.items() if k not in _PLAYLIST_MAPPED})
    for word, raw in ((kind, f.first(d, "type", "playlist_type", "timeline_type")), (status, f.first(d, "status"))):
        if raw not in (None, word):
            extras.setdefault("original_words", []).append(f.json_safe(raw))
    otio_data = build_otio(name, otio_rate, clips, metadata={
        "timeline_id": str(timeline_id), "montu": {"_id": rec.montu_id, "file": rec.file, **extras}})
    playback_res = f.resolution(playback.get("resolution"), "metadata.playback_settings.resolution") if (
        playback.get("resolution")) else None
    values: dict[str, Any] = {
        "name": name, "project_id": project, "timeline_type": kind, "created_by": creator[0][:100],
        "created_by_name": creator[1][:255], "description": f.text(d, "description"),
        "episode": f.text(d, "episode"), "sequence": f.text(d, "sequence"), "frame_rate": rate[0],
        "resolution": playback_res or (config.resolution if config else None)
        or (medias[0].resolution if medias else None),
        "duration_frames": max((c["start_time_frames"] + c["duration_frames"] for c in clips), default=0),
        "status": status, "otio_data": otio_data,
    }
    playlist_version = f.text(d, "version")
    if playlist_version:
        values["version"] = playlist_version[:20]
    missing = sum(1 for c in clips if c["media_id"] is None)
    return PlaylistPlan(timeline_id, values, clips, missing, [u for u in (unknown_type, unknown_status) if u])


def _track_names(tracks: Any) -> dict[int, str]:
    """Track number -> name from Montu's ``tracks[]`` (``{"track_id": 1, "name": "Animation Track"}``)."""
    names: dict[int, str] = {}
    if isinstance(tracks, list):
        for t in tracks:
            if isinstance(t, dict) and isinstance(t.get("track_id"), int) and isinstance(t.get("name"), str):
                names[t["track_id"]] = t["name"].strip()[:100] or f"V{t['track_id']}"
    return names


def _clip(playlist_key: str, i: int, c: dict[str, Any], media: dict[str, MediaInfo], by_path: dict[str, MediaInfo],
          cursors: dict[int, int], seen_names: dict[str, int],
          track_names: dict[int, str], safe: Callable[[Any], Any]) -> tuple[dict[str, Any], MediaInfo | None]:
    media_ref = f.text(c, "media_id", "media")
    own_path = f.text(c, "file_path", "path", "storage_url")
    target = media.get(media_ref) if media_ref else None
    if target is None and own_path:
        target = by_path.get(own_path)
    path = target.file_path if target else own_path or (f"montu:missing/{media_ref}" if media_ref else None)
    if path is None:
        raise FieldError("media_id: required (or file_path)")
    in_point, out_point = f.integer(c, "in_point", "source_in"), f.integer(c, "out_point", "source_out")
    if in_point is not None and out_point is not None and out_point < in_point:
        raise FieldError(f"out_point: {out_point} is before in_point {in_point}")
    span = out_point - in_point if in_point is not None and out_point is not None else None
    duration = f.integer(c, "duration", "duration_frames")
    if duration is None:
        duration = span if span is not None else (target.frame_count if target else None)
    if duration is None:
        raise FieldError("duration: required (or in_point and out_point)")
    if duration < 0:
        raise FieldError(f"duration: negative ({duration})")
    track_index, track_name = _track(c.get("track"), seen_names)
    track_name = track_names.get(track_index, track_name)
    position = f.integer(c, "position", "start", "record_in")
    if position is None:
        position = cursors.get(track_index, 0)
    if position < 0:
        raise FieldError(f"position: negative ({position})")
    if position + duration > f.INT_LIMIT:
        raise FieldError(f"position: {position} + duration {duration} is out of range")
    cursors[track_index] = max(cursors.get(track_index, 0), position + duration)
    shot = f.text(c, "shot") or (target.shot if target else None)
    version = f.text(c, "version") or (target.version if target else None)
    file_name = path.replace("\\", "/").rsplit("/", 1)[-1]
    clip_name = f.text(c, "name", "clip_name") or (f"{shot} {version}" if shot and version else shot) or file_name
    source_start = in_point if in_point is not None else (target.start_frame if target and target.start_frame
                                                          is not None else 0)
    meta: dict[str, Any] = {
        "montu_clip_index": i, "montu_media_id": media_ref, "shot": shot, "version": version,
        **safe({k: v for k, v in c.items() if k not in _CLIP_MAPPED}),
    }
    if in_point is not None:
        meta["in_point"] = in_point
    if out_point is not None:
        meta["out_point"] = out_point
    if target is None:
        meta.update(missing_media=True, file_path=own_path)
    clip_key = f.text(c, "clip_id")
    clip = {
        "id": derive_id("clip", f"{playlist_key}:{clip_key}" if clip_key else f"{playlist_key}:{i}"),
        "media_id": target.id if target else None, "media_path": path, "track_name": track_name,
        "track_type": "video", "track_index": track_index, "start_time_frames": position,
        "duration_frames": duration, "source_start_frames": source_start,
        "source_duration_frames": span if span is not None else duration, "clip_name": clip_name[:255],
        "clip_metadata": meta, "clip_order": 0,
    }
    return clip, target


def _track(value: Any, names: dict[str, int]) -> tuple[int, str]:
    """(track_index, track_name) from Montu's ``track``: a number (1 -> "V1") or a name ("V2", "bg")."""
    if value is None or value == "":
        return 0, "V1"
    if isinstance(value, int) and not isinstance(value, bool):
        if not 0 <= value <= 10_000:
            raise FieldError(f"track: {value} is not a track number")
        return value, f"V{value}"
    if isinstance(value, str):
        word = value.strip()
        digits = "".join(ch for ch in word if ch.isdigit())[:5]
        if word.isdigit():
            return int(digits), f"V{int(digits)}"
        if digits:
            return int(digits), word[:100]
        index = names.setdefault(word, 1000 + len(names))
        return index, word[:100]
    raise FieldError(f"track: expected a number or a name, found {f.json_safe(value)!r}"[:120])

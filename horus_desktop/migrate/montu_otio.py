"""The OpenTimelineIO form of an imported playlist, built with OTIO itself (never hand-written JSON)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import opentimelineio as otio


def build_otio(name: str, rate: float, clips: Sequence[dict[str, Any]],
               metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    """An ``otio_json`` document (as a dict) of ``clips`` given as Horus clip values.

    One video track per ``track_index``; a gap fills any space before a clip's ``start_time_frames``.
    Clips with media get an ``ExternalReference`` to their path, clips without a ``MissingReference``
    that keeps the path, name and Montu ids in its metadata.
    """
    timeline = otio.schema.Timeline(name=name, metadata={"horus": metadata or {}})
    by_track: dict[int, list[dict[str, Any]]] = {}
    for clip in clips:
        by_track.setdefault(clip["track_index"], []).append(clip)
    for index in sorted(by_track):
        items = sorted(by_track[index], key=lambda c: (c["start_time_frames"], c["clip_order"]))
        track = otio.schema.Track(name=items[0]["track_name"], kind=otio.schema.TrackKind.Video)
        cursor = 0
        for clip in items:
            gap = clip["start_time_frames"] - cursor
            if gap > 0:
                track.append(otio.schema.Gap(source_range=_range(0, gap, rate)))
                cursor += gap
            track.append(_clip(clip, rate))
            cursor += clip["duration_frames"]
        timeline.tracks.append(track)
    return json.loads(otio.adapters.write_to_string(timeline, "otio_json"))


def _range(start: int, duration: int, rate: float) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(otio.opentime.RationalTime(start, rate), otio.opentime.RationalTime(duration, rate))


def _clip(clip: dict[str, Any], rate: float) -> otio.schema.Clip:
    info = {k: v for k, v in (clip.get("clip_metadata") or {}).items()}
    info["clip_id"] = str(clip["id"]) if clip.get("id") else None
    info["media_id"] = str(clip["media_id"]) if clip.get("media_id") else None
    name = clip.get("clip_name") or clip["media_path"].replace("\\", "/").rsplit("/", 1)[-1]
    if clip.get("media_id") is None:
        reference: otio.core.MediaReference = otio.schema.MissingReference(
            name=name, metadata={"horus": {"media_path": clip["media_path"], **info}})
    else:
        reference = otio.schema.ExternalReference(target_url=clip["media_path"])
    return otio.schema.Clip(
        name=name, media_reference=reference,
        source_range=_range(clip.get("source_start_frames") or 0, clip["duration_frames"], rate),
        metadata={"horus": info},
    )

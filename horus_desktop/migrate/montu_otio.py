"""The OpenTimelineIO form of an imported playlist, built with OTIO itself (never hand-written JSON)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import opentimelineio as otio

from horus_desktop.timeline.otio_doc import make_clip, rate_text, set_meta, to_dict, trange


def build_otio(name: str, rate: float, clips: Sequence[dict[str, Any]],
               metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    """An ``otio_json`` document (as a dict) of ``clips`` given as Horus clip values.

    One video track per ``track_index``; a gap fills any space before a clip's ``start_time_frames``.
    Clips with media get an ``ExternalReference`` to their path, clips without a ``MissingReference``
    that keeps the path, name and Montu ids in its metadata (shared helpers: ``horus_desktop.timeline``).
    """
    timeline = otio.schema.Timeline(name=name, metadata={"horus": metadata or {}})
    exact = Fraction(rate).limit_denominator(1001)
    set_meta(timeline, rate=rate_text(exact))
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
                track.append(otio.schema.Gap(source_range=trange(0, gap, rate)))
                cursor += gap
            track.append(_clip(clip, rate))
            cursor += clip["duration_frames"]
        timeline.tracks.append(track)
    return to_dict(timeline)


def _clip(clip: dict[str, Any], rate: float) -> otio.schema.Clip:
    info = dict(clip.get("clip_metadata") or {})
    info["clip_id"] = str(clip["id"]) if clip.get("id") else None
    name = clip.get("clip_name") or clip["media_path"].replace("\\", "/").rsplit("/", 1)[-1]
    media_id = str(clip["media_id"]) if clip.get("media_id") else None
    return make_clip(name=name, rate=rate, source_start=clip.get("source_start_frames") or 0,
                     duration=clip["duration_frames"], media_path=clip["media_path"], media_id=media_id, info=info)

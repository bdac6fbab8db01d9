"""Small shared helpers over OpenTimelineIO: times in frames, the ``horus`` metadata namespace, documents.

Everything is built and parsed with OpenTimelineIO itself; a document is kept as the dict of its
``otio_json`` form (what ``horus_timelines.otio_data`` holds).
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import opentimelineio as otio

from horus_desktop.timeline.otio_guard import refusal
from horus_desktop.timeline.otio_names import NS  # also imported from here, where it was defined first


def rate_of(rate: Fraction | float) -> float:
    """The float rate OTIO wants."""
    return float(rate)


def rt(frames: int, rate: Fraction | float) -> otio.opentime.RationalTime:
    """A RationalTime of ``frames`` at ``rate``."""
    return otio.opentime.RationalTime(frames, float(rate))


def trange(start: int, duration: int, rate: Fraction | float) -> otio.opentime.TimeRange:
    """A TimeRange in frames at ``rate``."""
    return otio.opentime.TimeRange(rt(start, rate), rt(duration, rate))


def frames(time: otio.opentime.RationalTime, rate: Fraction | float) -> int:
    """A RationalTime as a whole number of frames at ``rate`` (rounded)."""
    return round(time.value_rescaled_to(float(rate)))


def _keys(mapping: Any) -> list[str]:
    """The keys of an OTIO dict wrapper, taken ``len`` of them: running its iterator to the end costs a
    StopIteration raised through pybind11 (~30 µs, as much as reading ten keys)."""
    keys = iter(mapping)
    return [next(keys) for _ in range(len(mapping))]


def metadata_entry(obj: Any, key: str) -> Any:
    """``obj.metadata[key]`` or None; a missing key costs no KeyError raised through pybind11 (~50 µs)."""
    metadata = obj.metadata
    return metadata[key] if key in _keys(metadata) else None


def meta(obj: Any) -> dict[str, Any]:
    """The ``horus`` metadata dict of an OTIO object (created empty when absent), as a plain dict copy."""
    found = metadata_entry(obj, NS)
    return {} if found is None else {key: found[key] for key in _keys(found)}


def set_meta(obj: Any, **values: Any) -> None:
    """Merge ``values`` into the ``horus`` metadata of an OTIO object (None values removed)."""
    merged = {**meta(obj), **values}
    obj.metadata[NS] = {k: v for k, v in merged.items() if v is not None}


def to_dict(obj: otio.core.SerializableObject) -> dict[str, Any]:
    """An OTIO object as the dict of its otio_json text (written without indentation: the same dict, from a
    third of the text to parse). ``ValueError`` for metadata nested deeper than Python's parser goes (OTIO
    reads and writes it; a RecursionError is no error a caller expects from a document)."""
    text = otio.adapters.write_to_string(obj, "otio_json", indent=-1)
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise ValueError("the document is nested too deeply to be read") from exc


def from_dict(data: dict[str, Any]) -> Any:
    """An OTIO object from the dict of its otio_json text; ``ValueError`` for a document OTIO's reader would
    die on (``otio_guard``: a stored document is one another client may have pushed)."""
    text = json.dumps(data)
    reason = refusal(text, dumped=True)
    if reason is not None:
        raise ValueError(f"otio_data: {reason}")
    return otio.adapters.read_from_string(text, "otio_json")


def load_timeline(data: dict[str, Any] | None, name: str = "", rate: Fraction | float = 24) -> otio.schema.Timeline:
    """The OTIO Timeline of a stored document (an empty one when there is none)."""
    if not data:
        timeline = otio.schema.Timeline(name=name)
        timeline.global_start_time = rt(0, rate)
        return timeline
    loaded = from_dict(data)
    if not isinstance(loaded, otio.schema.Timeline):
        raise ValueError(f"otio_data holds a {type(loaded).__name__}, not a Timeline")
    return loaded


def timeline_rate(timeline: otio.schema.Timeline, default: Fraction | float = 24) -> Fraction:
    """The frame rate of a document: Horus's exact one in metadata, else OTIO's, else ``default``."""
    stored = meta(timeline).get("rate")
    if stored:
        num, _, den = str(stored).partition("/")
        return Fraction(int(num), int(den or 1))
    if timeline.global_start_time is not None:
        return _nice(timeline.global_start_time.rate)
    for clip in timeline.find_clips():
        if clip.source_range is not None:
            return _nice(clip.source_range.duration.rate)
    return Fraction(default)


def _nice(rate: float) -> Fraction:
    """A float rate as an exact fraction, NTSC rates recognised (23.976... -> 24000/1001)."""
    for base in (24, 30, 48, 60, 120):
        if abs(rate - base * 1000 / 1001) < 1e-3:
            return Fraction(base * 1000, 1001)
    return Fraction(rate).limit_denominator(1001)


def rate_text(rate: Fraction) -> str:
    """``num/den`` text of a rate, as kept in metadata."""
    return f"{rate.numerator}/{rate.denominator}"


def make_clip(
    *, name: str, rate: Fraction | float, source_start: int, duration: int, media_path: str | None,
    media_id: str | None = None, available: tuple[int, int] | None = None, info: dict[str, Any] | None = None,
) -> otio.schema.Clip:
    """A clip of a Horus media (ExternalReference) or of missing media (MissingReference keeping the path)."""
    values = {**(info or {}), "media_id": media_id, "media_path": media_path}
    reference: otio.core.MediaReference
    if media_id is None:
        reference = otio.schema.MissingReference(name=name)
        set_meta(reference, media_path=media_path)
    else:
        reference = otio.schema.ExternalReference(target_url=media_path or "")
        if available is not None:
            first, last = available
            reference.available_range = trange(first, last - first + 1, rate)
    clip = otio.schema.Clip(name=name, media_reference=reference, source_range=trange(source_start, duration, rate))
    set_meta(clip, **values)
    return clip

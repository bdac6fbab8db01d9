"""Checks of an imported OTIO document before anything is built from it or written.

OpenTimelineIO reads whatever numbers a file holds: a rate of 0 or NaN, a negative duration, a start of
1e300 frames. Built into clip rows those give ``ZeroDivisionError``, ``OverflowError`` or a database
error half-way through an import. :func:`check_document` walks every item, marker and media reference and
raises :class:`ValueError` naming the first bad one (``track 1 item 3 (clip 'sh010'): source_range.duration
is negative``); the importer turns it into a ``PlaylistFileError`` naming the file.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import Any

import opentimelineio as otio

from horus_desktop.timeline.otio_doc import NS, metadata_entry

MAX_FRAMES = 2**31 - 1
"""Frame numbers and durations are stored as 32-bit integers (``horus_timeline_clips``)."""

MAX_RATE = 999
"""Highest frame rate kept (``horus_timelines.frame_rate`` holds 999.99 at most)."""

MIN_RATE = 1
"""Lowest timeline rate: a timecode counts whole frames in a second."""


def check_rate(rate: Any, what: str = "rate") -> Fraction:
    """A timeline frame rate as an exact fraction; ``ValueError`` for 0, negative, NaN, infinite, below 1 or
    above 999 fps."""
    try:
        value = float(rate)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(f"{what}: {rate!r} is not a number") from exc
    if not math.isfinite(value) or not MIN_RATE <= value <= MAX_RATE:
        raise ValueError(f"{what}: {value:g} is not a frame rate ({MIN_RATE} to {MAX_RATE} fps)")
    return Fraction(rate) if isinstance(rate, Fraction) else Fraction(value).limit_denominator(1001)


def stored_rate(text: Any) -> Fraction:
    """The ``horus.rate`` metadata text (``24000/1001``) as a checked fraction."""
    num, sep, den = str(text).partition("/")
    try:
        rate = Fraction(int(num), int(den) if sep else 1)
    except (ValueError, ZeroDivisionError) as exc:
        raise ValueError(f"metadata horus.rate: {text!r} is not num/den") from exc
    return check_rate(rate, "metadata horus.rate")


def document_rate(document: otio.schema.Timeline) -> float:
    """The rate a document's own times are at (as ``otio_doc.timeline_rate`` finds it), unchecked."""
    if document.global_start_time is not None:
        return document.global_start_time.rate
    for clip in _clips_in_order(document.tracks):
        source = clip.source_range
        if source is not None:
            return source.duration.rate
    return 24.0


def _clips_in_order(composition: Any) -> Iterator[Any]:
    """The clips of a composition in ``find_clips`` order (depth first), found one by one: ``find_clips``
    makes every clip's Python object first (a 2,000-clip document's rate is its first clip's)."""
    for child in composition:
        if isinstance(child, otio.schema.Clip):
            yield child
        elif isinstance(child, otio.core.Composition):
            yield from _clips_in_order(child)


def _label(item: Any) -> str:
    kind = type(item).__name__.lower()
    return f"{kind} {item.name!r}" if getattr(item, "name", None) else kind


def _walk(composition: Any, where: str) -> Iterator[tuple[Any, str]]:
    """Every child of a composition, depth first, with its place (``track 1 item 3 (clip 'x')``)."""
    for index, child in enumerate(composition):
        if isinstance(composition, otio.schema.Stack):
            place = f"{where}track {index + 1}" if isinstance(child, otio.schema.Track) else f"{where}layer {index + 1}"
        else:
            place = f"{where}item {index + 1}"
        label = f"{place} ({_label(child)})"
        yield child, label
        if isinstance(child, otio.core.Composition):
            yield from _walk(child, f"{place} > ")


def _check_time(time: otio.opentime.RationalTime | None, what: str, timeline_rate: Fraction,
                negative_ok: bool = True) -> None:
    if time is None:
        return
    rate, value = time.rate, time.value
    if not math.isfinite(rate) or rate <= 0:
        raise ValueError(f"{what}: rate {rate:g} is not a frame rate")
    if not math.isfinite(value):
        raise ValueError(f"{what}: {value:g} is not a number")
    frames = value * float(timeline_rate) / rate
    if not math.isfinite(frames) or abs(frames) > MAX_FRAMES:
        raise ValueError(f"{what}: {value:g} at {rate:g} fps is out of range (at most {MAX_FRAMES} frames)")
    if frames < 0 and not negative_ok:
        raise ValueError(f"{what}: {value:g} is negative")


def _check_range(time_range: otio.opentime.TimeRange | None, what: str, rate: Fraction) -> None:
    if time_range is None:
        return
    _check_time(time_range.start_time, f"{what}.start_time", rate)
    _check_time(time_range.duration, f"{what}.duration", rate, negative_ok=False)


def _check_object(obj: Any, label: str, rate: Fraction) -> None:
    found = metadata_entry(obj, NS) if hasattr(obj, "metadata") else None
    if found is not None and not isinstance(found, Mapping):
        raise ValueError(f"{label}: metadata {NS!r} is not a dictionary")
    _check_range(getattr(obj, "source_range", None), f"{label}: source_range", rate)
    for marker in getattr(obj, "markers", ()):
        _check_range(marker.marked_range, f"{label}: marker {marker.name!r}", rate)
    if isinstance(obj, otio.schema.Transition):
        _check_time(obj.in_offset, f"{label}: in_offset", rate, negative_ok=False)
        _check_time(obj.out_offset, f"{label}: out_offset", rate, negative_ok=False)
    if isinstance(obj, otio.schema.Clip):
        for key, ref in obj.media_references().items():
            _check_range(ref.available_range, f"{label}: media reference {key}: available_range", rate)
            if isinstance(ref, otio.schema.ImageSequenceReference) and (
                    not math.isfinite(ref.rate) or ref.rate <= 0):
                raise ValueError(f"{label}: image sequence rate {ref.rate} is not a frame rate")


def check_document(document: otio.schema.Timeline, rate: Fraction) -> None:
    """Raise ``ValueError`` naming the first item whose times cannot be stored (see the module doc)."""
    check_rate(rate, "timeline rate")
    _check_object(document, "timeline", rate)
    _check_time(document.global_start_time, "timeline: global_start_time", rate)
    items = list(_walk(document.tracks, ""))
    # Clips before the tracks holding them: an EDL event with out before in is named by its clip, not
    # by the track whose length it made negative.
    for item, label in sorted(items, key=lambda pair: isinstance(pair[0], otio.core.Composition)):
        _check_object(item, label, rate)
        if isinstance(item, otio.core.Item) and not isinstance(item, otio.core.Composition):
            _check_time(_duration(item, label), f"{label}: duration", rate, negative_ok=False)
    _check_object(document.tracks, "track stack", rate)
    if len(document.tracks):
        _check_time(_duration(document, "timeline"), "timeline: duration", rate, negative_ok=False)


def _duration(obj: Any, label: str) -> otio.opentime.RationalTime:
    """OTIO's duration of an item; a clip with neither a source range nor an available range has none."""
    try:
        return obj.duration()
    except (otio.exceptions.OTIOError, NotImplementedError) as exc:  # a gap without a source range: the latter
        raise ValueError(f"{label}: no duration ({exc})") from exc


_ITEMS = {"Clip", "Gap", "Transition", "Track", "Stack"}


def times_fine(document: otio.schema.Timeline, data: Mapping[str, Any], rate: Fraction) -> bool:
    """Whether :func:`check_document` would find nothing wrong, decided in one pass over ``data`` (the
    document's otio_json dict: plain numbers, not OTIO's wrappers, which cost microseconds a field on
    thousands of clips). False whenever it is not sure (a clip without a source range, a schema it does not
    know, any bad number): the caller then runs :func:`check_document`, which names the first bad item."""
    try:
        check_rate(rate, "timeline rate")
        whole = document.duration() if len(document.tracks) else None
    except (ValueError, NotImplementedError, otio.exceptions.OTIOError):
        return False
    limit = float(rate)
    if not _object_fine(data, limit) or not _time_fine(data.get("global_start_time"), limit, True):
        return False
    if whole is not None and not _time_fine({"value": whole.value, "rate": whole.rate}, limit, False):
        return False
    tracks = data.get("tracks")
    return (type(tracks) is dict or isinstance(tracks, Mapping)) and _object_fine(tracks, limit) and \
        _children_fine(tracks, limit)


def _time_fine(time: Any, limit: float, negative_ok: bool) -> bool:
    """:func:`_check_time` without the message (``limit``: the timeline rate as a float). The dicts json
    makes are checked for first: an ABC's isinstance costs as much as the rest of the check."""
    if time is None:
        return True
    if not (type(time) is dict or isinstance(time, Mapping)):
        return False
    rate, value = time.get("rate"), time.get("value")
    if type(rate) not in (int, float) or type(value) not in (int, float):
        return False
    if not math.isfinite(rate) or rate <= 0 or not math.isfinite(value):
        return False
    frames = value * limit / rate
    return math.isfinite(frames) and abs(frames) <= MAX_FRAMES and (negative_ok or frames >= 0)


def _range_fine(time_range: Any, limit: float) -> bool:
    if time_range is None:
        return True
    return (type(time_range) is dict or isinstance(time_range, Mapping)) and \
        _time_fine(time_range.get("start_time"), limit, True) and _time_fine(time_range.get("duration"), limit, False)


def _object_fine(node: Mapping[str, Any], limit: float) -> bool:
    """:func:`_check_object` of one otio_json dict."""
    metadata = node.get("metadata")
    if metadata is not None and not (type(metadata) is dict or isinstance(metadata, Mapping)):
        return False
    found = (metadata or {}).get(NS)
    if found is not None and not (type(found) is dict or isinstance(found, Mapping)):
        return False
    if not _range_fine(node.get("source_range"), limit):
        return False
    for marker in node.get("markers") or ():
        if not (type(marker) is dict or isinstance(marker, Mapping)) or \
                not _range_fine(marker.get("marked_range"), limit):
            return False
    return True


def _children_fine(composition: Mapping[str, Any], limit: float) -> bool:
    for child in composition.get("children") or ():
        if not (type(child) is dict or isinstance(child, Mapping)):
            return False
        kind = str(child.get("OTIO_SCHEMA", "")).rpartition(".")[0]
        if kind not in _ITEMS or not _object_fine(child, limit):
            return False
        if kind == "Transition":
            if not (_time_fine(child.get("in_offset"), limit, False)
                    and _time_fine(child.get("out_offset"), limit, False)):
                return False
        elif kind in ("Track", "Stack"):
            if not _children_fine(child, limit):
                return False
        elif child.get("source_range") is None:  # a clip's duration from its media: check_document knows
            return False
        if kind == "Clip" and not _references_fine(child, limit):
            return False
    return True


def _references_fine(clip: Mapping[str, Any], limit: float) -> bool:
    references = clip.get("media_references")
    if not (type(references) is dict or isinstance(references, Mapping)):
        return False
    for ref in references.values():
        if ref is None:
            continue
        if not (type(ref) is dict or isinstance(ref, Mapping)) or not _range_fine(ref.get("available_range"), limit):
            return False
        if str(ref.get("OTIO_SCHEMA", "")).startswith("ImageSequenceReference."):
            rate = ref.get("rate")
            if type(rate) not in (int, float) or not math.isfinite(rate) or rate <= 0:
                return False
    return True

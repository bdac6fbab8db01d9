"""An OTIO Timeline -> flat tracks and ``horus_timeline_clips`` rows (nested stacks flattened).

Every track of the document, nested ones included, becomes one flat track, numbered in depth-first order
and named by its path of child indices (``"0"``, ``"2/3/0"``: track 2, its item 3 a stack, that stack's
track 0). A clip that is a direct child of a stack (OTIO's ``nested_example.otio``: a stack holding clips,
not tracks) is a layer of that stack: it gets a flat track of its own (``layer``), so every clip
``find_clips()`` finds has a row. Times are timeline frames. The document itself is kept whole in
``otio_data``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import opentimelineio as otio

from horus_desktop.timeline.otio_doc import NS, frames, meta, set_meta

Path = tuple[int, ...]


@dataclass
class FlatItem:
    """One child of a flat track at its place in timeline frames."""

    item: Any
    index: int
    start: int
    duration: int
    source_start: int | None = None
    plain_clip: bool = False  # ``item`` is a clip's otio_json dict (``otio_plain``), not an OTIO object


@dataclass
class FlatTrack:
    """One OTIO track (top level or nested), or one clip layer of a nested stack, with its items in frames.

    For a layer, ``track`` is the stack holding the clip, ``path`` the clip's own path and the one item's
    ``index`` its index in the stack: splices go to :attr:`owner` either way.
    """

    index: int
    path: Path
    track: Any
    kind: str
    items: list[FlatItem] = field(default_factory=list)
    layer: bool = False

    @property
    def path_text(self) -> str:
        """The path as ``"2/3/0"``."""
        return "/".join(str(i) for i in self.path)

    @property
    def owner(self) -> Path:
        """Path of the composition whose children the items are (the stack, for a layer)."""
        return self.path[:-1] if self.layer else self.path

    @property
    def name(self) -> str:
        """The track's name (``V1`` when it has none); a layer is named after its stack (``Stack 1 / 2``)."""
        if self.layer:
            return f"{self.track.name or 'stack'} / {self.path[-1] + 1}"
        return self.track.name or f"{self.kind[0].upper()}{self.index + 1}"


def track_kind(track: otio.schema.Track) -> str:
    """``audio`` for audio tracks, else ``video`` (the two kinds horus_timeline_clips knows)."""
    return "audio" if track.kind == otio.schema.TrackKind.Audio else "video"


def flatten(timeline: otio.schema.Timeline, rate: Fraction, data: Mapping[str, Any] | None = None) -> list[FlatTrack]:
    """Every track of the document, depth first, with its items placed in timeline frames.

    ``data``: the document's otio_json dict (as OTIO wrote it). A top-level track of clips and gaps, each
    with its source range and durations at one rate, is then placed from its plain numbers, by the very
    float operations OTIO's ``range_of_all_children`` makes (its objects cost microseconds an item); any
    other track as before."""
    out: list[FlatTrack] = []
    nodes = None
    if data is not None:
        found = (data.get("tracks") or {}).get("children")
        nodes = found if type(found) is list and len(found) == len(timeline.tracks) else None
    _walk_stack(timeline.tracks, 0, (), float(rate), out, nodes=nodes)  # frames() takes the float
    return out


def _walk_stack(stack: otio.schema.Stack, offset: int, prefix: Path, rate: float, out: list[FlatTrack],
                kind: str = "video", nodes: list[Any] | None = None) -> None:
    for ti, child in enumerate(stack):
        if isinstance(child, otio.schema.Track):
            placed = _plain_placement(nodes[ti], rate) if nodes is not None else None
            if placed is not None and len(placed) == len(child):
                _place_track(child, offset, (*prefix, ti), placed, out)
            else:
                _walk_track(child, offset, (*prefix, ti), rate, out)
        elif isinstance(child, otio.schema.Stack):  # a stack in a stack: its layers start where it starts
            skip = frames(child.source_range.start_time, rate) if child.source_range is not None else 0
            _walk_stack(child, offset - skip, (*prefix, ti), rate, out, kind)
        elif isinstance(child, otio.schema.Clip):  # every layer of a stack starts at the stack's start
            entry = FlatItem(child, ti, offset, frames(child.duration(), rate))
            if child.source_range is not None:
                entry.source_start = frames(child.source_range.start_time, rate)
            out.append(FlatTrack(index=len(out), path=(*prefix, ti), track=stack, kind=kind, items=[entry],
                                 layer=True))


def _rescaled(value: float, rate: float, new_rate: float) -> float:
    """``RationalTime(value, rate).value_rescaled_to(new_rate)``, as OTIO computes it."""
    return value if new_rate == rate else value * new_rate / rate


def _plain_placement(node: Any, rate: float) -> list[tuple[int, int, int]] | None:
    """(start, duration, source start) in frames at ``rate`` of every child of a track's otio_json dict, when
    every child is a clip or gap with a source range (numbers as OTIO writes them, every duration at one rate
    of at least 1); else None (OTIO places the track). OTIO sums the durations from a time at rate 1, which
    takes the first duration's rate: the same additions as here."""
    children = node.get("children") if type(node) is dict else None
    if type(children) is not list:
        return None
    out: list[tuple[int, int, int]] = []
    end = 0.0
    unit = None
    for child in children:
        if type(child) is not dict or str(child.get("OTIO_SCHEMA", "")).rpartition(".")[0] not in ("Clip", "Gap"):
            return None
        source = child.get("source_range")
        start = source.get("start_time") if type(source) is dict else None
        duration = source.get("duration") if type(source) is dict else None
        if type(start) is not dict or type(duration) is not dict:
            return None
        value, at, first, first_at = duration.get("value"), duration.get("rate"), start.get("value"), start.get("rate")
        if not all(type(n) is float for n in (value, at, first, first_at)) or at < 1 or at != (unit or at):
            return None
        unit = at
        out.append((round(_rescaled(end, at, rate)), round(_rescaled(value, at, rate)),
                    round(_rescaled(first, first_at, rate))))
        end += value
    return out


def _place_track(track: otio.schema.Track, offset: int, path: Path, placed: list[tuple[int, int, int]],
                 out: list[FlatTrack]) -> None:
    """:func:`_walk_track` of a track :func:`_plain_placement` placed (clips and gaps only: no nesting)."""
    flat = FlatTrack(index=len(out), path=path, track=track, kind=track_kind(track))
    out.append(flat)
    flat.items.extend(FlatItem(item, index, offset + start, duration, source_start)
                      for index, (item, (start, duration, source_start)) in enumerate(zip(track, placed, strict=True)))


def _walk_track(track: otio.schema.Track, offset: int, path: Path, rate: float, out: list[FlatTrack]) -> None:
    flat = FlatTrack(index=len(out), path=path, track=track, kind=track_kind(track))
    out.append(flat)
    ranges = track.range_of_all_children()
    for index, item in enumerate(track):  # OTIO's attributes read once each: every read builds a new object
        placed = ranges[item]
        start = offset + round(placed.start_time.value_rescaled_to(rate))
        entry = FlatItem(item, index, start, round(placed.duration.value_rescaled_to(rate)))
        source = item.source_range if isinstance(item, otio.core.Item) else None
        if source is not None:
            entry.source_start = round(source.start_time.value_rescaled_to(rate))
        flat.items.append(entry)
        if isinstance(item, otio.core.Composition):
            inner = start - (entry.source_start or 0)
            if isinstance(item, otio.schema.Stack):
                _walk_stack(item, inner, path + (index,), rate, out, flat.kind)
            elif isinstance(item, otio.schema.Track):
                _walk_track(item, inner, path + (index,), rate, out)


def iter_clips(tracks: list[FlatTrack]) -> Iterator[tuple[FlatTrack, FlatItem]]:
    """Every clip of the flat tracks, in track then time order."""
    for track in tracks:
        for entry in track.items:
            if entry.plain_clip or isinstance(entry.item, otio.schema.Clip):
                yield track, entry


def ensure_clip_ids(timeline: otio.schema.Timeline, fresh: bool = False) -> None:
    """Give every clip a ``horus.clip_id`` (new ids for all when ``fresh``: imports and duplicates)."""
    for clip in timeline.find_clips():
        if fresh or not meta(clip).get("clip_id"):
            set_meta(clip, clip_id=str(uuid.uuid4()))


def media_path_of(clip: otio.schema.Clip) -> str | None:
    """Where a clip's media is: its target URL, else the path kept on a missing reference."""
    ref = clip.media_reference
    if isinstance(ref, otio.schema.ExternalReference) and ref.target_url:
        return str(ref.target_url)
    if isinstance(ref, otio.schema.ImageSequenceReference):
        return f"{ref.target_url_base}{ref.name_prefix}%0{ref.frame_zero_padding}d{ref.name_suffix}"
    if ref is not None:
        kept = meta(ref).get("media_path") or meta(clip).get("media_path")
        if kept:
            return str(kept)
    return meta(clip).get("media_path")


def clip_path(track: FlatTrack, entry: FlatItem) -> Path:
    """Child indices of a clip from the document's top stack (``find_clips`` order is their sorted order)."""
    return track.path if track.layer else (*track.path, entry.index)


def node_at(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """The otio_json dict of the item at ``path`` in the otio_json dict of a timeline."""
    node = data["tracks"]
    for index in path:
        node = node["children"][index]
    return node


def active_reference(node: Mapping[str, Any]) -> tuple[str, Mapping[str, Any] | None]:
    """(schema name, dict) of the active media reference in a clip's otio_json dict (``""``, None: none)."""
    ref = (node.get("media_references") or {}).get(node.get("active_media_reference_key"))
    if type(ref) is not dict and not isinstance(ref, Mapping):  # json's dicts first: an ABC check is slow
        return "", None
    return str(ref.get("OTIO_SCHEMA", "")).rpartition(".")[0], ref


def horus_of(node: Mapping[str, Any], what: str = "metadata") -> dict[str, Any]:
    """A copy of the ``horus`` metadata of an otio_json dict (empty when absent), as :func:`meta` reads it."""
    return dict(_horus_in(node, what))


_NONE: Mapping[str, Any] = MappingProxyType({})


def _horus_in(node: Mapping[str, Any], what: str = "metadata") -> Mapping[str, Any]:
    """:func:`horus_of` without the copy, for a caller that only reads it (an import's thousands of clips)."""
    found = (node.get("metadata") or {}).get(NS)
    if found is None:
        return _NONE
    if type(found) is not dict and not isinstance(found, Mapping):
        raise ValueError(f"{what} {NS!r} is not a dictionary")
    return found


def node_media_path(node: Mapping[str, Any], info: Mapping[str, Any]) -> str | None:
    """:func:`media_path_of` read from a clip's otio_json dict (``info``: its ``horus`` metadata)."""
    kind, ref = active_reference(node)
    if kind == "ExternalReference" and ref is not None and ref.get("target_url"):
        return str(ref["target_url"])
    if kind == "ImageSequenceReference" and ref is not None:
        return (f"{ref['target_url_base']}{ref['name_prefix']}%0{ref['frame_zero_padding']}d"
                f"{ref['name_suffix']}")
    if ref is not None:
        kept = horus_of(ref, "media reference metadata").get("media_path") or info.get("media_path")
        if kept:
            return str(kept)
    return info.get("media_path")


def clip_rows(tracks: list[FlatTrack], nodes: list[dict[str, Any]] | None = None,
              uuids: Mapping[str, uuid.UUID] | None = None) -> list[dict[str, Any]]:
    """The ``horus_timeline_clips`` values of every clip (clip ids must be set: see ensure_clip_ids).

    ``nodes``: the otio_json dicts of the clips in :func:`iter_clips` order, read instead of the OTIO objects
    (an import writes its metadata there; OTIO's wrappers cost tens of microseconds a key). ``uuids``: ids
    the caller holds as UUIDs already, by their text (not parsed again)."""
    known = uuids or {}
    rows: list[dict[str, Any]] = []
    order: dict[int, int] = {}
    named: dict[int, tuple[str, str]] = {}  # a track's name and path, made once (its name is OTIO's wrapper's)
    for i, (track, entry) in enumerate(iter_clips(tracks)):
        clip: otio.schema.Clip = entry.item
        if nodes is None:
            info, name = meta(clip), clip.name
            path = media_path_of(clip) or f"missing:{name}"
        else:
            info, name = _horus_in(nodes[i]), nodes[i].get("name") or ""
            path = node_media_path(nodes[i], info) or f"missing:{name}"
        media_id = info.get("media_id")
        n = order.get(track.index, 0)
        order[track.index] = n + 1
        if track.index not in named:
            named[track.index] = (track.name[:100], track.path_text)
        track_name, track_path = named[track.index]
        extra = dict(info)  # but the three columns of their own (a copy and three pops: a third of a comprehension)
        extra.pop("clip_id", None)
        extra.pop("media_id", None)
        extra.pop("media_path", None)
        extra["track_path"], extra["item_index"], extra["missing_media"] = track_path, entry.index, media_id is None
        rows.append({
            "id": known.get(info["clip_id"]) or uuid.UUID(info["clip_id"]),
            "media_id": (known.get(media_id) or uuid.UUID(media_id)) if media_id else None,
            "media_path": path[:1000],
            "track_name": track_name,
            "track_type": track.kind,
            "track_index": track.index,
            "start_time_frames": entry.start,
            "duration_frames": entry.duration,
            "source_start_frames": entry.source_start or 0,
            "source_duration_frames": entry.duration,
            "clip_name": (name or path.rsplit("/", 1)[-1])[:255],
            "clip_metadata": extra,
            "clip_order": n,
        })
    return rows


def duration_frames(timeline: otio.schema.Timeline, rate: Fraction) -> int:
    """Length of the document in frames."""
    return frames(timeline.duration(), rate) if len(timeline.tracks) else 0

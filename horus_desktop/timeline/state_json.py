"""The track view state straight from a stored document's otio_json dict (the fast path of ``load_state``).

Re-parsing a 2,000-clip document into OTIO objects and reading every metadata dict through OTIO's
bindings cost most of a second; walking the JSON OpenTimelineIO wrote costs a few milliseconds. The walk
follows OTIO's own timing rules (a track's children end to end, transitions overlapping the cut by
``in_offset``/``out_offset`` and taking no time, a stack as long as its longest child, ``source_range``
trimming an item). Anything it does not know (a clip without a source range, an unknown schema) raises
:class:`Unsupported`, and the caller falls back to the OTIO path, so the result is always OTIO's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from horus_desktop.timeline.otio_names import NS


class Unsupported(Exception):
    """The document has something the JSON walk does not model; use the OTIO path."""


@dataclass
class JsonItem:
    """One child of a flat track, as ``otio_parse.FlatItem`` but holding the child's dict."""

    data: dict[str, Any]
    kind: str
    index: int
    start: int
    duration: int
    source_start: int | None = None


@dataclass
class JsonTrack:
    """One track of the document (nested ones too) or clip layer of a stack, depth first, as ``FlatTrack``."""

    index: int
    path: tuple[int, ...]
    data: dict[str, Any]
    kind: str
    items: list[JsonItem] = field(default_factory=list)
    layer: bool = False

    @property
    def name(self) -> str:
        """As ``otio_parse.FlatTrack.name``."""
        if self.layer:
            return f"{self.data.get('name') or 'stack'} / {self.path[-1] + 1}"
        return self.data.get("name") or f"{self.kind[0].upper()}{self.index + 1}"


def schema(data: dict[str, Any]) -> str:
    """``Clip`` of ``Clip.2``."""
    return str(data.get("OTIO_SCHEMA", "")).split(".", 1)[0]


def seconds(time: dict[str, Any] | None) -> float:
    """A RationalTime dict in seconds."""
    if not time:
        return 0.0
    rate = float(time["rate"])
    return float(time["value"]) / rate if rate else 0.0


def frames_of(time: dict[str, Any] | None, rate: Fraction) -> int:
    """A RationalTime dict as whole frames at ``rate`` (rounded, as ``otio_doc.frames``)."""
    if not time:
        return 0
    return round(float(time["value"]) * (float(rate) / float(time["rate"])))


def horus_meta(data: dict[str, Any] | None) -> dict[str, Any]:
    """The ``horus`` metadata of an object dict."""
    if not data:
        return {}
    found = (data.get("metadata") or {}).get(NS)
    return found if isinstance(found, dict) else {}


def active_reference(clip: dict[str, Any]) -> dict[str, Any] | None:
    """The clip's active media reference dict."""
    refs = clip.get("media_references")
    if refs:
        return refs.get(clip.get("active_media_reference_key") or "DEFAULT_MEDIA")
    return clip.get("media_reference")


def media_path(clip: dict[str, Any]) -> str | None:
    """As ``otio_parse.media_path_of``, on the dict."""
    ref = active_reference(clip)
    kind = schema(ref) if ref else ""
    if kind == "ExternalReference" and ref and ref.get("target_url"):
        return str(ref["target_url"])
    if kind == "ImageSequenceReference" and ref:
        return (f"{ref.get('target_url_base', '')}{ref.get('name_prefix', '')}%0{ref.get('frame_zero_padding', 0)}d"
                f"{ref.get('name_suffix', '')}")
    if ref:
        kept = horus_meta(ref).get("media_path") or horus_meta(clip).get("media_path")
        if kept:
            return str(kept)
    return horus_meta(clip).get("media_path")


def duration_seconds(data: dict[str, Any]) -> float:
    """OTIO's ``Item.duration()`` of an item dict, in seconds."""
    kind = schema(data)
    if kind == "Transition":
        return 0.0
    source = data.get("source_range")
    if source:
        return seconds(source["duration"])
    if kind == "Track":
        return sum(duration_seconds(c) for c in data.get("children", ()))
    if kind == "Stack":
        return max((duration_seconds(c) for c in data.get("children", ())), default=0.0)
    raise Unsupported(f"{kind or 'item'} {data.get('name')!r} has no source range")


def flatten_json(document: dict[str, Any], rate: Fraction) -> list[JsonTrack]:
    """Every track of a Timeline dict, depth first, items placed in timeline frames (as ``otio_parse.flatten``)."""
    if schema(document) != "Timeline":
        raise Unsupported(f"a {schema(document)}, not a Timeline")
    out: list[JsonTrack] = []
    _walk_stack(document["tracks"], 0, (), rate, out)
    return out


def _walk_stack(stack: dict[str, Any], offset: int, prefix: tuple[int, ...], rate: Fraction,
                out: list[JsonTrack], kind: str = "video") -> None:
    for ti, child in enumerate(stack.get("children", ())):
        what = schema(child)
        if what == "Track":
            _walk_track(child, offset, (*prefix, ti), rate, out)
        elif what == "Stack":
            skip = frames_of(child["source_range"]["start_time"], rate) if child.get("source_range") else 0
            _walk_stack(child, offset - skip, (*prefix, ti), rate, out, kind)
        elif what == "Clip":
            entry = JsonItem(child, "clip", ti, offset, round(duration_seconds(child) * float(rate)))
            if child.get("source_range"):
                entry.source_start = frames_of(child["source_range"]["start_time"], rate)
            out.append(JsonTrack(index=len(out), path=(*prefix, ti), data=stack, kind=kind, items=[entry],
                                 layer=True))


def _walk_track(track: dict[str, Any], offset: int, path: tuple[int, ...], rate: Fraction,
                out: list[JsonTrack]) -> None:
    flat = JsonTrack(index=len(out), path=path, data=track,
                     kind="audio" if track.get("kind") == "Audio" else "video")
    out.append(flat)
    fps = float(rate)
    at = 0.0
    for index, child in enumerate(track.get("children", ())):
        kind = schema(child)
        if kind == "Transition":
            before, after = seconds(child.get("in_offset")), seconds(child.get("out_offset"))
            entry = JsonItem(child, "transition", index, offset + round((at - before) * fps),
                             round((before + after) * fps))
            flat.items.append(entry)
            continue
        if kind not in ("Clip", "Gap", "Stack", "Track"):
            raise Unsupported(f"unknown child {kind!r} on track {track.get('name')!r}")
        length = duration_seconds(child)
        entry = JsonItem(child, kind.lower(), index, offset + round(at * fps), round(length * fps))
        if child.get("source_range"):
            entry.source_start = frames_of(child["source_range"]["start_time"], rate)
        flat.items.append(entry)
        at += length
        if kind in ("Stack", "Track"):
            inner = entry.start - (entry.source_start or 0)
            if kind == "Stack":
                _walk_stack(child, inner, path + (index,), rate, out, flat.kind)
            else:
                _walk_track(child, inner, path + (index,), rate, out)


def document_duration(document: dict[str, Any], rate: Fraction) -> int:
    """Length of the document in frames (``otio_parse.duration_frames``)."""
    tracks = document["tracks"]
    if not tracks.get("children"):
        return 0
    return round(duration_seconds(tracks) * float(rate))

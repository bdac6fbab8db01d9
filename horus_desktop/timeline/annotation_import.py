"""OpenRV ``Annotation.1`` effects of an imported OTIO file read back as Horus drawings.

Every layer is checked before anything is written: a malformed one raises :class:`PlaylistFileError`
naming the file, the clip and the field. Effects and layers of schemas Horus does not know (another
version, another tool's) are not lost: they are moved (effects before OTIO parses the file, see
:func:`set_aside_unknown_effects`) into the clip's ``horus_unknown_annotations``
metadata (their otio_json text, kept with the playlist) and listed in the import report.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import opentimelineio as otio

from horus_desktop.domain.shapes import Shape, ShapeError, Style
from horus_desktop.timeline.errors import PlaylistFileError
from horus_desktop.timeline.otio_annotations import register
from horus_desktop.timeline.otio_doc import meta, metadata_entry, timeline_rate
from horus_desktop.timeline.rv_space import DEFAULT_SIZE, RVSpace, hex_color, image_size

KEPT = "horus_unknown_annotations"
"""Clip metadata key of what was kept aside (a list of otio_json texts; outside the ``horus`` namespace, which
the clip rows mirror)."""
_KINDS = {"Paint": "freehand", "Line": "line", "Arrow": "arrow", "Rectangle": "rectangle", "Ellipse": "ellipse",
          "Text": "text"}


@dataclass
class Drawings:
    """The shape rows read from a document, and what was kept aside as unknown."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    layers: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (media, name) -> visible, colour
    changed: list[Any] = field(default_factory=list)  # the clips whose effects or kept annotations were rewritten

    def write(self, store: Any, user: str) -> None:
        """Store the shapes (the importing user's, under their authors' names) and give their layers records;
        a layer new to its media takes the file's visibility and colour. Call inside the import's transaction."""
        media_ids = list(dict.fromkeys(row["media_id"] for row in self.rows))
        existing = {(m, layer.layer_name) for m in media_ids for layer in store.layers.list(m)}
        store.annotations.add_many([{"user_name": user, **row, "user_id": user} for row in self.rows])
        for media_id in media_ids:
            for layer in store.layers.ensure_for_shapes(media_id, created_by=user):
                saved = self.layers.get((media_id, layer.layer_name))
                if saved is None or (media_id, layer.layer_name) in existing:
                    continue
                changes = {"is_visible": False} if not saved["visible"] else {}
                if _is_hex(saved.get("color")):
                    changes["layer_color"] = saved["color"]
                if changes:
                    store.layers.update(layer.id, **changes)


def _is_hex(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 7 and value[0] == "#" and all(
        c in "0123456789abcdefABCDEF" for c in value[1:])


class _Bad(ValueError):
    """A malformed layer field (the caller adds file and clip)."""


def _num(obj: Any, name: str) -> float:
    value = getattr(obj, name, None)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _Bad(f"{name}: {value!r} is not a number")
    return float(value)


def _xy(obj: Any, name: str, space: RVSpace) -> tuple[float, float]:
    pos = getattr(obj, name, None)
    if pos is None:
        raise _Bad(f"{name}: missing")
    return space.from_rv(_num(pos, "x"), _num(pos, "y"))


def _colour(obj: Any, name: str) -> tuple[str, float]:
    value = getattr(obj, name, None)
    try:
        values = [float(v) for v in value]  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise _Bad(f"{name}: {value!r} is not a list of numbers") from None
    if len(values) not in (3, 4):
        raise _Bad(f"{name}: expected 4 values (RGBA), found {len(values)}")
    return hex_color(values)


def _frames(layer: Any, rate: float) -> tuple[int, int]:
    shown = getattr(layer, "layer_range", None)
    if not isinstance(shown, otio.opentime.TimeRange):
        raise _Bad(f"layer_range: {shown!r} is not a TimeRange")
    try:
        start_f = shown.start_time.value_rescaled_to(rate)
        duration_f = shown.duration.value_rescaled_to(rate)
    except (ArithmeticError, ValueError) as exc:
        raise _Bad(f"layer_range: {exc}") from None
    if not all(math.isfinite(v) and abs(v) < 2**31 for v in (start_f, duration_f)):
        raise _Bad(f"layer_range: start {shown.start_time.value!r} / duration {shown.duration.value!r} at rate "
                   f"{shown.start_time.rate!r} are not frame numbers")
    return round(start_f), max(1, round(duration_f))


def _shape(layer: Any, kind: str, space: RVSpace, rate: float, extra: dict[str, Any]) -> tuple[Shape, int]:
    """A layer as a normalized shape and the frame it is drawn on."""
    start, duration = _frames(layer, rate)
    saved = extra.get("style") or {}
    if kind == "freehand":
        colour, opacity = _colour(layer, "rgba")
        samples = [(*space.from_rv(_num(p, "x"), _num(p, "y")), space.size_from_rv(_num(p, "width")))
                   for p in (getattr(layer, "points", None) or [])]
        if not samples:
            raise _Bad("points: a stroke needs at least one point")
        width = max(s[2] for s in samples) or float(saved.get("width", 0.004))
        style = {"width": float(saved.get("width", width)), "hold": duration}
        points = tuple((x, y, w / style["width"] if style["width"] else 1.0) for x, y, w in samples)
        if extra.get("pressure") is False:
            points = tuple(p[:2] for p in points)
        shape = Shape(kind, points=points)
        frame = start
    else:
        # OpenRV draws these on the last frame of their range; a held shape keeps its hold in the metadata.
        frame = start + duration - 1
        if kind in ("line", "arrow"):
            colour, opacity = _colour(layer, "border_color" if kind == "line" else "inner_color")
            style = {"width": space.size_from_rv(_num(layer, "width"))}
            shape = Shape(kind, points=(_xy(layer, "start_position", space), _xy(layer, "end_position", space)))
        elif kind == "text":
            colour, opacity = _colour(layer, "inner_color")
            font_size = space.size_from_rv(_num(layer, "font_size"))
            x, y = _xy(layer, "anchor", space)
            text = getattr(layer, "text", None)
            if not isinstance(text, str):
                raise _Bad(f"text: {text!r} is not text")
            style = {"font_size": font_size}
            shape = Shape(kind, box=(x, y - font_size, 0.0, 0.0), text=text)
        else:
            colour, opacity = _colour(layer, "border_color")
            (x1, y1), (x2, y2) = _xy(layer, "min", space), _xy(layer, "max", space)
            box = (min(x1, x2), min(y1, y2), abs(x2 - x1), abs(y2 - y1))
            style = {"width": space.size_from_rv(_num(layer, "border_width"))}
            if extra.get("kind") == "point":  # a Horus pin, written as a dot
                kind, box = "point", (box[0] + box[2] / 2, box[1] + box[3] / 2, 0.0, 0.0)
            shape = Shape(kind, box=box)
        if extra.get("style"):
            frame = start
    try:
        merged = Style.from_dict({**saved, **style, "color": colour, "opacity": opacity})
    except ShapeError as exc:
        raise _Bad(str(exc)) from exc
    return shape.restyled(merged), frame


def _as_json(obj: Any) -> str:
    """An object's otio_json text: kept as a string, so OTIO does not turn it back into an object on reload."""
    return json.dumps(json.loads(otio.adapters.write_to_string(obj, "otio_json")), separators=(",", ":"))


def set_aside_unknown_effects(data: Any) -> bool:
    """Move effects of schemas OTIO cannot build (unknown, or a newer version) out of each clip's ``effects``
    into its ``horus_unknown_annotations`` metadata (as otio_json texts), in an otio_json dict, before OTIO reads it (OTIO refuses the whole file
    otherwise). Returns whether anything was moved."""
    register()
    known = otio.core.type_version_map()
    moved = False
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        stack.extend(v for k, v in node.items() if k != "effects")
        effects = node.get("effects")
        if not str(node.get("OTIO_SCHEMA", "")).startswith("Clip.") or not isinstance(effects, list):
            continue
        kept, aside = [], []
        for effect in effects:
            name, _, version = str(effect.get("OTIO_SCHEMA", "") if isinstance(effect, dict) else "").rpartition(".")
            if name and version.isdigit() and (name not in known or int(version) > known[name]):
                aside.append(json.dumps(effect, separators=(",", ":")))
            else:
                kept.append(effect)
        if aside:
            node["effects"] = kept
            metadata = node.setdefault("metadata", {})
            if isinstance(metadata, dict):
                metadata[KEPT] = [*metadata.get(KEPT, []), *aside]
                moved = True
    return moved


def _schemas(texts: list[str]) -> list[str]:
    names = []
    for text in texts:
        try:
            names.append(str(json.loads(text).get("OTIO_SCHEMA", "?")))
        except (ValueError, AttributeError):
            names.append("?")
    return names


def _image_bounds(clip: otio.schema.Clip) -> tuple[float, float, float, float] | None:
    """Where the clip's media reference says its image sits (``available_image_bounds``), when it is usable."""
    box = getattr(clip.media_reference, "available_image_bounds", None)
    if box is None:
        return None
    bounds = (box.min.x, box.min.y, box.max.x, box.max.y)
    if not all(math.isfinite(v) for v in bounds) or bounds[2] <= bounds[0] or bounds[3] <= bounds[1]:
        return None
    return bounds


def read_drawings(document: otio.schema.Timeline, path: Path, sizes: dict[str, str | None],
                  clips: Iterable[tuple[otio.schema.Clip, str | None]] | None = None) -> Drawings:
    """The drawings of every clip linked to a media (``sizes``: media id -> resolution), unknowns kept aside.

    Known annotation effects are taken off the clips (they become drawings); nothing is written here.
    ``clips``: the (clip, media id) pairs to read, in document order (an import passes those holding effects
    or kept annotations); by default every clip of ``document``, its media id read from its metadata. The
    clips changed are listed in ``Drawings.changed``.
    """
    register()
    rate = float(timeline_rate(document))
    out = Drawings()
    seen: set[tuple[str, str]] = set()
    if clips is None:
        clips = ((clip, meta(clip).get("media_id")) for clip in document.find_clips())
    for clip, media_id in clips:
        unknown: list[str] = [str(text) for text in metadata_entry(clip, KEPT) or []]
        kept_effects = []
        for effect in clip.effects:
            if isinstance(effect, otio.schemadef.Annotation.Annotation):
                if media_id is None:
                    unknown.append(_as_json(effect))  # no media to draw on: kept as it came
                    continue
                size = image_size(sizes.get(media_id)) or DEFAULT_SIZE
                try:
                    space = RVSpace(*size, bounds=_image_bounds(clip))
                    _read_effect(effect, media_id, space, rate, out, unknown, seen, clip.name)
                except _Bad as exc:
                    raise PlaylistFileError(path, f"clip {clip.name!r}: annotation {effect.name!r}: {exc}") from exc
            else:
                kept_effects.append(effect)
        changed = bool(unknown)
        if len(kept_effects) != len(clip.effects):
            clip.effects[:] = kept_effects  # type: ignore[index]
            changed = True
        if unknown:
            clip.metadata[KEPT] = unknown
            out.kept.append(f"{clip.name}: {', '.join(_schemas(unknown))} not read as drawings, kept in the "
                            "clip's metadata")
        if changed:
            out.changed.append(clip)
    return out


def _read_effect(effect: Any, media_id: str, space: RVSpace, rate: float, out: Drawings, unknown: list[str],
                 seen: set[tuple[str, str]], clip_name: str) -> None:
    extras = meta(effect)
    layer_name = str(extras.get("layer_name") or effect.name or "default")[:100]
    order = extras.get("layer_order", 0)
    out.layers.setdefault((media_id, layer_name), {"visible": getattr(effect, "visible", True) is not False,
                                                   "color": extras.get("layer_color")})
    saved = dict(extras.get("shapes") or {})
    layers = getattr(effect, "layers", None)
    if layers is None:
        raise _Bad("layers: missing")
    for index, layer in enumerate(layers):
        if not isinstance(layer, otio.core.SerializableObject):
            raise _Bad(f"layers[{index}]: {layer!r} is not an annotation layer")
        label = f"{layer.schema_name()}.{layer.schema_version()}"
        kind = _KINDS.get(layer.schema_name())
        erase = kind == "freehand" and getattr(layer, "type", "COLOR") not in ("COLOR", "")
        if layer.is_unknown_schema or kind is None or erase:  # (Horus has no eraser strokes)
            unknown.append(_as_json(layer))
            continue
        if getattr(layer, "soft_deleted", False):
            continue  # erased in OpenRV, kept there only for undo
        shape_id = str(getattr(layer, "id", "") or uuid.uuid4())
        if (media_id, shape_id) in seen:  # the same media twice in the playlist: its drawings once
            continue
        seen.add((media_id, shape_id))
        extra = dict(saved.get(shape_id) or {})
        try:
            shape, frame = _shape(layer, kind, space, rate, extra)
        except _Bad as exc:
            raise _Bad(f"layers[{index}] ({label}): {exc}") from exc
        fields = shape.row_fields()
        author = extra.get("author")
        if isinstance(author, str) and author.strip():
            fields["user_name"] = author[:255]  # the drawing's author, as Horus exported it
        out.rows.append({**fields, "media_id": media_id, "frame_number": frame, "layer_name": layer_name,
                         "layer_order": int(order) if isinstance(order, int) else 0,
                         "is_visible": bool(getattr(layer, "visible", True)) and extra.get("visible", True)})

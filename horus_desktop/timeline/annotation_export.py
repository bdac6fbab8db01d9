"""Horus drawings written on OTIO clips as OpenRV ``Annotation.1`` effects (one effect per drawing layer).

Every shape becomes the OpenRV layer of its kind (freehand -> ``Paint.2``, line -> ``Line.1``, arrow ->
``Arrow.1``, rectangle -> ``Rectangle.1``, ellipse and pin -> ``Ellipse.1``, text -> ``Text.1``) with its
geometry in OpenRV's space (:mod:`.rv_space`), so OpenRV shows it; what OpenRV has no field for (the Horus
style, the layer's name and order, a pin, a hold on shapes other than strokes) is kept in the effect's
``horus`` metadata so Horus reads its own files back exactly.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

import opentimelineio as otio

from horus_desktop.domain.records import Annotation, AnnotationLayer
from horus_desktop.domain.shapes import Shape, ShapeError, shape_from_row
from horus_desktop.domain.wording import counted
from horus_desktop.timeline.otio_annotations import register
from horus_desktop.timeline.otio_doc import meta, set_meta, timeline_rate, trange
from horus_desktop.timeline.rv_space import DEFAULT_SIZE, RVSpace, image_size, rgba

EFFECT = "Annotation.1"


def _pos(space: RVSpace, x: float, y: float) -> Any:
    rx, ry = space.to_rv(x, y)
    return otio.schemadef.Position.Position(x=rx, y=ry)


def shape_layer(shape: Shape, shape_id: str, frame: int, rate: float, space: RVSpace) -> Any:
    """The OpenRV layer object of one normalized shape drawn on ``frame``."""
    sd = otio.schemadef
    style = shape.style
    colour = rgba(style.color, style.opacity)
    width = space.size_to_rv(style.width)
    # OpenRV shows strokes for their whole layer_range but other shapes on its last frame only: a held
    # shape other than a stroke is written on its first frame (its hold is kept in the horus metadata).
    shown = trange(frame, style.hold if shape.kind == "freehand" else 1, rate)
    common = {"id": shape_id, "visible": True, "layer_range": shown}
    if shape.kind == "freehand":
        points = [sd.Point.Point(width=width * (p[2] if len(p) > 2 else 1.0), x=rx, y=ry)
                  for p in shape.points for rx, ry in [space.to_rv(p[0], p[1])]]
        return sd.Paint.Paint(points=points, rgba=colour, type="COLOR", brush="circle", soft_deleted=False, **common)
    if shape.kind in ("line", "arrow"):
        (x1, y1, *_), (x2, y2, *_) = shape.points[0], shape.points[-1]
        ends = {"start_position": _pos(space, x1, y1), "end_position": _pos(space, x2, y2)}
        if shape.kind == "line":
            return sd.Line.Line(border_color=colour, width=width, **ends, **common)
        return sd.Arrow.Arrow(inner_color=colour, border_color=colour, width=width, border_width=0.0, **ends, **common)
    assert shape.box is not None
    x, y, w, h = shape.box
    if shape.kind == "text":
        # Horus anchors a label at its top-left; OpenRV at the baseline, one font size lower.
        return sd.Text.Text(anchor=_pos(space, x, y + style.font_size), text=shape.text or "",
                            font_family="sans-serif", font_size=space.size_to_rv(style.font_size),
                            font_weight="BOLD", inner_color=colour, **common)
    if shape.kind == "point":  # a pin: a dot of three stroke widths
        r = 1.5 * style.width  # a fraction of the height; across, r / aspect of the width
        x, y, w, h = x - r / space.aspect, y - r, 2 * r / space.aspect, 2 * r
    corners = {"min": _pos(space, x, y + h), "max": _pos(space, x + w, y)}  # min = lowest x and y (y up)
    fill = [*colour[:3], 1.0 if shape.kind == "point" else 0.0]
    kind = sd.Rectangle.Rectangle if shape.kind == "rectangle" else sd.Ellipse.Ellipse
    return kind(inner_color=fill, border_color=colour, border_width=width, **corners, **common)


def drawing_effects(shapes: Iterable[Annotation], layers: Iterable[AnnotationLayer], space: RVSpace,
                    rate: float) -> tuple[list[Any], int]:
    """The ``Annotation.1`` effects of a clip's shapes (one per layer, bottom first); and how many were unreadable."""
    register()
    records = {layer.layer_name: layer for layer in layers}
    grouped: dict[str, list[Annotation]] = {}
    for row in shapes:
        grouped.setdefault(row.layer_name or "default", []).append(row)
    effects = []
    skipped = 0
    for name, rows in sorted(grouped.items(), key=lambda kv: (kv[1][0].layer_order or 0, kv[0])):
        record = records.get(name)
        effect = otio.schemadef.Annotation.Annotation(name=name, visible=record.is_visible is not False
                                                      if record else True)
        kept: dict[str, Any] = {}
        for row in rows:
            try:
                shape = shape_from_row(row.annotation_type, row.coordinates, row.style_properties, row.content)
            except ShapeError:
                skipped += 1
                continue
            effect.layers.append(shape_layer(shape, str(row.id), row.frame_number, rate, space))
            kept[str(row.id)] = {"kind": shape.kind, "style": shape.style.to_dict(), "author": row.user_name,
                                 "visible": row.is_visible is not False}
            if shape.kind == "freehand" and all(len(p) < 3 for p in shape.points):
                kept[str(row.id)]["pressure"] = False  # drawn without a tablet: read back without pressure
        effect.hold = any(s["style"]["hold"] > 1 for s in kept.values())
        set_meta(effect, layer_name=name, layer_order=rows[0].layer_order or 0,
                 layer_color=record.layer_color if record else None, shapes=kept)
        effects.append(effect)
    return effects, skipped


def add_drawing_effects(store: Any, document: otio.schema.Timeline) -> list[str]:
    """Put each clip's drawings (in its source range) on it as Annotation effects, replacing older ones.

    Returns what the export could not keep exactly (unknown resolutions, unreadable shapes), for the report.
    """
    register()
    rate = float(timeline_rate(document))
    clips = [c for c in document.find_clips() if meta(c).get("media_id")]
    media_ids = {uuid.UUID(meta(c)["media_id"]) for c in clips}
    shapes = store.annotations.list_by_media(media_ids)
    medias = {m.id: m for m in store.media.get_many(list(media_ids))}
    notes: list[str] = []
    layers: dict[uuid.UUID, list[AnnotationLayer]] = {}  # a media twice in the playlist: its layers read once
    for clip in clips:
        clip.effects[:] = [e for e in clip.effects if getattr(e, "effect_name", "") != EFFECT]  # type: ignore[index]
        media_id = uuid.UUID(meta(clip)["media_id"])
        if clip.source_range is None or media_id not in shapes:
            continue
        first = round(clip.source_range.start_time.value_rescaled_to(rate))
        last = first + round(clip.source_range.duration.value_rescaled_to(rate))
        rows = [s for s in shapes[media_id] if first <= s.frame_number < last]
        if not rows:
            continue
        media = medias.get(media_id)
        size = image_size(media.resolution if media else None)
        if size is None:
            notes.append(f"{clip.name}: resolution unknown, drawings placed for a {DEFAULT_SIZE[0]}x"
                         f"{DEFAULT_SIZE[1]} image")
        if media_id not in layers:
            layers[media_id] = store.layers.list(media_id)
        effects, skipped = drawing_effects(rows, layers[media_id], RVSpace(*(size or DEFAULT_SIZE)), rate)
        if skipped:
            notes.append(f"{clip.name}: {counted(skipped, 'unreadable drawing')} not exported")
        clip.effects.extend(effects)
    return notes

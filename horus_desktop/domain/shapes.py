"""Drawn shapes as stored in ``horus_annotations.coordinates``: one shape per row, in image space.

Coordinates are normalized to the image's display window (0..1 across its width and height), so a drawing
made on a 4K plate sits in the same place on a 1K proxy. Every coordinates object carries a schema
version ``v``. Pixel coordinates (``"space": "pixels"``, e.g. from the Montu import when the media's size
was unknown) are accepted and normalized once the image size is known.

- ``freehand``: ``{"v": 1, "points": [[x, y, pressure], ...]}`` (pressure 0..1, 1 without a tablet)
- ``line`` / ``arrow``: ``{"v": 1, "points": [[x1, y1], [x2, y2]]}`` (an arrow points at its second point)
- ``rectangle`` / ``ellipse``: ``{"v": 1, "x": .., "y": .., "w": .., "h": ..}`` (top-left and size)
- ``text``: ``{"v": 1, "x": .., "y": ..}``, the text itself in the row's ``content``
- ``point``: ``{"v": 1, "x": .., "y": ..}`` (a pin)

``style_properties``: ``color`` (#rrggbb), ``width`` (stroke width as a fraction of the image height),
``opacity`` (0..1), ``font_size`` (fraction of the image height), ``hold`` (frames the shape stays on
screen from its frame; 1 = that frame only), ``comment_id`` (optional: the note this drawing belongs to,
set when a note is written on the frame the drawing was made on).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1
SHAPE_KINDS = ("freehand", "line", "arrow", "rectangle", "ellipse", "text", "point")
_POINT_KINDS = frozenset({"freehand", "line", "arrow"})
_BOX_KINDS = frozenset({"rectangle", "ellipse"})
_ANCHOR_KINDS = frozenset({"text", "point"})
#: Older or foreign names for the same shapes (the seed's vocabulary, Montu's "rect").
_ALIASES = {"rect": "rectangle", "box": "rectangle", "circle": "ellipse", "pen": "freehand", "stroke": "freehand",
            "polygon": "freehand", "pin": "point"}

DEFAULT_STYLE: dict[str, Any] = {"color": "#ff3b30", "width": 0.004, "opacity": 1.0, "font_size": 0.03, "hold": 1}


class ShapeError(ValueError):
    """Stored coordinates that cannot be read as a shape; says which field."""


@dataclass(frozen=True, slots=True)
class Style:
    """How a shape is drawn."""

    color: str = DEFAULT_STYLE["color"]
    width: float = DEFAULT_STYLE["width"]
    opacity: float = DEFAULT_STYLE["opacity"]
    font_size: float = DEFAULT_STYLE["font_size"]
    hold: int = DEFAULT_STYLE["hold"]
    comment_id: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Style:
        """Read ``style_properties`` (missing keys take defaults, bad values are refused by name)."""
        data = dict(data or {})
        try:
            style = cls(
                color=str(data.get("color", DEFAULT_STYLE["color"])),
                width=float(data.get("width", DEFAULT_STYLE["width"])),
                opacity=float(data.get("opacity", DEFAULT_STYLE["opacity"])),
                font_size=float(data.get("font_size", DEFAULT_STYLE["font_size"])),
                hold=int(data.get("hold", DEFAULT_STYLE["hold"])),
                comment_id=None if data.get("comment_id") is None else str(data["comment_id"]),
            )
        except (TypeError, ValueError) as exc:
            raise ShapeError(f"style_properties: {exc}") from exc
        if not (0.0 <= style.opacity <= 1.0):
            raise ShapeError(f"style_properties.opacity: {style.opacity} is outside 0..1")
        if style.hold < 1:
            raise ShapeError(f"style_properties.hold: {style.hold} frames; at least 1")
        return style

    def to_dict(self) -> dict[str, Any]:
        """As stored in ``style_properties``."""
        out: dict[str, Any] = {"color": self.color, "width": self.width, "opacity": self.opacity,
                               "font_size": self.font_size, "hold": self.hold}
        if self.comment_id is not None:
            out["comment_id"] = self.comment_id
        return out


@dataclass(frozen=True, slots=True)
class Shape:
    """A drawn shape in normalized image coordinates."""

    kind: str
    points: tuple[tuple[float, ...], ...] = ()
    box: tuple[float, float, float, float] | None = None  # x, y, w, h
    text: str | None = None
    style: Style = field(default_factory=Style)

    def __post_init__(self) -> None:
        if self.kind not in SHAPE_KINDS:
            raise ShapeError(f"annotation_type: {self.kind!r} is not one of {', '.join(SHAPE_KINDS)}")
        if self.kind in _POINT_KINDS and len(self.points) < (1 if self.kind == "freehand" else 2):
            raise ShapeError(f"coordinates.points: a {self.kind} needs more points")
        if self.kind in _BOX_KINDS | _ANCHOR_KINDS and self.box is None:
            raise ShapeError(f"coordinates: a {self.kind} needs x and y")

    def coordinates(self) -> dict[str, Any]:
        """The ``coordinates`` JSON of this shape."""
        if self.kind in _POINT_KINDS:
            return {"v": SCHEMA_VERSION, "points": [list(p) for p in self.points]}
        assert self.box is not None
        x, y, w, h = self.box
        if self.kind in _BOX_KINDS:
            return {"v": SCHEMA_VERSION, "x": x, "y": y, "w": w, "h": h}
        return {"v": SCHEMA_VERSION, "x": x, "y": y}

    def row_fields(self) -> dict[str, Any]:
        """The annotation row fields this shape fills."""
        return {"annotation_type": self.kind, "coordinates": self.coordinates(),
                "style_properties": self.style.to_dict(), "content": self.text}

    def bounds(self) -> tuple[float, float, float, float]:
        """The normalized bounding box (x, y, w, h)."""
        if self.box is not None:
            return self.box
        xs = [p[0] for p in self.points]
        ys = [p[1] for p in self.points]
        return (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))

    def moved(self, dx: float, dy: float) -> Shape:
        """The same shape shifted by (dx, dy) in normalized units."""
        points = tuple((p[0] + dx, p[1] + dy, *p[2:]) for p in self.points)
        box = None if self.box is None else (self.box[0] + dx, self.box[1] + dy, self.box[2], self.box[3])
        return Shape(self.kind, points, box, self.text, self.style)

    def resized(self, box: tuple[float, float, float, float]) -> Shape:
        """The same shape stretched from its bounds into ``box`` (x, y, w, h), in its own units."""
        x0, y0, w0, h0 = self.bounds()
        x1, y1, w1, h1 = box
        sx = w1 / w0 if w0 else 1.0
        sy = h1 / h0 if h0 else 1.0
        points = tuple((x1 + (p[0] - x0) * sx, y1 + (p[1] - y0) * sy, *p[2:]) for p in self.points)
        if self.box is None:
            return Shape(self.kind, points, None, self.text, self.style)
        new_box = (x1, y1, w1, h1) if self.kind in _BOX_KINDS else (x1, y1, 0.0, 0.0)
        return Shape(self.kind, points, new_box, self.text, self.style)

    def restyled(self, style: Style) -> Shape:
        """The same geometry with another style."""
        return Shape(self.kind, self.points, self.box, self.text, style)

    def to_pixels(self, width: int, height: int) -> Shape:
        """Pixel coordinates for an image of ``width`` x ``height`` (for drawing on the scene)."""
        return _scaled(self, width, height)


def shape_from_row(annotation_type: str, coordinates: Any, style_properties: Mapping[str, Any] | None = None,
                   content: str | None = None, *, image_size: tuple[int, int] | None = None) -> Shape:
    """Read a stored annotation as a normalized shape.

    ``image_size`` (width, height) is needed only for coordinates stored in pixels.
    """
    kind = _ALIASES.get(str(annotation_type).lower(), str(annotation_type).lower())
    if not isinstance(coordinates, Mapping):
        raise ShapeError(f"coordinates: expected an object, found {type(coordinates).__name__}")
    version = coordinates.get("v", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise ShapeError(f"coordinates.v: schema version {version!r} is not known to this Horus")
    kind = _ALIASES.get(str(coordinates.get("kind", kind)).lower(), kind) if kind not in SHAPE_KINDS else kind
    style = Style.from_dict(style_properties)
    try:
        if "points" in coordinates:
            points = tuple(tuple(float(v) for v in p) for p in coordinates["points"])
            shape = Shape(kind if kind in _POINT_KINDS else "freehand", points=points, text=content, style=style)
        elif {"w", "h"} <= set(coordinates) or {"width", "height"} <= set(coordinates):
            w = coordinates.get("w", coordinates.get("width"))
            h = coordinates.get("h", coordinates.get("height"))
            box = (float(coordinates["x"]), float(coordinates["y"]), float(w), float(h))
            shape = Shape(kind if kind in _BOX_KINDS else "rectangle", box=box, text=content, style=style)
        else:
            box = (float(coordinates["x"]), float(coordinates["y"]), 0.0, 0.0)
            shape = Shape(kind if kind in _ANCHOR_KINDS else "point", box=box, text=content, style=style)
    except KeyError as exc:
        raise ShapeError(f"coordinates.{exc.args[0]}: missing") from exc
    except (TypeError, ValueError) as exc:
        raise ShapeError(f"coordinates: {exc}") from exc
    if coordinates.get("space") == "pixels":
        if image_size is None:
            raise ShapeError("coordinates.space: pixel coordinates need the image size")
        shape = _scaled(shape, 1.0 / image_size[0], 1.0 / image_size[1])
    return shape


def _scaled(shape: Shape, sx: float, sy: float) -> Shape:
    points = tuple((p[0] * sx, p[1] * sy, *p[2:]) for p in shape.points)
    box = None if shape.box is None else (shape.box[0] * sx, shape.box[1] * sy, shape.box[2] * sx, shape.box[3] * sy)
    return Shape(shape.kind, points, box, shape.text, shape.style)


def hold_of(style_properties: Mapping[str, Any] | None) -> int:
    """How many frames a shape stays on screen (1 when not held; unreadable values count as 1)."""
    try:
        return max(1, int((style_properties or {}).get("hold", 1)))
    except (TypeError, ValueError):
        return 1


def shown_on(frame_number: int, style_properties: Mapping[str, Any] | None, frame: int) -> bool:
    """Whether a shape drawn on ``frame_number`` is on screen at ``frame`` (its hold included)."""
    return frame_number <= frame < frame_number + hold_of(style_properties)


def ghost_frames(annotated: Iterable[int], frame: int) -> tuple[int | None, int | None]:
    """The nearest annotated frames before and after ``frame`` (for onion-skin ghosting)."""
    before = after = None
    for f in annotated:
        if f < frame and (before is None or f > before):
            before = f
        elif f > frame and (after is None or f < after):
            after = f
    return before, after


def neighbour_frame(marked: Sequence[int], frame: int, step: int) -> int | None:
    """The previous (step -1) or next (step +1) frame with a note or drawing, for ``,`` and ``.``."""
    candidates = [f for f in marked if (f - frame) * step > 0]
    if not candidates:
        return None
    return max(candidates) if step < 0 else min(candidates)

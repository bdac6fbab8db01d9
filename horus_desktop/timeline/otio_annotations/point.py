"""OTIO schemadef ``Point.1``: one sample of a paint stroke (position and stroke width there)."""

import opentimelineio as otio


@otio.core.register_type
class Point(otio.core.SerializableObject):
    """x, y in the annotation space and the stroke's width at that sample, in the same units."""

    _serializable_label = "Point.1"
    _name = "Point"

    def __init__(self, width: float = 0.0, x: float = 0.0, y: float = 0.0) -> None:
        super().__init__()
        self.width = width
        self.x = x
        self.y = y

    width = otio.core.serializable_field("width", required_type=float, doc="stroke width at this point")
    x = otio.core.serializable_field("x", required_type=float, doc="x")
    y = otio.core.serializable_field("y", required_type=float, doc="y")

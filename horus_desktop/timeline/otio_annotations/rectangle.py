"""OTIO schemadef ``Rectangle.1``: an axis-aligned box between two corners ``min`` and ``max``."""

import opentimelineio as otio


@otio.core.register_type
class Rectangle(otio.core.SerializableObject):
    """A box: corners (Position.1), fill and outline colours, outline width, corner radius."""

    _serializable_label = "Rectangle.1"
    _name = "Rectangle"

    def __init__(self, min=None, max=None, inner_color: list | None = None,  # noqa: A002, ANN001
                 border_color: list | None = None, border_width: float = 0.0, corner_radius: float = 0.0,
                 id: str = "", visible: bool = True,  # noqa: A002
                 layer_range: otio.opentime.TimeRange | None = None) -> None:
        super().__init__()
        self.min = min
        self.max = max
        self.inner_color = inner_color or [0.0, 0.0, 0.0, 0.0]
        self.border_color = border_color or [1.0, 1.0, 1.0, 1.0]
        self.border_width = border_width
        self.corner_radius = corner_radius
        self.id = id
        self.visible = visible
        self.layer_range = layer_range

    min = otio.core.serializable_field("min", doc="one corner (Position.1)")
    max = otio.core.serializable_field("max", doc="the opposite corner (Position.1)")
    inner_color = otio.core.serializable_field("inner_color", required_type=list, doc="fill, RGBA 0..1")
    border_color = otio.core.serializable_field("border_color", required_type=list, doc="outline, RGBA 0..1")
    border_width = otio.core.serializable_field("border_width", required_type=float, doc="outline width")
    corner_radius = otio.core.serializable_field("corner_radius", required_type=float, doc="0 = sharp corners")
    id = otio.core.serializable_field("id", required_type=str, doc="the shape's unique id")
    visible = otio.core.serializable_field("visible", required_type=bool, doc="shown or hidden")
    layer_range = otio.core.serializable_field("layer_range", required_type=otio.opentime.TimeRange,
                                               doc="the frames the box is shown on")

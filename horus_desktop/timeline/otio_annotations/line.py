"""OTIO schemadef ``Line.1``: a straight line between two ``Position.1`` (no fill; rounded ends)."""

import opentimelineio as otio


@otio.core.register_type
class Line(otio.core.SerializableObject):
    """A line: its two ends, colour (``border_color``) and width."""

    _serializable_label = "Line.1"
    _name = "Line"

    def __init__(self, start_position=None, end_position=None, border_color: list | None = None,  # noqa: ANN001
                 width: float = 0.0, id: str = "", visible: bool = True,  # noqa: A002
                 layer_range: otio.opentime.TimeRange | None = None) -> None:
        super().__init__()
        self.start_position = start_position
        self.end_position = end_position
        self.border_color = border_color or [1.0, 1.0, 1.0, 1.0]
        self.width = width
        self.id = id
        self.visible = visible
        self.layer_range = layer_range

    start_position = otio.core.serializable_field("start_position", doc="first end (Position.1)")
    end_position = otio.core.serializable_field("end_position", doc="second end (Position.1)")
    border_color = otio.core.serializable_field("border_color", required_type=list, doc="colour, RGBA 0..1")
    width = otio.core.serializable_field("width", required_type=float, doc="line width")
    id = otio.core.serializable_field("id", required_type=str, doc="the shape's unique id")
    visible = otio.core.serializable_field("visible", required_type=bool, doc="shown or hidden")
    layer_range = otio.core.serializable_field("layer_range", required_type=otio.opentime.TimeRange,
                                               doc="the frames the line is shown on")

"""OTIO schemadef ``Arrow.1``: an arrow from ``start_position`` to its head at ``end_position``."""

import opentimelineio as otio


@otio.core.register_type
class Arrow(otio.core.SerializableObject):
    """An arrow: ends, fill (``inner_color``) and outline colours, shaft width, outline width."""

    _serializable_label = "Arrow.1"
    _name = "Arrow"

    def __init__(self, start_position=None, end_position=None, inner_color: list | None = None,  # noqa: ANN001
                 border_color: list | None = None, width: float = 0.0, border_width: float = 0.0,
                 id: str = "", visible: bool = True,  # noqa: A002
                 layer_range: otio.opentime.TimeRange | None = None) -> None:
        super().__init__()
        self.start_position = start_position
        self.end_position = end_position
        self.inner_color = inner_color or [1.0, 1.0, 1.0, 1.0]
        self.border_color = border_color or [1.0, 1.0, 1.0, 1.0]
        self.width = width
        self.border_width = border_width
        self.id = id
        self.visible = visible
        self.layer_range = layer_range

    start_position = otio.core.serializable_field("start_position", doc="tail (Position.1)")
    end_position = otio.core.serializable_field("end_position", doc="head (Position.1)")
    inner_color = otio.core.serializable_field("inner_color", required_type=list, doc="fill, RGBA 0..1")
    border_color = otio.core.serializable_field("border_color", required_type=list, doc="outline, RGBA 0..1")
    width = otio.core.serializable_field("width", required_type=float, doc="shaft width (the head scales with it)")
    border_width = otio.core.serializable_field("border_width", required_type=float, doc="outline width")
    id = otio.core.serializable_field("id", required_type=str, doc="the shape's unique id")
    visible = otio.core.serializable_field("visible", required_type=bool, doc="shown or hidden")
    layer_range = otio.core.serializable_field("layer_range", required_type=otio.opentime.TimeRange,
                                               doc="the frames the arrow is shown on")

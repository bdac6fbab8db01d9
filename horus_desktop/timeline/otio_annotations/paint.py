"""OTIO schemadef ``Paint.2``: a freehand stroke of an annotation, shown on the frames of ``layer_range``."""

import opentimelineio as otio


@otio.core.register_type
class Paint(otio.core.SerializableObject):
    """A pen stroke: ``Point.1`` samples, an RGBA colour, ``type`` COLOR (or ERASE), a brush name."""

    _serializable_label = "Paint.2"
    _name = "Paint"

    def __init__(self, id: str = "", soft_deleted: bool = False, points: list | None = None,  # noqa: A002
                 rgba: list | None = None, type: str = "COLOR", brush: str = "circle",  # noqa: A002
                 layer_range: otio.opentime.TimeRange | None = None, visible: bool = True) -> None:
        super().__init__()
        self.id = id
        self.soft_deleted = soft_deleted
        self.points = points or []
        self.rgba = rgba or [1.0, 1.0, 1.0, 1.0]
        self.type = type
        self.brush = brush
        self.layer_range = layer_range
        self.visible = visible

    id = otio.core.serializable_field("id", required_type=str, doc="the stroke's unique id")
    soft_deleted = otio.core.serializable_field("soft_deleted", required_type=bool, doc="erased (kept for undo)")
    points = otio.core.serializable_field("points", required_type=list, doc="Point.1 samples")
    rgba = otio.core.serializable_field("rgba", required_type=list, doc="colour, four floats 0..1")
    type = otio.core.serializable_field("type", required_type=str, doc="COLOR, or ERASE for an eraser stroke")
    brush = otio.core.serializable_field("brush", required_type=str, doc="brush name (circle, gauss)")
    layer_range = otio.core.serializable_field("layer_range", required_type=otio.opentime.TimeRange,
                                               doc="the frames the stroke is shown on")
    visible = otio.core.serializable_field("visible", required_type=bool, doc="shown or hidden")

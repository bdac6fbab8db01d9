"""OTIO schemadef ``Text.1``: a text label; ``anchor`` is the baseline start of its first character."""

import opentimelineio as otio


@otio.core.register_type
class Text(otio.core.SerializableObject):
    """A label: anchor (Position.1), text, font (family, size, weight, style, decoration), alignment, colour."""

    _serializable_label = "Text.1"
    _name = "Text"

    def __init__(self, anchor=None, text: str = "", font_family: str = "sans-serif",  # noqa: ANN001
                 font_size: float = 0.0, font_weight: str = "NORMAL", font_style: str = "NORMAL",
                 text_decoration: str = "NONE", text_align: str = "LEFT", inner_color: list | None = None,
                 id: str = "", visible: bool = True,  # noqa: A002
                 layer_range: otio.opentime.TimeRange | None = None) -> None:
        super().__init__()
        self.anchor = anchor
        self.text = text
        self.font_family = font_family
        self.font_size = font_size
        self.font_weight = font_weight
        self.font_style = font_style
        self.text_decoration = text_decoration
        self.text_align = text_align
        self.inner_color = inner_color or [1.0, 1.0, 1.0, 1.0]
        self.id = id
        self.visible = visible
        self.layer_range = layer_range

    anchor = otio.core.serializable_field("anchor", doc="baseline start (Position.1)")
    text = otio.core.serializable_field("text", required_type=str, doc="the label")
    font_family = otio.core.serializable_field("font_family", required_type=str, doc="font family")
    font_size = otio.core.serializable_field("font_size", required_type=float, doc="size in annotation units")
    font_weight = otio.core.serializable_field("font_weight", required_type=str, doc="NORMAL or BOLD")
    font_style = otio.core.serializable_field("font_style", required_type=str, doc="NORMAL or ITALIC")
    text_decoration = otio.core.serializable_field("text_decoration", required_type=str, doc="NONE or UNDERLINE")
    text_align = otio.core.serializable_field("text_align", required_type=str, doc="LEFT, CENTER or RIGHT")
    inner_color = otio.core.serializable_field("inner_color", required_type=list, doc="text colour, RGBA 0..1")
    id = otio.core.serializable_field("id", required_type=str, doc="the shape's unique id")
    visible = otio.core.serializable_field("visible", required_type=bool, doc="shown or hidden")
    layer_range = otio.core.serializable_field("layer_range", required_type=otio.opentime.TimeRange,
                                               doc="the frames the label is shown on")

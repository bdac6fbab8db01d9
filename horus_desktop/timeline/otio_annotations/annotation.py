"""OTIO schemadef ``Annotation.1``: the drawings of a clip, an Effect whose ``layers`` are the shapes.

``hold`` and ``ghost`` (with ``ghost_before``/``ghost_after`` frames) are OpenRV's session paint settings.
"""

import opentimelineio as otio


@otio.core.register_type
class Annotation(otio.schema.Effect):
    """An effect holding annotation shapes (Paint.2, Line.1, Arrow.1, Rectangle.1, Ellipse.1, Text.1)."""

    _serializable_label = "Annotation.1"
    _name = "Annotation"

    def __init__(self, name: str = "", visible: bool = True, layers: list | None = None, hold: bool = False,
                 ghost: bool = False, ghost_before: int = 0, ghost_after: int = 0) -> None:
        super().__init__(name=name, effect_name="Annotation.1")
        self.visible = visible
        self.layers = layers or []
        self.hold = hold
        self.ghost = ghost
        self.ghost_before = ghost_before
        self.ghost_after = ghost_after

    visible = otio.core.serializable_field("visible", required_type=bool, doc="shown or hidden")
    layers = otio.core.serializable_field("layers", required_type=list, doc="the shapes, bottom first")
    hold = otio.core.serializable_field("hold", required_type=bool, doc="drawings held on later frames")
    ghost = otio.core.serializable_field("ghost", required_type=bool, doc="drawings of nearby frames ghosted")
    ghost_before = otio.core.serializable_field("ghost_before", required_type=int, doc="frames ghosted before")
    ghost_after = otio.core.serializable_field("ghost_after", required_type=int, doc="frames ghosted after")

"""OTIO schemadef ``Position.1``: a point in OpenRV's annotation space (loaded by OTIO from the manifest).

The space is centred on the image, y up, the image 16 units wide and 16/aspect high (see ``rv_space``).
"""

import opentimelineio as otio


@otio.core.register_type
class Position(otio.core.SerializableObject):
    """x, y of a shape's corner, end or anchor."""

    _serializable_label = "Position.1"
    _name = "Position"

    def __init__(self, x: float = 0.0, y: float = 0.0) -> None:
        super().__init__()
        self.x = x
        self.y = y

    x = otio.core.serializable_field("x", required_type=float, doc="x, image centre at 0")
    y = otio.core.serializable_field("y", required_type=float, doc="y, up, image centre at 0")

"""OpenRV's annotation space and Horus's normalized image space, both ways.

Horus stores shapes with x, y in 0..1 across the image's width and height (y down) and sizes (stroke width,
font size) as fractions of the image height. OpenRV's otio_reader places annotations in a space centred on
the image, y up, the image 16 units wide and 16/aspect units high (x in -8..8, y in -4.5..4.5 for 16:9); its
hook divides by 16/aspect to reach RV's world space, where the image is 1 unit high. Sizes therefore
scale by 16/aspect too.
"""

from __future__ import annotations

WIDTH_UNITS = 16.0
"""The image's width in OpenRV's annotation space, whatever its aspect."""
DEFAULT_SIZE = (1920, 1080)
"""The image size assumed when a media's resolution is unknown (OpenRV assumes 16:9 too)."""


def image_size(resolution: str | None) -> tuple[int, int] | None:
    """(width, height) of a ``"2048x1152"`` resolution, None when missing or unreadable."""
    if not resolution:
        return None
    width, _, height = resolution.lower().partition("x")
    try:
        size = (int(width), int(height))
    except ValueError:
        return None
    return size if size[0] > 0 and size[1] > 0 else None


class RVSpace:
    """The mapping for one image size.

    ``bounds`` (min x, min y, max x, max y), when a file's media reference gives ``available_image_bounds``,
    is where the image sits in that space instead (OpenRV's reader then scales by those bounds).
    """

    def __init__(self, width: int, height: int, bounds: tuple[float, float, float, float] | None = None) -> None:
        self.aspect = width / height
        half_w, half_h = WIDTH_UNITS / 2, WIDTH_UNITS / self.aspect / 2
        self.left, self.bottom, self.right, self.top = bounds or (-half_w, -half_h, half_w, half_h)
        self.unit = self.top - self.bottom  # annotation units per image height

    def to_rv(self, x: float, y: float) -> tuple[float, float]:
        """A normalized image point (y down) in OpenRV's space (y up)."""
        return self.left + x * (self.right - self.left), self.top - y * self.unit

    def from_rv(self, x: float, y: float) -> tuple[float, float]:
        """An OpenRV point as normalized image coordinates."""
        return (x - self.left) / (self.right - self.left), (self.top - y) / self.unit

    def size_to_rv(self, fraction_of_height: float) -> float:
        """A size (fraction of the image height) in annotation units."""
        return fraction_of_height * self.unit

    def size_from_rv(self, units: float) -> float:
        """A size in annotation units as a fraction of the image height."""
        return units / self.unit


def rgba(color: str, opacity: float) -> list[float]:
    """``#rrggbb`` and an opacity as four floats 0..1."""
    value = color.lstrip("#")
    if len(value) != 6:
        value = "ff3b30"
    return [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)] + [float(opacity)]


def hex_color(values: list[float]) -> tuple[str, float]:
    """Four (or three) floats 0..1 as ``#rrggbb`` and an opacity."""
    r, g, b = (max(0, min(255, round(float(v) * 255))) for v in values[:3])
    alpha = float(values[3]) if len(values) > 3 else 1.0
    return f"#{r:02x}{g:02x}{b:02x}", max(0.0, min(1.0, alpha))

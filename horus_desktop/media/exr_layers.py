"""Parts and layers of an EXR, read from its header only: beauty, AOVs (`diffuse.R/G/B`), depth (`Z`).

A layer is the channels sharing a name prefix (`diffuse.R`, `diffuse.G` -> layer "diffuse"). The
unprefixed colour channels (R, G, B, A, Y) are the part's default layer, named ""; every other unprefixed
channel (Z, ZBack, id) is a one-channel layer of its own name. Channels of a non-default view of a
multi-view part (`right.R`) are views, picked with `view=`, not layers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from horus_desktop.media.errors import DamagedFrameError
from horus_desktop.media.exr_header import (
    PIXEL_BITS,
    ExrLayout,
    ExrPartHeader,
    ExrStructureError,
    read_exr_layout,
)

DEFAULT_LAYER = ""
_COLOUR = ("R", "G", "B", "A")
_LUMA = ("Y", "RY", "BY")
_ORDER = {name: i for i, name in enumerate((*_COLOUR, *_LUMA, "X", "Y", "Z", "U", "V", "W"))}


@dataclass(frozen=True)
class ExrLayer:
    """One layer of one part: `channels` are full channel names, in display order (R, G, B, A first)."""

    part_index: int
    part_name: str
    layer: str
    channels: tuple[str, ...]
    bit_depth: int

    @property
    def label(self) -> str:
        """A short name for a menu: "beauty RGBA", "diffuse", "Z"."""
        name = self.layer or "".join(c for c in self.channels if len(c) == 1) or "default"
        return f"{self.part_name} {name}".strip() if self.part_name else name

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (stored in a media record's extra_metadata["exr_layers"])."""
        return {"part": self.part_index, "part_name": self.part_name, "layer": self.layer,
                "channels": list(self.channels), "bit_depth": self.bit_depth}


def _suffix_key(name: str) -> tuple[int, str]:
    suffix = name.rsplit(".", 1)[-1]
    return (_ORDER.get(suffix, len(_ORDER)), suffix)


def _bit_depth(part: ExrPartHeader, names: tuple[str, ...]) -> int:
    types = [c.pixel_type for c in part.channels if c.name in names]
    return max((PIXEL_BITS[t] for t in types), default=16)


def part_layers(part: ExrPartHeader) -> list[ExrLayer]:
    """The layers of one part, the default (unprefixed colour) layer first."""
    other_views = set(part.views[1:])
    groups: dict[str, list[str]] = {}
    for channel in part.channels:
        prefix, _, suffix = channel.name.rpartition(".")
        if prefix.split(".", 1)[0] in other_views:
            continue
        if not prefix:
            key = DEFAULT_LAYER if suffix in (*_COLOUR, *_LUMA) else suffix
        else:
            key = prefix
        groups.setdefault(key, []).append(channel.name)
    layers = []
    for key in sorted(groups, key=lambda k: (k != DEFAULT_LAYER, k.lower())):
        names = tuple(sorted(groups[key], key=_suffix_key))
        layers.append(ExrLayer(part.index, part.name, key, names, _bit_depth(part, names)))
    return layers


def default_part_index(layout: ExrLayout) -> int:
    """The part shown by default: the first with unprefixed RGB or Y channels, else the first."""
    for part in layout.parts:
        if any(c.name in ("R", "G", "B", "Y") for c in part.channels):
            return part.index
    return 0


def part_bit_depth(part: ExrPartHeader) -> int:
    """Bits per sample of the part's default layer (32 for FLOAT/UINT, 16 for HALF)."""
    layers = part_layers(part)
    return layers[0].bit_depth if layers else 16


def list_exr_layers(path: str | Path) -> list[ExrLayer]:
    """Every (part, layer) of an EXR, in file order; raises DamagedFrameError for a damaged header."""
    try:
        layout = read_exr_layout(str(path))
    except ExrStructureError as exc:
        raise DamagedFrameError(path, str(exc)) from exc
    except OSError as exc:
        raise DamagedFrameError(path, exc.strerror or str(exc)) from exc
    return [layer for part in layout.parts for layer in part_layers(part)]


def find_layer(layout: ExrLayout, part_index: int, layer: str | None) -> ExrLayer | None:
    """The named layer of a part (None: the part's default or first layer); None when there is none."""
    layers = part_layers(layout.parts[part_index])
    if layer is None:
        return layers[0] if layers else None
    return next((candidate for candidate in layers if candidate.layer == layer), None)

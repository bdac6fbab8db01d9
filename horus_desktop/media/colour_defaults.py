"""Colour space a file declares, or a per-format default, named as in the ACES studio OCIO config; and how a
user's input colour space override is kept on a media record.

Defaults when a file says nothing (documented choices):
- EXR: from `chromaticities` (AP0 -> ACES2065-1, AP1 -> ACEScg, Rec.709 -> Linear Rec.709 (sRGB),
  P3-D65, Rec.2020 linear); none -> ACEScg, the studio config's scene_linear role.
- DPX (transfer characteristic, then colorimetric code): printing density -> ADX10 (ADX16 for 16-bit),
  the config's printing-density encoding; "logarithmic" -> the same, flagged a guess; linear -> Linear
  Rec.709 (sRGB); Rec.709/SMPTE 274M -> Camera Rec.709 (other video codes: the same, a guess); Z depth ->
  Raw; user-defined or unspecified -> sRGB Encoded Rec.709 (code values shown as they are), a guess that
  the project's default outranks. (ACEScct was the old answer: a Cineon-like scan read as it looked
  blown out.)
- Float TIFF: Linear Rec.709 (sRGB). Integer PNG/JPEG/TIFF and stills: sRGB Encoded Rec.709 (sRGB).
- Movies: Gamma 2.4 Encoded Rec.709 (BT.1886, what review movies are encoded for).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

ACES2065_1 = "ACES2065-1"
ACESCG = "ACEScg"
ACESCCT = "ACEScct"
LINEAR_REC709 = "Linear Rec.709 (sRGB)"
SRGB_ENCODED = "sRGB Encoded Rec.709 (sRGB)"
REC709_CAMERA = "Camera Rec.709"
REC709_GAMMA24 = "Gamma 2.4 Encoded Rec.709"

SCENE_LINEAR_DEFAULT = ACESCG
MOVIE_DEFAULT = REC709_GAMMA24
INTEGER_IMAGE_DEFAULT = SRGB_ENCODED
FLOAT_IMAGE_DEFAULT = LINEAR_REC709

# Display-encoded sRGB/Rec.709 spaces: 8-bit pixels in them pass straight to an sRGB display.
SRGB_LIKE_SPACES = frozenset(
    {SRGB_ENCODED, REC709_GAMMA24, REC709_CAMERA, "Gamma 2.2 Encoded Rec.709", "sRGB - Display",
     "Rec.1886 Rec.709 - Display", "Gamma 2.2 Rec.709 - Display"}
)

_CHROMATICITIES: dict[str, tuple[float, ...]] = {
    ACES2065_1: (0.7347, 0.2653, 0.0, 1.0, 0.0001, -0.077, 0.32168, 0.33767),
    ACESCG: (0.713, 0.293, 0.165, 0.830, 0.128, 0.044, 0.32168, 0.33767),
    LINEAR_REC709: (0.64, 0.33, 0.30, 0.60, 0.15, 0.06, 0.3127, 0.3290),
    "Linear P3-D65": (0.680, 0.320, 0.265, 0.690, 0.150, 0.060, 0.3127, 0.3290),
    "Linear Rec.2020": (0.708, 0.292, 0.170, 0.797, 0.131, 0.046, 0.3127, 0.3290),
}

#: extra_metadata key set (True) when the user chose the media's input colour space.
OVERRIDE_FLAG = "color_space_override"
#: extra_metadata key keeping the probe's guess while an override is set (restored when it is cleared).
PROBED_SPACE = "probed_color_space"
#: horus_project_configs.settings key of a project's default input colour space.
PROJECT_DEFAULT_KEY = "input_colour_space"

EXR_NAME_ATTRIBUTES = ("colorSpace", "colorspace", "oiio:ColorSpace", "ocio:colorspace")


def colour_space_from_chromaticities(chromaticities: Sequence[float]) -> str | None:
    """The linear colour space whose primaries and white match (within 2e-3), else None."""
    values = tuple(float(v) for v in chromaticities)
    for name, reference in _CHROMATICITIES.items():
        if len(values) == 8 and all(abs(a - b) <= 2e-3 for a, b in zip(values, reference, strict=True)):
            return name
    return None


def exr_colour_space(header: Mapping[str, Any]) -> str:
    """Colour space of an EXR part from its header: a named attribute, the chromaticities, or ACEScg."""
    for key in EXR_NAME_ATTRIBUTES:
        value = header.get(key)
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if isinstance(value, str) and value.strip():
            return value.strip()
    chromaticities = header.get("chromaticities")
    if chromaticities is not None:
        return colour_space_from_chromaticities(chromaticities) or LINEAR_REC709
    return SCENE_LINEAR_DEFAULT


_DPX_PRINTING_DENSITY, _DPX_LINEAR, _DPX_LOG = 1, 2, 3
_DPX_REC709 = (5, 6)  # SMPTE 274M, ITU-R 709-4
_DPX_OTHER_VIDEO = (7, 8, 9, 10)  # ITU-R 601 and composite video
_DPX_DEPTH = (11, 12)


def dpx_colour_space(transfer: int, colorimetric: int = 0, bit_depth: int = 10) -> tuple[str, bool]:
    """(colour space, guessed) of a DPX image element from its transfer and colorimetric codes.

    `guessed` is True when the file does not really say (the caller lets a project default win)."""
    adx = "ADX16" if bit_depth == 16 else "ADX10"
    if transfer == _DPX_PRINTING_DENSITY or (transfer in (0, 4) and colorimetric == _DPX_PRINTING_DENSITY):
        return adx, False
    if transfer == _DPX_LOG:
        return adx, True
    if transfer == _DPX_LINEAR:
        return LINEAR_REC709, colorimetric not in _DPX_REC709
    if transfer in _DPX_REC709:
        return REC709_CAMERA, False
    if transfer in _DPX_OTHER_VIDEO:
        return REC709_CAMERA, True
    if transfer in _DPX_DEPTH:
        return "Raw", False
    return INTEGER_IMAGE_DEFAULT, True


@dataclass(frozen=True)
class InputColourSpace:
    """The colour space a media is read in and why: override, file rule, project, file or default."""

    name: str
    source: str

    def describe(self) -> str:
        """For the viewer's label, e.g. "ACEScct · file rule"."""
        return f"{self.name} · {self.source}"


def is_override(extra_metadata: Mapping[str, Any] | None) -> bool:
    """True when a media record's color_space was chosen by a user (not the probe's guess)."""
    return bool((extra_metadata or {}).get(OVERRIDE_FLAG))


def override_values(colour_space: str | None, color_space_now: str | None,
                    extra_metadata: Mapping[str, Any] | None) -> dict[str, Any]:
    """The media record fields that set (a name) or clear (None) a user's input colour space override.

    The probe's guess is kept in extra_metadata while overridden, so clearing the override restores it."""
    extra = dict(extra_metadata or {})
    probed = extra.get(PROBED_SPACE) if is_override(extra) else color_space_now
    if colour_space is None:
        extra.pop(OVERRIDE_FLAG, None)
        extra.pop(PROBED_SPACE, None)
        return {"color_space": probed, "extra_metadata": extra}
    extra[OVERRIDE_FLAG] = True
    extra[PROBED_SPACE] = probed
    return {"color_space": colour_space, "extra_metadata": extra}


def keep_override(existing: Any, values: dict[str, Any]) -> dict[str, Any]:
    """New record values from a re-probe of a changed file, keeping the user's input colour space override
    (the new guess is kept behind it, restored if the override is cleared)."""
    if not is_override(getattr(existing, "extra_metadata", None)):
        return values
    extra = {**(values.get("extra_metadata") or {}), OVERRIDE_FLAG: True, PROBED_SPACE: values.get("color_space")}
    return {**values, "color_space": existing.color_space, "extra_metadata": extra}

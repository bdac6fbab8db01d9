"""Frame numbers <-> SMPTE timecode, through OpenTimelineIO's RationalTime."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import opentimelineio as otio

#: Rates that are really NTSC rationals when written with two decimals.
_NTSC = {Decimal("23.98"): Fraction(24000, 1001), Decimal("29.97"): Fraction(30000, 1001),
         Decimal("59.94"): Fraction(60000, 1001), Decimal("47.95"): Fraction(48000, 1001)}


def exact_rate(frame_rate: Decimal | float | str | None, rational: str | None = None) -> Fraction:
    """The exact frame rate: the stored ``num/den`` when there is one, NTSC rationals recognised, 24 if unknown."""
    if rational:
        num, _, den = rational.partition("/")
        try:
            return Fraction(int(num), int(den or 1))
        except (ValueError, ZeroDivisionError):
            pass
    if frame_rate is None:
        return Fraction(24)
    value = Decimal(str(frame_rate)).quantize(Decimal("0.01"))
    if value <= 0:
        return Fraction(24)
    return _NTSC.get(value, Fraction(value))


def frame_to_timecode(frame: int, rate: Fraction) -> str:
    """SMPTE timecode of an absolute frame number (1001 at 24 fps -> 00:00:41:17)."""
    rt = otio.opentime.RationalTime(frame, float(rate))
    return otio.opentime.to_timecode(rt, float(rate))

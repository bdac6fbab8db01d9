"""Timecodes of frame numbers: the domain's own arithmetic gives what OpenTimelineIO gives (it was OTIO's
before), and the domain module loads without OTIO."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction

import opentimelineio as otio
import pytest

from horus_desktop.domain.timecode import exact_rate, frame_to_timecode

RATES = [Fraction(24), Fraction(24000, 1001), Fraction(25), Fraction(30000, 1001), Fraction(30), Fraction(48),
         Fraction(48000, 1001), Fraction(50), Fraction(60000, 1001), Fraction(60), Fraction(2997, 100)]
# Around the drop-frame minute and ten-minute boundaries, and up to just under a day at each rate.
FRAMES = [0, 1, 1001, 1799, 1800, 1801, 17981, 17982, 17983, 107892, 863999, 1_000_001]


def _otio(frame: int, rate: Fraction) -> str:
    return otio.opentime.to_timecode(otio.opentime.RationalTime(frame, float(rate)), float(rate))


@pytest.mark.parametrize("rate", RATES, ids=str)
def test_same_timecode_as_opentimelineio(rate: Fraction) -> None:
    frames = [*FRAMES, *range(0, 120_000, 997)]
    assert [frame_to_timecode(f, rate) for f in frames] == [_otio(f, rate) for f in frames]


def test_drop_frame_rates_are_written_with_a_semicolon() -> None:
    assert frame_to_timecode(17982, exact_rate(29.97)) == "00:10:00;00"
    assert frame_to_timecode(1001, exact_rate(24)) == "00:00:41:17"


def test_a_rate_timecode_tools_refuse_still_gets_a_timecode() -> None:
    # 15 fps (web previews, animatics) had no timecode through OTIO, so a note on such a media failed.
    assert frame_to_timecode(31, Fraction(15)) == "00:00:02:01"


def test_a_negative_frame_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="frame -5"):
        frame_to_timecode(-5, Fraction(24))


def test_the_domain_loads_without_opentimelineio() -> None:
    code = ("import sys; sys.modules['opentimelineio'] = None\n"
            "import horus_desktop.domain.timecode as t\n"
            "from fractions import Fraction\n"
            "print(t.frame_to_timecode(1001, Fraction(24)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "00:00:41:17"

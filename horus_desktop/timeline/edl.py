"""What CMX 3600 EDLs need beyond OTIO's ``cmx_3600`` adapter: their frame rate, drop-frame, record start.

An EDL does not say its rate. A drop-frame EDL (``FCM: DROP FRAME``, timecodes with ``;``) can only be
29.97 (or 59.94), so it is read at 30000/1001 unless the user says otherwise; any other EDL is read at 24
unless ``rate`` is given. NTSC rates typed as decimals (23.976, 29.97, 59.94) are the exact x/1001 rates.

On export the record timecode starts at 01:00:00:00 (what editorial expects of a programme) unless
another start is asked for, and an ``FCM:`` line says whether the timecodes are drop-frame.
"""

from __future__ import annotations

import re
from fractions import Fraction

import opentimelineio as otio

from horus_desktop.timeline.validate import check_rate

DEFAULT_RATE = Fraction(24)
DROP_FRAME_RATE = Fraction(30000, 1001)
DEFAULT_RECORD_START = "01:00:00:00"
_NTSC_BASES = (24, 30, 48, 60, 120)
_DF_TIMECODE = re.compile(r"\b\d{2}:\d{2}:\d{2}[;.,]\d{2}\b")
_FCM = re.compile(r"^\s*FCM:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)


def exact_rate(rate: Fraction | float | str, what: str = "rate") -> Fraction:
    """A rate as an exact fraction: ``29.97`` and ``30000/1001`` -> 30000/1001; ValueError when not a rate."""
    if isinstance(rate, str):
        text = rate.strip()
        try:
            rate = Fraction(text) if "/" in text else float(text)
        except (ValueError, ZeroDivisionError) as exc:
            raise ValueError(f"{what}: {text!r} is not a frame rate") from exc
    checked = check_rate(rate, what)
    for base in _NTSC_BASES:
        if abs(float(checked) - base * 1000 / 1001) < 0.005:
            return Fraction(base * 1000, 1001)
    return checked


def is_drop_frame(text: str) -> bool:
    """Whether an EDL's text says drop-frame: an ``FCM: DROP FRAME`` line or ``;`` timecodes."""
    fcm = _FCM.search(text)
    if fcm is not None:
        return "NON" not in fcm.group(1).upper() and "DROP" in fcm.group(1).upper()
    return _DF_TIMECODE.search(text) is not None


def edl_rate(text: str, rate: Fraction | float | str | None) -> Fraction:
    """The rate to read an EDL at: ``rate`` when given (checked), else 30000/1001 for drop-frame, else 24."""
    if rate is not None:
        chosen = exact_rate(rate)
        if is_drop_frame(text) and chosen.denominator != 1001:
            raise ValueError(f"rate: a drop-frame EDL is 29.97 or 59.94 fps, not {float(chosen):g}")
        return chosen
    return DROP_FRAME_RATE if is_drop_frame(text) else DEFAULT_RATE


def drop_frame_rate(rate: Fraction) -> bool:
    """Whether timecodes at ``rate`` are written drop-frame (29.97 and 59.94, as OTIO writes them)."""
    return rate in (Fraction(30000, 1001), Fraction(60000, 1001))


def record_start_frames(timecode: str | None, rate: Fraction) -> int:
    """The frame of a record start timecode (default 01:00:00:00) at ``rate``; ValueError naming it.

    At 29.97 and 59.94 the timecode is read drop-frame whatever its separator, as the EDL is written.
    """
    text = (timecode or DEFAULT_RECORD_START).strip()
    if not re.fullmatch(r"\d{1,2}:\d{2}:\d{2}[:;.,]\d{2}", text):
        raise ValueError(f"record start: {text!r} is not a timecode HH:MM:SS:FF")
    if drop_frame_rate(rate):
        text = f"{text[:-3]};{text[-2:]}"
    try:
        return round(otio.opentime.from_timecode(text, float(rate)).value)
    except (ValueError, otio.exceptions.OTIOError) as exc:
        raise ValueError(f"record start: {text!r} at {float(rate):g} fps: {exc}") from exc


def with_fcm(text: str, rate: Fraction) -> str:
    """EDL text with an ``FCM:`` line after the title (the adapter writes none)."""
    fcm = f"FCM: {'DROP FRAME' if drop_frame_rate(rate) else 'NON-DROP FRAME'}\n"
    lines = text.splitlines(keepends=True)
    if lines and lines[0].startswith("TITLE:"):
        return lines[0] + fcm + "".join(lines[1:])
    return fcm + text

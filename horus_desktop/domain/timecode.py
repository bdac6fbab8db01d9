"""Frame numbers <-> SMPTE timecode, in plain arithmetic (no OpenTimelineIO here: the domain imports no
timeline library; tests/domain checks the results against OTIO's own timecodes)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from horus_desktop.domain.records import MediaRecord

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
    """SMPTE timecode of an absolute frame number (1001 at 24 fps -> 00:00:41:17), wrapping at 24 hours.

    29.97 and 59.94 fps count in drop-frame (';' before the frames), as OpenTimelineIO does; any other rate of
    at least 1 fps counts its nearest whole number of frames per second. A negative frame has no timecode.
    """
    if frame < 0:
        raise ValueError(f"frame {frame}: a timecode cannot be negative")
    if rate < 1:
        raise ValueError(f"{float(rate):g} fps: too slow for a timecode")
    for drop_rate in _DROP_RATES:
        if abs(rate - drop_rate) < Fraction(1, 100):  # 29.97 written as 2997/100 counts drop-frame too
            return frames_to_timecode(frame, drop_rate, drop=True)
    return frames_to_timecode(frame, rate)


_DROP_PER_MINUTE = {30: 2, 60: 4}  # 29.97 and 59.94 drop-frame skip these frame numbers each minute
_DROP_RATES = (Fraction(30000, 1001), Fraction(60000, 1001))


def _nominal(rate: Fraction) -> int:
    """Frames per timecode second: 24 for 23.976, 30 for 29.97, 60 for 59.94."""
    return max(1, round(rate))


def _drop_count(rate: Fraction, drop: bool) -> int:
    """Frame numbers dropped per minute (0 for non-drop or a rate that has no drop-frame form)."""
    return _DROP_PER_MINUTE.get(_nominal(rate), 0) if drop and rate.denominator == 1001 else 0


def smpte_from_packed(value: int | None) -> str | None:
    """An SMPTE 12M packed BCD time (EXR `timeCode`, DPX TV header time code) as "HH:MM:SS:FF".

    Drop-frame (flag bit 6 of the frames byte) puts ';' before the frames. None for 0xFFFFFFFF (DPX:
    "no time code") and for digits that are not a time.
    """
    if value is None or value == 0xFFFFFFFF or not 0 <= value <= 0xFFFFFFFF:
        return None

    def bcd(byte: int, tens_bits: int) -> int | None:
        units, tens = byte & 0x0F, (byte >> 4) & ((1 << tens_bits) - 1)
        return None if units > 9 else tens * 10 + units

    frames, seconds = bcd(value & 0xFF, 2), bcd((value >> 8) & 0xFF, 3)
    minutes, hours = bcd((value >> 16) & 0xFF, 3), bcd((value >> 24) & 0xFF, 2)
    if None in (frames, seconds, minutes, hours) or hours > 23 or minutes > 59 or seconds > 59:  # type: ignore[operator]
        return None
    separator = ";" if value & 0x40 else ":"
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{frames:02d}"


def parse_timecode(text: str) -> tuple[int, int, int, int, bool]:
    """(hours, minutes, seconds, frames, drop_frame) of "HH:MM:SS:FF" ("HH:MM:SS;FF" or '.' for drop-frame)."""
    cleaned = text.strip()
    drop = ";" in cleaned or "." in cleaned
    fields = cleaned.replace(";", ":").replace(".", ":").split(":")
    if len(fields) != 4 or not all(f.isdigit() for f in fields):
        raise ValueError(f"not a timecode: {text!r} (expected HH:MM:SS:FF)")
    hours, minutes, seconds, frames = (int(f) for f in fields)
    return hours, minutes, seconds, frames, drop


def timecode_to_frames(text: str, rate: Fraction) -> int:
    """Frames counted from 00:00:00:00 to a timecode at `rate` (drop-frame numbering when it says so)."""
    hours, minutes, seconds, frames, drop = parse_timecode(text)
    nominal, dropped = _nominal(rate), _drop_count(rate, drop)
    total_minutes = 60 * hours + minutes
    return (3600 * hours + 60 * minutes + seconds) * nominal + frames - dropped * (total_minutes - total_minutes // 10)


def frames_to_timecode(count: int, rate: Fraction, drop: bool = False) -> str:
    """The timecode `count` frames after 00:00:00:00 (wrapping at 24 hours); ';' before frames for drop-frame."""
    nominal, dropped = _nominal(rate), _drop_count(rate, drop)
    if dropped:
        per_ten = nominal * 600 - 9 * dropped
        per_minute = nominal * 60 - dropped
        count %= per_ten * 6 * 24
        tens, rest = divmod(count, per_ten)
        count += 9 * dropped * tens + (dropped * ((rest - dropped) // per_minute) if rest > dropped else 0)
    count %= nominal * 86400
    seconds, frames = divmod(count, nominal)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{';' if dropped else ':'}{frames:02d}"


def source_timecode(frame: int, start_frame: int, start_timecode: str | None, rate: Fraction) -> str:
    """The timecode of `frame` when `start_frame` carries `start_timecode` (as the file says), counting at
    `rate` (23.976/24/25/29.97 DF and NDF/30/59.94...); without a start timecode, the frame number's own."""
    if not start_timecode:
        return frame_to_timecode(frame, rate)
    try:
        start = timecode_to_frames(start_timecode, rate)
    except ValueError:
        return frame_to_timecode(frame, rate)
    drop = parse_timecode(start_timecode)[4]
    return frames_to_timecode(start + frame - start_frame, rate, drop)


def media_rate(media: MediaRecord | None, default: Fraction = Fraction(24)) -> Fraction:
    """The exact frame rate of a media record (``default`` when unknown)."""
    if media is None or (media.frame_rate is None and not media.frame_rate_rational):
        return default
    return exact_rate(media.frame_rate, media.frame_rate_rational)


def media_start_timecode(record: MediaRecord, first_frame: int) -> tuple[str | None, int]:
    """The source timecode the file gave (ingest keeps it in a media record's extra_metadata) and the frame it
    belongs to: the record's first frame (``first_frame`` when the record has none)."""
    start = (record.extra_metadata or {}).get("start_timecode")
    first = record.start_frame if record.start_frame is not None else first_frame
    return (start if isinstance(start, str) and start else None), first

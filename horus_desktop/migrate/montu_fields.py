"""Reading Montu field values in both styles (the seed's sketch and real exports) into Horus values.

Every function here is pure: a value that cannot be read raises :class:`FieldError` naming the field.
"""

from __future__ import annotations

import math
import mimetypes
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from typing import Any

#: Namespace of the ids derived from Montu ids: the same Montu record always gets the same Horus id.
NAMESPACE = uuid.UUID("6d6f6e74-752d-4d69-9772-6174696f6e00")

_VERSION_IN_PATH = re.compile(r"(?:^|[._/\\-])v(\d{1,6})(?=$|[._/\\-])", re.IGNORECASE)
_MOVIE_EXTS = frozenset({"mov", "mp4", "m4v", "mxf", "avi", "mkv", "webm"})
_IMAGE_EXTS = frozenset({"exr", "dpx", "png", "tif", "tiff", "jpg", "jpeg", "tga", "cin", "hdr"})
_SEQUENCE_MARK = re.compile(r"#|@|%0?\d*d|\$F\d*|\[\d+-\d+\]")
_KIND_WORDS = {
    "movie": "movie", "video": "movie", "mov": "movie", "mp4": "movie", "clip": "movie",
    "sequence": "sequence", "image_sequence": "sequence", "imagesequence": "sequence", "frames": "sequence",
    "still": "still", "image": "still", "photo": "still", "frame": "still",
}
RESOLVED_WORDS = frozenset({"resolved", "closed", "done", "fixed", "addressed", "complete", "completed"})
DEFAULT_PRIORITIES = frozenset({"", "normal", "medium", "default", "none"})


class FieldError(ValueError):
    """A Montu field is missing or holds a value that cannot be read."""


def derive_id(kind: str, key: str) -> uuid.UUID:
    """The Horus id of a Montu record: ``uuid5(NAMESPACE, "montu:{kind}:{key}")``."""
    return uuid.uuid5(NAMESPACE, f"montu:{kind}:{key}")


def first(data: dict[str, Any], *names: str) -> Any:
    """The value of the first of ``names`` present and not empty."""
    for name in names:
        value = data.get(name)
        if value is not None and value != "":
            return value
    return None


def text(data: dict[str, Any], *names: str, required: bool = False) -> str | None:
    """A text field (numbers are written out); lists and objects are refused."""
    value = first(data, *names)
    if value is None:
        if required:
            raise FieldError(f"{names[0]}: required" + (f" (or {', '.join(names[1:])})" if names[1:] else ""))
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise FieldError(f"{_which(data, names)}: expected text, found {type(value).__name__}")
    out = str(value).strip()
    if not out and required:
        raise FieldError(f"{names[0]}: required")
    return out or None


#: The range of the store's INTEGER columns (frames) and BIGINT columns (file sizes).
INT_LIMIT = 2**31 - 1
BIG_LIMIT = 2**63 - 1


def integer(data: dict[str, Any], *names: str, limit: int = INT_LIMIT) -> int | None:
    """An integer field ("1001" and 1001.0 are accepted) within +-``limit``."""
    value = first(data, *names)
    if value is None:
        return None
    return to_int(value, _which(data, names), limit)


def to_int(value: Any, name: str, limit: int = INT_LIMIT) -> int:
    """An integer from a number or numeric text; NaN, infinities and numbers beyond ``limit`` are refused."""
    if isinstance(value, bool):
        raise FieldError(f"{name}: expected a number, found {value!r}")
    if isinstance(value, int):
        number: int | float | None = value
    else:
        try:
            number = float(value) if isinstance(value, float | str) else None
        except ValueError:
            number = None
        if number is None or not number.is_integer():
            raise FieldError(f"{name}: expected a whole number, found {_show(value)}")
    if abs(number) > limit:
        raise FieldError(f"{name}: {_show(value)} is out of range (at most {limit})")
    return int(number)


def to_number(value: Any, name: str) -> float:
    """A finite number from a number or numeric text."""
    if isinstance(value, bool):
        raise FieldError(f"{name}: expected a number, found {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise FieldError(f"{name}: expected a number, found {_show(value)}") from exc
    if not math.isfinite(number) or abs(number) > 1e12:
        raise FieldError(f"{name}: {_show(value)} is not a usable number")
    return number


def _show(value: Any) -> str:
    """A value for a message, cut short (a 10,000-digit number is not worth printing)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _which(data: dict[str, Any], names: tuple[str, ...]) -> str:
    return next((n for n in names if data.get(n) is not None), names[0])


def person(data: dict[str, Any], *names: str) -> tuple[str, str] | None:
    """(id, display name) of an author given as text or as ``{id|username, name|full_name}``."""
    value = first(data, *names)
    if value is None:
        return None
    if isinstance(value, str | int) and not isinstance(value, bool):
        who = str(value).strip()
        return (who, who) if who else None
    if isinstance(value, dict):
        ident = first(value, "id", "_id", "username", "login", "email", "name")
        name = first(value, "name", "full_name", "display_name", "username") or ident
        if ident is not None:
            return str(ident), str(name)
    raise FieldError(f"{_which(data, names)}: expected a name, found {type(value).__name__}")


def version(value: Any, path: str | None) -> tuple[str, int | None]:
    """("v003", 3) from ``v003``, ``3``, ``"3"`` or, failing those, a ``_v003`` in the path."""
    if value is not None and value != "":
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise FieldError(f"version: expected text or a number, found {type(value).__name__}")
        if isinstance(value, int) or str(value).strip().isdigit():
            number = int(value)
            return f"v{number:03d}", number
        word = str(value).strip()
        match = re.fullmatch(r"[vV]?(\d+)", word)
        return word, int(match.group(1)) if match else None
    if path:
        found = _VERSION_IN_PATH.findall(path)
        if found:
            number = int(found[-1])
            return f"v{found[-1]}", number
    return "v001", None


def frame_range(value: Any) -> tuple[int, int] | None:
    """(first, last) from ``"1001-1120"``, ``[1001, 1120]`` or ``{"start": 1001, "end": 1120}``."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(-?\d{1,9})\s*(?:-|:|\.\.|to)\s*(-?\d{1,9})\s*", value)
        if not match:
            raise FieldError(f"frame_range: cannot read {value!r} (expected '1001-1120')")
        start, end = int(match.group(1)), int(match.group(2))
    elif isinstance(value, list | tuple) and len(value) == 2:
        start, end = to_int(value[0], "frame_range[0]"), to_int(value[1], "frame_range[1]")
    elif isinstance(value, dict):
        lo, hi = first(value, "start", "first", "in"), first(value, "end", "last", "out")
        if lo is None or hi is None:
            raise FieldError("frame_range: needs start and end")
        start, end = to_int(lo, "frame_range.start"), to_int(hi, "frame_range.end")
    else:
        raise FieldError(f"frame_range: cannot read {value!r}")
    if end < start:
        raise FieldError(f"frame_range: ends ({end}) before it starts ({start})")
    return start, end


def frame_rate(value: Any, name: str = "frame_rate") -> tuple[Decimal, str | None] | None:
    """(rate rounded to 0.01, exact "num/den" when not whole) from 24, "23.976", "24000/1001"."""
    if value is None or value == "":
        return None
    if type(value) in (int, str, float):  # the same few rates on thousands of records: read each once
        return _frame_rate_cached(type(value), value, name)
    return _frame_rate(value, name)


@lru_cache(maxsize=256)
def _frame_rate_cached(_kind: type, value: Any, name: str) -> tuple[Decimal, str | None] | None:
    return _frame_rate(value, name)


def _frame_rate(value: Any, name: str) -> tuple[Decimal, str | None] | None:
    if isinstance(value, str) and len(value) > 40:
        raise FieldError(f"{name}: not a frame rate: {_show(value)}")
    try:
        if isinstance(value, str) and "/" in value:
            exact = Fraction(value.strip())
        elif isinstance(value, int | float | str) and not isinstance(value, bool):
            number = Decimal(str(value).strip())
            if not number.is_finite() or abs(number.adjusted()) > 6:  # 1e999999 would take minutes to expand
                raise FieldError(f"{name}: {_show(value)} is not a usable frame rate")
            exact = Fraction(number)
            if exact in (Fraction(23976, 1000), Fraction(2997, 100), Fraction(5994, 100)):
                exact = Fraction(round(exact * 1001 / 1000 * 1000), 1001)  # NTSC rates
        else:
            raise FieldError(f"{name}: expected a number, found {type(value).__name__}")
    except (ValueError, ZeroDivisionError, InvalidOperation, OverflowError) as exc:
        raise FieldError(f"{name}: not a frame rate: {_show(value)}") from exc
    if exact <= 0 or exact >= 1000:
        raise FieldError(f"{name}: {_show(value)} is not a usable frame rate")
    rate = Decimal(exact.numerator) / Decimal(exact.denominator)
    rational = None if exact.denominator == 1 else f"{exact.numerator}/{exact.denominator}"
    return rate.quantize(Decimal("0.01")), rational


def resolution(value: Any, name: str = "resolution") -> str | None:
    """"WxH" from ``"1920x1080"``, ``[1920, 1080]`` or ``{"width": .., "height": ..}``."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d{1,6})\s*[xX*×]\s*(\d{1,6})\s*", value)
        if not match:
            raise FieldError(f"{name}: cannot read {_show(value)} (expected '1920x1080')")
        return f"{int(match.group(1))}x{int(match.group(2))}"
    if isinstance(value, list | tuple) and len(value) == 2:
        return f"{to_int(value[0], name)}x{to_int(value[1], name)}"
    if isinstance(value, dict):
        width, height = first(value, "width", "w"), first(value, "height", "h")
        if width is not None and height is not None:
            return f"{to_int(width, name + '.width')}x{to_int(height, name + '.height')}"
    raise FieldError(f"{name}: cannot read {value!r}")


def size_of(res: str | None) -> tuple[int, int] | None:
    """(width, height) of a "WxH" resolution."""
    if not res:
        return None
    width, height = res.split("x")
    return int(width), int(height)


def media_kind(file_type: str | None, path: str) -> str | None:
    """``movie``, ``sequence`` or ``still`` from Montu's ``file_type`` or, failing that, the path."""
    if file_type:
        kind = _KIND_WORDS.get(file_type.strip().lower().replace("-", "_").replace(" ", "_"))
        if kind:
            if kind == "still" and _SEQUENCE_MARK.search(path):
                return "sequence"
            return kind
    ext = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if file_type and file_type.lower().lstrip(".") in _MOVIE_EXTS | _IMAGE_EXTS:
        ext = file_type.lower().lstrip(".")
    if ext in _MOVIE_EXTS:
        return "movie"
    if ext in _IMAGE_EXTS:
        return "sequence" if _SEQUENCE_MARK.search(path) else "still"
    return None


def mime_type(path: str) -> str | None:
    """A MIME type guessed from the file name, when there is one."""
    guessed, _ = mimetypes.guess_type(path.replace("#", "0"))
    return guessed


def box(value: Any) -> tuple[float, float, float, float]:
    """(x, y, w, h) from ``{x, y, width|w, height|h}`` or ``[x, y, w, h]``."""
    if isinstance(value, dict):
        names = (("x", "left"), ("y", "top"), ("width", "w"), ("height", "h"))
        parts = [first(value, *alts) for alts in names]
        if any(p is None for p in parts):
            raise FieldError("coordinates: a box needs x, y, width and height")
    elif isinstance(value, list | tuple) and len(value) == 4:
        parts = list(value)
    else:
        raise FieldError(f"coordinates: expected {{x, y, width, height}} or [x, y, w, h], found {value!r}")
    x, y, w, h = (to_number(p, "coordinates") for p in parts)
    if w < 0 or h < 0:
        raise FieldError("coordinates: negative width or height")
    return x, y, w, h


def rect_coordinates(value: Any, media_resolution: str | None) -> dict[str, Any]:
    """Horus's rectangle shape (schema v1): normalized 0..1 when the media size is known.

    Values that already lie within 0..1 are taken as normalized; larger ones are pixels, divided by the
    media's width and height when its resolution is known and kept as pixels otherwise.
    """
    x, y, w, h = box(value)
    size = size_of(media_resolution)
    if max(x + w, y + h) <= 1.0:
        space = "normalized"
    elif size:
        width, height = size
        x, w, y, h = x / width, w / width, y / height, h / height
        space = "normalized"
    else:
        space = "pixels"
    return {"v": 1, "kind": "rect", "x": x, "y": y, "w": w, "h": h, "space": space}


def point_coordinates(value: Any, media_resolution: str | None) -> dict[str, Any] | None:
    """Horus's point shape (schema v1) from ``{x, y}`` or ``[x, y]`` (a pin); None if not a point."""
    if isinstance(value, dict) and first(value, "width", "w") is None and first(value, "height", "h") is None:
        parts = [first(value, "x", "left"), first(value, "y", "top")]
    elif isinstance(value, list | tuple) and len(value) == 2:
        parts = list(value)
    else:
        return None
    if any(p is None for p in parts):
        return None
    x, y = (to_number(p, "coordinates") for p in parts)
    size = size_of(media_resolution)
    space = "normalized"
    if max(x, y) > 1.0:
        if size:
            x, y = x / size[0], y / size[1]
        else:
            space = "pixels"
    return {"v": 1, "kind": "point", "x": x, "y": y, "space": space}


def shape(value: Any, media_resolution: str | None) -> tuple[str, dict[str, Any]]:
    """(annotation_type, coordinates) of a note's ``coordinates``: a box, or a point (a pin)."""
    pin = point_coordinates(value, media_resolution)
    if pin is not None:
        return "point", pin
    return "rectangle", rect_coordinates(value, media_resolution)


def is_resolved(status: Any) -> bool:
    """Whether a Montu note status means the note was dealt with."""
    return isinstance(status, str) and status.strip().lower() in RESOLVED_WORDS


def priority_line(priority: Any) -> str | None:
    """"Priority: high" for a non-default priority; None for normal/medium/none."""
    if priority is None or isinstance(priority, bool):
        return None
    word = str(priority).strip()
    if word.lower() in DEFAULT_PRIORITIES:
        return None
    return f"Priority: {word}"


def timestamp(data: dict[str, Any], *names: str) -> datetime | None:
    """A Montu date (ISO text, or seconds since 1970) as an aware UTC datetime; None when absent.

    A date that cannot be read is not worth losing the record over: it is ignored (the import time is used).
    """
    value = first(data, *names)
    if value is None or value == "":
        return None
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(float(value), UTC)
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)



def json_safe(value: Any) -> Any:
    """``value`` with what JSON columns cannot hold written as text: NaN, infinities, numbers beyond 64 bits."""
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value if abs(value) <= BIG_LIMIT else _show(value)
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def json_safe_for(odd_numbers: bool) -> Callable[[Any], Any]:
    """:func:`json_safe` for a record whose file holds NaN, infinities or long numbers, else nothing to do
    (most files hold none: walking every record's extra fields again would cost seconds on a large export)."""
    return json_safe if odd_numbers else _unchanged


def _unchanged(value: Any) -> Any:
    return value

"""An ``.otio`` file read as plain JSON, for an import, when it is exactly what OpenTimelineIO would make of it.

OpenTimelineIO's read builds an object per clip, range and time, and the import then writes the document back
to its otio_json dict: together about 1.5 times OTIO's own read. A file in the very form OTIO writes (the key
order of each of its schemas, times as floats, metadata keys sorted) of top-level tracks of clips and gaps is
read here with ``json`` alone: :func:`read_plain` gives the dict OTIO would have given, or None whenever it is
not sure, and the import then takes OTIO's way (every other schema, an older schema version OTIO upgrades,
transitions, nested stacks, effects, a missing reference, NTSC floats, duplicate keys, NaN...).

Why the dicts are the same: OTIO writes an object's fields in its schema's order (taken here from OTIO itself)
and a dictionary's keys sorted, so a file already in that form comes back unchanged, provided each value reads
the same both ways: OTIO's JSON reader rounds a number of more than 15 significant digits differently from
Python's (23.976023976023978 reads as 23.976023976023974), keeps the first of two equal keys (Python the
last), and makes an integer outside 64 bits something else; such files take OTIO's way.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NoReturn

import opentimelineio as otio

from horus_desktop.timeline.annotation_import import KEPT
from horus_desktop.timeline.otio_doc import NS, to_dict
from horus_desktop.timeline.otio_parse import FlatItem, FlatTrack, _rescaled
from horus_desktop.timeline.validate import MAX_FRAMES, check_rate, times_fine

#: A key with blanks before its colon (the keys are counted by their '":'), or a schema only OTIO reads (looked
#: for in the text, in a string too: such a file simply goes OTIO's way), in one scan of the text. The lookahead
#: lets a quote followed by anything no branch starts with (most of them) fail at once, where the alternation
#: tried its eleven branches at each of a document's ~170,000 quotes (the scan 8.7 -> 5.0 ms on the bench file).
_BLANK_KEY_OR_SCHEMA = re.compile(r'"(?=[ \t\n\rTELFAGSBC])(?:[ \t\n\r]+:|(?:Transition|Effect|TimeEffect|'
                                  r'LinearTimeWarp|FreezeFrame|Annotation|GeneratorReference|SerializableCollection|'
                                  r'Box2d|Color)\.)')
#: Escapes OTIO's reader may read otherwise than Python's: NUL, and surrogates (a lone one is no UTF-8).
_ODD_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")
_INT64 = (-(2**63), 2**63 - 1)
_REFERENCES = ("ExternalReference", "ImageSequenceReference")  # kinds an import never replaces
_POLICIES = ("error", "hold", "black")


class _NotPlain(Exception):
    """The file is not in the form read here: OTIO reads it."""


@cache
def _shapes() -> dict[str, tuple[str, list[str]]]:
    """Schema name and key order of each object read here, as this OTIO writes them."""
    made = {"Timeline": otio.schema.Timeline(), "Stack": otio.schema.Stack(), "Track": otio.schema.Track(),
            "Clip": otio.schema.Clip(), "Gap": otio.schema.Gap(), "Marker": otio.schema.Marker(),
            "ExternalReference": otio.schema.ExternalReference(),
            "ImageSequenceReference": otio.schema.ImageSequenceReference(),
            "MissingReference": otio.schema.MissingReference()}
    shapes = {kind: (d["OTIO_SCHEMA"], list(d)) for kind, d in ((k, to_dict(o)) for k, o in made.items())}
    gap = to_dict(otio.schema.Gap())["source_range"]
    shapes["TimeRange"] = (gap["OTIO_SCHEMA"], list(gap))
    shapes["RationalTime"] = (gap["duration"]["OTIO_SCHEMA"], list(gap["duration"]))
    return shapes


@dataclass
class PlainDocument:
    """A plain file's otio_json dict and what an import reads of it (see :func:`read_plain`). Every number in
    it is written by orjson as ``json`` writes it: no NaN or Infinity is parsed, a float is made only of a
    spelling of up to 16 characters without an exponent and is zero or not tiny (:func:`_float`), an integer
    fits in 64 bits."""

    data: dict[str, Any]
    tracks: list[FlatTrack]
    clips: list[tuple[tuple[int, int], dict[str, Any]]]  # (place, clip dict) in document order
    whole: tuple[float, float] | None  # the document's duration (value, rate); None without tracks
    first_rate: float | None = None  # the rate of the first clip's duration
    #: The largest |value / rate| of any time read (seconds), and whether a time had a rate <= 0 or a duration
    #: a value < 0: what :meth:`times_fine` needs, taken as the read converts each time.
    reach: float = 0.0
    odd: bool = True

    def times_fine(self, rate: Fraction) -> bool:
        """``validate.times_fine`` of this document at timeline ``rate``, without a second walk over its times
        when the read's bounds leave no doubt: every time far inside the frame limit (half of it, so a
        different rounding of value * rate / rate cannot matter), no rate <= 0, no negative duration. Else
        (near the limit, anything odd) the full check decides."""
        try:
            limit = float(check_rate(rate, "timeline rate"))
        except ValueError:
            return False
        if self.odd or not self.reach * limit < MAX_FRAMES / 2:
            return times_fine(self.as_document(), self.data, rate)
        if self.whole is None:
            return True
        frames = self.whole[0] * limit / self.whole[1]  # the duration: a sum of durations may still overflow
        return 0 <= frames <= MAX_FRAMES

    def duration_frames(self, rate: Fraction) -> int:
        """The document's length in frames at ``rate`` (``otio_parse.duration_frames``)."""
        return 0 if self.whole is None else round(_rescaled(self.whole[0], self.whole[1], float(rate)))

    def own_rate(self) -> float:
        """``validate.document_rate``: the start time's rate, else the first clip's duration's, else 24."""
        start = self.data["global_start_time"]
        if start is not None:
            return start["rate"]
        return self.first_rate if self.first_rate is not None else 24.0

    def as_document(self) -> Any:
        """What ``validate.times_fine`` reads of an OTIO Timeline (its tracks' count and its duration)."""
        whole = self.whole
        return SimpleNamespace(tracks=self.tracks if whole is not None else (),
                               duration=lambda: SimpleNamespace(value=whole[0], rate=whole[1]) if whole else None)


def read_plain(path: Path) -> PlainDocument | None:
    """The plain form of an ``.otio`` file and its clips placed (timeline frames still to scale), or None when
    OTIO must read it (see the module doc). Reads the file only: an error is OTIO's to report."""
    try:  # bytes decoded, as OTIO reads them (read_text's newline translation costs 4 ms a 1.5 MB file)
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    # Most files hold no backslash at all: one memchr-fast find spares the escape scan (0.9 ms a 3.7 MB file).
    if ("\\" in text and _ODD_ESCAPE.search(text)) or _BLANK_KEY_OR_SCHEMA.search(text):
        return None  # found before json parses it: a file OTIO reads costs no second parse (~20 ms a 1.5 MB one)
    try:  # numbers as their spelling, read below (json's C scanner makes the rest); NaN and Infinity refused
        data = json.loads(text, parse_float=_SPELLING, parse_constant=_not_finite)
    except (ValueError, RecursionError):
        return None
    if type(data) is not dict:
        return None
    reader = _Reader()
    try:
        plain = reader.document(data)
    except (_NotPlain, KeyError, TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    # A key is a string and its colon (no blank between, checked above); '":' may also stand in a string: as
    # many found as keys read means no key was read twice (OTIO keeps the first of two, json the last).
    if text.count('":') != reader.keys:
        return None
    return plain


#: ``json``'s ``parse_float``: a JSON number with a fraction or exponent kept as its spelling, in bytes, a type
#: nothing else in a parsed document has (so a text is never taken for a number). A C method: a ``str``
#: subclass made per number cost ~1.6 ms of a 2,000-clip file's 12 ms parse (10,400 numbers).
_SPELLING = str.encode
_Number = bytes  # the type of a number's spelling in the parsed document, until read below
#: An exponent's letters as the byte values ``in`` looks for: ``b"e" in spelling`` first tries ``b"e"`` as an
#: integer and raises and clears a TypeError each time (more than the parse's saving), ``bytes.find`` parses
#: its arguments the slow way; an integer is one memchr.
_E, _E_UPPER = ord("e"), ord("E")


def _not_finite(name: str) -> NoReturn:
    """``json``'s ``parse_constant``: a plain document holds no NaN or infinity (OTIO's way reads those), so
    its every float is one :func:`_float` made (see :class:`PlainDocument`)."""
    raise ValueError(f"{name} is not a finite number")


#: Below this magnitude (zero aside) orjson spells a float otherwise than ``json`` (``0.00001`` for ``1e-05``,
#: ``1e-7`` for ``1e-07``; the same number read back); at and above it the two write the same text
#: (400,000 random doubles compared, and every 16-character decimal spelling tried).
_SPELT_ALIKE = 1e-4


def _float(spelling: Any) -> float:
    """A number OTIO's reader makes as Python does: up to 15 digits, no exponent (one exact rounding); not a
    tiny one (:data:`_SPELT_ALIKE`), so the store's orjson writes the document as ``json`` writes it."""
    if type(spelling) is not _Number or len(spelling) > 16 or _E in spelling or _E_UPPER in spelling:
        raise _NotPlain("number")
    value = float(spelling)
    if value and -_SPELT_ALIKE < value < _SPELT_ALIKE:
        raise _NotPlain("tiny number")
    return value


class _Reader:
    """The checks of one document, keys counted (``keys``)."""

    def __init__(self) -> None:
        shapes = _shapes()
        self.keys = 0
        self.reach = 0.0  # see PlainDocument.reach and odd
        self.odd = False
        self.by_kind = shapes
        self.time_schema, self.time_keys = shapes["RationalTime"]
        self.range_schema, self.range_keys = shapes["TimeRange"]
        self.schemas = {kind: schema for kind, (schema, _) in shapes.items()}
        #: Each number spelling of a time read so far and its float (a document spells few: 24.0, 1001.0...),
        #: so a spelling is checked and converted once, not at each of its ~10,000 times.
        self.floats: dict[bytes, float] = {}

    def check(self, node: Any, kind: str) -> dict[str, Any]:
        schema, keys = self.by_kind[kind]
        if type(node) is not dict or list(node) != keys or node["OTIO_SCHEMA"] != schema:
            raise _NotPlain(kind)
        self.keys += len(node)
        metadata = node["metadata"]
        if type(metadata) is not dict:
            raise _NotPlain("metadata")
        if metadata:
            self.metadata(metadata)
        if type(node["name"]) is not str:
            raise _NotPlain("name")
        return node

    def metadata(self, value: Any) -> Any:
        """A metadata value OTIO keeps as it is (a dictionary with sorted keys, not an object; a list, text,
        a 64-bit integer, a number), its numbers made floats."""
        kind = type(value)
        if kind is dict:
            keys = list(value)
            if keys != sorted(keys) or "OTIO_SCHEMA" in value:
                raise _NotPlain("metadata")
            self.keys += len(keys)
            for key in keys:
                value[key] = self.metadata(value[key])
        elif kind is list:
            value[:] = [self.metadata(item) for item in value]
        elif kind is _Number:
            return _float(value)
        elif kind is int:
            if not _INT64[0] <= value <= _INT64[1]:
                raise _NotPlain("integer")
        elif kind is not str and kind is not bool and value is not None:
            raise _NotPlain("metadata")  # NaN or Infinity
        return value

    def time(self, node: Any, duration: bool = False) -> None:
        if type(node) is not dict or list(node) != self.time_keys or node["OTIO_SCHEMA"] != self.time_schema:
            raise _NotPlain("time")
        floats = self.floats
        # A spelling read before (only bytes, a number's spelling, are keys: a text or an integer is never found,
        # a list or a dict raises TypeError: not plain), else checked: up to 15 digits and no exponent, which
        # OTIO's reader makes into the double exactly (one rounding), as Python does.
        at = floats.get(node["rate"])
        if at is None:
            at = floats[node["rate"]] = _float(node["rate"])
        frames = floats.get(node["value"])
        if frames is None:
            frames = floats[node["value"]] = _float(node["value"])
        node["rate"], node["value"] = at, frames
        self.keys += 3
        if at <= 0 or (duration and frames < 0):
            self.odd = True
        elif abs(frames) / at > self.reach:  # finite (<= 16 digits, no exponent); a tiny rate makes it inf
            self.reach = abs(frames) / at

    def range(self, node: Any) -> None:
        if type(node) is not dict or list(node) != self.range_keys or node["OTIO_SCHEMA"] != self.range_schema:
            raise _NotPlain("range")
        self.keys += 3
        self.time(node["duration"], True)
        self.time(node["start_time"])

    def item(self, node: Any, kind: str) -> None:
        """A clip or gap: no effects, no colour, a source range, markers as OTIO writes them."""
        self.check(node, kind)
        if node["effects"] != [] or type(node["enabled"]) is not bool or node["color"] is not None:
            raise _NotPlain(kind)
        self.range(node["source_range"])
        markers = node["markers"]
        if type(markers) is not list:
            raise _NotPlain("markers")
        for marker in markers:
            self.check(marker, "Marker")
            if type(marker["color"]) is not str or type(marker["comment"]) is not str:
                raise _NotPlain("marker")
            self.range(marker["marked_range"])

    def reference(self, node: Any) -> str:
        kind = str(node.get("OTIO_SCHEMA", "") if type(node) is dict else "").rpartition(".")[0]
        if kind not in ("ExternalReference", "ImageSequenceReference", "MissingReference"):
            raise _NotPlain("reference")
        self.check(node, kind)
        found = node["metadata"].get(NS)
        if (found is not None and type(found) is not dict) or node["available_image_bounds"] is not None:
            raise _NotPlain("reference")
        if node["available_range"] is not None:
            self.range(node["available_range"])
        if kind == "ExternalReference" and type(node["target_url"]) is not str:
            raise _NotPlain("reference")
        if kind == "ImageSequenceReference":
            texts = (node["target_url_base"], node["name_prefix"], node["name_suffix"])
            ints = (node["start_frame"], node["frame_step"], node["frame_zero_padding"])
            node["rate"] = _float(node["rate"])
            if not node["rate"] > 0:  # validate.times_fine's rule of a sequence's rate
                self.odd = True
            if any(type(t) is not str for t in texts) or any(type(i) is not int or abs(i) >= 2**31 for i in ints) \
                    or node["missing_frame_policy"] not in _POLICIES:
                raise _NotPlain("reference")
        return kind

    def clip(self, node: Any) -> None:
        self.item(node, "Clip")
        metadata = node["metadata"]
        found = metadata.get(NS)
        if (found is not None and type(found) is not dict) or KEPT in metadata:
            raise _NotPlain("clip metadata")
        references = node["media_references"]
        if type(references) is not dict or (len(references) > 1 and list(references) != sorted(references)):
            raise _NotPlain("references")
        self.keys += len(references)
        active, kind = node["active_media_reference_key"], None
        for key, ref in references.items():  # each checked; the active one's kind kept
            found = self.reference(ref)
            if key == active:
                kind = found
        if kind not in _REFERENCES:
            raise _NotPlain("active reference")  # none, or one an import would replace: OTIO's way

    def document(self, data: dict[str, Any]) -> PlainDocument:
        self.check(data, "Timeline")
        found = data["metadata"].get(NS)
        if found is not None and type(found) is not dict:
            raise _NotPlain("metadata")
        first_rate = None
        if data["global_start_time"] is not None:
            self.time(data["global_start_time"])
        stack = self.check(data["tracks"], "Stack")
        if (stack["source_range"] is not None or stack["effects"] != [] or stack["markers"] != []
                or type(stack["enabled"]) is not bool or stack["color"] is not None
                or type(stack["children"]) is not list):
            raise _NotPlain("stack")
        tracks: list[FlatTrack] = []
        clips: list[tuple[tuple[int, int], dict[str, Any]]] = []
        durations: list[tuple[float, float]] = []
        clip_schema, gap_schema = self.schemas["Clip"], self.schemas["Gap"]
        for ti, track in enumerate(stack["children"]):
            self.check(track, "Track")
            if (track["source_range"] is not None or track["effects"] != [] or track["markers"] != []
                    or type(track["enabled"]) is not bool or track["color"] is not None
                    or type(track["kind"]) is not str or type(track["children"]) is not list):
                raise _NotPlain("track")
            tracks.append(FlatTrack(index=ti, path=(ti,), track=SimpleNamespace(name=track["name"]),
                                    kind="audio" if track["kind"] == otio.schema.TrackKind.Audio else "video"))
            value, rate = 0.0, 1.0  # OTIO's sum of the durations: RationalTime() += each
            for ci, child in enumerate(track["children"]):
                schema = child.get("OTIO_SCHEMA") if type(child) is dict else None
                if schema == clip_schema:
                    self.clip(child)
                    clips.append(((ti, ci), child))
                elif schema == gap_schema:
                    self.item(child, "Gap")
                else:
                    raise _NotPlain(str(schema))
                duration = child["source_range"]["duration"]
                at = duration["rate"]
                if schema == clip_schema and first_rate is None:
                    first_rate = at
                if rate < at:
                    value, rate = duration["value"] + _rescaled(value, rate, at), at
                else:
                    value += _rescaled(duration["value"], at, rate)
            durations.append((value, rate))
        whole = None
        if durations:  # the stack's duration: the longest track's, the first of equals (std::max)
            whole = durations[0]
            for duration in durations[1:]:
                if whole[0] / whole[1] < duration[0] / duration[1]:
                    whole = duration
        return PlainDocument(data, tracks, clips, whole, first_rate, self.reach, self.odd)


def place(plain: PlainDocument, rate: Fraction) -> None:
    """Put every clip of ``plain`` on its flat track at ``rate``: ``otio_parse._plain_placement``'s frames (the
    float operations of OTIO's ``range_of_all_children``), its checks of types and schemas made already by the
    read. ValueError for a track whose durations are at more than one rate or below 1 (OTIO places it)."""
    at = float(rate)
    tracks = plain.data["tracks"]["children"]
    for flat in plain.tracks:
        flat.items.clear()
        end, unit = 0.0, None
        for index, child in enumerate(tracks[flat.index]["children"]):
            source = child["source_range"]
            duration, first = source["duration"], source["start_time"]
            value, each = duration["value"], duration["rate"]
            if each < 1 or (unit is not None and each != unit):
                raise ValueError("not a plain track")
            unit = each
            if child["OTIO_SCHEMA"][:5] == "Clip.":
                flat.items.append(FlatItem(
                    child, index, round(end if at == each else end * at / each),
                    round(value if at == each else value * at / each),
                    round(first["value"] if at == first["rate"] else first["value"] * at / first["rate"]),
                    plain_clip=True))
            end += value

"""Mutations of real OTIO files (written by OpenTimelineIO) for the playlist-import fuzz run: hostile numbers
(NaN, infinities, huge, negative, zero and odd rates, a number's type changed), hostile text (NUL, lone
surrogates, right-to-left and combining marks, 100,000 characters), metadata of odd types, structure moved
about (nested stacks, transitions, gaps without a range, unknown schemas, a key taken away) and damaged text
(cut short, a byte changed)."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import opentimelineio as otio

from horus_desktop.timeline.otio_doc import trange

NUMBERS: tuple[Any, ...] = (float("nan"), float("inf"), float("-inf"), 1e300, -1e300, 2.0**63, -1.0, -0.0, 0.0,
                            1e-300, 0.5, 23.976, 24000 / 1001, 1000.0, 2.0**31, 2.0**31 - 1, 24, "24", None, True,
                            [24.0], {"value": 1.0})
TEXTS = ("", "\x00", "a\x00b", "\ud800", "\udfff tail", "\u202eevil\u202c", "e\u0301\u0301\u0301", "\U0001f3ac",
         "x" * 100_000, "../../etc/passwd", "line\nbreak", "%s%n%d", "\ufeffbom")
ODD_METADATA: tuple[Any, ...] = ({"horus": "not a dict"}, {"horus": {"media_id": 5}}, {"horus": {"clip_id": "zzz"}},
                                 {"horus": {"media_path": ["a"]}}, {"horus": {"rate": "0/0"}},
                                 {"horus": {"media_id": "00000000-0000-0000-0000-000000000000"}},
                                 {"big": 10**30}, {"nan": float("nan")}, {"deep": json.loads("[" * 200 + "]" * 200)},
                                 {"list": [None, True, 1.5, "\x00"]}, {"\x00key": 1}, {"": None}, [1, 2], "text", 7)


def write_bases(folder: Path) -> list[Path]:
    """Real documents OpenTimelineIO writes: a small cut (two tracks, a gap, a marker, a transition, a nested
    stack, an audio track) and a 260-clip cut (past the set-based write's trigger threshold)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, count in (("small", 12), ("large", 260)):
        doc = otio.schema.Timeline(name=f"cut {name}")
        video, more, audio = (otio.schema.Track(name="V1"), otio.schema.Track(name="V2"),
                              otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio))
        for i in range(count):
            clip = otio.schema.Clip(name=f"sh{i:03d}_comp_v001", source_range=trange(1001 + i % 3, 3 + i % 5, 24),
                                    media_reference=otio.schema.ExternalReference(
                                        target_url=f"/show/sh{i % 40:03d}/comp/v001/sh{i % 40:03d}.mov"))
            clip.metadata["vendor"] = {"take": i, "tags": ["a", "b"], "gain": 0.5}
            if i % 4 == 0:
                clip.markers.append(otio.schema.Marker(name="look", marked_range=trange(1002, 1, 24)))
            (video if i % 3 else more).append(clip)
            if i % 10 == 5:
                video.append(otio.schema.Gap(source_range=trange(0, 2, 24)))
        if count < 100:
            more.insert(1, otio.schema.Transition(in_offset=trange(0, 1, 24).start_time,
                                                  out_offset=trange(0, 1, 24).start_time))
            stack = otio.schema.Stack(name="nest")
            inner = otio.schema.Track(name="inner")
            inner.append(otio.schema.Clip(name="sh001_comp_v001", source_range=trange(1001, 2, 24)))
            stack.append(inner)
            more.append(stack)
        audio.append(otio.schema.Clip(name="mix", source_range=trange(0, 30, 48000)))
        doc.tracks.extend([video, more, audio])
        path = folder / f"{name}.otio"
        otio.adapters.write_to_file(doc, str(path))
        out.append(path)
    return out


def _nodes(value: Any, where: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield where, value
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _nodes(inner, (*where, key))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from _nodes(inner, (*where, i))


def _set(doc: Any, where: tuple[Any, ...], value: Any) -> None:
    for key in where[:-1]:
        doc = doc[key]
    doc[where[-1]] = value


def _mutate(doc: dict[str, Any], rng: random.Random) -> str:
    """Change ``doc`` in place one hostile way; returns what was done."""
    nodes = list(_nodes(doc))
    numbers = [(w, v) for w, v in nodes if w and w[-1] in ("value", "rate")]
    strings = [(w, v) for w, v in nodes if w and isinstance(v, str) and w[-1] != "OTIO_SCHEMA"]
    items = [(w, v) for w, v in nodes if isinstance(v, dict) and str(v.get("OTIO_SCHEMA", "")).split(".")[0]
             in ("Clip", "Gap", "Track", "Stack", "Transition")]
    kind = rng.choice(("number", "number", "number", "text", "metadata", "structure", "structure", "key"))
    if kind == "number" and numbers:
        where, _ = rng.choice(numbers)
        new = rng.choice(NUMBERS)
        _set(doc, where, copy.deepcopy(new))
        return f"number {'/'.join(map(str, where))} = {new!r}"[:120]
    if kind == "text" and strings:
        where, _ = rng.choice(strings)
        new = rng.choice(TEXTS)
        _set(doc, where, new)
        return f"text {'/'.join(map(str, where))} = {new[:20]!r}"
    if kind == "metadata" and items:
        where, item = rng.choice(items)
        new = copy.deepcopy(rng.choice(ODD_METADATA))
        item["metadata"] = new
        return f"metadata {'/'.join(map(str, where))} = {str(new)[:40]}"
    if kind == "key" and items:
        where, item = rng.choice(items)
        key = rng.choice(sorted(item))
        del item[key]
        return f"del {'/'.join(map(str, where))}/{key}"
    tracks = [(w, v) for w, v in items if v["OTIO_SCHEMA"].startswith("Track")]
    if not tracks:
        return "none"
    where, track = rng.choice(tracks)
    children = track.get("children")
    move = rng.choice(("nest", "transition", "gap", "schema", "duplicate", "children"))
    if type(children) is not list:
        children, move = [], "children"
    if move == "nest" and children:
        i = rng.randrange(len(children))
        children[i] = {"OTIO_SCHEMA": "Stack.1", "name": "n", "metadata": {}, "source_range": None, "effects": [],
                       "markers": [], "enabled": True,
                       "children": [{"OTIO_SCHEMA": "Track.1", "name": "t", "kind": "Video", "metadata": {},
                                     "source_range": None, "effects": [], "markers": [], "enabled": True,
                                     "children": [children[i]]}]}
    elif move == "transition":
        children.insert(rng.randrange(len(children) + 1), {
            "OTIO_SCHEMA": "Transition.1", "name": "x", "metadata": {}, "transition_type": "SMPTE_Dissolve",
            "in_offset": {"OTIO_SCHEMA": "RationalTime.1", "rate": 24.0, "value": rng.choice((1.0, 1e9, -1.0))},
            "out_offset": {"OTIO_SCHEMA": "RationalTime.1", "rate": 24.0, "value": 1.0}})
    elif move == "gap":
        children.insert(rng.randrange(len(children) + 1), {"OTIO_SCHEMA": "Gap.1", "name": "", "metadata": {},
                                                           "source_range": None, "effects": [], "markers": [],
                                                           "enabled": True})
    elif move == "schema" and children and type(children[0]) is dict:
        children[0]["OTIO_SCHEMA"] = rng.choice(("Foo.1", "Clip.1", "Clip.99", "Gap.2", "Track.1", ""))
    elif move == "duplicate" and children:
        children.append(copy.deepcopy(rng.choice(children)))
    else:
        track["children"] = rng.choice(({}, None, "x", [None], [1]))
    return f"{move} in {'/'.join(map(str, where))}"


def mutations(bases: list[Path], folder: Path, count: int, seed: int = 2026) -> list[tuple[Path, str]]:
    """``count`` mutated files in ``folder``: each one to three JSON changes of a base, or its text cut short or
    a byte of it changed; returns (file, what was done)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for n in range(count):
        base = rng.choice(bases)
        raw = base.read_text()
        if rng.random() < 0.1:
            data = raw.encode()
            cut = rng.randrange(len(data))
            if rng.random() < 0.5:
                body, what = data[:cut], f"cut at {cut}"
            else:
                body, what = data[:cut] + bytes([rng.randrange(256)]) + data[cut + 1:], f"byte {cut}"
        else:
            doc = json.loads(raw)
            what = "; ".join(_mutate(doc, rng) for _ in range(rng.randint(1, 3)))
            body = json.dumps(doc).encode("utf-8", "surrogatepass")
        path = folder / f"m{n:04d}_{base.stem}.otio"
        path.write_bytes(body)
        out.append((path, what))
    return out

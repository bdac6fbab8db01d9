"""Bad playlist files: every one is refused with an error naming the file (and the item), nothing written.

Hand-picked bad numbers first, then hypothesis feeding the .otio and .edl importers mutated real files
(written by OpenTimelineIO) and garbage: a clean import or a PlaylistFileError naming the file, never
another exception, and the store unchanged on error.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import opentimelineio as otio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from horus_desktop.store import Store
from horus_desktop.timeline import files, playlists
from horus_desktop.timeline.errors import PlaylistError, PlaylistFileError
from horus_desktop.timeline.otio_doc import trange
from horus_desktop.timeline.state import load_state

EDL = """TITLE: CUT 12
FCM: NON-DROP FRAME

001  SH010    V     C        01:00:00:00 01:00:02:00 01:00:00:00 01:00:02:00
* FROM CLIP NAME: sh010_comp_v002
002  SH020    V     C        01:00:10:00 01:00:11:00 01:00:02:00 01:00:03:00
* FROM CLIP NAME: sh020_comp_v001
003  SH030    V     D    012 01:00:20:00 01:00:21:12 01:00:03:00 01:00:04:12
* FROM CLIP NAME: sh030_comp_v003
"""


def _seed_otio() -> str:
    """A real OTIO document: clips, a gap, a dissolve, a marker and a nested stack."""
    doc = otio.schema.Timeline(name="seed")
    track = otio.schema.Track(name="V1")
    for name, start, length in (("sh010", 1001, 24), ("sh020", 1001, 12)):
        clip = otio.schema.Clip(name=name, source_range=trange(start, length, 24),
                                media_reference=otio.schema.ExternalReference(target_url=f"/show/{name}.mov"))
        track.append(clip)
    track.append(otio.schema.Gap(source_range=trange(0, 6, 24)))
    track.insert(1, otio.schema.Transition(in_offset=otio.opentime.RationalTime(3, 24),
                                           out_offset=otio.opentime.RationalTime(3, 24)))
    track[0].markers.append(otio.schema.Marker(name="note", marked_range=trange(1005, 1, 24)))
    stack = otio.schema.Stack(name="nest", source_range=trange(0, 10, 24))
    stack.append(otio.schema.Clip(name="inner", source_range=trange(5, 10, 24)))
    track.append(stack)
    doc.tracks.append(track)
    return otio.adapters.write_to_string(doc, "otio_json")


SEED_OTIO = _seed_otio()


def _snapshot(store: Store) -> list[tuple[str, int]]:
    return sorted((str(t.id), n) for t, n in store.timelines.list())


def _one_clip_otio(**fields: object) -> str:
    """An OTIO document of one clip whose source range parts are replaced by ``fields`` (raw JSON values)."""
    data = json.loads(SEED_OTIO)
    clip = data["tracks"]["children"][0]["children"][0]
    for key, value in fields.items():
        part, _, attr = key.partition("__")
        clip["source_range"][part][attr] = value
    return json.dumps(data).replace('"@NaN"', "NaN")


BAD_FILES = [
    ("huge.otio", _one_clip_otio(start_time__value=1e300), "start_time"),
    ("negative.otio", _one_clip_otio(duration__value=-5), "duration"),
    ("rate0.otio", _one_clip_otio(duration__rate=0), "rate"),
    ("ratenan.otio", _one_clip_otio(duration__rate="@NaN"), "rate"),
    ("half_fps.otio", _one_clip_otio(duration__rate=0.5), "rate"),  # timecode of 0 frames a second
    ("inverted.edl", EDL.replace("01:00:10:00 01:00:11:00 01:00:02:00 01:00:03:00",
                                 "01:00:11:00 01:00:10:00 01:00:03:00 01:00:02:00"), "sh020_comp_v001"),
    ("nul.edl", EDL.replace("002 ", "\x00\x00 "), "NUL"),
    ("garbage.otio", "\u2603 not json \ufffd", "cannot read"),
    ("unicode.edl", "TITLE: \u00e9t\u00e9 \u2603\n\n001  \u00c9\u00c9\u00c9 V C 01:00:00:00\n", "cannot read"),
]


@pytest.mark.parametrize(("name", "text", "what"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_numbers_are_refused_naming_file_and_item(store: Store, tmp_path: Path, name: str, text: str,
                                                      what: str) -> None:
    playlists.create_playlist(store, name="existing", project_id="p", user="ana")
    before = _snapshot(store)
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(PlaylistFileError) as caught:
        files.import_playlist(store, path, user="ana")
    assert str(path) in str(caught.value) and what in str(caught.value)
    assert _snapshot(store) == before


@pytest.mark.parametrize("rate", ["0", "-24", "nan", "inf", "abc"])
def test_bad_rates_are_refused(store: Store, tmp_path: Path, rate: str) -> None:
    path = tmp_path / "cut.edl"
    path.write_text(EDL)
    with pytest.raises(PlaylistError, match="rate"):
        files.import_playlist(store, path, user="ana", rate=rate)
    assert _snapshot(store) == []


# hypothesis ---------------------------------------------------------------------------------------

ODD_NUMBERS = ["0", "-0", "-1", "-1e308", "1e308", "1e400", "NaN", "Infinity", "-Infinity", "4294967296",
               "99999999999999999999999", "0.5", '"x"', "null", "[]", "{}", "true"]
ODD_TEXT = ["\x00", "\ufffd", "\u2603", "\n", ";", ":", "99:99:99:99", "-01:00:00:00", "\t", "* ", "*"]


def _mutate_numbers(text: str, picks: list[tuple[int, str]]) -> str:
    """Replace some of the JSON numbers of ``text`` by odd values (index modulo the numbers found)."""
    spans = [m.span(1) for m in re.finditer(r'"(?:value|rate)": (-?[\d.e+-]+)', text)]
    chosen = {spans[i % len(spans)]: value for i, value in picks}
    out, last = [], 0
    for (a, b), value in sorted(chosen.items()):
        out += [text[last:a], value]
        last = b
    return "".join(out) + text[last:]


def _mutate_bytes(data: bytes, edits: list[tuple[int, bytes]], cut: int | None) -> bytes:
    """Overwrite bytes at positions (modulo the length) and optionally truncate."""
    buf = bytearray(data)
    for at, chunk in edits:
        pos = at % max(len(buf), 1)
        buf[pos:pos + len(chunk)] = chunk
    return bytes(buf[:cut]) if cut is not None else bytes(buf)


def _text_edits() -> st.SearchStrategy[list[tuple[int, bytes]]]:
    pieces = st.one_of(st.sampled_from([t.encode() for t in ODD_TEXT]), st.binary(min_size=1, max_size=6))
    return st.lists(st.tuples(st.integers(0, 10_000), pieces), max_size=6)


def _otio_files() -> st.SearchStrategy[bytes]:
    numbers = st.lists(st.tuples(st.integers(0, 500), st.sampled_from(ODD_NUMBERS)), min_size=1, max_size=4)
    mutated = numbers.map(lambda picks: _mutate_numbers(SEED_OTIO, picks).encode())
    damaged = st.builds(_mutate_bytes, st.just(SEED_OTIO.encode()), _text_edits(),
                        st.one_of(st.none(), st.integers(0, len(SEED_OTIO))))
    return st.one_of(mutated, damaged, st.binary(max_size=200))


def _edl_files() -> st.SearchStrategy[bytes]:
    timecodes = re.findall(r"\d\d:\d\d:\d\d:\d\d", EDL)
    odd_tc = st.one_of(st.sampled_from(timecodes),
                       st.from_regex(r"\A\d\d[:;]\d\d[:;]\d\d[:;]\d\d\Z"), st.sampled_from(ODD_TEXT))

    def swap(values: list[str]) -> bytes:
        it = iter(values)
        return re.sub(r"\d\d:\d\d:\d\d:\d\d", lambda m: next(it, m.group(0)), EDL).encode()
    swapped = st.lists(odd_tc, min_size=1, max_size=len(timecodes)).map(swap)

    def reverse(events: set[int]) -> bytes:  # out before in, for source and record alike
        lines = EDL.splitlines(keepends=True)
        for i in events:
            at = next(n for n, line in enumerate(lines) if line.startswith(f"00{i} "))
            tc = re.findall(r"\d\d:\d\d:\d\d:\d\d", lines[at])
            lines[at] = lines[at].replace(" ".join(tc), " ".join([tc[1], tc[0], tc[3], tc[2]]))
        return "".join(lines).encode()
    reversed_events = st.sets(st.integers(1, 3), min_size=1).map(reverse)
    damaged = st.builds(_mutate_bytes, st.just(EDL.encode()), _text_edits(),
                        st.one_of(st.none(), st.integers(0, len(EDL))))
    return st.one_of(swapped, reversed_events, damaged, st.binary(max_size=200),
                     st.text(max_size=200).map(str.encode))


def _import_or_refuse(store: Store, path: Path, data: bytes) -> None:
    path.write_bytes(data)
    before = _snapshot(store)
    try:
        report = files.import_playlist(store, path, user="ana", project_id="p")
    except PlaylistFileError as exc:
        assert str(path) in str(exc)
        assert _snapshot(store) == before
        return
    state = load_state(store, report.timeline.id)  # what the track view would draw
    assert len(state.clips()) == len(report.timeline.clips)


FUZZ = settings(max_examples=100, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@FUZZ
@given(data=_otio_files())
def test_fuzzed_otio_files_import_cleanly_or_are_refused(store: Store, tmp_path: Path, data: bytes) -> None:
    _import_or_refuse(store, tmp_path / "fuzz.otio", data)


@FUZZ
@given(data=_edl_files())
def test_fuzzed_edl_files_import_cleanly_or_are_refused(store: Store, tmp_path: Path, data: bytes) -> None:
    _import_or_refuse(store, tmp_path / "fuzz.edl", data)

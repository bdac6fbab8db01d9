"""An ``.otio`` file in the form OpenTimelineIO writes is imported without OTIO's objects (``otio_plain``), and
stores byte for byte what OTIO's way stores: many generated documents (names, metadata of every JSON kind,
markers, gaps, sequence and external references, audio and empty tracks, start times, rates, text written
otherwise than OTIO writes it) imported both ways give the same rows, outbox ops and reports; a bad file gives
the same error both ways and writes nothing."""

from __future__ import annotations

import itertools
import json
import random
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import opentimelineio as otio
import pytest
from sqlalchemy import text

from horus_desktop.store import Store
from horus_desktop.store.repositories import imports
from horus_desktop.store.repositories import media as media_repository
from horus_desktop.timeline import files, otio_plain
from horus_desktop.timeline.otio_doc import set_meta

NOW = datetime(2026, 12, 1, 2, 3, 4, 567891, tzinfo=UTC)
RATES = (24.0, 25.0, 30.0, 12.5, 48.0, 1.0)
NAMES = ("sh010", "", "Variété ✨", 'q "uoted" \\ back', "日本語", "tab\there", "a" * 300, "😀 emoji")


def _media(store: Store) -> None:
    for i in range(12):
        store.media.create(id=uuid.UUID(int=500 + i), file_path=f"/show/sh{i:03d}/comp/v001/sh{i:03d}.%04d.exr",
                           project_id="p", shot=f"sh{i:03d}", version="v001", frame_rate=24.0, start_frame=1001,
                           end_frame=1100, resolution="2048x1152")


def _time(pick: random.Random, rate: float, whole: bool = False) -> otio.opentime.RationalTime:
    value = pick.choice([pick.randint(0, 200), pick.randint(-50, 10**5), round(pick.random() * 100, 3)])
    return otio.opentime.RationalTime(abs(value) if whole else value, rate)


def _range(pick: random.Random, rate: float) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(_time(pick, pick.choice(RATES)), _time(pick, rate, whole=True))


def _value(pick: random.Random, depth: int = 0) -> Any:
    kinds = ["text", "int", "float", "bool", "none"] + (["list", "dict"] if depth < 2 else [])
    kind = pick.choice(kinds)
    if kind == "text":
        return pick.choice(NAMES)
    if kind == "int":
        return pick.choice([0, -3, 2**40, 2**63 - 1, -(2**63)])
    if kind == "float":
        return pick.choice([0.5, -1.25, 1e-3, 123456.75, 2.0])
    if kind == "bool":
        return pick.random() < 0.5
    if kind == "none":
        return None
    if kind == "list":
        return [_value(pick, depth + 1) for _ in range(pick.randint(0, 3))]
    return {f"k{pick.randint(0, 9)}{n}": _value(pick, depth + 1) for n in range(pick.randint(0, 3))}


def _reference(pick: random.Random, i: int, rate: float) -> otio.core.MediaReference:
    if pick.random() < 0.3:
        ref = otio.schema.ImageSequenceReference(
            target_url_base=f"/show/sh{i % 14:03d}/comp/v001/", name_prefix=f"sh{i % 14:03d}.", name_suffix=".exr",
            start_frame=1001, frame_zero_padding=4, rate=rate)
    else:
        ref = otio.schema.ExternalReference(target_url=pick.choice(
            [f"file:///show/sh{i % 14:03d}/comp/v001/sh{i % 14:03d}.####.exr", "/elsewhere/x.mov", "", "r:\\a b"]))
    if pick.random() < 0.3:
        ref.available_range = _range(pick, rate)
    if pick.random() < 0.2:
        ref.metadata["vendor"] = _value(pick)
    return ref


def _document(seed: int) -> otio.schema.Timeline:
    pick = random.Random(seed)
    doc = otio.schema.Timeline(name=pick.choice(NAMES))
    if pick.random() < 0.5:
        doc.global_start_time = otio.opentime.RationalTime(pick.choice([0, 86400]), pick.choice(RATES))
    if pick.random() < 0.3:
        doc.metadata["studio"] = _value(pick)
    if pick.random() < 0.2:
        set_meta(doc, rate=pick.choice(["24/1", "25", "24000/1001"]), timeline_id=str(uuid.UUID(int=7)))
    for t in range(pick.randint(0, 4)):
        rate = pick.choice(RATES)
        track = otio.schema.Track(name=pick.choice(NAMES),
                                  kind=otio.schema.TrackKind.Audio if t == 3 else otio.schema.TrackKind.Video)
        for i in range(pick.randint(0, 12)):
            if pick.random() < 0.2:
                track.append(otio.schema.Gap(source_range=otio.opentime.TimeRange(
                    _time(pick, rate), _time(pick, rate, whole=True))))
                continue
            at = rate if pick.random() < 0.97 else pick.choice(RATES)  # now and then a duration at another rate
            clip = otio.schema.Clip(name=pick.choice(NAMES), source_range=otio.opentime.TimeRange(
                _time(pick, pick.choice(RATES)), _time(pick, at, whole=True)))
            clip.media_reference = _reference(pick, i + t, rate)
            if pick.random() < 0.2:
                clip.set_media_references({"DEFAULT_MEDIA": clip.media_reference, "proxy": _reference(pick, i, rate)},
                                          pick.choice(["DEFAULT_MEDIA", "proxy"]))
            if pick.random() < 0.3:
                clip.metadata["vendor"] = _value(pick)
            if pick.random() < 0.2:
                set_meta(clip, shot=pick.choice(NAMES), extra=_value(pick))
            for _ in range(pick.choice([0, 0, 1, 2])):
                clip.markers.append(otio.schema.Marker(name=pick.choice(NAMES), marked_range=_range(pick, rate),
                                                       color=pick.choice(["RED", "GREEN", "PINK"]),
                                                       comment=pick.choice(NAMES)))
            clip.enabled = pick.random() < 0.9
            track.append(clip)
        doc.tracks.append(track)
    return doc


def _written_otherwise(seed: int, text_: str) -> str:
    """The text of some documents changed as OTIO would not write it (OTIO's way reads those)."""
    pick = random.Random(seed)
    choice = seed % 9
    if choice == 1:  # a time as an integer
        return text_.replace('"value": 0.0', '"value": 0', 1)
    if choice == 2:  # a number of 17 digits (OTIO's reader rounds it otherwise)
        return text_.replace('"rate": 24.0', '"rate": 24.000000000000004', 1)
    if choice == 3:  # a key twice (OTIO keeps the first, json the last)
        return text_.replace('"name": ', '"name": "first", "name": ', 1)
    if choice == 4:  # compact text, keys in another order
        data = json.loads(text_)
        data["tracks"] = dict(reversed(list(data["tracks"].items())))
        return json.dumps(data, separators=(",", ":")) if pick.random() < 0.5 else json.dumps(data)
    if choice == 5:  # a blank before a colon
        return text_.replace('"name": ', '"name" : ', 1)
    if choice == 6:  # an exponent
        return text_.replace('"value": 0.0', '"value": 0e0', 1)
    return text_


def _with_oddities(seed: int) -> otio.schema.Timeline:
    """Documents that are not plain: a transition, a nested stack, an effect, a missing reference, a clip
    without a source range, NTSC rates."""
    doc = _document(seed)
    track = otio.schema.Track(name="odd")
    rate = 24000 / 1001
    track.append(otio.schema.Clip(name="a", source_range=otio.opentime.TimeRange(
        otio.opentime.RationalTime(1, rate), otio.opentime.RationalTime(5, rate))))
    odd = seed % 5
    if odd == 0:
        track.append(otio.schema.Transition(in_offset=otio.opentime.RationalTime(1, rate),
                                            out_offset=otio.opentime.RationalTime(1, rate)))
        track.append(otio.schema.Clip(name="b", source_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(1, rate), otio.opentime.RationalTime(5, rate))))
    elif odd == 1:
        stack = otio.schema.Stack()
        stack.append(otio.schema.Clip(name="c", source_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(0, 24), otio.opentime.RationalTime(5, 24))))
        track.append(stack)
    elif odd == 2:
        track[0].effects.append(otio.schema.Effect(name="blur", effect_name="Blur"))
    elif odd == 3:
        track[0].media_reference = otio.schema.ExternalReference(
            target_url="/show/sh001/comp/v001/sh001.####.exr",
            available_range=otio.opentime.TimeRange(otio.opentime.RationalTime(1001, 24),
                                                    otio.opentime.RationalTime(48, 24)))
        track.append(otio.schema.Clip(name="d", media_reference=otio.schema.ExternalReference(
            target_url="/show/sh002/comp/v001/sh002.####.exr",
            available_range=otio.opentime.TimeRange(otio.opentime.RationalTime(1001, 24),
                                                    otio.opentime.RationalTime(48, 24)))))
    doc.tracks.append(track)
    return doc


@pytest.fixture
def ids(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Fixed clocks; ``restart(n)`` restarts the ids at ``n`` (each import both ways from the same ids)."""
    counter = itertools.count(1)

    def restart(start: int) -> None:
        nonlocal counter
        counter = itertools.count(start)

    monkeypatch.setattr(imports, "utcnow", lambda: NOW)
    monkeypatch.setattr(media_repository, "utcnow", lambda: NOW)
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=10**6 + next(counter)))
    monkeypatch.setattr(files, "new_uuids", lambda n: [uuid.uuid4() for _ in range(n)])  # the clips' ids, in turn
    return restart


def _dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    with store.uow.read() as session:
        def rows(sql: str) -> list[tuple[Any, ...]]:
            return [tuple(r) for r in session.execute(text(sql))]

        return {
            **{table: rows(f"SELECT * FROM {table} ORDER BY rowid")
               for table in ("horus_timelines", "horus_timeline_clips", "horus_annotations")},
            "outbox": rows("SELECT seq, table_name, row_id, kind, old_row, new_row, base_version, author, "
                           "hlc IS NOT NULL FROM horus_sync_outbox ORDER BY seq"),
        }


def _stores(tmp_path: Path, restart: Callable[[int], None]) -> tuple[Store, Store]:
    made = []
    for name in ("plain", "otio"):
        restart(1)
        store = Store.open(tmp_path / f"{name}.sqlite", backup=False)
        store.uow.author = "ana"
        _media(store)
        made.append(store)
    return made[0], made[1]


def _both_ways(plain: Store, by_otio: Store, path: Path, restart: Callable[[int], None], start: int,
               monkeypatch: pytest.MonkeyPatch, **options: Any) -> tuple[Any, Any]:
    """The import of ``path`` into each store (the second OTIO's way): its report, or the error it raised."""
    out = []
    for store, way in ((plain, "plain"), (by_otio, "otio")):
        restart(start)
        with monkeypatch.context() as patch:
            if way == "otio":
                patch.setattr(files, "read_plain", lambda _path: None)
            try:
                out.append(files.import_playlist(store, path, user="ana", **options))
            except files.PlaylistError as exc:
                out.append(f"{type(exc).__name__}: {exc}")
    return out[0], out[1]


def test_generated_documents_store_the_same_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      ids: Callable[[int], None]) -> None:
    plain, by_otio = _stores(tmp_path, ids)
    taken = 0
    try:
        for seed in range(120):
            path = tmp_path / f"doc{seed}.otio"
            document = _with_oddities(seed) if seed % 6 == 5 else _document(seed)
            written = otio.adapters.write_to_string(document, "otio_json")
            path.write_text(_written_otherwise(seed, written) if seed % 4 == 3 else written, encoding="utf-8")
            taken += otio_plain.read_plain(path) is not None
            options = {"name": "given"} if seed % 10 == 7 else {}
            if seed % 13 == 4:
                options["rate"] = 25
            got, expected = _both_ways(plain, by_otio, path, ids, 10**4 * (seed + 1), monkeypatch, **options)
            assert got == expected, seed
        assert _dump(plain) == _dump(by_otio)
        assert taken >= 60  # most generated documents are plain: the comparison is of the plain way
    finally:
        plain.close()
        by_otio.close()


HOSTILE = {
    "truncated": lambda t: t[: len(t) // 2],
    "nan time": lambda t: t.replace('"value": 5.0', '"value": NaN', 1),
    "infinite rate": lambda t: t.replace('"rate": 24.0', '"rate": Infinity', 1),
    "huge start": lambda t: t.replace('"value": 1001.0', '"value": 99999999999999.0', 1),
    "huge number": lambda t: t.replace('"value": 1001.0', '"value": 1e400', 1),
    "negative duration": lambda t: t.replace('"value": 5.0', '"value": -5.0', 1),
    "zero rate": lambda t: t.replace('"rate": 24.0', '"rate": 0.0', 1),
    "nul in a name": lambda t: t.replace('"name": "sh', '"name": "\\u0000sh', 1),
    "lone surrogate": lambda t: t.replace('"name": "sh', '"name": "\\ud800sh', 1),
    "long name": lambda t: t.replace('"name": "sh', '"name": "' + "x" * 5000, 1),
    "name a number": lambda t: t.replace('"name": "sh000"', '"name": 5', 1),
    "times as text": lambda t: t.replace('"value": 5.0', '"value": "5"', 1),
    "metadata a list": lambda t: t.replace('"metadata": {}', '"metadata": []', 1),
    "horus metadata a string": lambda t: t.replace('"metadata": {}', '"metadata": {"horus": "x"}', 1),
    "huge integer": lambda t: t.replace('"metadata": {}', '"metadata": {"a": 123456789012345678901234567890}', 1),
    "not a timeline": lambda t: t.replace('"OTIO_SCHEMA": "Timeline.1"', '"OTIO_SCHEMA": "Clip.2"', 1),
    "unknown schema": lambda t: t.replace('"OTIO_SCHEMA": "Gap.1"', '"OTIO_SCHEMA": "Gap.9"', 1),
    "not utf-8": lambda t: t.replace("sh000", "sh\udcff", 1),
    # The frame limit (2**31 - 1): the plain read's bounds of its times decide near it as the full check does.
    "start at the frame limit": lambda t: t.replace('"value": 1001.0', '"value": 2147483647.0', 1),
    "start past the frame limit": lambda t: t.replace('"value": 1001.0', '"value": 2147483648.0', 1),
    "durations past the limit together": lambda t: t.replace('"value": 5.0', '"value": 1000000000.0'),
    "tiny rate": lambda t: t.replace('"rate": 24.0', '"rate": 0.0000000001', 1),
    "small rate": lambda t: t.replace('"rate": 24.0', '"rate": 0.001', 1),
}


def _three_clips() -> str:
    """The text OTIO writes of a cut of three clips (sh000..sh002) and a gap."""
    doc = otio.schema.Timeline(name="cut")
    track = otio.schema.Track(name="V1")
    for i in range(3):
        track.append(otio.schema.Clip(name=f"sh{i:03d}", source_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(1001, 24), otio.opentime.RationalTime(5, 24)),
            media_reference=otio.schema.ExternalReference(target_url=f"/show/sh{i:03d}/comp/v001/sh{i:03d}.####.exr")))
    track.append(otio.schema.Gap(source_range=otio.opentime.TimeRange(otio.opentime.RationalTime(0, 24),
                                                                       otio.opentime.RationalTime(2, 24))))
    doc.tracks.append(track)
    return otio.adapters.write_to_string(doc, "otio_json")


@pytest.mark.parametrize("mutation", list(HOSTILE))
def test_a_bad_file_fails_the_same_both_ways_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 ids: Callable[[int], None], mutation: str) -> None:
    path = tmp_path / "bad.otio"
    path.write_bytes(HOSTILE[mutation](_three_clips()).encode("utf-8", errors="surrogateescape"))
    plain, by_otio = _stores(tmp_path, ids)
    try:
        before = _dump(plain), _dump(by_otio)
        got, expected = _both_ways(plain, by_otio, path, ids, 10**4, monkeypatch)
        assert got == expected
        if isinstance(got, str):  # an error names the file; nothing written either way
            assert "bad.otio" in got
            assert (_dump(plain), _dump(by_otio)) == before
        else:
            assert _dump(plain) == _dump(by_otio)
    finally:
        plain.close()
        by_otio.close()


#: Floats at the edge of where orjson (which writes a plain file's document) and ``json`` (OTIO's way) spell
#: a number alike: below 1e-4 orjson writes ``0.00001`` where json writes ``1e-05``.
SPELLINGS = ["0.00001", "-0.0000025", "0.0001", "-0.0001", "0.00009999", "0.00010001", "99999.99999",
             "1234567890123.5", "-0.0", "0.0", "12345678901234.5"]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_number_in_a_plain_file_is_stored_as_otios_way_spells_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  ids: Callable[[int], None], spelling: str) -> None:
    path = tmp_path / "numbers.otio"
    path.write_text(_three_clips().replace('"metadata": {}', f'"metadata": {{"gain": {spelling}}}', 1),
                    encoding="utf-8")
    # a tiny number sends the file OTIO's way; any other is read plain (and its document written by orjson)
    assert (otio_plain.read_plain(path) is None) == (0 < abs(float(spelling)) < 1e-4)
    plain, by_otio = _stores(tmp_path, ids)
    try:
        got, expected = _both_ways(plain, by_otio, path, ids, 10**4, monkeypatch)
        assert got == expected
        assert _dump(plain) == _dump(by_otio)  # byte for byte, the document's text too
        document = plain.timelines.get(got.timeline.id).otio_data
        assert document["metadata"]["gain"] == float(spelling)
    finally:
        plain.close()
        by_otio.close()


@pytest.mark.parametrize("depth", [200, 300])  # orjson writes the first, json the second
def test_deeply_nested_metadata_in_a_plain_file_is_stored_as_otios_way_writes_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ids: Callable[[int], None], depth: int) -> None:
    """orjson (which writes a plain file's document) refuses nesting past 254 levels: such a document is
    written by ``json``, the same text."""
    path = tmp_path / "deep.otio"
    nested = '{"a": ' * depth + "1" + "}" * depth
    path.write_text(_three_clips().replace('"metadata": {}', f'"metadata": {{"deep": {nested}}}', 1),
                    encoding="utf-8")
    assert otio_plain.read_plain(path) is not None
    plain, by_otio = _stores(tmp_path, ids)
    try:
        got, expected = _both_ways(plain, by_otio, path, ids, 10**4, monkeypatch)
        assert got == expected
        assert _dump(plain) == _dump(by_otio)
        value = plain.timelines.get(got.timeline.id).otio_data["metadata"]["deep"]
        for _ in range(depth):
            value = value["a"]
        assert value == 1
    finally:
        plain.close()
        by_otio.close()

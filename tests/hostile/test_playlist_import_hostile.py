"""Hostile OTIO documents given to ``horus playlist import`` and to a stored playlist's reader: each is imported
or refused with an error naming the file, never a crash, a raw exception or a half-written playlist, and what an
import stores is what the general way (OpenTimelineIO's placement, rows through the capture triggers) stores."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import zipfile
from collections import Counter
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pytest

from horus_desktop.store import Store
from horus_desktop.timeline import files
from horus_desktop.timeline.otio_doc import to_dict
from horus_desktop.timeline.otio_parse import FlatTrack, flatten
from horus_desktop.timeline.validate import check_document

from . import otio_mutations, runner

REPO = Path(__file__).resolve().parents[2]
_RANGE = {"OTIO_SCHEMA": "TimeRange.1", "start_time": {"OTIO_SCHEMA": "RationalTime.1", "value": 0.0, "rate": 24.0},
          "duration": {"OTIO_SCHEMA": "RationalTime.1", "value": 2.0, "rate": 24.0}}


def _document(*items: dict[str, object]) -> dict[str, object]:
    """A timeline of one video track holding ``items`` (otio_json dicts)."""
    common = {"metadata": {}, "source_range": None, "effects": [], "markers": [], "enabled": True}
    return {"OTIO_SCHEMA": "Timeline.1", "name": "cut", "metadata": {}, "global_start_time": None,
            "tracks": {"OTIO_SCHEMA": "Stack.1", "name": "", **common, "children": [
                {"OTIO_SCHEMA": "Track.1", "name": "V1", "kind": "Video", **common, "children": list(items)}]}}


def _clip(schema: str = "Clip.2", **fields: object) -> dict[str, object]:
    """A clip of ``schema`` (Clip.2: without media, as OTIO writes one)."""
    current = {"media_references": {}, "active_media_reference_key": "DEFAULT_MEDIA"} if schema == "Clip.2" else {}
    return {"OTIO_SCHEMA": schema, "name": "sh010", "metadata": {}, "source_range": _RANGE, "effects": [],
            "markers": [], "enabled": True, **current, **fields}


_OLD_CLIP_WITH_REFERENCES = _clip("Clip.1", media_references={"DEFAULT_MEDIA": {
    "OTIO_SCHEMA": "MissingReference.1", "name": "", "metadata": {}, "available_range": None,
    "available_image_bounds": None}}, active_media_reference_key="DEFAULT_MEDIA")


def _in_child(script: str) -> subprocess.CompletedProcess[str]:
    """``script`` run by a fresh interpreter: a segmentation fault there fails the test, not the test run."""
    return subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120)


def _import_in_child(path: Path, store_path: Path) -> subprocess.CompletedProcess[str]:
    """``path`` imported into a new store by a fresh interpreter, which prints the refusal (if any) and how many
    playlists the store then holds."""
    return _in_child(f"""
from horus_desktop.store import Store
from horus_desktop.timeline import files
store = Store.open({str(store_path)!r}, backup=False)
try:
    files.import_playlist(store, {str(path)!r}, user="ana")
except files.PlaylistFileError as exc:
    print("refused:", exc)
print("playlists:", len(store.timelines.list()))
""")


def test_a_gap_without_a_range_is_refused_naming_the_file_and_the_gap(tmp_path: Path) -> None:
    path = tmp_path / "gap.otio"
    gap = {"OTIO_SCHEMA": "Gap.1", "name": "", "metadata": {}, "source_range": None, "effects": [], "markers": [],
           "enabled": True}
    path.write_text(json.dumps(_document(_clip(), gap)))
    store = Store.open(tmp_path / "s.sqlite", backup=False)
    try:
        with pytest.raises(files.PlaylistFileError) as raised:
            files.import_playlist(store, path, user="ana")
        assert str(path) in str(raised.value) and "item 2 (gap): no duration" in str(raised.value)
        assert store.timelines.list() == []
    finally:
        store.close()


def test_a_stored_document_otio_would_die_on_is_refused_with_an_error() -> None:
    # A Clip.1 holding Clip.2's media_references (another client may push any otio_data): OTIO's upgrade of it
    # ended the process with a segmentation fault.
    done = _in_child(f"""
from horus_desktop.timeline.otio_doc import load_timeline
try:
    load_timeline({_document(_OLD_CLIP_WITH_REFERENCES)!r})
except ValueError as exc:
    print("refused:", exc)
""")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "refused: otio_data: clip 'sh010' is schema Clip.1 but holds media_references" in done.stdout


def test_a_document_otio_reads_is_read_as_before() -> None:
    document = _document(_clip(name="\u00e9t\u00e9"), _clip("Clip.1"))  # an old clip without the new field
    done = _in_child(f"""
from horus_desktop.timeline.otio_doc import load_timeline
print([clip.name for clip in load_timeline({document!r}).find_clips()])
""")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "['été', 'sh010']"


@pytest.mark.parametrize("suffix", [".otio", ".otioz"])
def test_a_file_otio_would_die_on_is_refused_naming_the_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"old clip{suffix}"
    text = json.dumps(_document(_OLD_CLIP_WITH_REFERENCES))
    if suffix == ".otio":
        path.write_text(text)
    else:
        with zipfile.ZipFile(path, "w") as bundle:
            bundle.writestr("content.otio", text)
    done = _import_in_child(path, tmp_path / "s.sqlite")
    assert done.returncode == 0, f"exit {done.returncode}"
    assert f"refused: {path}" in done.stdout and "playlists: 0" in done.stdout


def test_mutated_otio_files_are_imported_as_the_general_way_does_or_refused_naming_the_file(
        tmp_path: Path) -> None:
    # Real files OpenTimelineIO wrote (12 and 260 clips: the latter past the set-based write's trigger
    # threshold), each mutated one to three hostile ways, each imported both ways in a child process.
    bases = otio_mutations.write_bases(tmp_path / "bases")
    mutated = otio_mutations.mutations(bases, tmp_path / "mutated", 150)
    child = runner.Child(runner.make_template(tmp_path / "template.sqlite"), tmp_path)
    outcomes: Counter[str] = Counter()
    failures = []
    try:
        for path in bases:
            assert child.run(path) == ["ok"]
        for path, what in mutated:
            reply = child.run(path)
            outcomes[reply[0]] += 1
            if reply[0] not in ("ok", "clean"):
                failures.append(f"{path.name} ({what}): {reply}")
    finally:
        child.stop()
    assert failures == []
    assert outcomes["ok"] > 20 and outcomes["clean"] > 20  # both kinds of outcome were reached


@pytest.mark.parametrize("levels", [5_000, 50_000])
def test_metadata_nested_too_deeply_is_refused_naming_the_file(tmp_path: Path, levels: int) -> None:
    # 5,000 levels: OTIO reads and writes them, Python's json parser raised a raw RecursionError; 50,000: OTIO's
    # reader died with a segmentation fault. Both refused before OTIO reads the file (in a child process, so
    # that a crash fails this test, not the run).
    path = tmp_path / "deep.otio"
    text = json.dumps(_document(_clip(metadata={"deep": None})))
    path.write_text(text.replace('"deep": null', '"deep": ' + "[" * levels + "]" * levels))
    done = _import_in_child(path, tmp_path / "s.sqlite")
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-500:]}"
    # Seven levels hold the list: the document, its stack, the stack's children, the track, its children, the
    # clip and its metadata.
    deepest = levels + 7
    assert done.stdout.splitlines() == [
        f"refused: {path}: cannot read OTIO: arrays and objects nested {deepest:,} levels deep (at most 2,000 are "
        "read)", "playlists: 0"]


_RATES = (24.0, 23.976, 24000 / 1001, 0.5, 1.0, 1.5, 1e6, 1e-3, 48000.0, 29.97, 1e9, 999.0, 1000.0)


@pytest.mark.parametrize("seed", range(0, 400, 40))
def test_odd_rates_a_document_passes_with_are_placed_from_its_numbers_as_otio_places_them(seed: int) -> None:
    # Rates below 1 and in the millions, start times at another rate than the durations, values at the
    # storable limit: wherever check_document lets a document through, the plain placement equals OTIO's.
    checked = 0
    for pick in (random.Random(seed + n) for n in range(40)):
        document = otio.schema.Timeline()
        track = otio.schema.Track()
        rate = pick.choice((24.0, 23.976, 0.5, 1.0, 1.5, 30.0))
        for _ in range(pick.randint(1, 12)):
            at = rate if pick.random() < 0.6 else pick.choice(_RATES)
            duration = pick.choice([pick.randint(0, 100), pick.random() * 50, 2**31 / 24 * at * pick.random(), 0.5,
                                    2.5, 1e-9, 2**31 - 1.0])
            start = otio.opentime.RationalTime(pick.choice([pick.randint(-1000, 1000), pick.random() * 1e5, -0.5, 2.5,
                                                            -2**31 + 1.0]), pick.choice(_RATES))
            kind = otio.schema.Gap if pick.random() < 0.3 else otio.schema.Clip
            track.append(kind(source_range=otio.opentime.TimeRange(start, otio.opentime.RationalTime(duration, at))))
        document.tracks.append(track)
        for timeline_rate in (Fraction(24), Fraction(24000, 1001), Fraction(1), Fraction(999)):
            try:
                check_document(document, timeline_rate)
            except ValueError:
                continue
            checked += 1
            assert _placed(flatten(document, timeline_rate, to_dict(document))) == \
                _placed(flatten(document, timeline_rate))
    assert checked > 20


def _placed(tracks: list[FlatTrack]) -> list[tuple[object, ...]]:
    return [(t.index, t.path, [(e.index, e.start, e.duration, e.source_start) for e in t.items]) for t in tracks]

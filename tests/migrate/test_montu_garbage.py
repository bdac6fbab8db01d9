"""Garbage in Montu files (NaN, huge numbers, NUL, broken unicode, wrong types, cut-off JSON) is reported per
record with file, id and field, never a traceback, and nothing of a bad record or unreadable file is written."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest

from horus_desktop.migrate import format_report, import_montu
from horus_desktop.migrate.montu_fields import derive_id
from horus_desktop.migrate.montu_mapping import MappingContext, MediaInfo, map_config, map_media
from horus_desktop.migrate.montu_notes import map_notes
from horus_desktop.migrate.montu_playlists import map_playlist
from horus_desktop.migrate.montu_source import SourceRecord, clean_record, read_file
from horus_desktop.store import Store

GOOD = {"project_id": "p", "file_type": "video", "approval_status": "approved", "author": "ann",
        "metadata": {"width": 1920, "height": 1080, "frame_rate": 24}}


def media(ident: str, **fields: Any) -> dict[str, Any]:
    return {"_id": ident, "file_path": f"/show/p/sq010/sh010/comp/{ident}_v001.mov", **GOOD, **fields}


def test_garbage_records_are_reported_with_file_id_and_field(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "garbage"
    folder.mkdir()
    records = [
        media("good"),
        media("nan_rate", metadata={"frame_rate": float("nan")}),
        media("inf_range", frame_range=[1001, float("inf")]),
        media("huge_size", file_size=10**30),
        media("huge_frame", start_frame=10**12, end_frame=10**12 + 5),
        media("wrong_tags", tags={"a": 1}),
        media("wrong_version", version=[3]),
        media("wrong_meta", metadata="fast"),
        media("long_shot", shot="s" * 300),  # refused by the store, in the same batch as the good ones
        media("nul_text", author="bob\x00", description="a\x00b", shot="sh\x00010"),
        media("unicode", shot="鏡頭010", tags=["🎬", "naïve"], description="broken \ud800 half"),
        media("nan_extra", review_score=float("nan"), big_extra=10**40),
    ]
    # json.dumps writes NaN/Infinity tokens and \\u0000 / \\ud800 escapes, as a careless exporter would.
    (folder / "media_records.json").write_text(json.dumps(records), encoding="utf-8")
    (folder / "annotations.json").write_text(json.dumps([
        {"_id": "n_ok", "media_id": "good", "text": "fine\x00", "frame_number": 3, "coordinates": {}},
        {"_id": "n_nan_box", "media_id": "good", "text": "box", "coordinates": {"x": float("nan"), "y": 1,
                                                                                  "width": 2, "height": 3}},
        {"_id": "n_inf_frame", "media_id": "good", "text": "late", "frame_number": float("inf")},
        {"_id": "n_text_list", "media_id": "good", "text": ["not", "text"]},
    ]), encoding="utf-8")
    playlists = json.dumps([
        {"_id": "p1", "name": "ok", "project_id": "p", "clips": [{"media_id": "good", "duration": 10}]},
        {"_id": "p2", "name": "cut", "project_id": "p", "clips": [{"media_id": "good", "duration": 10}]},
    ])
    (folder / "horus_playlists.json").write_text(playlists[:playlists.index('"p2"') + 40], encoding="utf-8")

    report = import_montu(store, folder)

    problems = {(p.file, p.record_id): p.reason for p in report.problems}
    expected_fields = {"nan_rate": "frame_rate", "inf_range": "frame_range[1]", "huge_size": "file_size",
                       "huge_frame": "start_frame", "wrong_tags": "tags", "wrong_version": "version",
                       "wrong_meta": "metadata", "long_shot": "shot"}
    for ident, field in expected_fields.items():
        assert problems[("media_records.json", ident)].startswith(field), (ident, problems)
    assert problems[("annotations.json", "n_nan_box")].startswith("coordinates")
    assert problems[("annotations.json", "n_inf_frame")].startswith("frame_number")
    assert problems[("annotations.json", "n_text_list")].startswith("text")
    assert report.count("media").created == 4 and report.count("comments").created == 1

    # NUL characters are removed (no database keeps them) with a warning naming the record and fields.
    warned = {(w.file, w.record_id): w.reason for w in report.warnings}
    assert "author" in warned[("media_records.json", "nul_text")] and "shot" in warned[("media_records.json",
                                                                                         "nul_text")]
    assert ("annotations.json", "n_ok") in warned and ("media_records.json", "unicode") in warned
    nul = store.media.get(derive_id("media", "nul_text"))
    assert (nul.artist_name, nul.shot, nul.extra_metadata["montu"]["description"]) == ("bob", "sh010", "ab")
    uni = store.media.get(derive_id("media", "unicode"))
    assert uni.shot == "鏡頭010" and {t.tag_name for t in store.tags.list_for(uni.id)} == {"🎬", "naïve"}
    assert uni.extra_metadata["montu"]["description"] == "broken \ufffd half"
    odd = store.media.get(derive_id("media", "nan_extra")).extra_metadata["montu"]
    assert odd["review_score"] == "nan" and odd["big_extra"].startswith("1000")

    # The cut-off file: named, with the last record read before the cut; nothing of it written.
    [cut] = report.unreadable
    assert cut.file == "horus_playlists.json" and "truncated" in cut.reason and "'p2'" in cut.reason
    assert store.timelines.list() == [] and report.exit_code == 2
    assert "Traceback" not in format_report(report)
    json.dumps(report.to_dict(), allow_nan=False)


GARBAGE: list[Any] = [None, "", 0, -1, 10**30, -(10**30), 1e308, float("nan"), float("inf"), True, [], {}, [1, 2],
                      {"x": None}, "x" * 5000, "1e999999999", "1001-", "24/0", "0x1A", "\ud800", "🎬", [[[[]]]],
                      {"start": "a", "end": {}}, "NaN", -0.0, 3.5]


def _mutate(rng: random.Random, record: dict[str, Any]) -> dict[str, Any]:
    """``record`` with one field, at any depth, replaced by a garbage value."""
    out = copy.deepcopy(record)
    target: Any = out
    while True:
        keys = list(target) if isinstance(target, dict) else list(range(len(target)))
        if not keys:
            return out
        key = rng.choice(keys)
        if isinstance(target[key], dict | list) and target[key] and rng.random() < 0.5:
            target = target[key]
            continue
        target[key] = rng.choice(GARBAGE)
        return out


@pytest.mark.parametrize("seed", range(4))
def test_mutated_real_records_never_raise_anything_but_a_field_error(real_montu_dir: Path, seed: int) -> None:
    """Every real-shaped record, 100 times with one field made garbage: mapping answers or names a field."""
    rng = random.Random(seed)
    files = {p.name: read_file(p) for p in real_montu_dir.glob("*.json")}
    ctx = MappingContext("importer")
    for rec in files["swa_project_config.json"].records:
        ctx.projects["SWA"] = map_config(rec.data)[2]
    ctx.tasks = {r.montu_id: r.data for r in files["swa_tasks.json"].records}
    known = {r.montu_id: MediaInfo.of(derive_id("media", r.montu_id), map_media(r, ctx).values)
             for r in files["swa_media_records.json"].records}
    for _ in range(100):
        for name, source in files.items():
            for rec in source.records:
                # As read_file does: text cleaned of NULs and lone surrogates before mapping.
                bad = SourceRecord(rec.file, rec.index, clean_record(_mutate(rng, rec.data))[0], odd_numbers=True)
                try:
                    if source.kind == "media":
                        map_media(bad, ctx)
                    elif source.kind == "project_configs":
                        map_config(bad.data)
                    elif source.kind == "notes":
                        map_notes([bad], known, "importer")
                    elif source.kind == "playlists":
                        plan = map_playlist(bad, known, {}, ctx.projects, "SWA", "importer")
                        json.dumps(plan.values["otio_data"], allow_nan=False)
                        json.dumps([c["clip_metadata"] for c in plan.clips], allow_nan=False)
                except ValueError as exc:  # FieldError and the ValueErrors the importer reports per record
                    assert str(exc), (name, bad.data)


def test_mutated_real_folders_import_without_a_traceback(sqlite_store: Store, real_montu_dir: Path,
                                                          tmp_path: Path) -> None:
    """Whole folders with garbage fields go through the store: every problem names its file and record."""
    rng = random.Random(11)
    originals = {p.name: json.loads(p.read_text()) for p in real_montu_dir.glob("*.json")}
    for round_ in range(25):
        folder = tmp_path / f"round{round_}"
        folder.mkdir()
        for name, data in originals.items():
            if isinstance(data, list):
                data = [_mutate(rng, r) if rng.random() < 0.5 else r for r in data]
            (folder / name).write_text(json.dumps(data), encoding="utf-8")
        report = import_montu(sqlite_store, folder)
        assert all(p.file and (p.record_id or p.file.endswith(".json")) for p in report.problems), report.problems
        assert report.exit_code in (0, 1), format_report(report)

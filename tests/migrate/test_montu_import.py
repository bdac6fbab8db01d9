"""Montu import: what a user sees after importing folders in both field styles, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import opentimelineio as otio
import pytest
from sqlalchemy import text

from horus_desktop.domain.media_query import MediaQuery
from horus_desktop.migrate import format_report, import_montu
from horus_desktop.migrate.montu_fields import derive_id
from horus_desktop.store import Store

TABLES = ("horus_media_records", "horus_media_tags", "horus_comments", "horus_annotations",
          "horus_timelines", "horus_timeline_clips", "horus_project_configs", "horus_notifications")


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as JSON to ``path``."""
    path.write_text(json.dumps(data), encoding="utf-8")


def snapshot(store: Store) -> dict[str, list[tuple[str, ...]]]:
    """Every row of the tables an import writes, as text (to compare before and after a re-run)."""
    out = {}
    with store.engine.connect() as conn:
        for table in TABLES:
            rows = conn.execute(text(f"SELECT * FROM {table}")).all()
            out[table] = sorted(tuple(str(v) for v in row) for row in rows)
    return out


def one(store: Store, **filters: Any):  # noqa: ANN201 - a MediaRecord
    page = store.media.search(MediaQuery(**filters))
    assert len(page.items) == 1, page.items
    return page.items[0]


def test_seed_style_folder(store: Store, seed_style_dir: Path) -> None:
    calls: list[tuple[int, int, str]] = []
    report = import_montu(store, seed_style_dir, progress=lambda d, t, label: calls.append((d, t, label)))
    assert report.ok, format_report(report)
    assert report.count("media").created == 3
    assert calls and calls[-1][0] == calls[-1][1]

    # The project comes from the task (or linked_task_id's prefix), department/task type from the task.
    v3 = one(store, project_id="alpha", shot="sh010", text="v003")
    assert (v3.department, v3.task_type, v3.artist_name, v3.approval_status) == ("comp", "comp", "alice", "approved")
    assert (v3.version, v3.version_number, v3.media_kind) == ("v003", 3, "movie")
    assert v3.extra_metadata["montu"]["_id"] == "m100"
    assert v3.extra_metadata["montu"]["created_at"] == "2023-05-01T10:00:00"
    v4 = one(store, project_id="alpha", shot="sh010", text="v004")
    # Montu's words become Horus's: "published" is approved; "superseded" has no equivalent, so it is
    # imported as pending, kept in the Montu metadata and reported once.
    assert v4.approval_status == "approved" and v4.is_latest_version and not v3.is_latest_version
    assert v4.extra_metadata["montu"]["approval_status"] == "published"
    sh020 = one(store, project_id="alpha", shot="sh020")
    assert (sh020.approval_status, sh020.task_type, sh020.version) == ("pending", "blocking", "v012")
    assert sh020.extra_metadata["montu"]["approval_status"] == "superseded"
    assert sh020.department == "animation"  # the record's own field wins over its task's
    [word] = report.warnings
    assert (word.file, word.record_id) == ("media_records.json", "m102") and "'superseded'" in word.reason

    # The note and its reply (given by parent id) as one thread, the box as a rectangle on frame 12.
    [thread] = store.comments.threads(v3.id)
    assert thread.comment.content == "Edge is chattering" and thread.comment.frame_number == 12
    assert [r.comment.content for r in thread.replies] == ["Fixed in v004"]
    assert thread.replies[0].comment.user_name == "alice"
    [shape] = store.annotations.list(v3.id, frame=12)
    assert shape.annotation_type == "rectangle"
    assert shape.coordinates == {"v": 1, "kind": "rect", "x": 0.25, "y": 0.5, "w": 0.1, "h": 0.2,
                                 "space": "normalized"}

    # The playlist: a dailies timeline; the clip whose media is missing is kept with its path and range.
    [(timeline, n)] = store.timelines.list(project_id="alpha")
    assert (timeline.name, timeline.timeline_type, n) == ("Alpha dailies", "dailies", 2)
    clips = store.timelines.get(timeline.id).clips
    assert clips[0].media_id == v3.id and not clips[0].is_missing_media
    missing = clips[1]
    assert missing.is_missing_media and missing.media_path == "/show/alpha/sh030/x_v001.mov"
    assert (missing.clip_name, missing.start_time_frames, missing.duration_frames) == ("sh030 v001", 24, 10)
    assert missing.clip_metadata["missing_media"] is True and missing.clip_metadata["montu_media_id"] == "m999"


def test_montu_export_folder(store: Store, montu_style_dir: Path) -> None:
    report = import_montu(store, montu_style_dir)
    assert report.ok, format_report(report)
    assert "Media_Records.JSON" in report.files

    lgt = one(store, project_id="bravo", episode="ep01", sequence="sq010", shot="sh0100")
    assert lgt.approval_status == "pending" and lgt.artist_name == "Dana Scully" and lgt.artist_id == "dana"
    assert (lgt.resolution, lgt.frame_rate, lgt.frame_rate_rational) == ("1920x1080", Decimal("23.98"), "24000/1001")
    assert (lgt.start_frame, lgt.end_frame, lgt.frame_count) == (1001, 1120, 120)
    assert (lgt.media_kind, lgt.color_space, lgt.file_size, lgt.task_type) == ("sequence", "ACEScg", 123456789,
                                                                              "lighting")
    assert lgt.extra_metadata["codec"] == "zip" and lgt.extra_metadata["duration"] == 5.0
    assert one(store, text="night").id == lgt.id  # tags are searchable
    comp = one(store, shot="sh0110")
    assert (comp.version, comp.version_number, comp.approval_status, comp.resolution) == ("v007", 7, "rejected",
                                                                                      "3840x2160")
    assert comp.extra_metadata["montu"]["review_round"] == 2
    assert [(t.tag_name, t.tag_category) for t in store.tags.list_for(comp.id)] == [("client", "review")]
    board = one(store, shot=None, text="board")
    assert board.media_kind == "still" and board.frame_count == 1 and board.approval_status == "approved"

    # The note: resolved, priority kept as a last line, nested replies two deep, rectangle normalized.
    [thread] = store.comments.threads(lgt.id)
    note = thread.comment
    assert note.is_resolved and note.resolved_by == "sup"
    assert note.content == "Rim light too hot\n\nPriority: high"
    assert [n.comment.content for n in thread.walk()] == ["Rim light too hot\n\nPriority: high", "Dialed down 20%",
                                                          "Approved"]
    assert [n.comment.thread_depth for n in thread.walk()] == [0, 1, 2]
    [shape] = store.annotations.list(lgt.id, frame=1010)
    assert shape.coordinates == {"v": 1, "kind": "rect", "x": 0.5, "y": 0.5, "w": 0.1, "h": 0.1,
                                 "space": "normalized"}
    [other] = store.comments.threads(comp.id)
    assert other.comment.content == "Timing feels slow" and not other.comment.is_resolved
    [pin] = store.annotations.list(comp.id, frame=1020)  # a point without a size is a pin
    assert (pin.annotation_type, pin.coordinates) == ("point", {"v": 1, "kind": "point", "x": 0.5, "y": 0.25,
                                                                "space": "normalized"})

    # Project config: templates (names kept in settings), fps, resolution, OCIO.
    config = store.projects.get("bravo")
    assert config is not None and config.name == "Bravo" and config.resolution == "1920x1080"
    assert config.path_templates[1] == "/mnt/show/{project}/{shot}/{name}_v{version}.mov"
    assert config.settings["path_template_names"]["movie"] == config.path_templates[1]
    assert config.ocio_config == "/mnt/show/bravo/config.ocio" and config.frame_rate == Decimal("23.98")

    # Playlist -> client timeline; three clips on track 1; the missing one keeps name, path and range.
    [(timeline, n)] = store.timelines.list(project_id="bravo")
    assert (timeline.timeline_type, timeline.frame_rate, timeline.duration_frames, n) == ("client", Decimal("24.00"),
                                                                                           102, 3)
    clips = store.timelines.get(timeline.id).clips
    assert [c.clip_order for c in clips] == [0, 1, 2] and {c.track_index for c in clips} == {1}
    assert [c.media_id for c in clips[:2]] == [lgt.id, comp.id]
    gone = clips[2]
    assert gone.is_missing_media and gone.clip_name == "sh0120 v002"
    assert gone.media_path.endswith("bravo_sh0120_comp_v002.mov")
    assert (gone.start_time_frames, gone.duration_frames, gone.source_start_frames,
            gone.source_duration_frames) == (72, 30, 1010, 30)
    assert gone.clip_metadata["missing_media"] is True and gone.clip_metadata["version"] == "v002"

    # OTIO made by OpenTimelineIO, readable by it: the missing clip is a MissingReference.
    read = otio.adapters.read_from_string(json.dumps(timeline.otio_data), "otio_json")
    assert read.duration().to_frames() == 102
    [track] = read.tracks
    names = [c.name for c in track.find_clips()]
    assert names == ["sh0100 v003", "sh0110 v007", "sh0120 v002"]
    refs = [c.media_reference for c in track.find_clips()]
    assert refs[0].target_url == lgt.file_path
    assert isinstance(refs[2], otio.schema.MissingReference)
    assert track.find_clips()[2].source_range.start_time.to_frames() == 1010


@pytest.mark.parametrize("style", ["seed", "montu"])
def test_rerun_changes_nothing(store: Store, seed_style_dir: Path, montu_style_dir: Path, style: str) -> None:
    folder = seed_style_dir if style == "seed" else montu_style_dir
    seen: list[tuple[int, int]] = []
    first = import_montu(store, folder, progress=lambda done, total, _label: seen.append((done, total)))
    assert seen[0] == (0, seen[0][1]) and seen[-1][0] == seen[-1][1] > 0
    before = snapshot(store)
    second = import_montu(store, folder)
    assert snapshot(store) == before
    assert second.created_total == 0 and second.ok
    for kind, counts in first.counts.items():
        assert second.count(kind).already_present == counts.created + counts.already_present, kind
    assert second.to_dict()["counts"]["media"] == {"created": 0, "already_present": 3, "skipped": 0}


def test_bad_records_are_reported_and_the_rest_imported(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    write_json(folder / "media_records.json", [
        {"_id": "ok1", "file_path": "/s/p/sh1/a_v001.mov", "project": "p", "shot": "sh1"},
        {"_id": "nopath", "project": "p", "author": "x"},
        {"_id": "badtags", "file_path": "/s/p/sh1/b_v001.mov", "project": "p", "tags": 5},
        {"_id": "badrange", "file_path": "/s/p/sh1/c_v001.mov", "project": "p", "frame_range": "soon"},
        {"_id": "noproject", "file_path": "/s/p/sh1/d_v001.mov"},
        "not an object",
    ])
    write_json(folder / "annotations.json", [
        {"_id": "good", "media_id": "ok1", "text": "fine", "frame_number": 3},
        {"_id": "orphan", "media_id": "nopath", "text": "its media was bad"},
        {"_id": "notext", "media_id": "ok1", "frame_number": 4},
        {"_id": "badbox", "media_id": "ok1", "text": "box?", "coordinates": "top left"},
        {"_id": "lost", "parent_id": "nobody", "text": "reply to nothing"},
    ])
    (folder / "playlists.json").write_text('[\n  {"_id": "p1", "name": "x",\n   "clips": [1, 2,]\n]\n')
    report = import_montu(store, folder)

    problems = {(p.file, p.record_id): p.reason for p in report.problems}
    assert "file_path" in problems[("media_records.json", "nopath")]
    assert "tags" in problems[("media_records.json", "badtags")]
    assert "frame_range" in problems[("media_records.json", "badrange")]
    assert "project" in problems[("media_records.json", "noproject")]
    assert ("media_records.json", "#5") in problems
    assert "nopath" in problems[("annotations.json", "orphan")]
    assert "text" in problems[("annotations.json", "notext")]
    assert "coordinates" in problems[("annotations.json", "badbox")]
    assert "nobody" in problems[("annotations.json", "lost")]
    [unreadable] = report.unreadable  # a file that is not JSON: nothing of it, exit code 2
    assert unreadable.file == "playlists.json" and report.exit_code == 2
    playlist_problem = unreadable.reason
    assert "not valid JSON" in playlist_problem and "line 3" in playlist_problem and "column" in playlist_problem
    assert report.count("media") == type(report.count("media"))(created=1, already_present=0, skipped=5)
    assert report.count("comments").created == 1 and report.count("comments").skipped == 4

    good = store.media.get(derive_id("media", "ok1"))
    assert good.shot == "sh1" and [c.content for c in store.comments.list_for_media(good.id)] == ["fine"]
    assert store.annotations.count(good.id) == 0  # the bad box took its note with it: both or neither
    text_out = format_report(report)
    assert "media_records.json [nopath]" in text_out and "playlists.json: not valid JSON" in text_out
    json.dumps(report.to_dict())


def test_folder_errors(sqlite_store: Store, tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError):
        import_montu(sqlite_store, tmp_path / "nope")
    empty = tmp_path / "empty"
    empty.mkdir()
    report = import_montu(sqlite_store, empty)
    assert not report.ok and "no Montu files" in report.unreadable[0].reason and report.exit_code == 2


def test_media_already_ingested_by_path_is_reused(sqlite_store: Store, tmp_path: Path) -> None:
    ingested = sqlite_store.media.create(file_path="/s/p/sh1/a_v001.mov", project_id="p", version="v001")
    folder = tmp_path / "reuse"
    folder.mkdir()
    write_json(folder / "media_records.json", [{"_id": "x1", "file_path": "/s/p/sh1/a_v001.mov", "project": "p"}])
    write_json(folder / "notes.json", [{"_id": "n1", "media_id": "x1", "text": "on the ingested one"}])
    report = import_montu(sqlite_store, folder)
    assert report.ok and report.count("media").already_present == 1 and report.count("media").created == 0
    assert [c.content for c in sqlite_store.comments.list_for_media(ingested.id)] == ["on the ingested one"]

"""A real-shaped Montu database folder imports whole: every playlist, clip and note (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from horus_desktop.cli import main
from horus_desktop.domain.media_query import MediaQuery
from horus_desktop.migrate import format_report, import_montu
from horus_desktop.migrate.montu_fields import derive_id
from horus_desktop.store import Store


def test_real_folder_imports_every_playlist_clip_and_note(store: Store, real_montu_dir: Path) -> None:
    report = import_montu(store, real_montu_dir)
    assert report.ok and report.exit_code == 0, format_report(report)
    # Files are known by their records, whatever their names; a file that holds no records is left aside.
    assert set(report.files) == {"swa_media_records.json", "swa_tasks.json", "swa_project_config.json",
                                 "annotations.json", "horus_playlists.json"}
    assert report.ignored == ("version.json",)
    assert report.count("media").created == 4 and report.tasks_read == 1

    # Every note, including the "comment" ones whose coordinates are {}: notes without a drawing.
    assert report.count("comments").created == 3 and report.count("annotations").created == 1
    lit = store.media.get(derive_id("media", "swa_sh0020_lgt_v002"))
    notes = {c.content: c for c in store.comments.list_for_media(lit.id)}
    assert set(notes) == {"Great lighting.\n\nPriority: low", "Rim too hot here"}  # medium: the default
    [shape] = store.annotations.list(lit.id, frame=1078)
    assert shape.annotation_type == "rectangle" and store.annotations.count(lit.id) == 1
    anim = store.media.get(derive_id("media", "swa_sh0030_anim_v003"))
    [approval] = store.comments.list_for_media(anim.id)
    assert approval.is_resolved and store.annotations.count(anim.id) == 0

    # Where a record sits: from its task, else from its path read with the project's templates.
    assert (lit.episode, lit.sequence, lit.shot, lit.department) == ("Ep00", "sq0010", "SH0020", "lighting")
    assert (anim.project_id, anim.episode, anim.sequence, anim.shot, anim.department) == (
        "SWA", "Ep00", "sq0010", "SH0030", "animation")
    comp = store.media.get(derive_id("media", "swa_sh0040_comp_v001"))  # no project on the record either
    assert (comp.project_id, comp.episode, comp.sequence, comp.shot, comp.department) == (
        "SWA", "Ep01", "sq0020", "SH0040", "compositing")
    assert store.media.count(MediaQuery(project_id="SWA", shot="SH0030", departments=("animation",))) == 1

    # Montu's words in Horus's vocabulary; the one with no equivalent is reported once, kept in metadata.
    statuses = {m: store.media.get(derive_id("media", m)).approval_status for m in (
        "swa_sh0020_lgt_v001", "swa_sh0020_lgt_v002", "swa_sh0030_anim_v003", "swa_sh0040_comp_v001")}
    assert statuses == {"swa_sh0020_lgt_v001": "pending", "swa_sh0020_lgt_v002": "approved",
                        "swa_sh0030_anim_v003": "rejected", "swa_sh0040_comp_v001": "pending"}
    [word] = report.warnings
    assert "'superseded'" in word.reason and word.record_id == "swa_sh0020_lgt_v001"
    assert lit.is_latest_version and not store.media.get(derive_id("media", "swa_sh0020_lgt_v001")).is_latest_version

    # Playlists: both, with every clip; types and statuses mapped, tracks named, clip fields kept.
    assert report.count("timelines").created == 2 and report.count("clips").created == 3
    by_name = {t.name: (t, n) for t, n in store.timelines.list(project_id="SWA")}
    dailies, n = by_name["Ep00 dailies"]
    assert n == 2 and (dailies.timeline_type, dailies.status, dailies.resolution) == ("dailies", "review",
                                                                                      "1920x1080")
    clips = store.timelines.get(dailies.id).clips
    assert [c.media_id for c in clips] == [lit.id, anim.id]
    assert {c.track_name for c in clips} == {"Animation Track"}
    assert clips[0].clip_metadata["clip_id"] == "clip_001" and clips[0].clip_metadata["notes"] == "rim reduced"
    assert clips[0].clip_metadata["color"] == "#1f4e79" and clips[1].start_time_frames == 96
    kept = dailies.otio_data["metadata"]["horus"]["montu"]  # the playlist's own fields travel with its OTIO
    assert kept["settings"]["timeline_zoom"] == 1.0 and kept["original_words"] == ["daily_review", "active"]
    weekly, n = by_name["Lighting weekly"]
    assert n == 1 and (weekly.timeline_type, weekly.status) == ("department", "published")
    [missing] = store.timelines.get(weekly.id).clips
    assert missing.is_missing_media and missing.clip_name == "SH0099 v001"


def test_one_record_config_file_and_duplicate_ids(sqlite_store: Store, real_montu_dir: Path) -> None:
    """A project config written as one object (not a list) is read; an _id given twice is reported."""
    config = json.loads((real_montu_dir / "swa_project_config.json").read_text())[0]
    (real_montu_dir / "swa_project_config.json").write_text(json.dumps(config))
    media = json.loads((real_montu_dir / "swa_media_records.json").read_text())
    media.append({**media[0], "file_path": media[0]["file_path"].replace("v001", "v009")})
    (real_montu_dir / "swa_media_records.json").write_text(json.dumps(media))
    report = import_montu(sqlite_store, real_montu_dir)
    assert report.count("projects").created == 1
    [twice] = report.problems
    assert (twice.file, twice.record_id) == ("swa_media_records.json", "swa_sh0020_lgt_v001")
    assert "twice" in twice.reason and report.count("media").created == 4


def test_rerun_of_real_folder_is_a_no_op(store: Store, real_montu_dir: Path) -> None:
    first = import_montu(store, real_montu_dir)
    second = import_montu(store, real_montu_dir)
    assert second.created_total == 0 and second.ok
    for kind, counts in first.counts.items():
        assert second.count(kind).already_present == counts.created + counts.already_present, kind


def test_exit_codes(tmp_path: Path, real_montu_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "cli.sqlite")
    assert main(["import-montu", str(real_montu_dir), "--db", db, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["exit_code"] == 0 and out["counts"]["clips"]["created"] == 3

    # A record that fails: exit 1, the report still printed, naming file, record and field.
    notes = json.loads((real_montu_dir / "annotations.json").read_text())
    notes.append({"_id": "annotation_bad", "media_id": "swa_sh0020_lgt_v002", "text": "x", "frame_number": "late"})
    (real_montu_dir / "annotations.json").write_text(json.dumps(notes))
    assert main(["import-montu", str(real_montu_dir), "--db", db]) == 1
    out = capsys.readouterr().out
    assert "annotations.json [annotation_bad]: frame_number" in out

    # A file that cannot be read: exit 2, one line on stderr naming it; a missing folder: exit 2.
    (real_montu_dir / "horus_playlists.json").write_text('[{"_id": "p", "clips": [')
    assert main(["import-montu", str(real_montu_dir), "--db", db]) == 2
    assert "horus_playlists.json" in capsys.readouterr().err
    assert main(["import-montu", str(tmp_path / "nowhere"), "--db", db]) == 2
    assert "nowhere" in capsys.readouterr().err

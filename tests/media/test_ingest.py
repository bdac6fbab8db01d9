from __future__ import annotations

import os
import threading
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from horus_desktop.media import ingest as ingest_module
from horus_desktop.media.ingest import format_ingest_report, ingest_tree
from horus_desktop.media.synthetic import draw_test_frame, write_exr, write_movie

H, W = 36, 64


def build_tree(root: Path) -> None:
    """film/ep01/sq010/sh010/comp/v001 (EXR sequence with a gap), v002 (same), anim/v003 movie, a broken file."""
    for version in ("v001", "v002"):
        folder = root / "film" / "ep01" / "sq010" / "sh010" / "comp" / version
        folder.mkdir(parents=True)
        for f in (1001, 1002, 1004):
            write_exr(folder / f"sh010_comp.{f:04d}.exr", np.full((H, W, 3), 0.2, "f2"), fps=Fraction(25))
    anim = root / "film" / "ep01" / "sq010" / "sh010" / "anim" / "v003"
    anim.mkdir(parents=True)
    write_movie(anim / "sh010_anim.mov", 6, size=(W, H))
    still = root / "film" / "ep01" / "sq010" / "sh020" / "comp" / "v001"
    still.mkdir(parents=True)
    Image.fromarray(draw_test_frame(1, (W, H))).save(still / "poster.png")
    (still / "broken.exr").write_bytes(b"not an exr at all" * 20)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "projects"
    build_tree(root)
    return root


def test_ingest_creates_records_with_hierarchy_and_metadata(sqlite_store, tree: Path) -> None:
    seen = []
    report = ingest_tree(sqlite_store, tree, user="u1", progress=lambda d, t, label: seen.append((d, t)))
    # The whole report in the message: this failed once in a full CI run under heavy load (2 of 4 created, only
    # the broken file reported) and did not reproduce in 60 runs since; the next failure must say where the two went.
    summary = repr(report)
    assert report.found == 5 and len(report.created) == 4 and not report.cancelled, summary
    assert [p.path for p in report.problems] == [str(tree / "film/ep01/sq010/sh020/comp/v001/broken.exr")], summary
    assert seen[-1] == (5, 5)
    pattern = str(tree / "film/ep01/sq010/sh010/comp/v002/sh010_comp.%04d.exr")
    record = sqlite_store.media.get_by_path(pattern)
    assert (record.project_id, record.episode, record.sequence, record.shot) == ("film", "ep01", "sq010", "sh010")
    assert (record.department, record.version, record.version_number) == ("comp", "v002", 2)
    assert (record.start_frame, record.end_frame, record.frame_count) == (1001, 1004, 3)
    assert record.missing_frames == [1003] and record.media_kind == "sequence"
    assert record.frame_rate_rational == "25/1" and record.resolution == "64x36"
    assert record.color_space == "ACEScg" and record.bit_depth == 16 and len(record.file_hash) == 64
    assert record.is_latest_version
    older = sqlite_store.media.get_by_path(pattern.replace("v002", "v001"))
    assert older.is_latest_version is False
    movie = sqlite_store.media.get_by_path(str(tree / "film/ep01/sq010/sh010/anim/v003/sh010_anim.mov"))
    assert movie.media_kind == "movie" and movie.frame_count == 6 and movie.is_latest_version
    assert "1 problems" in format_ingest_report(report)


def test_reingest_of_unchanged_tree_hashes_nothing_and_adds_nothing(sqlite_store, tree: Path, monkeypatch) -> None:
    ingest_tree(sqlite_store, tree)
    count = sqlite_store.media.count()

    def no_hashing(*args, **kwargs):
        raise AssertionError("an unchanged file was hashed again")

    monkeypatch.setattr(ingest_module, "sha256_media", no_hashing)
    report = ingest_tree(sqlite_store, tree)
    assert len(report.unchanged) == 4 and not report.created and not report.updated
    assert sqlite_store.media.count() == count


def test_changed_file_updates_its_record(sqlite_store, tree: Path) -> None:
    ingest_tree(sqlite_store, tree)
    poster = tree / "film/ep01/sq010/sh020/comp/v001/poster.png"
    before = sqlite_store.media.get_by_path(str(poster))
    Image.fromarray(draw_test_frame(9, (W * 2, H * 2))).save(poster)
    os.utime(poster, (before.file_modified_at.timestamp() + 10,) * 2)
    report = ingest_tree(sqlite_store, tree)
    assert report.updated == [str(before.id)] and len(report.unchanged) == 3
    after = sqlite_store.media.get_by_path(str(poster))
    assert after.id == before.id and after.resolution == "128x72" and after.file_hash != before.file_hash


def test_no_automatic_collection_runs_during_an_ingest_and_the_collector_is_on_after(sqlite_store, tree: Path) -> None:
    """The ingest's objects are freed by reference counting: a collection walking them (and, now and then, all
    the process holds) is work spared while the tree is walked, probed and written (none runs on the ingest's
    threads); the collector is on again once the ingest returns, also after a cancelled one."""
    import gc

    threads: list[str] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "start":
            threads.append(threading.current_thread().name)

    assert gc.isenabled()
    thresholds = gc.get_threshold()
    gc.set_threshold(10)  # a collection every few allocations: any thread allocating would run some
    gc.callbacks.append(seen)
    try:
        report = ingest_tree(sqlite_store, tree)
        cancel = threading.Event()
        cancel.set()
        ingest_tree(sqlite_store, tree, cancel=cancel)
    finally:
        gc.callbacks.remove(seen)
        gc.set_threshold(*thresholds)
    assert len(report.created) == 4
    assert not [name for name in threads if name.startswith("horus-ingest")]
    assert gc.isenabled()


def test_template_and_project_override(sqlite_store, tree: Path) -> None:
    report = ingest_tree(sqlite_store, tree, project="bigfilm",
                         template="{client}/{episode}/{sequence}/{shot}/{department}/{version}")
    assert len(report.created) == 4
    record = sqlite_store.media.get_by_path(str(tree / "film/ep01/sq010/sh020/comp/v001/poster.png"))
    assert (record.project_id, record.shot, record.version) == ("bigfilm", "sh020", "v001")


def test_cancel_stops_the_ingest(sqlite_store, tree: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    report = ingest_tree(sqlite_store, tree, cancel=cancel)
    assert report.cancelled and not report.created


def test_thumbnails_are_written_and_recorded(sqlite_store, tree: Path, tmp_path: Path) -> None:
    report = ingest_tree(sqlite_store, tree, thumbnails=True, thumbnail_dir=tmp_path / "thumbs")
    assert report.thumbnails == 12
    record = sqlite_store.media.get_by_path(str(tree / "film/ep01/sq010/sh010/anim/v003/sh010_anim.mov"))
    thumbs = {t.thumbnail_size: t for t in sqlite_store.thumbnails.list_for(record.id)}
    assert set(thumbs) == {"small", "medium", "large"}
    with Image.open(thumbs["medium"].thumbnail_path) as image:
        assert max(image.size) == 64  # never upscaled: the movie is 64x36
    assert len(thumbs["small"].thumbnail_hash) == 64


def test_missing_root_is_an_error_naming_it(sqlite_store, tmp_path: Path) -> None:
    import subprocess
    import sys

    from horus_desktop.media.errors import UnreadableFileError

    missing = tmp_path / "no such folder"
    with pytest.raises(UnreadableFileError, match="no such file or folder") as info:
        ingest_tree(sqlite_store, missing)
    assert info.value.path == str(missing)
    result = subprocess.run([sys.executable, "-m", "horus_desktop", "ingest", str(missing), "--db",
                             str(tmp_path / "cli.sqlite")], capture_output=True, text=True)
    assert result.returncode == 2 and not result.stdout
    assert result.stderr.strip() == f"horus: error: {missing}: no such file or folder"


_INGEST_LOCKED = """
import json, os, pwd, sys
from PIL import Image
from horus_desktop.media.errors import UnreadableFileError
from horus_desktop.media.ingest import ingest_tree
from horus_desktop.store import Store
Image.init()  # every image plugin loaded now: Python's own files may be out of nobody's reach
# The same for what a new store's migration imports lazily (Alembic and the standard modules it uses).
import alembic.command, alembic.config, alembic.runtime.migration, alembic.script  # noqa: E401, F401
root, locked, db = sys.argv[1:4]
if os.geteuid() == 0:  # root reads every folder: drop to the user nobody
    nobody = pwd.getpwnam("nobody")
    os.setgroups([])
    os.setgid(nobody.pw_gid)
    os.setuid(nobody.pw_uid)
store = Store.open(db, backup=False)
report = ingest_tree(store, root, isolated=False)
try:
    ingest_tree(store, locked, isolated=False)
    refused = None
except UnreadableFileError as exc:
    refused = [exc.path, exc.reason]
print(json.dumps({"problems": [[p.path, p.reason] for p in report.problems], "created": len(report.created),
                  "refused": refused}))
"""


def test_unreadable_root_and_subfolder_are_reported() -> None:
    import json
    import shutil
    import subprocess
    import sys
    import tempfile

    # Not under pytest's tmp_path (0700): only the locked folder's own mode may stop the reader.
    base = Path(tempfile.mkdtemp(prefix="horus-locked-"))
    try:
        base.chmod(0o777)
        build_tree(base / "projects")
        for folder in (base / "projects").rglob("*"):
            folder.chmod(0o777 if folder.is_dir() else 0o666)
        locked = base / "projects/film/ep01/sq010/sh020"
        locked.chmod(0)
        result = subprocess.run([sys.executable, "-c", _INGEST_LOCKED, str(base / "projects"), str(locked),
                                 str(base / "store.sqlite")], capture_output=True, text=True, timeout=300,
                                cwd=Path(__file__).resolve().parents[2])
        assert result.returncode == 0, result.stderr
        outcome = json.loads(result.stdout.splitlines()[-1])
        assert [(p, r.split(":")[0]) for p, r in outcome["problems"]] == [(str(locked), "folder not read")]
        assert outcome["created"] == 3  # the rest of the tree
        assert outcome["refused"] == [str(locked), "no read permission"]
    finally:
        for folder in base.rglob("*"):
            if folder.is_dir():
                folder.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)


def test_names_with_backslash_or_line_break_are_ingested_as_named(sqlite_store, tmp_path: Path) -> None:
    root = tmp_path / "shots"
    root.mkdir()
    names = ["back\\slash.png", "line\nbreak.png", "seq\\a.0001.png", "seq\\a.0002.png"]
    for name in names:
        Image.fromarray(draw_test_frame(1, (W, H))).save(root / name)
    (root / "broken\nname.exr").write_bytes(b"not an exr" * 10)
    report = ingest_tree(sqlite_store, root)
    assert len(report.created) == 3
    for path in (root / "back\\slash.png", root / "line\nbreak.png"):
        record = sqlite_store.media.get_by_path(str(path))
        assert record is not None and record.file_name == path.name
    sequence = sqlite_store.media.get_by_path(str(root / "seq\\a.%04d.png"))
    assert sequence is not None and sequence.frame_count == 2
    assert [p.path for p in report.problems] == [str(root / "broken\nname.exr")]
    text = format_ingest_report(report)
    assert "broken\\nname.exr: " in text and len(text.splitlines()) == 2  # one line per problem


def test_damaged_frames_are_problems_naming_file_and_frame_at_every_ingest(sqlite_store, tmp_path: Path) -> None:
    folder = tmp_path / "proj" / "sh010" / "comp" / "v001"
    folder.mkdir(parents=True)
    for f in (1001, 1002, 1003):
        write_exr(folder / f"s.{f}.exr", np.full((H, W, 3), 0.3, "f2"), compression="zip")
    last = folder / "s.1003.exr"
    last.write_bytes(last.read_bytes()[:-40])  # header intact, the last chunk cut short
    expected = [(str(last), "frame 1003 of s.%04d.exr: truncated")]
    for attempt in ("first", "unchanged"):
        report = ingest_tree(sqlite_store, tmp_path / "proj")
        assert [(p.path, p.reason[: len(expected[0][1])]) for p in report.problems] == expected, attempt
        assert f"  {last}: frame 1003 of s.%04d.exr: truncated" in format_ingest_report(report)
    assert len(report.unchanged) == 1
    record = sqlite_store.media.get_by_path(str(folder / "s.%04d.exr"))
    assert record.frame_count == 3 and [d["frame"] for d in record.extra_metadata["damaged_frames"]] == [1003]


def test_ctrl_c_stops_at_once_without_probing_the_rest(sqlite_store, tmp_path: Path, monkeypatch) -> None:
    for i in range(40):
        Image.fromarray(draw_test_frame(i, (W, H))).save(tmp_path / f"still_{i:02d}_x.png")
    probed = []
    real_probe = ingest_module.probe_and_hash

    def counting_probe(item, known=None):
        probed.append(item.path)
        return real_probe(item, known)

    monkeypatch.setattr(ingest_module, "probe_and_hash", counting_probe)

    def interrupt(done: int, total: int, label: str) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest_tree(sqlite_store, tmp_path, isolated=False, workers=1, progress=interrupt)
    assert len(probed) < 10  # the first, and at most what was already running
    report = ingest_tree(sqlite_store, tmp_path, isolated=False)
    assert len(report.created) == 40


def test_reingest_repairs_stale_latest_version_flags(sqlite_store, tree: Path) -> None:
    """Flags left wrong (as by an ingest killed between writing records and refreshing flags) are put
    right by the next ingest, although every file is unchanged."""
    ingest_tree(sqlite_store, tree)
    pattern = str(tree / "film/ep01/sq010/sh010/comp/{}/sh010_comp.%04d.exr")
    v1, v2 = (sqlite_store.media.get_by_path(pattern.format(v)) for v in ("v001", "v002"))
    sqlite_store.media.update(v2.id, is_latest_version=False)
    sqlite_store.media.update(v1.id, is_latest_version=True)
    report = ingest_tree(sqlite_store, tree)
    assert len(report.unchanged) == 4
    assert sqlite_store.media.get(v2.id).is_latest_version and not sqlite_store.media.get(v1.id).is_latest_version


@pytest.mark.parametrize("isolated", [False, True])
def test_frame_problems_and_bytes_of_media_whose_rows_were_made_where_probed(sqlite_store, tmp_path: Path,
                                                                           isolated: bool) -> None:
    """Past the tree's first group of folders (in process: from the start) new media's rows are made where
    they are probed and only their size and damaged frames come back with them: an empty and a cut-short
    frame of a sequence there are still reported, and every file's bytes counted as hashed."""
    root = tmp_path / "tree"
    for i in range(300):  # more than the walk's first group of files
        folder = root / "show" / f"sh{i:03d}" / "comp" / "v001"
        folder.mkdir(parents=True)
        Image.fromarray(draw_test_frame(i, (8, 8))).save(folder / f"sh{i:03d}.png")
    folder = root / "show" / "zz" / "comp" / "v001"
    folder.mkdir(parents=True)
    for f in (1001, 1002, 1003, 1004):
        Image.fromarray(draw_test_frame(f, (8, 8))).save(folder / f"zz.{f}.png")
    (folder / "zz.1002.png").write_bytes(b"")
    (folder / "zz.1003.png").write_bytes((folder / "zz.1003.png").read_bytes()[:40])
    report = ingest_tree(sqlite_store, root, isolated=isolated)
    assert len(report.created) == 301
    assert sorted(p.reason.split(":")[0] for p in report.problems) == ["frame 1002 of zz.%04d.png",
                                                                       "frame 1003 of zz.%04d.png"]
    assert report.hashed_bytes == sum(f.stat().st_size for f in root.rglob("*.png"))

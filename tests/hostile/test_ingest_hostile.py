"""Hostile trees given to ``horus ingest``: names numbered like frames far apart or beyond 64 bits, names that are
no UTF-8, empty and cut-short images, a symbolic-link loop; and ``horus ingest`` killed (SIGKILL) at random
moments then run again: the store stays whole, every record has its outbox op, the rerun finishes with no
record twice."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from horus_desktop.api import Horus
from horus_desktop.media.sequences import MediaKind, group_files, scan_media
from horus_desktop.media.synthetic import write_jpeg_sequence

HORUS = [sys.executable, "-m", "horus_desktop.cli"] if not (Path(sys.executable).parent / "horus").exists() else [
    str(Path(sys.executable).parent / "horus")]


def test_names_numbered_far_apart_are_stills_not_a_sequence_of_every_frame_between() -> None:
    # Two files numbered 1 and 10**23 made a "sequence" whose missing frames were listed one by one: the
    # ingest ate the machine's memory (MemoryError under a limit); 1 and 2,000,000 listed 2 million frames.
    items = group_files(["a/huge.99999999999999999999999.jpg", "a/huge.18446744073709551617.jpg",
                         "b/plate.0001.exr", "b/plate.2000000.exr", "c/alone.99999999999999999999.exr"])
    assert [(item.kind, item.path, item.frames) for item in items] == [
        (MediaKind.STILL, "a/huge.18446744073709551617.jpg", ()),
        (MediaKind.STILL, "a/huge.99999999999999999999999.jpg", ()),
        (MediaKind.STILL, "b/plate.0001.exr", ()),
        (MediaKind.STILL, "b/plate.2000000.exr", ()),
        (MediaKind.STILL, "c/alone.99999999999999999999.exr", ()),
    ]
    gapped, = group_files(["d/sh.1001.exr", "d/sh.1004.exr"])
    assert (gapped.kind, gapped.frames, gapped.missing_frames) == (MediaKind.SEQUENCE, (1001, 1004), (1002, 1003))


def test_a_name_that_is_no_utf8_is_reported_and_the_rest_found(tmp_path: Path) -> None:
    write_jpeg_sequence(tmp_path / "shot", 2, size=(16, 8), name="good")
    with open(os.fsencode(tmp_path / "shot") + b"/bad\xff\xfe.0001.jpg", "wb") as bad:
        bad.write(b"\xff\xd8\xff")
    (tmp_path / "shot" / "loop").symlink_to("..")
    errors: list[OSError] = []
    found = list(scan_media(tmp_path, on_error=errors.append))
    assert [Path(item.path).name for item in found] == ["good.%04d.jpg"]
    assert [(e.filename, e.strerror) for e in errors] == [
        (f"{tmp_path}/shot/bad\ufffd\ufffd.0001.jpg", "the name is not UTF-8 text: skipped")]



def test_an_ingest_reports_a_name_that_is_no_utf8_as_a_skipped_file(tmp_path: Path) -> None:
    write_jpeg_sequence(tmp_path / "shot", 2, size=(16, 8), name="good")
    with open(os.fsencode(tmp_path / "shot") + b"/bad\xff.0001.jpg", "wb") as bad:
        bad.write(b"\xff\xd8\xff")
    with Horus.open(tmp_path / "review.sqlite", user="ana") as horus:
        report = horus.ingest(tmp_path / "shot", project="show", thumbnails=False)
        assert [(p.path, p.reason) for p in report.problems] == [
            (f"{tmp_path}/shot/bad\ufffd.0001.jpg", "the name is not UTF-8 text: skipped")]
        assert [Path(m.file_path).name for m in horus.search_media(project="show").items] == ["good.%04d.jpg"]

def _tree(root: Path, shots: int) -> Path:
    for shot in range(shots):
        for version in (1, 2):
            write_jpeg_sequence(root / "sq01" / f"sh{shot:03d}" / "comp" / f"v{version:03d}", 3, size=(16, 8),
                                name=f"sh{shot:03d}_comp_v{version:03d}")
    hostile = root / "sq01" / "hostile"
    hostile.mkdir()
    (hostile / "empty.0001.exr").write_bytes(b"")
    (hostile / "cut.0001.exr").write_bytes(b"\x76\x2f\x31\x01\x02\x00\x00\x00chan")
    (hostile / "huge.99999999999999999999999.jpg").write_bytes(b"\xff\xd8\xff")
    (hostile / "huge.18446744073709551617.jpg").write_bytes(b"\xff\xd8\xff")
    (hostile / "new\nline.0001.jpg").write_bytes(b"\xff\xd8\xff")
    with open(os.fsencode(hostile) + b"/bad\xff.0001.jpg", "wb") as bad:
        bad.write(b"\xff\xd8\xff")
    (hostile / "loop").symlink_to("..")
    return root


def _ingest(tree: Path, db: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "HORUS_USER": "ana"}
    return subprocess.Popen([*HORUS, "ingest", str(tree), "--project", "p", "--no-thumbnails", "--json", "--db",
                             str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def _schema_committed(db: Path) -> bool:
    """Whether a killed run got as far as committing the store's schema. Killed while the new store's schema
    was being made (a slow start under load), the file holds no table at all: nothing half-made, and the next
    run makes the schema; checked here so that such a file is not taken for a whole store."""
    if not db.exists():
        return False
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "alembic_version" not in tables:
        assert not {name for name in tables if name.startswith("horus_")}, tables
        return False
    return True


def _state(db: Path) -> tuple[str, list[tuple[str, int]], set[str], list[str]]:
    """(integrity check, paths held more than once, media ids without an insert op, ops whose row is gone)."""
    with sqlite3.connect(db) as connection:
        check = connection.execute("PRAGMA integrity_check").fetchone()[0]
        twice = connection.execute("SELECT file_path, count(*) FROM horus_media_records GROUP BY file_path "
                                   "HAVING count(*) > 1").fetchall()
        ids = {row[0] for row in connection.execute("SELECT id FROM horus_media_records")}
        ops = {row[0] for row in connection.execute(
            "SELECT row_id FROM horus_sync_outbox WHERE table_name = 'horus_media_records' AND kind = 'insert'")}
    return check, twice, ids - ops, sorted(ops - ids)


@pytest.mark.parametrize("seed", [1, 2])
def test_an_ingest_killed_at_random_moments_then_run_again_leaves_a_whole_store(tmp_path: Path, seed: int) -> None:
    tree = _tree(tmp_path / "tree", 120)
    reference = tmp_path / "reference.sqlite"
    whole = _ingest(tree, reference)
    out, err = whole.communicate(timeout=600)
    assert whole.returncode == 0, err.decode(errors="replace")[-3000:]
    expected = json.loads(out)
    db = tmp_path / "killed.sqlite"
    pick = random.Random(seed)
    for _ in range(4):
        run = _ingest(tree, db)
        time.sleep(pick.uniform(0.2, 3.0))  # a random moment: starting, walking, probing or writing
        run.send_signal(signal.SIGKILL)
        run.communicate()
        if _schema_committed(db):
            check, twice, without_op, _ = _state(db)
            assert (check, twice, without_op) == ("ok", [], set())
    rerun = _ingest(tree, db)
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err.decode(errors="replace")[-3000:]
    report = json.loads(out)
    assert report["found"] == expected["found"]
    assert sorted(p["path"] for p in report["problems"]) == sorted(p["path"] for p in expected["problems"])
    assert _state(db) == ("ok", [], set(), [])
    with sqlite3.connect(db) as connection, sqlite3.connect(reference) as whole_store:
        paths = "SELECT file_path, start_frame, end_frame, missing_frames FROM horus_media_records ORDER BY 1"
        assert connection.execute(paths).fetchall() == whole_store.execute(paths).fetchall()

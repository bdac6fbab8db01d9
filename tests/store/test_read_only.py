"""A store that cannot be written (an archived review) opens read-only: it can be listed and browsed, every
write is refused naming the store, and nothing is migrated, copied or touched."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from horus_desktop.api import Horus
from horus_desktop.domain.media_query import MediaQuery
from horus_desktop.services.attachments import attach_file
from horus_desktop.store import ReadOnlyStoreError, Store
from horus_desktop.store.engine import create_store_engine, resolve_store_url
from horus_desktop.store.schema import head_revision

ROOT = Path(__file__).resolve().parents[2]


def _archive(folder: Path) -> Path:
    db = folder / "review.sqlite"
    with Horus.open(db, user="ana") as horus:
        media = horus.store.media.create(file_path="/s/sh010/v001/a.exr", project_id="show", shot="sh010",
                                         version="v001")
        horus.add_comment(media.id, "final look")
    assert sorted(p.name for p in folder.iterdir()) == ["review.sqlite"]  # WAL checkpointed on close
    return db


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Path]:
    yield _archive(tmp_path)


def test_a_read_only_store_lists_and_refuses_writes_naming_itself(archive: Path) -> None:
    before = _digest(archive.parent)
    store = Store.open(archive, read_only=True)
    try:
        assert store.read_only and "read-only" in store.describe()
        (media,) = store.media.search(MediaQuery()).items
        assert [n.comment.content for n in store.comments.threads(media.id)] == ["final look"]
        for write in (lambda: store.media.set_status([media.id], "approved"),
                      lambda: store.tags.add([media.id], "hero"),
                      lambda: store.users.ensure("bob"),
                      lambda: attach_file(store, store.comments.list_for_media(media.id)[0].id, archive, "ana")):
            with pytest.raises(ReadOnlyStoreError, match=str(archive)):
                write()
    finally:
        store.close()
    assert _digest(archive.parent) == before  # not a byte changed, no backup, no log left behind


def test_an_older_read_only_store_must_be_upgraded_elsewhere(archive: Path) -> None:
    engine = create_store_engine(resolve_store_url(archive))
    with engine.begin() as conn:  # as a store written by an older Horus
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    engine.dispose()
    with pytest.raises(ReadOnlyStoreError, match=r"0001.*upgrade it where it can be written"):
        Store.open(archive, read_only=True)
    assert head_revision() != "0001"


_AS_NOBODY = r"""
import io, json, os, pwd, sys
from contextlib import redirect_stderr, redirect_stdout
from horus_desktop.cli import main
from horus_desktop.domain.media_query import MediaQuery
from horus_desktop.services.attachments import attach_file
from horus_desktop.store import Store
db, *commands = sys.argv[1:]
# Every module loaded first, by the same read-only path: Python's own files may be out of nobody's reach.
warm = Store.open(db, read_only=True)
warm.media.search(MediaQuery(with_total=True))
warm.close()
for name in ("horus_desktop.api", "horus_desktop.timeline.playlists"):
    __import__(name)
nobody = pwd.getpwnam("nobody")
os.setgroups([])
os.setgid(nobody.pw_gid)
os.setuid(nobody.pw_uid)
results = []
for command in commands:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(json.loads(command))
    results.append({"code": code, "out": out.getvalue(), "err": err.getvalue()})
print(json.dumps(results))
"""


@pytest.mark.parametrize("writable_folder", [False, True], ids=["folder-read-only", "file-read-only"])
def test_the_cli_browses_an_archive_it_cannot_write(writable_folder: bool) -> None:
    folder = Path(tempfile.mkdtemp(prefix="horus-archive-"))
    try:
        db = _archive(folder)
        db.chmod(0o444)
        folder.chmod(0o777 if writable_folder else 0o555)
        before = _digest(folder)
        commands = [["media", "list", "--db", str(db), "--json"],
                    ["media", "set-status", "x", "approved", "--db", str(db)],
                    ["comment", "add", "00000000-0000-0000-0000-000000000000", "--text", "hi", "--db", str(db)]]
        if os.geteuid() == 0:
            argv = [sys.executable, "-c", _AS_NOBODY, str(db), *map(json.dumps, commands)]
        else:  # already a user the modes stop: the same script, minus the privilege drop
            argv = [sys.executable, "-c", _AS_NOBODY.replace("os.setuid(", "(").replace("os.setgid(", "(")
                    .replace("os.setgroups([])", "None"), str(db), *map(json.dumps, commands)]
        result = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=ROOT)
        assert result.returncode == 0, result.stderr
        listed, status, comment = json.loads(result.stdout)
        assert listed["code"] == 0, listed["err"]
        assert [m["shot"] for m in json.loads(listed["out"])["items"]] == ["sh010"]
        assert "read-only" in listed["err"] and "nothing can be changed" in listed["err"]
        for refused in (status, comment):
            assert refused["code"] == 2 and "Traceback" not in refused["err"]
        assert f"{db} (read-only) cannot be written" in comment["err"]
        folder.chmod(0o755)
        assert _digest(folder) == before
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)

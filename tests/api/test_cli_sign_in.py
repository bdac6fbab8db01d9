"""The sign-in (the user's last login, or the user made on first use, and its sync op) is written with the
command's own change, in its transaction: a command that fails (a media not found, input refused) leaves
the store byte for byte as it was, on the quick path and on the full SQLAlchemy path alike, while one that
succeeds records the sign-in as before (on the full path; the quick read path never wrote one)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from horus_desktop.api import Horus
from horus_desktop.store import quick_read, quick_write
from tests.api.both_ways import Base, run

MISSING = "00000000-0000-0000-0000-000000000007"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    db = tmp_path_factory.mktemp("sign-in") / "base.sqlite"
    with Horus.open(str(db), user="ana") as horus:
        with horus.store.transaction():
            media = horus.store.media.create(file_path="/show/sh010/plate_v001.exr", project_id="show",
                                             shot="sh010", version="v001")
    return db, {"plate": str(media.id), "missing": MISSING}


@pytest.fixture(params=["quick", "full"])
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """``quick``: as a user runs it (the quick path first, on a current SQLite store); ``full``: the full
    SQLAlchemy path only."""
    monkeypatch.setenv("HORUS_USER", "ana")
    if request.param == "full":
        monkeypatch.setattr(quick_read.QuickReader, "open", classmethod(lambda cls, db=None: None))
        monkeypatch.setattr(quick_write.QuickWriter, "open", classmethod(lambda cls, db=None: None))
    return request.param


def _signed_in(db: Path) -> tuple[list[tuple[str, str | None]], list[tuple[str, str, str]]]:
    """The users' last logins, and the outbox's ops (table, kind, clock) in order."""
    conn = sqlite3.connect(db)
    try:
        return (conn.execute("SELECT id, last_login_at FROM horus_users ORDER BY id").fetchall(),
                conn.execute("SELECT table_name, kind, hlc FROM horus_sync_outbox ORDER BY seq").fetchall())
    finally:
        conn.close()


FAILING = [
    ("comment", "add", "{missing}", "--text", "on a media that is not there"),
    ("comment", "add", "{missing}", "--text", "as a new user", "--user", "newbie"),
    ("media", "set-status", "{plate}", "{missing}", "approved"),  # the first media is there
    ("media", "sound", "{missing}", "--clear"),
    ("playlist", "create", "--name", "dailies", "--project", "show", "--media", "{plate}", "{missing}"),
    ("paths", "where", "{missing}"),
    ("playlist", "notes", "{missing}"),
    ("comment", "list", "not-a-uuid", "--user", "newbie"),
]


@pytest.mark.parametrize("case", FAILING, ids=[" ".join(c[:2]) + f" {i}" for i, c in enumerate(FAILING)])
def test_a_command_that_fails_leaves_the_store_as_it_was(case: tuple[str, ...], way: str, base: Base,
                                                         tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "store.sqlite"
    db.write_bytes(base[0].read_bytes())
    code, out, err = run([*(a.format(**base[1]) for a in case), "--db", str(db)], capsys)
    assert (code, out) == (2, "") and err.startswith("horus: error:"), err
    assert db.read_bytes() == base[0].read_bytes()  # no sign-in, no outbox op, nothing
    assert not Path(f"{db}-wal").exists() or not Path(f"{db}-wal").stat().st_size


def test_a_write_that_succeeds_signs_in_within_its_own_transaction(way: str, base: Base, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "store.sqlite"
    db.write_bytes(base[0].read_bytes())
    logins, ops = _signed_in(db)
    code, _out, err = run(["comment", "add", base[1]["plate"], "--text", "a note", "--db", str(db)], capsys)
    assert code == 0, err
    new_logins, new_ops = _signed_in(db)
    assert new_ops[:len(ops)] == ops
    added = new_ops[len(ops):]
    # The sign-in first, then the note, stamped together: one transaction.
    assert [(t, op) for t, op, _hlc in added] == [("horus_users", "update"), ("horus_comments", "insert")]
    assert len({hlc for _t, _op, hlc in added}) == 1
    assert dict(logins)["ana"] is None and dict(new_logins)["ana"] is not None


def test_a_read_that_succeeds_signs_in_as_before(way: str, base: Base, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "store.sqlite"
    db.write_bytes(base[0].read_bytes())
    logins, ops = _signed_in(db)
    for argv in (["paths", "where", base[1]["plate"]], ["comment", "list", base[1]["plate"], "--user", "newbie"]):
        code, _out, err = run([*argv, "--db", str(db)], capsys)
        assert code == 0, err
    new_logins, new_ops = _signed_in(db)
    if way == "quick":  # the quick read path never wrote the sign-in (store/quick_read.py)
        assert (new_logins, new_ops) == (logins, ops)
        return
    assert [(t, op) for t, op, _hlc in new_ops[len(ops):]] == [("horus_users", "update"), ("horus_users", "insert")]
    assert dict(new_logins)["ana"] is not None and "newbie" in dict(new_logins)

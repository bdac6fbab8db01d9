"""``horus comment add`` and ``horus media set-status`` write a current SQLite store without SQLAlchemy
(store/quick_write.py), and write exactly what the full path writes: each case runs both ways on two copies
of one store, and the stores are compared table by table, row by row (tests/api/both_ways.py: the sync
outbox, the approval history, the notifications, the sign-in included); the verbs' output and exit codes
are compared too.

What the quick path does not do exactly (PostgreSQL, an older schema, a bad argument, a missing media, an
unknown status) goes the full path, with its error as before, and nothing written twice.
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from horus_desktop.api import Horus
from horus_desktop.store import quick_write
from horus_desktop.store.repositories import comments as comments_repo
from tests.api.both_ways import Base, BothWays, fill, loaded_by, run


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    folder = tmp_path_factory.mktemp("quick-write")
    db = folder / "base.sqlite"
    ids = fill(str(db))
    return db, ids


CASES = [
    ("comment", "add", "{plate}", "--text", "a note"),
    ("comment", "add", "{plate}", "--text", "at a frame", "--frame", "1001"),
    ("comment", "add", "{comp}", "--text", "on a 25 fps media, by nobody's artist", "--frame", "3"),
    ("comment", "add", "{light}", "--text", "artist is not a user", "--frame", "7"),
    ("comment", "add", "{plate}", "--text", "@bob @zoe @u-zoe @ana @nobody look — ünï 🎬", "--json"),
    ("comment", "add", "{plate}", "--text", "a reply to bob", "--reply-to", "{bobs}"),
    ("comment", "add", "{plate}", "--text", "reply @bob at its own frame", "--reply-to", "{reply}", "--frame", "2"),
    ("comment", "add", "{plate}", "--text", "as a new user", "--user", "newbie"),
    ("comment", "add", "{plate}", "--text", "as bob by id", "--user", "bob", "--json"),
    ("comment", "add", "{plate}", "--text", "as zoe by username", "--user", "zoe"),
    ("media", "set-status", "{plate}", "approved"),
    ("media", "set-status", "{plate}", "{comp}", "{plate}", "rejected"),
    ("media", "set-status", "{plate}", "{grade}", "{light}", "approved"),
    ("media", "set-status", "{comp}", "on_hold"),
    ("media", "set-status", "{plate}", "{light}", "on_hold", "--user", "zoe"),
    ("media", "set-status", "{light}", "pending", "--user", "brand-new"),
]


@pytest.mark.parametrize("case", CASES, ids=[" ".join(c[:2]) + f" {i}" for i, c in enumerate(CASES)])
def test_a_write_verb_writes_the_same_store_both_ways(case: tuple[str, ...], base: Base,
                                                      both_ways: BothWays) -> None:
    written = both_ways.written(base, case)
    assert any("horus_sync_outbox" in line for line in written.new_rows())


REFUSED = [
    ("comment", "add", "{gone}", "--text", "on a deleted media"),
    ("comment", "add", "not-a-uuid", "--text", "x"),
    ("comment", "add", "{plate}", "--text", "   "),
    ("comment", "add", "{plate}", "--text", "nul \x00 here"),
    ("comment", "add", "{comp}", "--text", "reply on another media", "--reply-to", "{note}"),
    ("comment", "add", "{plate}", "--text", "reply to a deleted note", "--reply-to", "{gone_note}"),
    ("comment", "add", "{plate}", "--text", "x", "--user", "u" * 101),
    ("comment", "add", "{plate}", "--text", "x", "--user", "zed"),
    ("media", "set-status", "{plate}", "approved", "--user", "zed"),
    ("media", "set-status", "{plate}", "great"),
    ("media", "set-status", "{plate}", "{gone}", "approved"),
    ("media", "set-status", str(uuid.UUID(int=7)), "approved"),
]


@pytest.mark.parametrize("case", REFUSED, ids=[f"refused {i}" for i in range(len(REFUSED))])
def test_what_the_quick_path_does_not_write_goes_the_full_path(case: tuple[str, ...], base: Base,
                                                               both_ways: BothWays) -> None:
    code, _out, err = both_ways.answered_as_before(base, case)
    assert code == 2 and err.startswith("horus: error:")


def test_postgresql_and_other_stores_are_not_written_here(tmp_path: Path) -> None:
    assert quick_write.QuickWriter.open("postgresql://postgres@127.0.0.1:9/never_contacted") is None
    assert quick_write.QuickWriter.open(str(tmp_path / "missing.sqlite")) is None
    assert not (tmp_path / "missing.sqlite").exists()


@pytest.mark.postgres
def test_a_write_verb_on_postgresql_takes_the_full_path(pg_server_url: str, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import _reset_pg

    _reset_pg(pg_server_url)
    ids = fill(pg_server_url)
    monkeypatch.setenv("HORUS_USER", "ana")
    code, out, _err = run(["comment", "add", ids["plate"], "--text", "on the server", "--db", pg_server_url], capsys)
    assert code == 0
    assert run(["media", "set-status", ids["plate"], "approved", "--db", pg_server_url], capsys)[1].endswith(
        ": approved\n")
    with Horus.open(pg_server_url, user="ana") as horus:
        assert [n.comment.content for n in horus.comments(ids["plate"])][-1] == "on the server"
        assert str(horus.comments(ids["plate"])[-1].comment.id) == out.strip()


def test_thread_place_is_the_repositorys() -> None:
    comment_id, created = uuid.uuid4(), datetime(2025, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
    media = uuid.uuid4()
    assert quick_write.thread_place(comment_id, created, None) == comments_repo.thread_place(
        comment_id, created, media, None)
    assert quick_write.thread_place(comment_id, created, ("0001/0002", 1)) == comments_repo.thread_place(
        comment_id, created, media, (media, "0001/0002", 1))


def test_the_write_verbs_load_no_sqlalchemy_on_a_current_store(base: Base,
                                                                tmp_path: Path) -> None:

    db = tmp_path / "loads.sqlite"
    shutil.copyfile(base[0], db)
    argvs = [["comment", "add", base[1]["plate"], "--text", "@bob hi", "--frame", "3", "--db", str(db)],
             ["comment", "add", base[1]["plate"], "--text", "as json", "--json", "--db", str(db)],
             ["media", "set-status", base[1]["plate"], base[1]["comp"], "approved", "--db", str(db)],
             ["db", "upgrade", "--db", str(db)]]
    assert loaded_by(argvs, {"sqlalchemy", "alembic"}) == ([0, 0, 0, 0], [])


def test_db_upgrade_of_a_current_store_answers_as_the_full_path(base: Base, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "current.sqlite"
    shutil.copyfile(base[0], db)
    quick = run(["db", "upgrade", "--db", str(db)], capsys)
    with monkeypatch.context() as m:
        m.setattr(quick_write.QuickWriter, "open", classmethod(lambda cls, db=None: None))
        full = run(["db", "upgrade", "--db", str(db)], capsys)
    assert quick == full and quick[1].endswith("(already current)\n")
    assert not list(tmp_path.glob("*before-upgrade*"))  # nothing copied aside either way


def test_a_status_already_set_writes_and_stamps_nothing_more_than_the_sign_in(
        base: Base, tmp_path: Path, both_ways: BothWays) -> None:
    # An op left unstamped (as a writer that does not stamp would leave it) is stamped with the sign-in's clock
    # on either path; the status already set then writes nothing: no history row, no notification, no op.
    unstamped = tmp_path / "unstamped.sqlite"
    shutil.copyfile(base[0], unstamped)
    with sqlite3.connect(unstamped) as conn:
        conn.execute("UPDATE horus_sync_outbox SET hlc = NULL WHERE seq = (SELECT max(seq) FROM horus_sync_outbox)")
    conn.close()
    both_ways.written((unstamped, base[1]), ("media", "set-status", "{comp}", "on_hold"))

"""``horus comment add`` and ``horus media set-status`` write a current SQLite store without SQLAlchemy
(store/quick_write.py), and write exactly what the full path writes: each case runs both ways on two copies
of one store, and the stores are compared table by table, row by row (the sync outbox, the approval
history, the notifications, the sign-in included), new ids, times and clock values put in order of
appearance; the verbs' output and exit codes are compared too.

What the quick path does not do exactly (PostgreSQL, an older schema, a bad argument, a missing media, an
unknown status) goes the full path, with its error as before, and nothing written twice.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from horus_desktop.api import Horus
from horus_desktop.cli import main
from horus_desktop.store import quick_write
from horus_desktop.store.repositories import comments as comments_repo

_UUID = re.compile(r"\b[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\b")
_HLC = re.compile(r"\b\d{15}\.\d{5}\b")
_TIME = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?(?:\+00:00)?")
_THREAD_KEY = re.compile(r"\b\d{17}[0-9a-f]{8}\b")


def _fill(db: str) -> dict[str, str]:
    """Users (one with a full name, an artist), media by that artist and by nobody, a deleted one, notes."""
    ids: dict[str, str] = {}
    with Horus.open(db, user="ana") as horus:
        store = horus.store
        store.users.ensure("ana", username="ana", full_name="Ana Ruiz")
        store.users.ensure("bob", username="bob")
        store.users.ensure("u-zoe", username="zoe", full_name="Zoë Ünïcødé")
        store.users.ensure("u-q", username="q", email="zed@localhost")  # `--user zed` cannot be made: same email
        with store.transaction():
            for name, artist, rate in (("plate", "u-zoe", Decimal("23.98")), ("comp", None, Decimal(25)),
                                       ("gone", "bob", Decimal(24)), ("light", "nobody-here", None),
                                       ("grade", "u-zoe", Decimal(24))):
                record = store.media.create(
                    file_path=f"/show/sq01/sh010/{name}_v001.exr", project_id="show", sequence="sq01",
                    shot="sh010", version="v001", department=name, artist_id=artist, frame_rate=rate,
                    frame_rate_rational="24000/1001" if name == "plate" else None,
                    created_at=datetime(2025, 1, 2, tzinfo=UTC))
                ids[name] = str(record.id)
        store.media.soft_delete(ids["gone"])
        store.media.set_status([ids["comp"]], "on_hold", by="bob", by_name="bob")
        note = horus.add_comment(ids["plate"], "first note", frame=1012)
        ids["note"] = str(note.id)
        bobs = Horus(store, store.users.find("bob"))
        ids["bobs"] = str(bobs.add_comment(ids["plate"], "bob's note").id)
        ids["reply"] = str(horus.reply(note.id, "a reply").id)
        gone = horus.add_comment(ids["plate"], "deleted note")
        store.comments.soft_delete(gone.id, by="ana")
        ids["gone_note"] = str(gone.id)
    return ids


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("quick-write")
    db = folder / "base.sqlite"
    ids = _fill(str(db))
    return db, ids


def _dump(db: Path, known: str) -> list[str]:
    """Every table's rows in rowid order, as text; ids, clocks and times not in ``known`` numbered by first
    appearance (so the rows of one transaction keep one clock value, and a reply points at its note)."""
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND "
            "sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name")]
        virtual = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'")]
        tables = [t for t in tables if not any(t.startswith(v + "_") for v in virtual)] + virtual
        lines = []
        for table in tables:
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY rowid"):
                lines.append(f"{table}: {row!r}")
    finally:
        conn.close()
    seen: dict[str, str] = {}

    def number(kind: str) -> object:
        def replace(match: re.Match[str]) -> str:
            token = match.group(0)
            if token in known or token.replace("-", "") in known:
                return token
            return seen.setdefault(f"{kind}{token.replace('-', '')}", f"<{kind}{len(seen)}>")
        return replace

    out = []
    for line in lines:
        line = _THREAD_KEY.sub(lambda m: m.group(0) if m.group(0) in known else "<key>", line)
        line = _TIME.sub(lambda m: m.group(0) if m.group(0) in known else "<time>", line)
        line = _UUID.sub(number("id"), line)
        line = _HLC.sub(number("hlc"), line)
        out.append(line)
    return out


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _both(base: tuple[Path, dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str],
          monkeypatch: pytest.MonkeyPatch, *argv: str) -> tuple[tuple[int, str, str], tuple[int, str, str],
                                                                 list[str], list[str], str]:
    """``argv`` run the quick way on one copy of the base store and the full way on another."""
    db, _ids = base
    quick_db, full_db = tmp_path / "quick.sqlite", tmp_path / "full.sqlite"
    shutil.copyfile(db, quick_db)
    shutil.copyfile(db, full_db)
    with monkeypatch.context() as m:
        def no_full_path(*_a: object, **_k: object) -> None:
            raise AssertionError("the full path was taken")
        m.setattr(Horus, "open", classmethod(no_full_path))
        quick = _run([*argv, "--db", str(quick_db)], capsys)
    with monkeypatch.context() as m:
        m.setattr(quick_write.QuickWriter, "open", classmethod(lambda cls, db=None: None))
        full = _run([*argv, "--db", str(full_db)], capsys)
    conn = sqlite3.connect(db)
    known = "\n".join(_dump_raw(conn))
    conn.close()
    return quick, full, _dump(quick_db, known), _dump(full_db, known), known


def _dump_raw(conn: sqlite3.Connection) -> list[str]:
    return [repr(row) for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            for row in conn.execute(f"SELECT * FROM {name}")]


def _same_output(quick: tuple[int, str, str], full: tuple[int, str, str]) -> None:
    ids: dict[str, str] = {}

    def norm(text: str) -> str:
        text = _TIME.sub("<time>", text)
        text = _THREAD_KEY.sub("<key>", text)
        return _UUID.sub(lambda m: ids.setdefault(m.group(0), f"<id{len(ids)}>"), text)

    assert quick[0] == full[0]
    ids.clear()
    q = (norm(quick[1]), norm(quick[2]))
    ids.clear()
    f = (norm(full[1]), norm(full[2]))
    assert q == f


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
def test_a_write_verb_writes_the_same_store_both_ways(case: tuple[str, ...], base: tuple[Path, dict[str, str]],
                                                      tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HORUS_USER", "ana")
    argv = [a.format(**base[1]) for a in case]
    quick, full, quick_dump, full_dump, _known = _both(base, tmp_path, capsys, monkeypatch, *argv)
    assert quick[0] == 0, quick
    _same_output(quick, full)
    assert quick_dump == full_dump
    assert any("horus_sync_outbox" in line for line in set(quick_dump) - set(_dump(base[0], _known)))


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
def test_what_the_quick_path_does_not_write_goes_the_full_path(
        case: tuple[str, ...], base: tuple[Path, dict[str, str]], tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HORUS_USER", "ana")
    argv = [a.format(**base[1]) for a in case]
    db = tmp_path / "as-a-user-runs-it.sqlite"
    shutil.copyfile(base[0], db)
    code, out, err = _run([*argv, "--db", str(db)], capsys)  # the quick path tries, the full path answers
    full_db = tmp_path / "full.sqlite"
    shutil.copyfile(base[0], full_db)
    with monkeypatch.context() as m:
        m.setattr(quick_write.QuickWriter, "open", classmethod(lambda cls, db=None: None))
        full = _run([*argv, "--db", str(full_db)], capsys)
    assert code == 2 and err.startswith("horus: error:")
    _same_output((code, out, err), full)
    known = "\n".join(_dump_raw(sqlite3.connect(base[0])))
    assert _dump(db, known) == _dump(full_db, known)  # the user signed in once, as on the full path


def test_postgresql_and_other_stores_are_not_written_here(tmp_path: Path) -> None:
    assert quick_write.QuickWriter.open("postgresql://postgres@127.0.0.1:9/never_contacted") is None
    assert quick_write.QuickWriter.open(str(tmp_path / "missing.sqlite")) is None
    assert not (tmp_path / "missing.sqlite").exists()


@pytest.mark.postgres
def test_a_write_verb_on_postgresql_takes_the_full_path(pg_server_url: str, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import _reset_pg

    _reset_pg(pg_server_url)
    ids = _fill(pg_server_url)
    monkeypatch.setenv("HORUS_USER", "ana")
    code, out, _err = _run(["comment", "add", ids["plate"], "--text", "on the server", "--db", pg_server_url], capsys)
    assert code == 0
    assert _run(["media", "set-status", ids["plate"], "approved", "--db", pg_server_url], capsys)[1].endswith(
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


def test_the_write_verbs_load_no_sqlalchemy_on_a_current_store(base: tuple[Path, dict[str, str]],
                                                                tmp_path: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    db = tmp_path / "loads.sqlite"
    shutil.copyfile(base[0], db)
    child = ("import contextlib, io, json, sys\nfrom horus_desktop.cli import main\nout = []\n"
             "for argv in json.loads(sys.argv[1]):\n"
             "    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
             "        out.append(main(argv))\n"
             "print(json.dumps([out, sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'alembic'})]))")
    argvs = [["comment", "add", base[1]["plate"], "--text", "@bob hi", "--frame", "3", "--db", str(db)],
             ["comment", "add", base[1]["plate"], "--text", "as json", "--json", "--db", str(db)],
             ["media", "set-status", base[1]["plate"], base[1]["comp"], "approved", "--db", str(db)],
             ["db", "upgrade", "--db", str(db)]]
    result = subprocess.run([sys.executable, "-c", child, json.dumps(argvs)], capture_output=True, text=True,
                            check=True, timeout=120, env={**os.environ, "HORUS_USER": "ana"})
    assert json.loads(result.stdout) == [[0, 0, 0, 0], []]


def test_db_upgrade_of_a_current_store_answers_as_the_full_path(base: tuple[Path, dict[str, str]], tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "current.sqlite"
    shutil.copyfile(base[0], db)
    quick = _run(["db", "upgrade", "--db", str(db)], capsys)
    with monkeypatch.context() as m:
        m.setattr(quick_write.QuickWriter, "open", classmethod(lambda cls, db=None: None))
        full = _run(["db", "upgrade", "--db", str(db)], capsys)
    assert quick == full and quick[1].endswith("(already current)\n")
    assert not list(tmp_path.glob("*before-upgrade*"))  # nothing copied aside either way


def test_a_status_already_set_writes_and_stamps_nothing_more_than_the_sign_in(
        base: tuple[Path, dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # An op left unstamped (as a writer that does not stamp would leave it) is stamped with the sign-in's clock
    # on either path; the status already set then writes nothing: no history row, no notification, no op.
    monkeypatch.setenv("HORUS_USER", "ana")
    unstamped = tmp_path / "unstamped.sqlite"
    shutil.copyfile(base[0], unstamped)
    with sqlite3.connect(unstamped) as conn:
        conn.execute("UPDATE horus_sync_outbox SET hlc = NULL WHERE seq = (SELECT max(seq) FROM horus_sync_outbox)")
    conn.close()
    quick, full, quick_dump, full_dump, _known = _both((unstamped, base[1]), tmp_path, capsys, monkeypatch,
                                                       "media", "set-status", base[1]["comp"], "on_hold")
    assert quick[0] == 0 and quick_dump == full_dump
    _same_output(quick, full)

"""One verb run both ways on copies of one store, the stores compared table by table: the quick write paths'
tests (comment add, media set-status, media sound, playlist create) share this (the ``both_ways`` fixture,
tests/api/conftest.py).

The quick way is forced by making the full path fail (``Horus.open`` raises), the full way by making the quick
path decline (``QuickWriter.open`` answers None). Every table's rows are compared in rowid order (the sync
outbox, the approval history, the notifications, the sign-in included); ids, times and clock values that are
not in the base store are numbered by first appearance, so the rows of one transaction keep one clock value
and a reply points at its note. The verbs' output and exit codes are compared too.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from horus_desktop.api import Horus
from horus_desktop.cli import main
from horus_desktop.store import quick_write

_UUID = re.compile(r"\b[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\b")
_HLC = re.compile(r"\b\d{15}\.\d{5}\b")
_TIME = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?(?:\+00:00)?")
_THREAD_KEY = re.compile(r"\b\d{17}[0-9a-f]{8}\b")

#: A base store and the ids of what is in it, by name (a case's ``{name}`` fields).
Base = tuple[Path, dict[str, str]]
#: A verb's exit code, standard output and standard error.
Ran = tuple[int, str, str]


def fill(db: str) -> dict[str, str]:
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


def dump_raw(db: Path) -> str:
    """Every row of every table, as text: what a dump leaves as it is (the base store's ids, times, clocks)."""
    conn = sqlite3.connect(db)
    try:
        return "\n".join(repr(row) for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                         for row in conn.execute(f"SELECT * FROM {name}"))
    finally:
        conn.close()


def dump(db: Path, known: str) -> list[str]:
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


def run(argv: Sequence[str], capsys: pytest.CaptureFixture[str]) -> Ran:
    """``horus ARGV`` in this process: its exit code and output."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def loaded_by(argvs: Sequence[Sequence[str]], watched: set[str]) -> tuple[list[int], list[str]]:
    """Each ``horus ARGV`` of ``argvs`` run in turn in one fresh process, as ana: their exit codes, and which
    of the ``watched`` packages that process loaded."""
    child = ("import contextlib, io, json, sys\nfrom horus_desktop.cli import main\nout = []\n"
             "for argv in json.loads(sys.argv[1]):\n"
             "    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
             "        out.append(main(argv))\n"
             "print(json.dumps([out, sorted({m.split('.')[0] for m in sys.modules} & set(json.loads(sys.argv[2])))]))")
    result = subprocess.run([sys.executable, "-c", child, json.dumps(argvs), json.dumps(sorted(watched))],
                            capture_output=True, text=True, check=True, timeout=120,
                            env={**os.environ, "HORUS_USER": "ana"})
    codes, loaded = json.loads(result.stdout)
    return codes, loaded


def same_output(quick: Ran, full: Ran) -> None:
    """The same exit code, and the same output but for new ids and times."""
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


@dataclass(frozen=True)
class Written:
    """A case run both ways: each way's output and store (dumped), and the base store's dump."""

    quick: Ran
    full: Ran
    quick_db: Path
    quick_dump: list[str]
    full_dump: list[str]
    base_dump: list[str]

    def new_rows(self) -> set[str]:
        """The rows the quick way added or changed."""
        return set(self.quick_dump) - set(self.base_dump)


class BothWays:
    """Runs a case (a verb's words, ``{name}`` fields filled from the base's ids) both ways and compares."""

    def __init__(self, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self.tmp_path, self.capsys, self.monkeypatch = tmp_path, capsys, monkeypatch

    def _copy(self, base: Base, name: str) -> Path:
        db = self.tmp_path / name
        shutil.copyfile(base[0], db)
        return db

    def full(self, argv: Sequence[str], db: Path) -> Ran:
        """``argv`` on ``db`` the full way (the quick path declines)."""
        with self.monkeypatch.context() as m:
            m.setattr(quick_write.QuickWriter, "open", classmethod(lambda cls, db=None: None))
            return run([*argv, "--db", str(db)], self.capsys)

    def written(self, base: Base, case: Sequence[str]) -> Written:
        """``case`` run only the quick way on one copy of the base store and only the full way on another:
        the quick way succeeds, with the full way's output and store."""
        argv = [a.format(**base[1]) for a in case]
        quick_db, full_db = self._copy(base, "quick.sqlite"), self._copy(base, "full.sqlite")
        with self.monkeypatch.context() as m:
            def no_full_path(*_a: object, **_k: object) -> None:
                raise AssertionError("the full path was taken")
            m.setattr(Horus, "open", classmethod(no_full_path))
            quick = run([*argv, "--db", str(quick_db)], self.capsys)
        full = self.full(argv, full_db)
        known = dump_raw(base[0])
        done = Written(quick, full, quick_db, dump(quick_db, known), dump(full_db, known), dump(base[0], known))
        assert quick[0] == 0, quick
        same_output(quick, full)
        assert done.quick_dump == done.full_dump
        return done

    def answered_as_before(self, base: Base, case: Sequence[str]) -> Ran:
        """``case`` run as a user runs it (the quick path tries; what it does not take, the full path answers)
        and only the full way, on two copies of the base store: the same output, the same store (the user
        signed in once, the change written once, as on the full path). The first run's output."""
        argv = [a.format(**base[1]) for a in case]
        db, full_db = self._copy(base, "as-a-user-runs-it.sqlite"), self._copy(base, "full.sqlite")
        seen = run([*argv, "--db", str(db)], self.capsys)
        full = self.full(argv, full_db)
        same_output(seen, full)
        known = dump_raw(base[0])
        assert dump(db, known) == dump(full_db, known)
        return seen

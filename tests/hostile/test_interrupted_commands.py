"""Commands interrupted (Ctrl+C) part-way: a store being made for the first time is made whole or not at all,
and an interrupted ``--json`` verb prints nothing but JSON on its stdout and leaves a store the next command
uses."""

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
from typing import Any

import pytest
from alembic import command

from horus_desktop.media.synthetic import write_jpeg_sequence
from horus_desktop.store import Store
from horus_desktop.store.engine import create_store_engine
from horus_desktop.store.schema import upgrade

HORUS = str(Path(sys.executable).parent / "horus")


def _tables(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]


def test_a_first_migration_interrupted_part_way_leaves_no_half_made_store(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # Each CREATE TABLE committed alone (Python's sqlite3 opens no transaction for DDL): a Ctrl+C during a
    # store's first migration left tables and no revision, and every later command failed with "table
    # horus_media_records already exists" (5 of 10 `horus media list` runs interrupted 0.6-1.05 s in).
    path = tmp_path / "new.sqlite"
    real = command.upgrade

    def interrupted(config: Any, revision: str, **kw: Any) -> None:
        real(config, "0003", **kw)
        raise KeyboardInterrupt

    monkeypatch.setattr(command, "upgrade", interrupted)
    engine = create_store_engine(f"sqlite:///{path}")
    with pytest.raises(KeyboardInterrupt):
        upgrade(engine)
    engine.dispose()
    monkeypatch.undo()
    assert _tables(path) == []
    store = Store.open(path, backup=False)
    try:
        assert store.media.get_by_path("/none") is None and "horus_media_records" in _tables(path)
    finally:
        store.close()


def test_an_interrupted_json_verb_prints_only_json_and_the_next_command_works(tmp_path: Path) -> None:
    for shot in range(60):
        write_jpeg_sequence(tmp_path / "tree" / f"sh{shot:03d}", 3, size=(16, 8), name=f"sh{shot:03d}_v001")
    env = {**os.environ, "HORUS_USER": "ana"}
    pick = random.Random(3)
    for n in range(4):
        db = tmp_path / f"s{n}.sqlite"
        run = subprocess.Popen([HORUS, "ingest", str(tmp_path / "tree"), "--project", "p", "--no-thumbnails",
                                "--json", "--db", str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        time.sleep(pick.uniform(0.3, 2.5))  # opening, migrating, walking, probing or writing
        run.send_signal(signal.SIGINT)
        out, _ = run.communicate(timeout=600)
        assert run.returncode in (0, 130, -signal.SIGINT)
        if out.strip():
            json.loads(out)  # one JSON document, nothing else
        again = subprocess.run([HORUS, "ingest", str(tmp_path / "tree"), "--project", "p", "--no-thumbnails",
                                "--json", "--db", str(db)], capture_output=True, env=env, timeout=600)
        assert again.returncode == 0, again.stderr.decode(errors="replace")[-2000:]
        assert json.loads(again.stdout)["found"] == 60

"""A file that is not a SQLite database is told by its header (``store.sqlite_file``), with nothing heavy
loaded, so the window refuses it before anything else; a new, empty or real database file is not refused."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from horus_desktop.store.sqlite_file import not_a_database
from horus_desktop.ui.pending_store import looks_like_a_store


def _database(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
    return path


@pytest.mark.parametrize(("make", "refused"), [
    (lambda p: _database(p), False),
    (lambda p: p.write_bytes(b""), False),  # SQLite makes an empty file a new database
    (lambda p: None, False),  # a new store
    (lambda p: p.mkdir(), False),  # left to the full opening to say
    (lambda p: p.write_text("these are my notes, not a database\n" * 50), True),
    (lambda p: p.write_bytes(b"SQLite"), True),  # a truncated header
])
def test_a_file_is_refused_only_when_its_header_is_not_sqlites(tmp_path: Path, make, refused: bool) -> None:  # noqa: ANN001
    path = tmp_path / "horus.sqlite"
    make(path)
    assert not_a_database(path) is refused
    assert looks_like_a_store(str(path)) is not refused


def test_a_server_location_is_never_refused_by_a_header() -> None:
    assert looks_like_a_store("postgresql://127.0.0.1:1/horus")


def test_telling_a_file_loads_neither_sqlalchemy_nor_sqlite3(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database")
    code = ("import sys; from pathlib import Path; from horus_desktop.store.sqlite_file import not_a_database; "
            f"assert not_a_database(Path({str(path)!r})); "
            "print(sorted(m for m in ('sqlalchemy', 'sqlite3', 'PySide6') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

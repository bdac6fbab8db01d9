"""Start-up of the window: it opens without waiting on the store, and the store is still made ready.

The DB worker's first task signs the user in (and checks and migrates a server store) while the window
paints; the panels' queries wait behind it. A new or older SQLite store is migrated before the window (its
sync and an ingest of the given paths read it from their own threads). What the user sees: a new store is
created and, empty, offers the demo project; a file that is no database is refused in one line, exit 2;
a server that cannot be reached is said in a dialog and on stderr, exit 2 (no traceback). Each run is a
fresh app process (off-screen); dialogs are answered "No".
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from horus_desktop.store import Store, schema
from horus_desktop.store.errors import NotFoundError

_CHILD = """
import sys
from horus_desktop.ui.app import run_gui

def shown(window, db):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def answer_no():
        box = QApplication.activeModalWidget()
        if box is not None:
            print("dialog: " + box.windowTitle(), flush=True)
            box.reject()

    timer = QTimer(window)
    timer.timeout.connect(answer_no)
    timer.start(50)
    print("shown: " + window.windowTitle(), flush=True)
    print("user: " + window.user_id, flush=True)
    if sys.argv[2] == "quit-when-ready":  # queued behind the store's opening and the panels' first queries
        db.submit(lambda: None, on_done=lambda _: QTimer.singleShot(500, QApplication.quit))

sys.exit(run_gui(sys.argv[1], paths=[], user_id=sys.argv[3], demo_if_empty=False, on_shown=shown))
"""


def _start(db: Path | str, tmp_path: Path, mode: str, user: str = "ana") -> subprocess.CompletedProcess[str]:
    env = {"QT_QPA_PLATFORM": "offscreen", "HORUS_SETTINGS": str(tmp_path / "settings.ini"), "HORUS_GL": "0",
           "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-c", _CHILD, str(db), mode, user], capture_output=True, text=True,
                          timeout=300, env=env, check=False)


def test_a_new_store_is_created_and_offers_the_demo(tmp_path: Path) -> None:
    db = tmp_path / "new" / "horus.sqlite"
    db.parent.mkdir()
    run = _start(db, tmp_path, "quit-when-ready")
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.splitlines()[0] == "shown: Horus"
    assert "dialog: Horus: empty store" in run.stdout  # the empty store still offers the demo project
    assert "Traceback" not in run.stderr
    store = Store.open(str(db), upgrade=False)
    try:
        assert schema.current_revision(store.engine) == schema.head_revision()
        assert store.users.find("ana") is not None  # signed in by the worker's first task
    finally:
        store.close()


def test_a_file_that_is_no_database_is_refused_in_one_line_with_exit_2(tmp_path: Path) -> None:
    db = tmp_path / "notes.sqlite"
    db.write_text("these are my notes, not a database\n" * 200)
    env = {"QT_QPA_PLATFORM": "offscreen", "HORUS_SETTINGS": str(tmp_path / "settings.ini"), "HOME": str(tmp_path),
           "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-m", "horus_desktop", "gui", "--db", str(db)], capture_output=True,
                         text=True, timeout=300, env=env, check=False)
    assert run.returncode == 2, (run.stdout, run.stderr[-2000:])
    assert "horus: error: cannot use the store" in run.stderr and "Traceback" not in run.stderr
    assert db.read_text().startswith("these are my notes")  # nothing written over it


def test_a_server_that_cannot_be_reached_is_said_in_a_dialog_and_exit_2(tmp_path: Path) -> None:
    run = _start("postgresql://postgres@127.0.0.1:1/horus", tmp_path, "stay")  # nothing listens on port 1
    assert run.returncode == 2, (run.stdout, run.stderr[-2000:])
    assert run.stdout.splitlines()[0] == "shown: Horus"  # the window was up before the store was tried
    assert "dialog: Horus: cannot open the store" in run.stdout
    assert "horus: error: cannot use the store" in run.stderr
    assert "Traceback" not in run.stderr


def test_the_user_named_by_username_signs_under_their_id(tmp_path: Path) -> None:
    db = tmp_path / "team.sqlite"
    store = Store.open(str(db))
    try:
        store.users.ensure("u-0042", username="alice")
    finally:
        store.close()
    run = _start(db, tmp_path, "quit-when-ready", user="alice")
    assert run.returncode == 0, run.stderr[-2000:]
    assert "user: u-0042" in run.stdout.splitlines()
    store = Store.open(str(db), upgrade=False)
    try:
        with pytest.raises(NotFoundError):  # no second user made with the username as its id
            store.users.get("alice")
    finally:
        store.close()

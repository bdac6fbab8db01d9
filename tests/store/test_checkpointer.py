"""WAL checkpoints run on the store's checkpoint thread, not in the writer's commit: the log is still copied
into the database soon after a big write, a closed store leaves no log behind, the log stays bounded when the
thread does not keep up, a process killed mid-stream keeps every committed row, and many writing threads work.
"""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text

from horus_desktop.store import Store
from horus_desktop.store.checkpointer import Checkpointer, wal_frames
from horus_desktop.store.engine import create_store_engine

REPO = Path(__file__).resolve().parents[2]
DEADLINE_S = 30.0
BLOB = 3000  # bytes per row: about one page each


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {DEADLINE_S:.0f} s: {what}")
        time.sleep(0.05)


def _wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def _fully_copied(path: Path) -> bool:
    log = wal_frames(path)
    return log is not None and log[1] >= log[0]


def _write_rows(engine, rows: int, *, per_commit: int) -> None:  # noqa: ANN001 - an Engine
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, payload BLOB)"))
    for start in range(0, rows, per_commit):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t (payload) VALUES (randomblob(:n))"),
                         [{"n": BLOB}] * min(per_commit, rows - start))


def test_a_big_write_is_checkpointed_soon_after_by_the_thread_not_the_commit(tmp_path: Path) -> None:
    path = tmp_path / "big.sqlite"
    engine = create_store_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:  # the writers leave checkpoints to the thread
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
        _write_rows(engine, 2500, per_commit=2500)  # one commit of ~2,500 pages, past SQLite's 1,000
        _wait_for(lambda: _fully_copied(path), "the log copied into the database")
        assert path.stat().st_size > 2500 * BLOB  # the rows are in the database file itself now
        reader = sqlite3.connect(path)
        try:
            busy, log, copied = reader.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            assert (busy, copied) == (0, log)  # nothing was left for another checkpoint to do
            assert reader.execute("SELECT count(*) FROM t").fetchone()[0] == 2500
        finally:
            reader.close()
    finally:
        engine.dispose()


def test_a_burst_of_commits_is_copied_once_it_ends_unless_the_log_grows_too_long(tmp_path: Path) -> None:
    """Between the commits of a burst (an ingest's batches) the thread waits: each would rewrite the pages a
    checkpoint had just copied. Once commits stop for its lull it copies the log; past ``burst_pages`` at once."""
    for burst_pages, copied_mid_burst in ((10**6, False), (400, True)):
        path = tmp_path / f"burst-{burst_pages}.sqlite"
        engine = create_engine(f"sqlite:///{path}")
        Checkpointer(path, threshold_pages=100, quiet_s=1.5 if copied_mid_burst else 3.0,
                     burst_pages=burst_pages).attach(engine)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        try:
            copied = []
            for _ in range(8):  # ~1,200 pages in commits of ~150, back to back
                _write_rows(engine, 150, per_commit=150)
                time.sleep(0.1)  # the thread's turn, were it to copy now
                log = wal_frames(path)
                assert log is not None
                copied.append(log[1])
            assert any(copied) is copied_mid_burst, copied
            _wait_for(lambda path=path: _fully_copied(path), "the log copied after the burst")
        finally:
            engine.dispose()


def test_a_closed_store_leaves_no_log_behind(tmp_path: Path) -> None:
    path = tmp_path / "closed.sqlite"
    store = Store.open(path)
    _write_rows(store.engine, 3000, per_commit=500)
    store.close()
    assert not _wal(path).exists() or _wal(path).stat().st_size == 0
    reader = sqlite3.connect(path)
    try:
        assert reader.execute("SELECT count(*) FROM t").fetchone()[0] == 3000
    finally:
        reader.close()


def test_a_closed_store_empties_its_log_while_another_connection_stays_open(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    store = Store.open(path)
    other = sqlite3.connect(path)  # another process's idle connection: SQLite will not delete the log for it
    try:
        other.execute("SELECT count(*) FROM sqlite_master").fetchone()
        _write_rows(store.engine, 3000, per_commit=500)
        store.close()
        assert _wal(path).stat().st_size == 0  # truncated: every page copied, no space kept
        assert other.execute("SELECT count(*) FROM t").fetchone()[0] == 3000
    finally:
        other.close()


def test_the_log_stays_bounded_when_the_thread_does_not_keep_up(tmp_path: Path) -> None:
    path = tmp_path / "bounded.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    # A thread that never checkpoints (its threshold out of reach): the writers' own bound must hold the log.
    Checkpointer(path, threshold_pages=10**9, limit_pages=300).attach(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")
    try:
        most = 0
        for _ in range(20):
            _write_rows(engine, 100, per_commit=100)
            log = wal_frames(path)
            assert log is not None
            most = max(most, log[0])
        assert most < 300 + 3 * 110  # the limit, plus the commits that began before the writer copied
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 2000
    finally:
        engine.dispose()


def test_many_threads_writing_at_once(tmp_path: Path) -> None:
    path = tmp_path / "threads.sqlite"
    store = Store.open(path)
    try:
        with store.engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, writer INTEGER, payload BLOB)"))
        errors: list[BaseException] = []

        def write(writer: int) -> None:
            try:
                for _ in range(40):
                    with store.engine.begin() as conn:
                        conn.execute(text("INSERT INTO t (writer, payload) VALUES (:w, randomblob(:n))"),
                                     [{"w": writer, "n": BLOB}] * 20)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(DEADLINE_S * 4)
        assert errors == []
        with store.engine.connect() as conn:
            counts = dict(conn.execute(text("SELECT writer, count(*) FROM t GROUP BY writer")).all())
            assert counts == {i: 800 for i in range(8)}
        _wait_for(lambda: _fully_copied(path), "the log copied after the last commit")
    finally:
        store.close()
    reader = sqlite3.connect(path)
    try:
        assert reader.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        reader.close()


_CHILD = """
import sys
from sqlalchemy import text
from horus_desktop.store.engine import create_store_engine
engine = create_store_engine("sqlite:///" + sys.argv[1])
with engine.begin() as conn:
    conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB)"))
committed = 0
while True:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t (payload) VALUES (randomblob(3000))"), [{}] * 200)
    committed += 200
    print(committed, flush=True)
"""


def test_a_process_killed_mid_stream_keeps_every_committed_row(tmp_path: Path) -> None:
    path = tmp_path / "killed.sqlite"
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(path)], cwd=REPO, stdout=subprocess.PIPE,
                             start_new_session=True)
    assert child.stdout is not None
    committed, buffer = 0, b""
    try:
        deadline = time.monotonic() + DEADLINE_S * 2
        # Well past several checkpoints' worth (1,000 pages each), so the kill lands while the thread copies.
        while committed < 8000:
            assert time.monotonic() < deadline, f"the child committed only {committed} rows"
            ready, _, _ = select.select([child.stdout], [], [], 1.0)
            if ready:
                chunk = os.read(child.stdout.fileno(), 65536)
                assert chunk, "the child died"
                buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                committed = max([committed, *(int(line) for line in lines if line.strip())])
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
    assert _wal(path).exists()  # killed: no close ran, the log is as the kill left it
    store_engine = create_store_engine(f"sqlite:///{path}")
    try:
        with store_engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.execute(text("SELECT count(*) FROM t")).scalar() >= committed
    finally:
        store_engine.dispose()


def test_a_store_deleted_while_the_thread_wakes_is_not_made_again(tmp_path: Path) -> None:
    # The thread opens the file itself: a store the user deleted must not come back as an empty database.
    folder = tmp_path / "odd?name #folder"  # a '?' or '#' in a folder name is part of the path, not a query
    folder.mkdir()
    path = folder / "gone.sqlite"
    writer = sqlite3.connect(path)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("CREATE TABLE t (payload BLOB)")
    writer.executemany("INSERT INTO t VALUES (randomblob(?))", [(BLOB,)] * 50)
    writer.commit()
    checkpointer = Checkpointer(path, threshold_pages=10)
    checkpointer.notify()
    _wait_for(lambda: _fully_copied(path), "the thread copied the log of a folder with '?' and '#' in its name")
    writer.close()
    checkpointer.stop()
    for leftover in (path, _wal(path), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    checkpointer.notify()  # as a commit that raced the deletion would
    time.sleep(1.0)  # the thread's turn: it finds no log to read and used to open (so create) the file to check
    checkpointer.stop()
    assert sorted(p.name for p in folder.iterdir()) == []

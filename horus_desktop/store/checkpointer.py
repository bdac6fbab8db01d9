"""SQLite's WAL checkpoints on a thread of their own, off the writers' commits.

With SQLite's default ``wal_autocheckpoint`` (1,000 pages) the commit that pushes the write-ahead log past
1,000 pages also copies the whole log into the database file and syncs it, inside the writer's call: 15-60
ms of a playlist import's or an ingest batch's wall time. The store's writing connections turn that off
(``PRAGMA wal_autocheckpoint=0``) and a ``Checkpointer`` runs ``PRAGMA wal_checkpoint(PASSIVE)`` on its own
connection instead, woken after commits, when the log holds ~1,000 pages and no commit has come for
``QUIET_S`` (or at once past ``BURST_PAGES``: copied between the commits of a burst, the pages they all
rewrite would be copied again each time). A passive checkpoint neither waits
for nor blocks readers and writers, and Python's sqlite3 releases the GIL while SQLite works, so on a second
core the copy overlaps the writer's next work (SQLite's own advice for busy writers).

Bounds: a writer restarts the log from its start only when it begins with every frame copied, so under a
continuous stream of commits the log can keep growing; past ``limit_pages`` frames (the thread starved of
CPU, or commits that always began while it copied) the writer that gives its connection back checkpoints
itself, as SQLite's auto-checkpoint would have (little is left to copy when the thread keeps up), and its
next transaction restarts the log: it never grows without limit. The thread leaves after ``IDLE_S`` without
commits (and starts again on the next), and on ``stop`` (the engine disposed, ``Store.close``, or the
process exiting) it copies what is left and closes its connection: SQLite then deletes the log of a store
nobody else has open, as before. A process killed meanwhile leaves a valid log that the next opening replays
(SQLite's WAL guarantees it).
"""

from __future__ import annotations

import atexit
import sqlite3
import struct
import threading
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from horus_desktop.store.sqlite_file import sqlite_uri

#: Frames in the log from which the thread checkpoints what is not yet copied (SQLite's auto-checkpoint default).
THRESHOLD_PAGES = 1_000
#: Frames in the log past which a writer giving its connection back checkpoints itself (64 MB of 4 KB pages).
LIMIT_PAGES = 16_000
#: Seconds without a commit the thread waits for before it copies a log under ``BURST_PAGES``: a burst of
#: commits (an ingest's batches, a sync's pages) rewrites the same index pages, which a checkpoint between
#: them copies again each time (the 10,000-file ingest bench: ~5,000 frames, ~4% faster waiting).
QUIET_S = 0.25
#: Frames from which the thread copies without waiting for a lull (32 MB of 4 KB pages).
BURST_PAGES = 8_000
#: Seconds without a commit after which the thread copies what is left (passively), closes its connection, leaves.
IDLE_S = 5.0
#: The WAL-index header version SQLite has written since 3.7.0 (https://www.sqlite.org/walformat.html).
_WAL_INDEX_VERSION = 3007000

_COMMITTED = "horus_checkpointer_committed"  # in a pooled connection's info: it committed since its check-out
_live: weakref.WeakSet[Checkpointer] = weakref.WeakSet()


def wal_frames(db_path: Path) -> tuple[int, int] | None:
    """(frames in ``db_path``'s write-ahead log, frames of them already copied into the database), or None
    when unknown (no log open, another format).

    Read from the WAL-index (the ``-shm`` file, documented in SQLite's "WAL-mode file formats"): ``mxFrame``
    at byte 16 of the first header copy, ``nBackfill`` at byte 96, in the machine's byte order. A 100-byte
    read, cheap enough for every commit; a torn read can only misjudge one decision, never the data."""
    try:
        with open(db_path.with_name(db_path.name + "-shm"), "rb", buffering=0) as shm:
            head = shm.read(100)
    except OSError:
        return None
    if len(head) < 100 or struct.unpack_from("=I", head, 0)[0] != _WAL_INDEX_VERSION:
        return None
    return struct.unpack_from("=I", head, 16)[0], struct.unpack_from("=I", head, 96)[0]


class Checkpointer:
    """Checkpoints one SQLite file's write-ahead log from a daemon thread (see the module docstring)."""

    def __init__(self, db_path: Path, *, threshold_pages: int = THRESHOLD_PAGES,
                 limit_pages: int = LIMIT_PAGES, idle_s: float = IDLE_S, quiet_s: float = QUIET_S,
                 burst_pages: int = BURST_PAGES) -> None:
        self.db_path = db_path
        self.threshold_pages = threshold_pages
        self.limit_pages = limit_pages
        self.idle_s = idle_s
        self.quiet_s = quiet_s
        self.burst_pages = burst_pages
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()  # the running thread's: set by stop()
        _live.add(self)

    def attach(self, engine: Engine) -> None:
        """Follow ``engine``: its connections stop auto-checkpointing, its commits wake the thread, a
        connection given back past ``limit_pages`` checkpoints itself, and disposing it stops the thread."""
        event.listen(engine, "connect", self._on_connect)
        event.listen(engine, "commit", self._on_commit)
        event.listen(engine, "checkin", self._on_checkin)
        event.listen(engine, "engine_disposed", self._on_disposed)

    def notify(self) -> None:
        """A commit happened: wake the thread, starting it if it is not running."""
        self._wake.set()  # before the look at the thread: one leaving idle sees it and stays (see _run)
        with self._lock:
            thread = self._thread
            if thread is None or not thread.is_alive():
                stopping = threading.Event()
                thread = threading.Thread(target=self._run, args=(stopping,), daemon=True,
                                          name=f"horus-checkpoint {self.db_path.name}")
                self._thread, self._stopping = thread, stopping
                thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the thread after it copied what the log holds and closed its connection (no-op if idle)."""
        with self._lock:
            thread, self._thread = self._thread, None
            if thread is None or not thread.is_alive():
                return
            self._stopping.set()
            self._wake.set()
        if thread is not threading.current_thread():
            thread.join(timeout)

    # -- engine events ------------------------------------------------------------------------------------

    def _on_connect(self, dbapi_connection: Any, _record: Any) -> None:
        # The thread checkpoints instead: a writer's commit no longer copies the log into the database.
        dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")

    def _on_commit(self, conn: Any) -> None:
        # Runs before the DBAPI commit, so the pages are not in the log yet: the check-in wakes the thread after
        # it. A connection held across commits wakes it at its next commit (for the previous one's pages).
        info = conn.info
        if info.get(_COMMITTED):
            self.notify()
        info[_COMMITTED] = True

    def _on_checkin(self, dbapi_connection: Any, record: Any) -> None:
        if dbapi_connection is None:
            return
        if not record.info.pop(_COMMITTED, False):  # reads give their connection back too: they add no pages
            return
        self.notify()
        log = wal_frames(self.db_path)
        if log is not None and log[0] > self.limit_pages and log[1] < log[0] and not dbapi_connection.in_transaction:
            # The log is far past its usual size: the thread is not keeping up, or the writers never found it
            # fully copied when they began (see _run). Copied now, this writer's next transaction restarts it.
            _checkpoint(dbapi_connection, "PASSIVE")

    def _on_disposed(self, _engine: Engine) -> None:
        self.stop()

    # -- the thread ---------------------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        # mode=rw: a store deleted meanwhile is not made again as an empty file.
        conn = sqlite3.connect(sqlite_uri(self.db_path, "mode=rw"), uri=True, isolation_level=None)
        # FULL: a checkpoint syncs the database file before it lets the log be reused (notes survive power
        # loss); no busy wait, as a passive checkpoint never waits anyway.
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA wal_autocheckpoint=0")
        return conn

    def _run(self, stopping: threading.Event) -> None:
        conn: sqlite3.Connection | None = None
        try:
            while True:
                if not self._wake.wait(self.idle_s):
                    with self._lock:
                        if not self._wake.is_set():  # idle: leave (a notify from now on starts a new thread)
                            if self._thread is threading.current_thread():
                                self._thread = None
                            break
                self._wake.clear()
                if stopping.is_set():
                    break
                log = wal_frames(self.db_path)
                # As SQLite's auto-checkpoint: the log's frames, not the ones left to copy, decide. A writer
                # restarts the log only when it begins with every frame copied; one that began while a
                # checkpoint ran appends, so each commit past the threshold is copied until one finds it done.
                if log is None or (log[0] >= self.threshold_pages and log[1] < log[0]):
                    if (log is not None and log[0] < self.burst_pages and not stopping.is_set()
                            and self._wake.wait(self.quiet_s)):
                        continue  # another commit came: still in a burst, look again after it
                    conn = conn or self._connect()
                    _checkpoint(conn, "PASSIVE")
        except sqlite3.Error:
            pass  # the file went away or cannot be opened: the writers' own bound still holds
        finally:
            self._finish(conn, "TRUNCATE" if stopping.is_set() else "PASSIVE")

    def _finish(self, conn: sqlite3.Connection | None, mode: str) -> None:
        """Copy what is left and close: with no other connection open, SQLite then deletes the log."""
        if conn is None:
            log = wal_frames(self.db_path)
            if log is None or log[1] >= log[0]:
                return
            try:
                conn = self._connect()
            except sqlite3.Error:
                return
        try:
            # TRUNCATE (on stop) empties the log file too when no other connection reads it; with no busy wait
            # it copies as PASSIVE would and returns at once otherwise (a `horus comment add` beside the open
            # app would else wait for the app's readers as it exits).
            conn.execute("PRAGMA busy_timeout=0")
            _checkpoint(conn, mode)
        finally:
            conn.close()


def _checkpoint(conn: sqlite3.Connection, mode: str) -> tuple[int, int, int] | None:
    """``PRAGMA wal_checkpoint(mode)``'s (busy, log frames, checkpointed frames), None if it could not run."""
    try:
        row = conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
    except sqlite3.Error:
        return None  # locked by another process's checkpoint or writer: the next wake tries again
    return tuple(row) if row else None


@atexit.register
def _stop_all() -> None:
    """At exit, each live thread copies what is left (a process that never closed its store)."""
    for checkpointer in list(_live):
        checkpointer.stop(timeout=5.0)

"""Where the store lives and how a connection to it is opened."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from platformdirs import user_data_path
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from horus_desktop.store.checkpointer import Checkpointer
from horus_desktop.store.errors import StoreUrlError
from horus_desktop.store.json_read import loads as json_loads
from horus_desktop.store.sqlite_file import sqlite_uri

APP_NAME = "horus"
#: Environment variable that points Horus at another store (a SQLite path or any SQLAlchemy URL).
DB_ENV = "HORUS_DB"
#: Seconds SQLite waits on a lock held by another process before giving up.
SQLITE_BUSY_TIMEOUT_MS = 10_000


def data_dir() -> Path:
    """The platform's per-user data folder for Horus (created on demand)."""
    path = user_data_path(APP_NAME, appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_store_path() -> Path:
    """The embedded SQLite store used when nothing else is named."""
    return data_dir() / "horus.sqlite"


def resolve_store_url(db: str | os.PathLike[str] | None = None) -> str:
    """Turn ``--db``, ``$HORUS_DB`` or the default into a SQLAlchemy URL.

    A plain path (with or without ``sqlite:///``) means a SQLite file; anything with a scheme is used as is,
    with ``postgresql://`` mapped to the psycopg 3 driver.
    """
    raw = os.fspath(db) if db is not None else os.environ.get(DB_ENV) or ""
    if not raw:
        return f"sqlite:///{default_store_path()}"
    if "://" not in raw:
        return f"sqlite:///{Path(raw).expanduser().resolve()}"
    try:
        url = make_url(raw)
    except Exception as exc:  # SQLAlchemy raises ArgumentError with a terse message
        raise StoreUrlError(f"not a database URL: {raw!r} ({exc})") from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreUrlError(f"unsupported database {url.get_backend_name()!r} in {raw!r}: use SQLite or PostgreSQL")
    return url.render_as_string(hide_password=False)


def sqlite_file(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory stores."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def sqlite_is_read_only(url: str) -> bool:
    """True for an existing SQLite store that cannot be written: the file, or its folder (where SQLite puts
    its write-ahead log), is not writable (a read-only archive, a read-only mount)."""
    path = sqlite_file(url)
    if path is None or not path.exists():
        return False
    return not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)


def _read_only_connector(path: Path) -> Callable[[], sqlite3.Connection]:
    """Connections that open ``path`` for reading only (SQLite URI ``mode=ro``).

    With no write-ahead log beside it (no writer at work: an archive), the file is also opened
    ``immutable``: SQLite then needs no shared-memory file, which it could not create in a read-only folder
    and would otherwise leave behind in a writable one. A store with a log is read through it, as it is.
    """
    query = "mode=ro"
    if not path.with_name(path.name + "-wal").exists():
        query += "&immutable=1"
    uri = sqlite_uri(path, query)

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, check_same_thread=False)

    return connect


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the UI read while the DB worker writes; FULL because NORMAL can lose a committed note on
    # power loss; foreign keys so ON DELETE CASCADE works as on PostgreSQL. A file's checkpoints run on the
    # Checkpointer's thread (its "connect" listener, after this one, turns SQLite's auto-checkpoint off).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # 16 MB of pages (SQLite's default is 2 MB): an ingest's batch of 1,000 media dirties ~3 MB (rows, indexes,
    # outbox ops, search index), which spilled to the log mid-transaction and was read back.
    cursor.execute("PRAGMA cache_size=-16000")
    cursor.close()


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC")


def _begin_writes_on_fresh_schema(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    """Before the statement that opens a write transaction: ``BEGIN IMMEDIATE``, then a read of the schema.

    SQLite 3.40 fails an INSERT prepared on a connection whose schema is stale (another connection changed
    any part of it since: a set-based batch re-making its triggers, a migration) with "no such table" on the
    media table (its two insert triggers; reproduced with plain sqlite3: an app saving a record while
    `horus ingest` wrote a batch failed). Read inside the write lock, the schema is the current one and
    cannot change before the statement runs. Immediate also spares the write the busy error a deferred
    transaction gets when another writer commits between its read and its write."""
    raw = conn.connection.driver_connection
    if raw.in_transaction or raw.isolation_level is None or statement.lstrip()[:6].upper() not in _WRITES:
        return  # inside a transaction already, or one the caller runs itself (isolation_level None)
    raw.execute("BEGIN IMMEDIATE")
    raw.execute("SELECT count(*) FROM sqlite_master").fetchone()


def _set_read_only_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # No journal or sync settings: they would write. query_only makes any stray write fail in SQLite too.
    cursor.execute("PRAGMA query_only=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def create_store_engine(url: str, *, read_only: bool = False, **kwargs: Any) -> Engine:
    """An Engine for ``url`` with Horus's connection settings applied (``read_only``: a SQLite file opened
    for reading only)."""
    backend = make_url(url).get_backend_name()
    kwargs.setdefault("json_deserializer", json_loads)  # a deeply nested document loads from any stack
    if backend == "sqlite":
        path = sqlite_file(url)
        if read_only and path is not None:
            # The URL stays the file's (for describe() and the files folder); the connector opens it read-only.
            engine = create_engine(url, creator=_read_only_connector(path), **kwargs)
            event.listen(engine, "connect", _set_read_only_pragmas)
            return engine
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        # LIFO: a thread's next transaction takes the connection last given back, most often its own, whose
        # pages and schema are current (FIFO handed an ingest's writer the other one every other batch).
        engine = create_engine(url, connect_args={"check_same_thread": False}, pool_use_lifo=True, **kwargs)
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "before_cursor_execute", _begin_writes_on_fresh_schema)
        if path is not None:
            # WAL checkpoints on a thread of their own, not inside the commit that fills the log past 1,000 pages.
            Checkpointer(path).attach(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)

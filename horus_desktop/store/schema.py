"""Bringing a store's schema up to date with Alembic, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from horus_desktop.store.engine import sqlite_file
from horus_desktop.store.errors import translated_errors
from horus_desktop.store.quick_read import MIGRATIONS_DIR, scripts_head

if TYPE_CHECKING:  # Alembic loads when a schema is checked, not with the store (start-up of every verb)
    from alembic.config import Config


def alembic_config() -> Config:
    """An Alembic config pointing at the packaged migration scripts."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest migration the code knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


@translated_errors(opening=True)  # the CLI asks before opening a Store: a server that cannot be reached says so
def current_revision(engine: Engine) -> str | None:
    """The migration a database is at (None when Alembic never ran on it)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def needs_upgrade(engine: Engine) -> bool:
    """True when the database is behind the code."""
    return current_revision(engine) != head_revision()


def backup_sqlite_store(path: Path) -> Path:
    """Copy a SQLite store aside with SQLite's online backup (WAL content included).

    A plain file copy could miss pages still in the WAL; the backup API gives a consistent snapshot.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.before-upgrade-{stamp}{path.suffix}")
    source = sqlite3.connect(path)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    return target


def _has_tables(engine: Engine) -> bool:
    return bool(inspect(engine).get_table_names())


def is_at_head(engine: Engine) -> bool:
    """True when the database's one recorded revision is the scripts' head: most opens, which then need
    neither Alembic (about half a second to load and run) nor a write. Anything else takes the full path."""
    head = scripts_head()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            recorded = [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]
    except DBAPIError:  # no such table (a new store), or the database says why on the full path
        return False
    return recorded == [head]


@translated_errors(opening=True)
def upgrade(engine: Engine, *, backup: bool = False) -> Path | None:
    """Migrate ``engine``'s database to the head revision.

    With ``backup``, an existing SQLite store that is behind is first copied aside; the copy's path is
    returned (None when nothing was copied).
    """
    if is_at_head(engine):
        return None
    copied: Path | None = None
    path = sqlite_file(engine.url.render_as_string(hide_password=False))
    if backup and path is not None and path.exists() and _has_tables(engine) and needs_upgrade(engine):
        copied = backup_sqlite_store(path)
        prune_backups(path)  # a copy per upgrade, not forever
    from alembic import command

    config = alembic_config()
    with engine.connect() as conn, _driver_transactions_off(conn), conn.begin():
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # the DDL too: see _driver_transactions_off
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return copied


@contextmanager
def _driver_transactions_off(conn: Connection) -> Iterator[None]:
    """On SQLite, Python's sqlite3 left to run no transaction of its own, so that the upgrade's explicit BEGIN
    holds every statement: it begins one only before INSERT/UPDATE/DELETE, so each CREATE/ALTER/DROP committed
    alone and a Ctrl+C (or a crash) during a store's first migration left some tables and no revision (every
    later open failed: "table ... already exists"). Restored once the transaction is committed or rolled back."""
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.dbapi_connection
    previous = raw.isolation_level
    raw.isolation_level = None
    try:
        yield
    finally:
        raw.isolation_level = previous


def prune_backups(path: Path, keep: int = 5) -> None:
    """Keep only the newest ``keep`` pre-upgrade copies of a SQLite store."""
    copies = sorted(path.parent.glob(f"{path.stem}.before-upgrade-*{path.suffix}"))
    for old in copies[:-keep]:
        old.unlink(missing_ok=True)

"""Set-based inserts on SQLite: a batch of new rows written with one plain ``executemany`` in the stored form
(``sync_codec.rows_to_stored``, as a sync pull writes rows) while the per-row capture triggers are quiet, then
the batch's sync outbox ops written with one ``INSERT .. SELECT`` giving the very ops the triggers would have
written (``sync_tables.sqlite_capture_inserts_sql``). An ingest's media batches and a playlist import's
timeline and clip rows are written this way."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table

from horus_desktop.store.field_rules import check_row
from horus_desktop.store.sync_capture import has_outbox
from horus_desktop.store.sync_codec import rows_to_stored
from horus_desktop.store.sync_tables import sqlite_capture_inserts_sql


@cache
def _fill_outbox(table: str) -> str:
    return sqlite_capture_inserts_sql(table, "m.rowid > ?")


def insert_set_based(session: Any, table: Table, rows: list[dict[str, Any]], *, mute: str | None = None,
                     unmute: str | None = None, fills: Sequence[str] = ()) -> None:
    """Insert ``rows`` (every column named) into ``table`` on SQLite inside the session's transaction, with
    the capture triggers quiet (``applying = 1``, as during a sync pull), then append the batch's insert ops
    to the outbox in rowid order. ``mute``/``unmute`` quiet a table's other triggers around the insert;
    each of ``fills`` then runs with the largest rowid before the batch (the batch is the rows past it).

    The new rows are those past the largest rowid before the insert: SQLite gives each new row the largest
    rowid plus one (these tables have no AUTOINCREMENT), and the first write below takes the database's
    write lock, so no other connection's row can fall in the batch."""
    columns = list(table.c.keys())
    for row in rows:  # the field rules: run by an event on SQLAlchemy's statements, not on a driver one
        check_row(table.name, row, columns)
    captures = has_outbox(session)
    raw = session.connection()
    if mute:
        raw.exec_driver_sql(mute)
    if captures:
        raw.exec_driver_sql("UPDATE horus_sync_state SET applying = 1")
    after = raw.exec_driver_sql(f"SELECT coalesce(max(rowid), 0) FROM {table.name}").scalar_one()
    raw.exec_driver_sql(f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                        rows_to_stored(table.name, columns, rows))
    if captures:
        raw.exec_driver_sql("UPDATE horus_sync_state SET applying = 0")
    if unmute:
        raw.exec_driver_sql(unmute)
    for fill in fills:
        raw.exec_driver_sql(fill, (after,))
    if captures:
        raw.exec_driver_sql(_fill_outbox(table.name), (after,))

"""The SQLite capture triggers are named in one place (``sync_tables.sqlite_capture_trigger``): the name a bulk
insert drops for a while (``bulk_insert.capture_trigger``) is the insert trigger a new store really has."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from horus_desktop.store import Store
from horus_desktop.store.bulk_insert import capture_trigger
from horus_desktop.store.sync_tables import SYNCED_TABLES, sqlite_capture_trigger_names


def test_the_capture_trigger_names_are_the_triggers_a_new_store_has(tmp_path: Path) -> None:
    path = tmp_path / "horus.sqlite"
    Store.open(path, backup=False).close()
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    triggers = {name: (table, sql) for name, table, sql in rows}
    for name, table in sqlite_capture_trigger_names():
        assert triggers[name][0] == table
    for table in SYNCED_TABLES:
        assert "AFTER INSERT" in triggers[capture_trigger(table)][1]

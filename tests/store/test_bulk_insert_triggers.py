"""A large batch of new rows goes in with its table's insert triggers taken away for the insert and made again
in the same transaction (``store.bulk_insert.triggers_absent``): a write that fails leaves every trigger as it
was, word for word, and later writes are captured; other connections see the triggers all along."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest

from horus_desktop.domain.media_query import MediaQuery
from horus_desktop.store import Store
from horus_desktop.store.bulk_insert import TRIGGERS_ABSENT_ROWS, capture_trigger, triggers_absent

MEDIA = "horus_media_records"
DROPPED = [capture_trigger(MEDIA), "trg_media_search_insert"]


def _triggers(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").fetchall()


def _ops(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT count(*) FROM horus_sync_outbox WHERE table_name = '{MEDIA}'").fetchone()[0]


def _media(i: int, **extra: Any) -> dict[str, Any]:
    return {"id": uuid.UUID(int=i + 1), "file_path": f"/show/sq01/sh{i:04d}/comp/v001/plate.exr",
            "project_id": "show", "shot": f"sh{i:04d}", "version": "v001", **extra}


@pytest.fixture
def db(tmp_path: Path) -> tuple[Store, Path]:
    path = tmp_path / "horus.sqlite"
    store = Store.open(path, backup=False)
    store.uow.author = "ana"
    yield store, path
    store.close()


def test_a_bulk_write_failing_mid_batch_keeps_every_trigger_and_later_writes_are_captured(db) -> None:
    store, path = db
    before = _triggers(path)
    assert {name for name, _ in before} >= set(DROPPED)
    batch = [_media(i) for i in range(TRIGGERS_ABSENT_ROWS + 50)]
    batch[TRIGGERS_ABSENT_ROWS + 20]["id"] = batch[3]["id"]  # the same key twice: the insert fails mid-batch
    with pytest.raises(Exception, match="(?i)unique|constraint|duplicate"):
        store.media.create_many(batch)
    assert _triggers(path) == before
    assert store.media.count() == 0
    assert _ops(path) == 0
    store.media.create(**_media(9999, shot="hero"))  # one row, through the triggers
    assert _ops(path) == 1
    assert [m.shot for m in store.media.search(MediaQuery(text="hero")).items] == ["hero"]


def test_triggers_come_back_when_the_block_fails_and_the_transaction_goes_on(db) -> None:
    store, path = db
    before = _triggers(path)
    with store.uow.write() as ctx:
        raw = ctx.session.connection()
        with pytest.raises(RuntimeError), triggers_absent(raw, DROPPED, TRIGGERS_ABSENT_ROWS) as dropped:
            assert dropped == set(DROPPED)
            raise RuntimeError("the batch failed")
        store.media.create(**_media(1, shot="after"))  # same transaction, committed with it
    assert _triggers(path) == before
    assert _ops(path) == 1
    assert store.media.count(MediaQuery(text="after")) == 1


def test_a_reader_sees_the_triggers_while_a_bulk_write_has_them_away(db) -> None:
    store, path = db
    before = _triggers(path)
    reader = sqlite3.connect(path)
    try:
        assert reader.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        with store.uow.write() as ctx:
            raw = ctx.session.connection()
            with triggers_absent(raw, DROPPED, TRIGGERS_ABSENT_ROWS):
                mine = {r[0] for r in raw.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
                assert not mine & set(DROPPED)  # gone for the writer's own transaction only
                assert reader.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                      "ORDER BY name").fetchall() == before
            assert reader.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                  "ORDER BY name").fetchall() == before
        assert reader.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                              "ORDER BY name").fetchall() == before
    finally:
        reader.close()
    store.media.create_many([_media(i) for i in range(TRIGGERS_ABSENT_ROWS)])
    assert _triggers(path) == before
    assert _ops(path) == TRIGGERS_ABSENT_ROWS


def test_a_few_rows_go_in_on_a_connection_that_read_before_another_took_the_triggers_away(tmp_path: Path) -> None:
    """Another store (another connection) read, then a set-based batch took the triggers away and made them
    again: that store's next write of a few rows (through the triggers) lands. It failed with "no such table:
    horus_media_records" (an ingest's last, small batch on a connection its folders were read on)."""
    path = tmp_path / "horus.sqlite"
    bulk, small = Store.open(path, backup=False), Store.open(path, backup=False)
    try:
        assert small.media.count() == 0  # this connection's schema read now
        bulk.media.create_many([_media(i) for i in range(TRIGGERS_ABSENT_ROWS)])
        small.media.create_many([_media(TRIGGERS_ABSENT_ROWS + i, shot="zzqlate") for i in range(3)])
        assert small.media.count(MediaQuery(text="zzqlate")) == 3  # in the search index too
    finally:
        bulk.close()
        small.close()
    assert _ops(path) == TRIGGERS_ABSENT_ROWS + 3


def test_one_record_goes_in_on_a_connection_whose_schema_another_changed(tmp_path: Path) -> None:
    """The app's store read, then `horus ingest` (another connection) wrote a set-based batch: the app's next
    single media record (one ORM insert) lands. SQLite failed an insert prepared on the stale schema with
    "no such table: horus_media_records" (any schema change does it: a batch's triggers, a migration)."""
    path = tmp_path / "horus.sqlite"
    ingest, app = Store.open(path, backup=False), Store.open(path, backup=False)
    try:
        assert app.media.count() == 0  # the app's connection read the schema
        ingest.media.create_many([_media(i) for i in range(TRIGGERS_ABSENT_ROWS)])
        app.media.create(**_media(TRIGGERS_ABSENT_ROWS, shot="zzqlone"))
        assert app.media.count(MediaQuery(text="zzqlone")) == 1
    finally:
        ingest.close()
        app.close()
    assert _ops(path) == TRIGGERS_ABSENT_ROWS + 1

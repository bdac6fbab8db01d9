"""Runs of new rows pushed as typed rows (revision 0013: COPY into a staging table) store exactly what the jsonb
push stores, answer retries from the applied-op table, and a page the staging refuses is answered op by op."""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from contextlib import closing
from decimal import Decimal

import psycopg
import pytest
from sqlalchemy import create_engine

from horus_desktop.store import Store, schema
from horus_desktop.store.sync_copy import NotStageable, copy_rows
from horus_desktop.store.sync_tables import SYNCED_TABLES
from horus_desktop.sync import staged_push
from horus_desktop.sync.client import SyncClient

#: Text that COPY's and array literals' escaping must carry unchanged.
NASTY = ["tab\there", "new\nline", "cr\rhere", "back\\slash", 'quote"d', "{braces}", "a,b", "NULL", "\\N",
         "é ü 漢字 🎬", "  spaced  ", "", "'single'"]


def _libpq(url: str) -> str:
    return url.replace("+psycopg", "")


def _server_rows(url: str) -> dict[str, list]:
    """Every synced table's rows as the server holds them (jsonb, sorted)."""
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        return {t: [r for (r,) in conn.execute(f"SELECT to_jsonb(x) FROM {t} x ORDER BY to_jsonb(x)::text")]
                for t in SYNCED_TABLES}


def _rich_rows(lap) -> None:
    """Media and notes whose values test every way a value is written: JSON columns, numerics, big integers,
    text arrays (mentions) and text with every character COPY and array literals escape."""
    media = []
    for i, word in enumerate(NASTY[:4]):
        media.append(lap.store.media.create(
            file_path=f"/projects/p/sh{i}/v001/{word.strip() or 'x'}.exr", project_id="p", shot=f"sh{i}",
            version="v001", frame_rate=Decimal("23.976"), file_size=2**40 + i,
            extra_metadata={"a": 1.5, "f": 0.1, "neg": -2.5e-8, "big": 12345678901234567890, "s": word,
                            "list": [1, "x", None, {"c": "é\t"}], "none": None}).id)
    with lap.store.uow.write():
        for i, word in enumerate(NASTY):
            lap.store.comments.add(media_id=media[i % len(media)], content=f"note {i}: {word or 'empty'} "
                                   f"@ana @b{i}x", user_id=lap.user, user_name=lap.user, frame_number=1000 + i,
                                   timecode=None, user_email=None, notify=False)
    # Mentions name only known people; the text array's escaping is tested with every nasty word (and a NULL).
    with closing(sqlite3.connect(lap.path)) as db, db:
        db.execute("UPDATE horus_sync_outbox SET new_row = json_set(new_row, '$.mentioned_users', json(?)) "
                   "WHERE table_name = 'horus_comments'", (json.dumps([*NASTY, None]),))


def test_typed_rows_store_what_the_jsonb_push_stores(laptop, server_url, second_server, tmp_path, caplog) -> None:
    caplog.set_level(logging.INFO, logger="horus_desktop.sync.client")
    ana = laptop("ana")
    _rich_rows(ana)
    twin_path = tmp_path / "twin.sqlite"
    with closing(sqlite3.connect(ana.path)) as source, closing(sqlite3.connect(twin_path)) as copy:
        source.backup(copy)  # the same outbox, pushed op by op (pages of one op: never staged)
    twin = Store.open(twin_path)
    try:
        staged_report = ana.client.push()
        jsonb_report = SyncClient(twin, second_server, "ana", page_size=1).push()
    finally:
        twin.close()
    assert not [r for r in caplog.records if "refused" in r.getMessage()]  # the typed rows were taken
    assert staged_report.rejected == jsonb_report.rejected == []
    assert staged_report.pushed == jsonb_report.pushed > 0
    staged, plain = _server_rows(server_url), _server_rows(second_server)
    assert len(staged["horus_comments"]) == len(NASTY) and len(staged["horus_media_records"]) == 4
    assert staged == plain
    assert {tuple(r["mentioned_users"]) for r in staged["horus_comments"]} == {(*NASTY, None)}


def test_a_retried_staged_page_is_answered_from_the_first_time(laptop, server_url) -> None:
    ana = laptop("ana")
    media = ana.media()
    with ana.store.uow.write():
        for i in range(5):
            ana.store.comments.add(media_id=media, content=f"note {i}", user_id="ana", user_name="ana", notify=False)
    ops = ana.client.local.pending(100, "ana")
    parts = staged_push.segments(ops)
    assert any(part.table == "horus_comments" for part in parts)
    client_id = ana.client.local.state().client_id
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        first = staged_push.send_staged(conn, client_id, schema.head_revision(), parts)
        again = staged_push.send_staged(conn, client_id, schema.head_revision(), parts)  # the answer was lost
        notes, logged = conn.execute(
            "SELECT (SELECT count(*) FROM horus_comments), "
            "(SELECT count(*) FROM horus_sync_changes WHERE table_name = 'horus_comments')").fetchone()
    assert [r["status"] for r in first] == ["applied"] * len(ops)
    assert [(r["status"], r["version"]) for r in again] == [(r["status"], r["version"]) for r in first]
    assert notes == logged == 5


def test_a_page_mixing_new_rows_and_edits_is_applied_in_order(laptop) -> None:
    ana, ben = laptop("ana"), laptop("ben")
    media = ana.media()
    with ana.store.uow.write():
        notes = [ana.store.comments.add(media_id=media, content=f"first {i}", user_id="ana", user_name="ana",
                                        notify=False) for i in range(3)]
    ana.store.comments.edit(notes[0].id, content="first 0, edited")
    ana.store.comments.soft_delete(notes[1].id, by="ana")
    with ana.store.uow.write():
        for i in range(3):
            ana.store.comments.add(media_id=media, content=f"second {i}", user_id="ana", user_name="ana",
                                   notify=False)
    report = ana.sync()
    assert report.rejected == [] and report.conflicts == 0
    assert ana.client.status().pending_ops == 0
    ben.sync()
    assert ben.dump() == ana.dump()
    notes_there = {c.content: c for c in ben.store.comments.list_for_media(media)}
    assert "first 0, edited" in notes_there and "second 2" in notes_there
    assert notes_there.get("first 1") is None or notes_there["first 1"].is_deleted


def test_a_value_the_staging_refuses_is_answered_op_by_op(laptop, server_url) -> None:
    ana = laptop("ana")
    media = ana.media()
    ana.sync()
    with ana.store.uow.write():
        for i in range(4):
            ana.store.comments.add(media_id=media, content=f"note {i}", user_id="ana", user_name="ana",
                                   frame_number=i, notify=False)
    # A value no integer column takes, as a client with a damaged outbox (or a bug) would send it.
    with closing(sqlite3.connect(ana.path)) as db, db:
        db.execute("UPDATE horus_sync_outbox SET new_row = json_set(new_row, '$.frame_number', 'one') "
                   "WHERE seq = (SELECT min(seq) + 1 FROM horus_sync_outbox WHERE table_name = 'horus_comments')")
    report = ana.sync()
    assert len(report.rejected) == 1
    assert "integer" in report.rejected[0][1]
    assert ana.client.status().pending_ops == 0
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        stored = sorted(c for (c,) in conn.execute("SELECT content FROM horus_comments"))
    assert stored == ["note 0", "note 2", "note 3"]


def test_a_server_taken_back_to_0012_and_up_again_takes_staged_runs(laptop, server_url) -> None:
    """0013's downgrade removes only its two functions (0012's jsonb push is untouched); after the upgrade
    a run of new rows is staged again."""
    from alembic import command

    from horus_desktop.store.schema import alembic_config

    def functions() -> set[str]:
        with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
            return {n for (n,) in conn.execute("SELECT proname FROM pg_proc WHERE proname LIKE 'horus_sync_%'")}

    engine = create_engine(server_url)
    config = alembic_config()
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0012")
        at_0012 = functions()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    finally:
        engine.dispose()
    assert "horus_sync_push" in at_0012
    assert not {"horus_sync_stage", "horus_sync_push_staged"} & at_0012
    assert {"horus_sync_stage", "horus_sync_push_staged"} <= functions()
    ana = laptop("ana")
    media = ana.media()
    with ana.store.uow.write():
        for i in range(3):
            ana.store.comments.add(media_id=media, content=f"note {i}", user_id="ana", user_name="ana", notify=False)
    assert ana.sync().rejected == []
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM horus_comments").fetchone()[0] == 3


@pytest.mark.parametrize("row", [
    {"content": True},  # psycopg writes t, jsonb_populate_record true
    {"content": ["a"]},  # an array literal against JSON text
    {"content": 1e16},  # 1e+16 against 10000000000000000
    {"mentioned_users": [True]},
    {"mentioned_users": [["nested"]]},
    {"mentioned_users": [{"a": 1}]},
])
def test_a_value_written_otherwise_than_jsonb_reads_it_is_not_staged(row) -> None:
    rows = [json.dumps({"id": str(uuid.uuid4()), **row}), json.dumps({"id": str(uuid.uuid4()), **row})]
    with pytest.raises(NotStageable):
        copy_rows("horus_comments", rows)


def test_rows_with_other_keys_or_no_json_are_not_staged() -> None:
    for rows in (['{"id": "a"}', '{"id": "b", "content": "x"}'], ['{"id": "a", "nope": 1}', '{"id": "b", "nope": 1}'],
                 ['{"id": "a"', '{"id": "b"}']):
        with pytest.raises(NotStageable):
            copy_rows("horus_comments", rows)

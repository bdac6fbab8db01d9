"""A page of new rows is applied by the server in one statement: each op keeps its own answer, author, clock
and change-log entry, exactly as when ops are pushed one at a time (versions and records read as the server
reads them, through ``horus_sync_version_of``: a row made by a page has no version record until it changes)."""

from __future__ import annotations

import time

import psycopg
from psycopg.types.json import Jsonb

from horus_desktop.store import schema
from horus_desktop.sync.client import SyncClient


def _notes(lap, count: int) -> None:
    media = lap.media()
    with lap.store.uow.write():
        for i in range(count):
            lap.store.comments.add(media_id=media, content=f"note {i}", user_id=lap.user, user_name=lap.user,
                                   notify=False)


def _server_records(url: str, author: str) -> tuple[list, list]:
    """(per-field records of the author's notes, their change-log entries in order)."""
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        fields = conn.execute(
            "SELECT c.content, v.row_version, v.fields FROM horus_comments c, "
            "horus_sync_version_of('horus_comments', c.id::text) v WHERE c.user_id = %s ORDER BY c.content",
            (author,)).fetchall()
        log = conn.execute(
            "SELECT g.kind, c.content FROM horus_sync_changes g JOIN horus_comments c ON c.id::text = g.row_id "
            "WHERE g.table_name = 'horus_comments' AND c.user_id = %s ORDER BY g.seq", (author,)).fetchall()
    return fields, log


def _shape(fields: list, author: str) -> list:
    """The records with client ids and clocks left out (authors named as "me"): what two pushes share."""
    return [(content, version, sorted((k, "me" if f["a"] == author else f["a"], f["v"]) for k, f in rec.items()))
            for content, version, rec in fields]


def test_a_page_of_notes_is_recorded_like_notes_pushed_one_by_one(laptop, server_url) -> None:
    ana, ben = laptop("ana"), laptop("ben")
    _notes(ana, 6)
    _notes(ben, 6)
    ana_ops = ana.client.local.pending(100, "ana")
    ana.sync()  # one page: the notes go in one statement
    ben.client = SyncClient(ben.store, server_url, "ben", page_size=1)  # one op per call: the per-op path
    ben.sync()
    ana_fields, ana_log = _server_records(server_url, "ana")
    ben_fields, ben_log = _server_records(server_url, "ben")
    assert len(ana_fields) == 6
    assert _shape(ana_fields, "ana") == _shape(ben_fields, "ben")
    assert [k for k, _c in ana_log] == [k for k, _c in ben_log] == ["insert"] * 6
    assert [c for _k, c in ana_log] == [f"note {i}" for i in range(6)]  # log order is op order
    client_id = ana.client.local.state().client_id
    clocks = {op.new["content"]: op.hlc for op in ana_ops if op.table == "horus_comments"}
    for content, _v, rec in ana_fields:
        assert {f["c"] for f in rec.values()} == {client_id}
        assert {f["h"] for f in rec.values()} == {clocks[content]}  # each op's own clock, not the page's


def test_a_retried_page_is_answered_from_the_first_time_and_applies_nothing_twice(laptop, server_url) -> None:
    ana = laptop("ana")
    _notes(ana, 5)
    ops = ana.client.local.pending(100, "ana")
    client_id = ana.client.local.state().client_id
    payload = Jsonb([op.wire() for op in ops])
    with psycopg.connect(server_url.replace("+psycopg", ""), autocommit=True) as conn:
        push = "SELECT horus_sync_push(%s, %s, %s)"
        first = conn.execute(push, (client_id, schema.head_revision(), payload)).fetchone()[0]
        again = conn.execute(push, (client_id, schema.head_revision(), payload)).fetchone()[0]
        notes = conn.execute("SELECT count(*) FROM horus_comments").fetchone()[0]
        logged = conn.execute("SELECT count(*) FROM horus_sync_changes WHERE table_name = 'horus_comments'"
                              ).fetchone()[0]
    assert [r["status"] for r in first] == ["applied"] * len(ops)
    assert again == first
    assert notes == logged == 5


def test_clocks_far_ahead_are_clamped_and_authors_kept_per_op_in_a_page(laptop, server_url) -> None:
    ana = laptop("ana")
    _notes(ana, 4)
    ops = [op.wire() for op in ana.client.local.pending(100, "ana")]
    notes = [op for op in ops if op["table"] == "horus_comments"]
    for i, op in enumerate(notes):
        op["hlc"] = "999999999999999.00000.future"
        op["author"] = f"writer{i}"
    with psycopg.connect(server_url.replace("+psycopg", ""), autocommit=True) as conn:
        results = conn.execute("SELECT horus_sync_push(%s, %s, %s)", (
            "c1", schema.head_revision(), Jsonb(ops))).fetchone()[0]
        authors = conn.execute(
            "SELECT DISTINCT f.value->>'a' FROM horus_comments c, "
            "horus_sync_version_of('horus_comments', c.id::text) v, jsonb_each(v.fields) f").fetchall()
        clocks = [h for (h,) in conn.execute(
            "SELECT f.value->>'h' FROM horus_comments c, "
            "horus_sync_version_of('horus_comments', c.id::text) v, jsonb_each(v.fields) f")]
    limit = int(time.time() * 1000) + 60_000 + 5_000
    assert [r["status"] for r in results] == ["applied"] * len(ops)
    assert len(clocks) == len(notes)  # the clocks conflicts are decided on: each clamped
    assert all(int(h[:15]) <= limit and h.endswith(".future") for h in clocks)
    assert {a for (a,) in authors} == {f"writer{i}" for i in range(len(notes))}


def test_a_page_with_a_row_already_on_the_server_answers_each_op(laptop, server_url) -> None:
    ana = laptop("ana")
    _notes(ana, 3)
    ops = [op.wire() for op in ana.client.local.pending(100, "ana")]
    notes = [op for op in ops if op["table"] == "horus_comments"]
    with psycopg.connect(server_url.replace("+psycopg", ""), autocommit=True) as conn:
        push = "SELECT horus_sync_push(%s, %s, %s)"
        conn.execute(push, ("c1", schema.head_revision(), Jsonb(ops[:-1]))).fetchone()
        # The same last-but-one row again under a new op id, then a fresh note: one refused, one applied.
        dup = {**notes[-2], "op_id": "00000000-0000-4000-8000-000000000001"}
        results = conn.execute(push, ("c1", schema.head_revision(), Jsonb([dup, notes[-1]]))).fetchone()[0]
        count = conn.execute("SELECT count(*) FROM horus_comments").fetchone()[0]
    assert [r["status"] for r in results] == ["rejected", "applied"]
    assert "already exists" in results[0]["reason"]
    assert count == 3


def test_a_row_made_again_after_a_delete_in_a_page_gets_the_next_version(laptop, server_url) -> None:
    ana = laptop("ana")
    _notes(ana, 3)
    ops = [op.wire() for op in ana.client.local.pending(100, "ana")]
    notes = [op for op in ops if op["table"] == "horus_comments"]
    again = {**notes[0], "op_id": "00000000-0000-4000-8000-000000000002"}
    gone = {**notes[0], "op_id": "00000000-0000-4000-8000-000000000003", "kind": "delete",
            "old": notes[0]["new"], "new": None, "base": 1}
    with psycopg.connect(server_url.replace("+psycopg", ""), autocommit=True) as conn:
        push = "SELECT horus_sync_push(%s, %s, %s)"
        conn.execute(push, ("c1", schema.head_revision(), Jsonb([op for op in ops if op not in notes[1:]])))
        conn.execute(push, ("c1", schema.head_revision(), Jsonb([gone])))
        # One page of two new notes, the first deleted before: made again at version 3, the other at 1.
        results = conn.execute(push, ("c1", schema.head_revision(), Jsonb([again, notes[1]]))).fetchone()[0]
        versions = dict(conn.execute(
            "SELECT c.content, v.row_version FROM horus_comments c, "
            "horus_sync_version_of('horus_comments', c.id::text) v").fetchall())
        log = [k for (k,) in conn.execute(
            "SELECT kind FROM horus_sync_changes WHERE table_name = 'horus_comments' ORDER BY seq")]
    # Answered by the set-based insert (the per-op path names each op's id and clock too).
    assert results == [{"status": "applied", "version": 3, "conflicts": 0},
                       {"status": "applied", "version": 1, "conflicts": 0}]
    assert versions == {"note 0": 3, "note 1": 1}
    assert log == ["insert", "delete", "insert", "insert"]


def test_rows_made_by_a_page_keep_their_versions_through_edits_conflicts_and_deletes(laptop, server_url) -> None:
    """Notes made by one page have no version record on the server (the change log says who made them), yet
    a pull gives them version 1 and their maker's clock, and later edits conflict, merge and delete as for
    notes pushed one at a time."""
    ana, ben = laptop("ana"), laptop("ben")
    media = ana.media()
    with ana.store.uow.write():
        made = [ana.store.comments.add(media_id=media, content=f"note {i}", user_id="ana", user_name="ana",
                                       notify=False).id for i in range(4)]
    ana.sync()
    with psycopg.connect(server_url.replace("+psycopg", ""), autocommit=True) as conn:
        recorded = conn.execute("SELECT count(*) FROM horus_sync_row_versions "
                                "WHERE table_name = 'horus_comments'").fetchone()[0]
    assert recorded == 0  # the page went the set-based way
    ben.sync()
    notes = {f"note {i}": note_id for i, note_id in enumerate(made)}
    assert {n.content for n in ben.store.comments.list_for_media(media)} == set(notes)
    ana.store.comments.edit(notes["note 0"], "ana's words")
    ben.store.comments.edit(notes["note 0"], "ben's words")  # later clock
    ana.store.comments.edit(notes["note 1"], "clearer words")
    ben.store.comments.set_resolved(notes["note 1"], True, by="ben")
    ana.store.comments.soft_delete(notes["note 2"], by="ana")
    ben.store.comments.edit(notes["note 2"], "an edit made offline")
    ana.sync()
    report = ben.sync()
    ana.sync()
    assert report.conflicts == 2  # note 0's words, note 2's edit against its delete
    [words] = [c for c in ana.client.conflicts() if c.field == "content"]
    assert (words.local_value, words.remote_value, words.winner) == ("ana's words", "ben's words", "remote")
    assert (words.local_author, words.remote_author) == ("ana", "ben")
    got = ana.store.comments.get(notes["note 1"])
    assert got.content == "clearer words" and got.is_resolved
    assert ana.dump() == ben.dump()


def test_a_server_taken_back_to_0011_keeps_the_versions_of_rows_made_by_a_page(laptop, server_url) -> None:
    """Revision 0012's downgrade gives every row a page made its version record (0011 reads only those), with
    the maker's author and clock; an edit synced after going back and up again is a plain edit, version 2."""
    from alembic import command
    from sqlalchemy import create_engine

    from horus_desktop.store.schema import alembic_config

    ana, ben = laptop("ana"), laptop("ben")
    _notes(ana, 3)
    ops = {op.new["content"]: op.hlc for op in ana.client.local.pending(100, "ana") if op.table == "horus_comments"}
    ana.sync()
    engine = create_engine(server_url)
    config = alembic_config()
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0011")
        with psycopg.connect(server_url.replace("+psycopg", ""), autocommit=True) as conn:
            recorded = conn.execute(
                "SELECT c.content, v.row_version, v.fields->'*'->>'a', v.fields->'*'->>'h' FROM horus_comments c "
                "JOIN horus_sync_row_versions v ON v.table_name = 'horus_comments' AND v.row_id = c.id::text "
                "ORDER BY c.content").fetchall()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    finally:
        engine.dispose()
    assert recorded == [(content, 1, "ana", hlc) for content, hlc in sorted(ops.items())]
    ben.sync()
    media_id = ben.dump()["horus_comments"][0]["media_id"]
    [note] = [n for n in ben.store.comments.list_for_media(media_id) if n.content == "note 0"]
    ben.store.comments.edit(note.id, "edited after the round trip")
    assert ben.sync().conflicts == 0
    ana.sync()
    assert ana.store.comments.get(note.id).content == "edited after the round trip"
    assert ana.dump() == ben.dump()

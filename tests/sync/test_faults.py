"""Faults: lost answers, cut connections, a client killed mid-push and mid-pull, replayed batches, bad clocks,
and the late-commit race on the server."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import psycopg
import pytest

from horus_desktop.domain import hlc
from horus_desktop.store import schema
from horus_desktop.sync.client import SyncClient
from horus_desktop.sync.errors import ServerUnreachableError


def _libpq(url: str) -> str:
    return url.replace("+psycopg", "")


class _Faulty:
    """A psycopg connection whose next ``horus_sync_*`` call fails: before it reaches the server, or after the
    server committed (the answer is lost)."""

    def __init__(self, conn: psycopg.Connection[Any], when: str) -> None:
        self._conn, self.when = conn, when

    def execute(self, query: str, params: Any = None) -> Any:
        if "horus_sync_push" in query and self.when:
            when, self.when = self.when, ""
            if when == "before":
                self._conn.close()
                raise psycopg.OperationalError("server closed the connection unexpectedly")
            self._conn.execute(query, params).fetchone()
            self._conn.close()  # committed (autocommit); the answer never arrives
            raise psycopg.OperationalError("server closed the connection unexpectedly")
        return self._conn.execute(query, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def _faulty_client(laptop: Any, when: str) -> SyncClient:
    """The laptop's client again, whose first server connection loses its first push (``when``)."""
    armed = [True]

    def connect() -> Any:
        conn = psycopg.connect(_libpq(laptop.server_url), autocommit=True)
        if armed:
            armed.clear()
            return _Faulty(conn, when)
        return conn

    laptop.client.close()
    laptop.client = SyncClient(laptop.store, laptop.server_url, laptop.user, laptop.projects, backoff_s=0.01,
                               retries=2, connect=connect)
    return laptop.client


def _server_count(url: str, sql: str) -> int:
    with psycopg.connect(_libpq(url)) as conn:
        return conn.execute(sql).fetchone()[0]


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_lost_connection_or_answer_is_retried_with_one_effect(laptop, server_url, when) -> None:
    ana, ben = laptop("ana"), laptop("ben")
    media = ana.media()
    ana.store.comments.add(media_id=media, content="only once", user_id="ana", user_name="Ana")
    _faulty_client(ana, when)
    report = ana.sync()
    assert report.up_to_date and ana.client.status().pending_ops == 0
    assert report.rejected == [] and ana.client.status().rejected == []  # the retry was answered, not redone
    assert _server_count(server_url, "SELECT count(*) FROM horus_comments") == 1
    ben.sync()
    assert [c["content"] for c in ben.dump()["horus_comments"]] == ["only once"]
    assert ana.dump() == ben.dump()


def test_a_server_that_stays_away_leaves_the_outbox_whole(laptop) -> None:
    ana = laptop("ana")
    ana.media()
    pending = ana.client.status().pending_ops
    away = SyncClient(ana.store, "postgresql://postgres@127.0.0.1:1/nowhere", "ana", retries=1, backoff_s=0.01)
    with pytest.raises(ServerUnreachableError):
        away.round()
    assert ana.client.status().pending_ops == pending
    assert ana.sync().up_to_date


def test_duplicate_and_stale_replayed_batches_have_no_second_effect(laptop, server_url) -> None:
    ana, ben = laptop("ana"), laptop("ben")
    media = ana.media()
    note = ana.store.comments.add(media_id=media, content="first", user_id="ana", user_name="Ana")
    batch = [op.wire() for op in ana.client.local.pending(100, "ana")]
    ana.sync()
    ana.store.comments.edit(note.id, "second")
    ana.sync()
    client_id = ana.client.local.state().client_id
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        for _ in range(2):  # the same old batch again, twice
            results = conn.execute("SELECT horus_sync_push(%s, %s, %s)", (
                client_id, schema.head_revision(), psycopg.types.json.Jsonb(batch))).fetchone()[0]
            assert {r["status"] for r in results} == {"applied"}
    assert _server_count(server_url, "SELECT count(*) FROM horus_comments") == 1
    ben.sync()
    assert ben.store.comments.get(note.id).content == "second"


def test_a_clock_two_hours_ahead_is_clamped(laptop, monkeypatch) -> None:
    ana, ben = laptop("ana"), laptop("ben")
    media = ana.media()
    note = ana.store.comments.add(media_id=media, content="base", user_id="ana", user_name="Ana")
    ana.sync()
    ben.sync()
    real_now = hlc.now_ms
    monkeypatch.setattr(hlc, "now_ms", lambda: real_now() + 2 * 3600 * 1000)
    ana.store.comments.edit(note.id, "from the future")
    monkeypatch.setattr(hlc, "now_ms", real_now)
    ana.sync()
    ben.store.comments.edit(note.id, "ben, concurrently")
    ben.sync()
    [conflict] = ben.client.conflicts()
    assert conflict.remote_value == "from the future"
    assert int(conflict.remote_at[:15]) <= real_now() + 60_000  # clamped: not two hours ahead


def test_a_clock_stepped_backwards_still_orders_after_what_it_saw(laptop, monkeypatch) -> None:
    ana, ben = laptop("ana"), laptop("ben")
    media = ana.media()
    note = ana.store.comments.add(media_id=media, content="base", user_id="ana", user_name="Ana")
    ana.sync()
    ben.sync()
    ben.store.comments.edit(note.id, "ben's edit")
    ben.sync()
    ana.sync()
    real_now = hlc.now_ms
    monkeypatch.setattr(hlc, "now_ms", lambda: real_now() - 3600 * 1000)  # an hour back
    ana.store.comments.edit(note.id, "ana, after reading ben")
    report = ana.sync()
    ben.sync()
    assert report.conflicts == 0
    assert ben.store.comments.get(note.id).content == "ana, after reading ben"


_KILLER = """
import os, signal, sys
from horus_desktop.store import Store
from horus_desktop.sync.client import SyncClient
from horus_desktop.store.repositories import sync_local
store = Store.open(sys.argv[1]); store.uow.author = "ana"
client = SyncClient(store, sys.argv[2], "ana", page_size=int(sys.argv[4]))
def die(*a, **k):
    os.kill(os.getpid(), signal.SIGKILL)
if sys.argv[3] == "push":   # killed after the server committed, before the answer is stored
    sync_local.SyncLocalRepository.acknowledge = die
else:                       # killed inside the pull's transaction, rows written but not committed
    from sqlalchemy import event
    def write_then_die(conn, cursor, statement, *rest):
        if "horus_comments" in statement and statement.lstrip().upper().startswith(("INSERT", "UPDATE")):
            die()           # the pulled notes' statement ran; its transaction is not committed
    event.listen(store.engine, "after_cursor_execute", write_then_die)
client.round()
"""


@pytest.mark.parametrize("phase", ["push", "pull"])
def test_a_client_killed_during_a_round_syncs_after_reopening(laptop, server_url, tmp_path: Path, phase) -> None:
    ana, ben = laptop("ana"), laptop("ben")
    writer = ben if phase == "pull" else ana
    media = writer.media()
    for i in range(5):
        writer.store.comments.add(media_id=media, content=f"note {i}", user_id="x", user_name="X")
    if phase == "pull":
        ben.sync()
    ana.close()
    script = tmp_path / "killer.py"
    script.write_text(_KILLER)
    done = subprocess.run([sys.executable, str(script), str(ana.path), _libpq(server_url), phase, "2"],
                          capture_output=True, text=True, cwd=Path(__file__).parents[2], timeout=120)
    assert done.returncode == -9, done.stderr
    ana.reopen()
    before = ana.client.local.state().cursor
    report = ana.sync()
    assert report.up_to_date and ana.client.status().pending_ops == 0 and report.rejected == []
    assert ana.client.local.state().cursor >= before
    ben.sync()
    assert ana.dump() == ben.dump()
    contents = sorted(c["content"] for c in ana.dump()["horus_comments"])
    assert contents == [f"note {i}" for i in range(5)]  # each once


def test_late_commit_is_never_skipped_by_the_pull_cursor(laptop, server_url) -> None:
    """T_early starts first (its xid is older) but commits last; T_late commits first. A pull between the two
    commits, and one after, together see both notes."""
    ana, ben = laptop("ana"), laptop("ben")
    media = ana.media()
    ana.sync()
    url = _libpq(server_url)
    early = psycopg.connect(url)
    late = psycopg.connect(url)
    insert = ("INSERT INTO horus_comments (id, media_id, user_id, user_name, content) "
              "VALUES (gen_random_uuid(), %s, 'db', 'DB', %s)")
    try:
        early.execute("SELECT pg_current_xact_id()")  # the older transaction
        late.execute("SELECT pg_current_xact_id()")
        late.execute(insert, (media, "late"))          # stamped first...
        blocked = threading.Thread(target=lambda: (early.execute(insert, (media, "early")), early.commit()))
        blocked.start()  # ...the early one waits for the stamping lock, so it is stamped after `late` commits
        _wait_for_lock_wait(url)
        ben.sync()
        assert [c["content"] for c in ben.dump()["horus_comments"]] == []  # nothing committed yet
        late.commit()
        ben.sync()
        blocked.join()
        ben.sync()
    finally:
        early.close()
        late.close()
    assert sorted(c["content"] for c in ben.dump()["horus_comments"]) == ["early", "late"]


def _wait_for_lock_wait(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        while not conn.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                               "AND datname = current_database()").fetchone()[0]:
            conn.execute("SELECT pg_sleep(0.02)")


def test_every_change_on_the_server_names_its_author(laptop, server_url) -> None:
    ana = laptop("ana")
    ana.media()
    ana.sync()
    with psycopg.connect(_libpq(server_url)) as conn:
        fields = conn.execute("SELECT fields FROM horus_sync_row_versions "
                              "WHERE table_name = 'horus_media_records'").fetchone()[0]
    assert {f["a"] for f in fields.values()} == {"ana"}, json.dumps(fields)


def test_a_push_cut_inside_the_server_transaction_is_retried_with_one_effect(laptop, server_url) -> None:
    """The server is holding the push's transaction open (it waits for the stamping lock) when its backend is
    terminated: nothing of it commits, the client reconnects and the retry lands once."""
    ana, ben = laptop("ana"), laptop("ben")
    media = ana.media()
    for i in range(3):
        ana.store.comments.add(media_id=media, content=f"n{i}", user_id="ana", user_name="Ana")
    url = _libpq(server_url)
    holder = psycopg.connect(url, autocommit=True)
    holder.execute("SELECT pg_advisory_lock(7472657375)")  # the key the server's stamping takes
    cut: list[int] = []

    def cut_the_push() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            while not cut:
                row = conn.execute("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                   "AND query LIKE '%%horus_sync_push%%' AND datname = current_database()").fetchone()
                if row:
                    conn.execute("SELECT pg_terminate_backend(%s)", (row[0],))
                    cut.append(row[0])
                else:
                    conn.execute("SELECT pg_sleep(0.02)")
        holder.execute("SELECT pg_advisory_unlock(7472657375)")

    killer = threading.Thread(target=cut_the_push)
    killer.start()
    try:
        report = ana.sync()
    finally:
        killer.join()
        holder.close()
    assert cut and report.up_to_date and report.rejected == []
    assert _server_count(server_url, "SELECT count(*) FROM horus_comments") == 3
    assert _server_count(server_url, "SELECT count(*) FROM horus_sync_applied_ops") == report.pushed
    ben.sync()
    assert ana.dump() == ben.dump()

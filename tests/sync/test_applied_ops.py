"""The server's applied-op table: every op's answer is kept with who made the op and the login that sent it,
for as long as a retry may come, and no longer."""

from __future__ import annotations

import psycopg


def _libpq(url: str) -> str:
    return url.replace("+psycopg", "")


def _notes(lap, media, *texts: str) -> None:
    for text in texts:
        lap.store.comments.add(media_id=media, content=text, user_id=lap.user, user_name=lap.user, notify=False)


def test_every_applied_op_names_its_author_and_the_login_that_sent_it(laptop, server_url) -> None:
    ana = laptop("ana")
    media = ana.media()
    with ana.store.uow.write():  # a page of new notes: the set-based path
        _notes(ana, media, "one", "two", "three")
    ana.sync()
    note = ana.store.comments.add(media_id=media, content="four", user_id="ana", user_name="ana", notify=False)
    ana.store.comments.edit(note.id, "four, edited")  # an update: the per-op path
    sent = [op.op_id for op in ana.client.local.pending(100, "ana")]
    ana.sync()
    with psycopg.connect(_libpq(server_url)) as conn:
        rows = conn.execute("SELECT replace(op_id::text, '-', ''), author, login_role FROM horus_sync_applied_ops"
                            ).fetchall()
        login = conn.execute("SELECT session_user").fetchone()[0]
    assert len(rows) >= 6
    assert {(author, role) for _op, author, role in rows} == {("ana", login)}
    assert set(sent) <= {op for op, _a, _r in rows}


def test_answers_past_the_retention_are_pruned_and_recent_ones_kept_for_retries(laptop, server_url) -> None:
    ana = laptop("ana")
    media = ana.media()
    ana.sync()
    _notes(ana, media, "old note")
    old_ops = [op.op_id for op in ana.client.local.pending(100, "ana")]
    ana.sync()
    with psycopg.connect(_libpq(server_url)) as conn:  # as if pushed two months ago
        conn.execute("UPDATE horus_sync_applied_ops SET applied_at = now() - interval '60 days' "
                     "WHERE replace(op_id::text, '-', '') = ANY(%s)", (old_ops,))
    _notes(ana, media, "new note")
    new_ops = [op.op_id for op in ana.client.local.pending(100, "ana")]
    ana.sync()  # a push prunes what is past the retention
    with psycopg.connect(_libpq(server_url)) as conn:
        kept = {r[0] for r in conn.execute("SELECT replace(op_id::text, '-', '') FROM horus_sync_applied_ops")}
        notes = conn.execute("SELECT count(*) FROM horus_comments").fetchone()[0]
    assert kept.isdisjoint(old_ops)
    assert set(new_ops) <= kept
    assert notes == 2  # pruning answers never touches the rows they answered

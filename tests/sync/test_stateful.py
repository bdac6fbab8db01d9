"""Hypothesis stateful test: laptops edit at random, push and pull at random with faults and crashes, then heal.

Invariants: after syncing to a fixpoint every store holds the same synced rows; every note, reply and drawing
made anywhere is there (or refused with a reason); the last value written to a note's text or a version's
status is the final one or is kept by a conflict record (or refused); no duplicate rows; cursors never go
back; outboxes empty.
``HORUS_SYNC_EXAMPLES`` raises the number of examples for a long run; ``HORUS_SYNC_SHRINK=1`` shrinks a failure.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from horus_desktop.store import Store
from horus_desktop.store.sync_codec import canonical_dump
from horus_desktop.sync.client import SyncClient
from horus_desktop.sync.errors import ServerUnreachableError

EXAMPLES = int(os.environ.get("HORUS_SYNC_EXAMPLES", "6"))
LAPTOPS = 3


class _Cut:
    """A connection whose next push is cut before it reaches the server, or after the server committed."""

    def __init__(self, conn: Any, when: str) -> None:
        self._conn, self._when = conn, when

    def execute(self, query: str, params: Any = None) -> Any:
        if "horus_sync_push" in query and self._when:
            when, self._when = self._when, ""
            if when == "after":
                self._conn.execute(query, params).fetchone()
            self._conn.close()
            raise psycopg.OperationalError("connection cut")
        return self._conn.execute(query, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


class SyncMachine(RuleBasedStateMachine):
    """Three laptops, one server database."""

    admin_url: str = ""
    template: str = ""

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="horus-sync-"))
        self.db = f"horus_sm_{uuid.uuid4().hex[:10]}"
        with self._admin() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.db}" TEMPLATE "{self.template}"'))
        self.url = make_url(self.admin_url).set(database=self.db).render_as_string(hide_password=False)
        self.users = [f"user{i}" for i in range(LAPTOPS)]
        self.stores: list[Store] = []
        self.clients: list[SyncClient] = []
        self.cut = [""] * LAPTOPS  # the fault laptop i's server connections carry ("": none)
        for i in range(LAPTOPS):
            self.stores.append(Store.open(self.dir / f"{i}.sqlite"))
            self.clients.append(self._client(i))
        self.media = self.stores[0].media.create(file_path="/p/show/sh010/v001.exr", project_id="show",
                                                 shot="sh010", version="v001").id
        self.playlist = self.stores[0].timelines.create(name="dailies", project_id="show", timeline_type="dailies",
                                                        created_by="user0").id
        for i in range(LAPTOPS):
            self._sync(i)
        self.made: set[tuple[str, str]] = set()  # (table, id) of rows that must survive
        # (table, id, field) -> the last value written anywhere: final, or kept by a conflict, or refused
        self.last: dict[tuple[str, str, str], Any] = {}
        self.n = 0
        self.cursors = [self.clients[i].local.state().cursor for i in range(LAPTOPS)]

    def _admin(self) -> Any:
        engine = create_engine(make_url(self.admin_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        return engine.connect()

    def _client(self, i: int) -> SyncClient:
        self.stores[i].uow.author = self.users[i]
        url = self.url.replace("+psycopg", "")

        def connect() -> Any:  # where a network fault happens: while a cut is set, each push call is cut
            conn = psycopg.connect(url, autocommit=True)
            return _Cut(conn, self.cut[i]) if self.cut[i] else conn

        return SyncClient(self.stores[i], url, self.users[i], retries=2, backoff_s=0, connect=connect)

    def _sync(self, i: int) -> None:
        self.clients[i].round()
        self._check_cursor(i)

    def _check_cursor(self, i: int) -> None:
        now = self.clients[i].local.state().cursor
        assert now >= self.cursors[i] if hasattr(self, "cursors") else True, "a cursor went back"
        if hasattr(self, "cursors"):
            self.cursors[i] = now

    def _notes(self, i: int) -> list[uuid.UUID]:
        return [c.id for c in self.stores[i].comments.list_for_media(self.media)]

    # -- edits -------------------------------------------------------------------------------------------

    @rule(i=st.integers(0, LAPTOPS - 1), words=st.sampled_from(["fix", "ok", "grain", "edge"]))
    def add_note(self, i: int, words: str) -> None:
        note = self.stores[i].comments.add(media_id=self.media, content=words, user_id=self.users[i],
                                           user_name=self.users[i], notify=False)
        self.made.add(("horus_comments", str(note.id)))

    @rule(i=st.integers(0, LAPTOPS - 1), pick=st.integers(0, 20), words=st.sampled_from(["yes", "no"]))
    def reply(self, i: int, pick: int, words: str) -> None:
        notes = [c for c in self.stores[i].comments.list_for_media(self.media) if c.parent_id is None]
        if notes:
            r = self.stores[i].comments.add(media_id=self.media, content=words, user_id=self.users[i],
                                            user_name=self.users[i], parent_id=notes[pick % len(notes)].id,
                                            notify=False)
            self.made.add(("horus_comments", str(r.id)))

    @rule(i=st.integers(0, LAPTOPS - 1), pick=st.integers(0, 20), kind=st.sampled_from(["edit", "resolve",
                                                                                          "delete", "react",
                                                                                          "unreact"]))
    def change_note(self, i: int, pick: int, kind: str) -> None:
        notes = self._notes(i)
        if not notes:
            return
        note, repo, user = notes[pick % len(notes)], self.stores[i].comments, self.users[i]
        if kind == "edit":
            self.n += 1
            repo.edit(note, f"edit {self.n} by {user}")
            self.last[("horus_comments", str(note), "content")] = f"edit {self.n} by {user}"
        elif kind == "resolve":
            repo.set_resolved(note, True, by=user)
        elif kind == "delete":
            repo.soft_delete(note, by=user)
        elif kind == "react":
            repo.react(note, "shared", "like")  # the same reaction on several laptops: one row
        else:
            repo.unreact(note, "shared", "like")

    @rule(i=st.integers(0, LAPTOPS - 1), status=st.sampled_from(["approved", "rejected", "pending"]))
    def set_status(self, i: int, status: str) -> None:
        if self.stores[i].media.get(self.media).approval_status == status:
            return  # nothing to change here: no write
        self.stores[i].media.set_status([self.media], status, by=self.users[i], by_name=self.users[i])
        self.last[("horus_media_records", str(self.media), "approval_status")] = status

    @rule(i=st.integers(0, LAPTOPS - 1), frame=st.integers(1, 3))
    def draw(self, i: int, frame: int) -> None:
        shape = self.stores[i].annotations.add(media_id=self.media, frame_number=frame, annotation_type="line",
                                               coordinates=[[0, 0], [frame, frame]], user_id=self.users[i],
                                               user_name=self.users[i])
        self.made.add(("horus_annotations", str(shape.id)))

    @rule(i=st.integers(0, LAPTOPS - 1), n=st.integers(0, 2), status=st.sampled_from(["draft", "review"]))
    def edit_playlist(self, i: int, n: int, status: str) -> None:
        clips = [{"media_id": self.media, "media_path": "/p/show/sh010/v001.exr", "track_name": "V1",
                  "track_type": "video", "track_index": 0, "start_time_frames": k * 10, "duration_frames": 10,
                  "clip_order": k} for k in range(n)]
        self.stores[i].timelines.replace_clips(self.playlist, clips, status=status)

    # -- network and crashes -------------------------------------------------------------------------------

    @rule(i=st.integers(0, LAPTOPS - 1), fault=st.sampled_from(["", "", "before", "after"]))
    def push(self, i: int, fault: str) -> None:
        client = self.clients[i]
        if fault:
            client.close()  # the push opens a new connection: the cut one
            self.cut[i] = fault
            try:
                client.push()
            except ServerUnreachableError:
                pass
            finally:
                self.cut[i] = ""
                client.close()  # a cut left unused (nothing to push) does not fire on a later push
        else:
            client.push()

    @rule(i=st.integers(0, LAPTOPS - 1))
    def pull(self, i: int) -> None:
        self.clients[i].pull()
        self._check_cursor(i)

    @rule(i=st.integers(0, LAPTOPS - 1))
    def crash_and_reopen(self, i: int) -> None:
        self.clients[i].close()
        self.stores[i].engine.dispose()  # no orderly close: as after a crash
        self.stores[i] = Store.open(self.dir / f"{i}.sqlite")
        self.clients[i] = self._client(i)

    @invariant()
    def cursors_only_move_forward(self) -> None:
        if hasattr(self, "cursors"):
            for i in range(LAPTOPS):
                self._check_cursor(i)

    # -- the end ---------------------------------------------------------------------------------------------

    def teardown(self) -> None:
        try:
            self._heal_and_check()
        finally:
            for client, store in zip(self.clients, self.stores, strict=True):
                client.close()
                store.close()
            with self._admin() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)'))
            shutil.rmtree(self.dir, ignore_errors=True)

    def _heal_and_check(self) -> None:
        for _ in range(3):  # to a fixpoint: everyone pushes, then everyone pulls
            for i in range(LAPTOPS):
                self._sync(i)
        dumps = []
        for store in self.stores:
            with store.uow.read() as session:
                dumps.append(canonical_dump(session))
        assert all(d == dumps[0] for d in dumps[1:]), "stores differ after syncing to a fixpoint"
        for i in range(LAPTOPS):
            assert self.clients[i].status().pending_ops == 0
        rejected = {(t, r) for i in range(LAPTOPS) for _o, t, r, _why in self.clients[i].local.rejected()}
        present = {(t, str(r["id"])) for t, rows in dumps[0].items() for r in rows if "id" in r}
        lost = {m for m in self.made if m not in present and (m[0], uuid.UUID(m[1]).hex) not in rejected}
        assert not lost, f"made but neither present nor refused: {lost}"
        conflicts = dumps[0]["horus_sync_conflicts"]
        for (table, row_id, field), value in self.last.items():
            [row] = [r for r in dumps[0][table] if r["id"] == row_id]
            kept = any(c["row_id"] == row_id and c["field"] == field
                       and value in (c["incoming_value"], c["existing_value"]) for c in conflicts)
            refused = (table, uuid.UUID(row_id).hex) in rejected
            assert row[field] == value or kept or refused, f"the last {field} of {row_id} was lost: {value!r}"
        for t, rows in dumps[0].items():
            ids = [r.get("id", r.get("project_id")) for r in rows]
            assert len(ids) == len(set(ids)), f"duplicate rows in {t}"
        tags = [(r["comment_id"], r["user_id"], r["reaction_type"]) for r in dumps[0]["horus_comment_reactions"]]
        assert len(tags) == len(set(tags))
        for conflict in dumps[0]["horus_sync_conflicts"]:
            assert conflict["incoming_author"] and conflict["winner"] in ("incoming", "existing")


@pytest.mark.postgres
def test_random_edits_faults_and_crashes_converge(pg_server_url: str, sync_template: str) -> None:
    SyncMachine.admin_url, SyncMachine.template = pg_server_url, sync_template
    run = SyncMachine.TestCase
    # Shrinking replays whole server rounds and can take minutes: on only when asked (HORUS_SYNC_SHRINK=1).
    phases = list(Phase) if os.environ.get("HORUS_SYNC_SHRINK") == "1" else [Phase.explicit, Phase.generate]
    run.settings = settings(max_examples=EXAMPLES, stateful_step_count=25, deadline=None, phases=phases,
                            suppress_health_check=list(HealthCheck))
    run().runTest()

"""The client's side of sync in its SQLite store: the outbox, the pull cursor, applying pulled rows.

A pull applies its rows in one transaction that also moves the cursor, with the capture triggers quiet (a
pulled row is not a local change), and never over a field this client changed and has not pushed yet.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from horus_desktop.domain.hlc import Hlc, receive, tick
from horus_desktop.store.bulk_insert import capture_trigger, triggers_absent
from horus_desktop.store.repositories.base import Repository
from horus_desktop.store.sync_codec import (
    local_row_id,
    row_from_wire,
    row_to_wire,
    rows_to_stored,
    stored_columns,
    wire_row_id,
)
from horus_desktop.store.sync_tables import (
    SYNCED_TABLES,
    conflicts_table,
    outbox_table,
    rejected_table,
    review_table,
    state_table,
)
from horus_desktop.store.types import utcnow
from horus_desktop.store.unit_of_work import ChangeSet, WriteContext

ALL_FIELDS = "*"


@dataclass(frozen=True, slots=True)
class OutboxOp:
    """A captured change waiting to be pushed; its rows are wire JSON text, as the capture trigger wrote them."""

    seq: int
    op_id: str
    table: str
    row_id: str
    kind: str
    old_json: str | None
    new_json: str | None
    base: int
    hlc: str
    author: str

    @property
    def old(self) -> dict[str, Any] | None:
        """The row before the change (wire form), None for an insert."""
        return json.loads(self.old_json) if self.old_json else None

    @property
    def new(self) -> dict[str, Any] | None:
        """The row after the change (wire form), None for a delete."""
        return json.loads(self.new_json) if self.new_json else None

    def wire(self) -> dict[str, Any]:
        """The op as the server's push function reads it."""
        return json.loads(self.wire_json())

    def wire_json(self) -> str:
        """The op as JSON text, built around the rows' text as captured (nothing parsed or re-encoded)."""
        row_id = wire_row_id(self.table, self.row_id)
        row_id = f'"{row_id}"' if SYNCED_TABLES[self.table][1] == "uuid" else json.dumps(row_id)
        return (f'{{"op_id":"{self.op_id}","table":"{self.table}","row_id":{row_id},'
                f'"kind":"{self.kind}","old":{self.old_json or "null"},"new":{self.new_json or "null"},'
                f'"base":{int(self.base)},"hlc":{_json_text(self.hlc)},"author":{_json_text(self.author)}}}')


@lru_cache(maxsize=256)  # authors and clocks repeat across a page's ops
def _json_text(value: str | None) -> str:
    return json.dumps(value)


@dataclass(frozen=True, slots=True)
class PulledRow:
    """One change read from the server: the row's current state (None when gone) and its version."""

    table: str
    row_id: str
    row: dict[str, Any] | None
    version: int


@dataclass(frozen=True, slots=True)
class LocalSyncState:
    """Who this client is and where its pull stands."""

    client_id: str
    cursor: tuple[int, int]
    last_sync: datetime | None
    hlc: str | None


class SyncLocalRepository(Repository):
    """Outbox, cursor, rejected ops and conflict rows of a SQLite client store."""

    def state(self) -> LocalSyncState:
        """This client's id, pull cursor (xid, seq), last successful sync and clock."""
        with self._uow.read() as session:
            r = session.execute(select(state_table)).one()
        return LocalSyncState(r.client_id, (int(r.cursor_xid), int(r.cursor_seq)), r.last_sync, r.hlc)

    def pending_count(self) -> int:
        """How many ops wait to be pushed."""
        with self._uow.read() as session:
            return int(session.execute(select(func.count()).select_from(outbox_table)).scalar_one())

    def pending(self, limit: int, author: str, after: int = 0) -> list[OutboxOp]:
        """The oldest ``limit`` ops (past outbox position ``after``), stamped first if a write outside the store
        left them without clock/author."""
        with self._uow.read() as session:  # plain rows: the op's JSON is sent as the trigger wrote it
            rows = session.connection().exec_driver_sql(_PAGE, (after, limit)).all()
        if all(r[8] is not None and r[9] is not None for r in rows):  # clock and author: stamped at commit
            return [OutboxOp(*r) for r in rows]
        with self._uow.write(origin="sync") as ctx:
            s = ctx.session
            if s.execute(select(outbox_table.c.seq).where(outbox_table.c.hlc.is_(None)).limit(1)).first():
                client_id, last = s.execute(select(state_table.c.client_id, state_table.c.hlc)).one()
                now = str(tick(Hlc.parse(last) if last else None, client_id))
                s.execute(update(outbox_table).where(outbox_table.c.hlc.is_(None)).values(hlc=now))
                s.execute(update(state_table).values(hlc=now))
            s.execute(update(outbox_table).where(outbox_table.c.author.is_(None)).values(author=author))
            rows = s.connection().exec_driver_sql(_PAGE, (after, limit)).all()
        return [OutboxOp(*r) for r in rows]

    def acknowledge(self, ops: list[OutboxOp], results: list[dict[str, Any]],
                    refreshed: list[PulledRow]) -> ChangeSet:
        """Record the server's answers: ops leave the outbox, refused ones are kept with their reason, row
        versions move, and rows the server holds differently (merged, lost conflict, refused) are refreshed."""
        with self._uow.write(origin="sync") as ctx:
            s = ctx.session
            raw = s.connection()
            versions: dict[tuple[str, str], int] = {}
            for op, result in zip(ops, results, strict=True):
                if result.get("status") == "rejected":
                    s.execute(sqlite_insert(rejected_table).values(
                        op_id=op.op_id, table_name=op.table, row_id=op.row_id,
                        reason=str(result.get("reason") or "refused by the server"), at=utcnow(),
                    ).on_conflict_do_nothing())
                elif result.get("version"):
                    versions[(op.table, op.row_id)] = int(result["version"])
            done = [op.op_id for op in ops]
            for start in range(0, len(done), 500):  # one statement per chunk: a page is acknowledged at once
                chunk = done[start:start + 500]
                raw.exec_driver_sql(f"DELETE FROM horus_sync_outbox WHERE op_id IN ({', '.join('?' * len(chunk))})",
                                    tuple(chunk))
            if versions:
                raw.exec_driver_sql(_UPSERT_VERSION, [(t, r, v) for (t, r), v in versions.items()])
            self._apply_rows(ctx, refreshed)
        return ChangeSet(tuple(ctx.changes), "sync")

    def apply_pull(self, rows: list[PulledRow], cursor: tuple[int, int], hlc: str | None) -> ChangeSet:
        """Apply one page of pulled rows and move the cursor, in one transaction."""
        with self._uow.write(origin="sync") as ctx:
            self._apply_rows(ctx, rows)
            values: dict[str, Any] = {"cursor_xid": cursor[0], "cursor_seq": cursor[1], "last_sync": utcnow()}
            if hlc:
                client_id, last = ctx.session.execute(select(state_table.c.client_id, state_table.c.hlc)).one()
                values["hlc"] = str(receive(Hlc.parse(last) if last else None, Hlc.parse(hlc), client_id))
            ctx.session.execute(update(state_table).values(**values))
        return ChangeSet(tuple(ctx.changes), "sync")

    def mark_synced(self) -> None:
        """Note the time of a successful round that had nothing to pull."""
        with self._uow.write(origin="sync") as ctx:
            ctx.session.execute(update(state_table).values(last_sync=utcnow()))

    def rejected(self) -> list[tuple[str, str, str, str]]:
        """(op_id, table, row_id, reason) of every op the server refused."""
        with self._uow.read() as session:
            return [tuple(r) for r in session.execute(select(
                rejected_table.c.op_id, rejected_table.c.table_name, rejected_table.c.row_id,
                rejected_table.c.reason).order_by(rejected_table.c.at))]

    def conflicts(self, unresolved_only: bool) -> list[dict[str, Any]]:
        """Conflict rows (as dicts), oldest first."""
        stmt = select(conflicts_table).order_by(conflicts_table.c.created_at, conflicts_table.c.id)
        if unresolved_only:
            stmt = stmt.where(conflicts_table.c.resolved.is_(False))
        with self._uow.read() as session:
            return [dict(r._mapping) for r in session.execute(stmt)]

    def resolve(self, conflict_id: Any, choice: str, values: dict[str, Any], by: str) -> None:
        """Mark a conflict resolved and set the row to the chosen ``values`` (wire form, may be empty): both
        are local changes, so the choice syncs like any edit."""
        with self._uow.write() as ctx:
            s = ctx.session
            c = s.execute(select(conflicts_table).where(conflicts_table.c.id == conflict_id)).one()
            if values and c.table_name in SYNCED_TABLES:
                table = review_table(c.table_name)
                pk = SYNCED_TABLES[c.table_name][0]
                stored = row_from_wire(c.table_name, values)
                s.execute(update(table).where(table.c[pk] == _pk_value(c.table_name, c.row_id)).values(**stored))
                ctx.record(c.table_name, _pk_value(c.table_name, c.row_id), "update")
            s.execute(update(conflicts_table).where(conflicts_table.c.id == conflict_id).values(
                resolved=True, resolution=choice, resolved_by=by))
            ctx.record("horus_sync_conflicts", conflict_id, "update")

    # ------------------------------------------------------------------------------------------------

    def _apply_rows(self, ctx: WriteContext, rows: list[PulledRow]) -> None:
        if not rows:
            return
        s = ctx.session
        s.execute(update(state_table).values(applying=1))  # capture triggers quiet until the end of this
        # Rows of one page may name a parent further on (a row changed twice keeps its first place): foreign
        # keys are checked at commit, when the whole page is in.
        s.execute(text("PRAGMA defer_foreign_keys = ON"))
        try:
            pending = _pending_fields(ctx)
            latest: dict[tuple[str, str], PulledRow] = {}
            for r in rows:  # a row changed twice in a page: its current state, applied once, at its first place
                latest[(r.table, r.row_id)] = r
            by_table: dict[str, list[PulledRow]] = {}
            for r in latest.values():
                by_table.setdefault(r.table, []).append(r)
            for name, group in by_table.items():
                self._apply_table(ctx, name, group, pending)
        finally:
            s.execute(update(state_table).values(applying=0))

    def _apply_table(self, ctx: WriteContext, name: str, rows: list[PulledRow],
                     pending: dict[tuple[str, str], set[str]]) -> None:
        """Apply the pulled rows of one table: existing rows read in chunks, new rows inserted in one batch."""
        s, table = ctx.session, review_table(name)
        pk = SYNCED_TABLES[name][0]
        raw = s.connection()
        existing: dict[Any, dict[str, Any]] = {}
        keys = [_pk_value(name, r.row_id) for r in rows]
        local_ids = [local_row_id(name, r.row_id) for r in rows]  # as SQLite stores the key
        for start in range(0, len(keys), 500):  # which rows are here already: a plain read of their keys
            chunk = local_ids[start:start + 500]
            if raw.exec_driver_sql(f"SELECT 1 FROM {name} WHERE {pk} IN ({', '.join('?' * len(chunk))}) LIMIT 1",
                                   tuple(chunk)).first() is None:
                continue
            for found in s.execute(select(table).where(table.c[pk].in_(keys[start:start + 500]))):
                existing[found._mapping[pk]] = dict(found._mapping)
        inserts: list[dict[str, Any]] = []
        versions: list[tuple[str, str, int]] = []
        for r, key, local_id in zip(rows, keys, local_ids, strict=True):
            mine = pending.get((name, local_id))
            if mine is not None and ALL_FIELDS in mine:
                continue  # made or deleted here and not pushed yet: the local change stays on top
            have = existing.get(key)
            if r.row is None:
                if have is not None and not mine:
                    s.execute(delete(table).where(table.c[pk] == key))
                    ctx.record(name, key, "delete", **_where(have))
                continue
            if have is None:
                if mine:
                    continue
                inserts.append(r.row)  # the server's row is in wire form already
                ctx.record(name, key, "insert", **_where(r.row))
            else:
                incoming = row_to_wire(name, r.row)
                current = row_to_wire(name, have)
                diff = {k: v for k, v in incoming.items() if current.get(k) != v and k not in (mine or ())}
                if diff:
                    changed = row_from_wire(name, diff)
                    s.execute(update(table).where(table.c[pk] == key).values(**changed))
                    ctx.record(name, key, "update", **_where({**have, **changed}))
            versions.append((name, local_id, r.version))
        if inserts:
            # New rows go in with one plain executemany in the stored form (the codec knows it): no ORM
            # per-value type handling. Capture is quiet in a pull, so no op is made.
            columns = stored_columns(name, inserts)
            with triggers_absent(raw, [capture_trigger(name)], len(inserts)):
                raw.exec_driver_sql(
                    f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                    rows_to_stored(name, columns, inserts))
        if versions:
            raw.exec_driver_sql(_UPSERT_VERSION, versions)


_PAGE = ("SELECT seq, op_id, table_name, row_id, kind, old_row, new_row, base_version, hlc, author "
         "FROM horus_sync_outbox WHERE seq > ? ORDER BY seq LIMIT ?")
_UPSERT_VERSION = ("INSERT INTO horus_sync_row_versions (table_name, row_id, row_version) VALUES (?, ?, ?) "
                   "ON CONFLICT (table_name, row_id) DO UPDATE SET row_version = excluded.row_version")


def _where(values: dict[str, Any]) -> dict[str, Any]:
    """The media and frame a pulled row is of, so open panels refresh it like a local write."""
    media, frame = values.get("media_id"), values.get("frame_number")
    if media is not None and not isinstance(media, uuid.UUID):
        media = _media_uuid(str(media))
    return {"media_id": media, "frame": frame if isinstance(frame, int) else None}


@lru_cache(maxsize=1024)  # a page's rows are mostly of a few media
def _media_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _pk_value(table: str, wire_id: str) -> Any:
    return uuid.UUID(wire_id) if SYNCED_TABLES[table][1] == "uuid" else wire_id


def _pending_fields(ctx: WriteContext) -> dict[tuple[str, str], set[str]]:
    """(table, local row id) -> the fields this client changed and has not pushed (``*`` = the whole row)."""
    out: dict[tuple[str, str], set[str]] = {}
    for table, row_id, kind, old, new in ctx.session.execute(select(
            outbox_table.c.table_name, outbox_table.c.row_id, outbox_table.c.kind, outbox_table.c.old_row,
            outbox_table.c.new_row)):
        fields = out.setdefault((table, row_id), set())
        if kind != "update":
            fields.add(ALL_FIELDS)
            continue
        before, after = json.loads(old), json.loads(new)
        fields.update(k for k in after if before.get(k) != after[k])
    return out

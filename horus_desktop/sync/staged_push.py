"""Sending one page of ops: runs of new rows as typed rows by ``COPY``, every other op as jsonb (revision 0013).

A page is cut, in its order, into segments: a run of at least ``MIN_RUN`` consecutive inserts into one table
is staged (``horus_sync_stage``, ``COPY``, ``horus_sync_push_staged``); the ops between runs go through
``horus_sync_push`` as jsonb. All segments of a page are sent in one server transaction, so the page is
applied whole or not at all, and their answers come back in the page's order. The server decides everything
as before (see ``store/sync_server_staged_sql.py``): staging only spares it parsing the page as jsonb.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from horus_desktop.store.repositories.sync_local import OutboxOp
from horus_desktop.store.sync_codec import wire_row_id
from horus_desktop.store.sync_copy import NotStageable, copy_rows
from horus_desktop.store.sync_server_sql import SCHEMA_MISMATCH_SQLSTATE
from horus_desktop.store.sync_server_staged_sql import STAGE_OP_COLUMNS
from horus_desktop.store.sync_tables import SYNCED_TABLES

#: The shortest run of inserts worth a staging table (the server takes shorter ones op by op anyway).
MIN_RUN = 2


class StagingRefused(Exception):
    """The server did not take a page's typed rows (a value its column refuses, no right to make a temporary
    table): nothing of the page was applied, and it is to be sent as jsonb, which answers op by op."""


@dataclass(frozen=True)
class Segment:
    """Consecutive ops of a page: a staged run of ``table`` (``columns``, ``rows``: the COPY data), or, with
    ``table`` None, ops sent as jsonb."""

    ops: list[OutboxOp]
    table: str | None = None
    columns: tuple[str, ...] = ()
    rows: tuple[Sequence[Any], ...] = ()


_HEX = frozenset("0123456789abcdef")


def _wire_row_id(table: str) -> Callable[[str], str]:
    """How a row id of ``table`` is keyed on the server (``sync_codec.wire_row_id``), with the common case, a
    UUID stored as 32 lower-case hex digits, dashed here without a call per op into the codec."""
    def general(local_id: str) -> str:
        return wire_row_id(table, local_id)

    def dashed(local_id: str) -> str:
        if len(local_id) == 32 and _HEX.issuperset(local_id):
            return f"{local_id[:8]}-{local_id[8:12]}-{local_id[12:16]}-{local_id[16:20]}-{local_id[20:]}"
        return general(local_id)

    return dashed if SYNCED_TABLES[table][1] == "uuid" else general


def _run_end(ops: Sequence[OutboxOp], start: int) -> int:
    table = ops[start].table
    end = start
    while end < len(ops) and ops[end].kind == "insert" and ops[end].table == table and ops[end].new_json:
        end += 1
    return end


def segments(ops: Sequence[OutboxOp]) -> list[Segment]:
    """``ops`` cut into staged runs of new rows and jsonb segments, in order."""
    out: list[Segment] = []
    loose: list[OutboxOp] = []
    i = 0
    while i < len(ops):
        end = _run_end(ops, i)
        if end - i >= MIN_RUN:
            run = list(ops[i:end])
            try:
                columns, values = copy_rows(run[0].table, [op.new_json or "" for op in run])
            except NotStageable:
                columns = []
            if columns:
                if loose:
                    out.append(Segment(loose))
                    loose = []
                table = run[0].table
                row_id = _wire_row_id(table)
                rows = tuple([n, op.op_id, row_id(op.row_id), op.hlc, op.author, op.base, *vals]
                             for n, (op, vals) in enumerate(zip(run, values, strict=True)))
                out.append(Segment(run, table, (*STAGE_OP_COLUMNS, *columns), rows))
                i = end
                continue
        loose.append(ops[i])
        i += 1
    if loose:
        out.append(Segment(loose))
    return out


def json_page(ops: Sequence[OutboxOp]) -> str:
    """The ops as the jsonb array ``horus_sync_push`` reads (their JSON as captured)."""
    return "[" + ",".join(op.wire_json() for op in ops) + "]"


def send_json(conn: psycopg.Connection[Any], client_id: str, head: str, ops: Sequence[OutboxOp]) -> list[Any]:
    """Every op of a page as jsonb: one call, one transaction (the protocol of revisions 0004-0012)."""
    return list(conn.execute("SELECT horus_sync_push(%s, %s, %s::jsonb)",
                             (client_id, head, json_page(ops))).fetchone()[0])


def send_staged(conn: psycopg.Connection[Any], client_id: str, head: str, parts: Sequence[Segment]) -> list[Any]:
    """A page's segments in one server transaction; the answers in the page's order. Raises
    :class:`StagingRefused` (the transaction rolled back) when the server refuses the staged rows."""
    results: list[Any] = []
    try:
        with conn.transaction():
            for part in parts:
                if part.table is None:
                    results += conn.execute("SELECT horus_sync_push(%s, %s, %s::jsonb)",
                                            (client_id, head, json_page(part.ops))).fetchone()[0]
                    continue
                (stage,) = conn.execute("SELECT horus_sync_stage(%s)", (part.table,)).fetchone()
                copy_sql = sql.SQL("COPY pg_temp.{} ({}) FROM STDIN").format(
                    sql.Identifier(stage), sql.SQL(", ").join(sql.Identifier(c) for c in part.columns))
                with conn.cursor() as cur, cur.copy(copy_sql) as copy:
                    for row in part.rows:
                        copy.write_row(row)
                results += conn.execute("SELECT horus_sync_push_staged(%s, %s, %s)",
                                        (client_id, head, part.table)).fetchone()[0]
    except UnicodeEncodeError as exc:  # a lone surrogate psycopg cannot send: the jsonb push says what is wrong
        raise StagingRefused(f"a value that is not text UTF-8 can carry ({exc.reason})") from exc
    except psycopg.OperationalError:
        raise  # the server went away: the caller retries the page
    except psycopg.Error as exc:
        if exc.sqlstate == SCHEMA_MISMATCH_SQLSTATE:
            raise
        raise StagingRefused(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__) from exc
    return results

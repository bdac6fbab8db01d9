"""Set-based inserts on SQLite. A batch of new rows goes in with one plain ``executemany`` in the stored form
(``sync_codec.rows_to_stored``, as a sync pull writes rows). From :data:`TRIGGERS_ABSENT_ROWS` rows, the
table's per-row insert triggers that a set-based statement can replace are absent for the insert
(:func:`triggers_absent`), and the batch's sync outbox ops (and for media its search rows) are then written
with one ``INSERT .. SELECT`` each, giving the very rows the triggers would have written
(``sync_tables.sqlite_capture_inserts_sql``). An ingest's media batches, a playlist import's timeline and clip
rows, and a sync pull's new rows (there without ops: pulled rows are not local changes) are written this way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from itertools import chain
from typing import Any

from sqlalchemy import JSON, Table

from horus_desktop.store.field_rules import NUL, VOCABULARY_COLUMNS, check_row
from horus_desktop.store.sync_codec import rows_to_stored, sqlite_wire_by_row, sqlite_wire_constants
from horus_desktop.store.sync_tables import sqlite_capture_inserts_sql, sqlite_capture_trigger

#: From this many new rows of one table in one statement, its insert triggers are taken away for the insert.
#: Below it, the triggers run per row. The writer gains from ~25 rows (a 200-media batch 78 -> 44 ms of CPU
#: here), but after the commit every other open connection reads the changed schema again once (~15 ms here):
#: for fewer rows the writer's gain is smaller than that.
TRIGGERS_ABSENT_ROWS = 200


def capture_trigger(table: str) -> str:
    """The name of ``table``'s sync capture trigger on inserts (``sync_tables``)."""
    return sqlite_capture_trigger(table, "ins")


@contextmanager
def triggers_absent(raw: Any, names: Sequence[str], rows: int) -> Iterator[frozenset[str]]:
    """For a write of ``rows`` new rows on the SQLite connection ``raw`` inside its transaction: from
    :data:`TRIGGERS_ABSENT_ROWS` rows, the triggers ``names`` (those that exist) are dropped for the block and
    made again from their own stored text (``sqlite_master``) before it ends. Yields the names dropped, so the
    caller writes what they would have written (nothing dropped: the triggers ran per row).

    Even quiet, a trigger runs its ``WHEN`` for every row, often costing more than the insert itself. SQLite's
    schema changes are part of the transaction: another connection never sees a trigger missing (it cannot
    write meanwhile, and reads the schema as last committed), and a transaction that fails rolls back with its
    triggers. A trigger still missing when the block ends (the block raised, the transaction goes on) is made
    again all the same, in its original order."""
    if rows < TRIGGERS_ABSENT_ROWS or not names:
        yield frozenset()
        return
    if not raw.connection.driver_connection.in_transaction:
        # The sqlite3 module begins a transaction only before a DML statement: a DROP first would be
        # committed on its own at once. Begin here (taking the write lock the DROP would take).
        raw.exec_driver_sql("BEGIN IMMEDIATE")
    marks = ", ".join("?" * len(names))
    query = f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks}) ORDER BY rowid"
    found = [tuple(r) for r in raw.exec_driver_sql(query, tuple(names))]
    for name, _ in found:
        raw.exec_driver_sql(f'DROP TRIGGER "{name}"')
    try:
        yield frozenset(name for name, _ in found)
    finally:
        # After a failed statement the transaction may have been rolled back whole (its triggers are back).
        present = {r[0] for r in raw.exec_driver_sql(query, tuple(names))}
        for name, sql in found:
            if name not in present:
                raw.exec_driver_sql(sql)


def checked_stored_rows(table: Table, columns: list[str], rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """``rows`` in the stored form (``sync_codec.rows_to_stored``), after the field rules (``check_row``: run
    by an event on SQLAlchemy's statements, not on a driver one). A JSON value is checked for NUL on the text
    just encoded for storage: JSON writes every NUL as ``\\u0000``, so text without that has none, and only a
    value whose text has it is walked (a literal backslash-u0000 is no NUL). A 2,000-clip playlist's document
    (1.5 MB) and clip metadata are so encoded once, not once for the check and again for the row."""
    json_at = _json_columns(table, tuple(columns))
    if not json_at:
        for row in rows:
            check_row(table.name, row, columns)
        return rows_to_stored(table.name, columns, rows)
    try:
        stored = rows_to_stored(table.name, columns, rows)
    except (TypeError, ValueError, RecursionError):
        for row in rows:  # a value JSON cannot write: the rules first (a NUL in it is named), else its error
            check_row(table.name, row, columns)
        raise
    if _rules_hold(table.name, columns, stored, json_at):
        return stored
    skip = frozenset(columns[i] for i in json_at)
    for row, values in zip(rows, stored, strict=True):  # a rule broken somewhere: the first is named
        for i in json_at:
            if "\\u0000" in values[i]:
                check_row(table.name, {columns[i]: row.get(columns[i])}, columns)
        check_row(table.name, {k: v for k, v in row.items() if k not in skip}, columns)
    return stored


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _rules_hold(table: str, columns: list[str], stored: list[tuple[Any, ...]], json_at: tuple[int, ...]) -> bool:
    """Whether no stored value breaks a field rule, judged for the whole batch at once: every value a plain
    scalar, no NUL in any text (all the texts joined, one search in C), each vocabulary column's text one of
    its words (``field_rules.VOCABULARY_COLUMNS``), and JSON text holding no ``\\u0000``. What ``check_row``
    decides row by row (~4 us a row, a tenth of a 2,000-clip import's row writing); False sends the batch
    to it, which names the first bad value."""
    values = list(chain.from_iterable(stored))
    if not _SCALARS.issuperset(map(type, values)):
        return False
    if NUL in "".join([value for value in values if type(value) is str]):
        return False
    if any("\\u0000" in row[i] for row in stored for i in json_at):
        return False
    for i, name in enumerate(columns):
        words = VOCABULARY_COLUMNS.get((table, name))
        if words is not None and any(type(row[i]) is str and row[i] not in words for row in stored):
            return False
    return True


@cache
def _json_columns(table: Table, columns: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(i for i, name in enumerate(columns) if isinstance(table.c[name].type, JSON))


@cache
def _fill_outbox(table: str) -> str:
    return sqlite_capture_inserts_sql(table, "m.rowid > ?")


@cache
def json_known_valid(sql: str, table: Table) -> str:
    """A capture statement of ``table`` (``sqlite_capture_inserts_sql`` or :func:`stamped_inserts_sql`) for rows
    whose JSON columns are known to hold JSON text: each such value is minified (``json``) without being
    checked first (``json_valid`` parses it once more: a tenth of a 2,000-clip import's clip ops). The op is
    the same: the check only turns a text that is no JSON into a JSON string."""
    for column in table.columns:
        if isinstance(column.type, JSON):
            ref = f"m.{column.name}"
            checked = f"json(CASE WHEN json_valid({ref}) THEN {ref} ELSE json_quote({ref}) END)"
            if sql.count(checked) != 1:
                raise RuntimeError(f"the capture statement of {table.name} is not the one expected here")
            sql = sql.replace(checked, f"json({ref})")
    return sql


def dumped_json_valid(texts: Iterable[str]) -> bool:
    """Whether texts ``json.dumps`` wrote are all JSON: it writes invalid JSON only for a float that is not
    finite (``NaN``, ``Infinity``; a string holding those words is taken as invalid too, which only costs the
    check the capture trigger makes)."""
    return not any("NaN" in text or "Infinity" in text for text in texts)


#: A transaction's op stamp (``WriteContext.stamp``): its clock and author, or None when its commit stamps ops.
Stamp = Callable[[], tuple[str, str | None] | None]


@cache
def stamped_inserts_sql(table: str, where: str) -> str:
    """``sqlite_capture_inserts_sql`` writing each op stamped: its clock and author are the statement's first
    two parameters, then ``where``'s; the commit then leaves those ops as they are (rewriting them costs as
    much again: a 2,000-clip import's document op is 1.2 MB)."""
    sql = sqlite_capture_inserts_sql(table, where)
    into, select = "base_version) SELECT ", f" FROM {table} AS m WHERE "
    if sql.count(into) != 1 or sql.count(select) != 1:
        raise RuntimeError(f"the capture statement of {table} is not the one expected here")
    return sql.replace(into, "base_version, hlc, author) SELECT ").replace(select, ", ?, ?" + select)


def insert_set_based(session: Any, table: Table, rows: list[dict[str, Any]], *,
                     replaces: Mapping[str, str] | None = None, stamp: Stamp | None = None) -> None:
    """Insert ``rows`` (every column named) into ``table`` on SQLite inside the session's transaction, as the
    per-row triggers would leave them: from :data:`TRIGGERS_ABSENT_ROWS` rows without the capture trigger and
    the triggers of ``replaces`` (trigger name -> the statement writing what it writes for the batch, run with
    the largest rowid before the batch), the batch's insert ops then appended to the outbox in rowid order.

    The new rows are those past the largest rowid before the insert: SQLite gives each new row the largest
    rowid plus one (these tables have no AUTOINCREMENT), and the first write (a drop) takes the database's
    write lock, so no other connection's row can fall in the batch. With ``stamp``, the batch's ops are written
    already stamped when it gives a clock (:func:`stamped_inserts_sql`)."""
    columns = list(table.c.keys())
    stored = checked_stored_rows(table, columns, rows)
    json_at = _json_columns(table, tuple(columns))
    insert_stored(session, table, columns, stored, replaces=replaces, stamp=stamp,
                  json_valid=bool(json_at) and dumped_json_valid(row[i] for row in stored for i in json_at))


def insert_stored(session: Any, table: Table, columns: Sequence[str], stored: list[tuple[Any, ...]], *,
                  replaces: Mapping[str, str] | None = None, stamp: Stamp | None = None,
                  json_valid: bool = False) -> None:
    """:func:`insert_set_based` of rows already in the stored form and checked (:func:`checked_stored_rows`),
    each a tuple of ``columns`` (every column of the table, in any order). ``json_valid``: every JSON column
    of every row holds JSON text (:func:`dumped_json_valid`), so the ops minify it unchecked."""
    capture = capture_trigger(table.name)
    fill = _fill_outbox(table.name)
    fills = {capture: json_known_valid(fill, table) if json_valid else fill, **(replaces or {})}
    raw = session.connection()
    with triggers_absent(raw, list(fills), len(stored)) as dropped:
        # (A schema another connection changed is read afresh by every write transaction: store/engine.py.)
        after = raw.exec_driver_sql(f"SELECT coalesce(max(rowid), 0) FROM {table.name}").scalar_one() \
            if dropped else 0
        raw.exec_driver_sql(f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                            stored)
        for name, sql in fills.items():
            if name in dropped:
                stamped = stamp() if stamp is not None and name == capture else None
                if stamped is not None:
                    sql = stamped_inserts_sql(table.name, "m.rowid > ?")
                    sql = json_known_valid(sql, table) if json_valid else sql
                if name == capture:
                    sql = sqlite_wire_constants(sql, table.name, _batch_constants(raw, table.name, columns, stored,
                                                                                  after))
                raw.exec_driver_sql(sql, (after,) if stamped is None else (*stamped, after))


def _batch_constants(raw: Any, table: str, columns: Sequence[str], stored: list[tuple[Any, ...]],
                     after: int) -> dict[str, str]:
    """The wire text of each id or timestamp column (``sync_codec.sqlite_wire_by_row``) whose stored value is
    one text in every row of the batch just inserted (past rowid ``after``): an import's timeline id and its
    one moment in each clip row, a media batch's moment. SQLite works each out once, with the very expression
    its ops use, on the first new row (equal texts bound are equal values stored), so its ops may take them
    as they are (``sync_codec.sqlite_wire_constants``)."""
    if len(stored) < 2:
        return {}
    same: list[tuple[str, str]] = []
    for name, expr in sqlite_wire_by_row(table):
        at = columns.index(name)
        first = stored[0][at]
        if type(first) is str and all(row[at] == first for row in stored):
            same.append((name, expr))
    if not same:
        return {}
    found = raw.exec_driver_sql(f"SELECT {', '.join(expr for _, expr in same)} FROM {table} AS m "
                                "WHERE m.rowid > ? ORDER BY m.rowid LIMIT 1", (after,)).one()
    return {name: text for (name, _), text in zip(same, found, strict=True) if type(text) is str}

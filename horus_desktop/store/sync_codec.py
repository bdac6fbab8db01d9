"""Rows between a SQLite client, the wire (JSON) and the PostgreSQL server, in one canonical form.

On the wire a UUID is its dashed text, a timestamp ISO 8601 in UTC, a boolean a JSON boolean, a JSON column
its JSON value and a decimal a number: what PostgreSQL's ``to_jsonb`` writes and ``jsonb_populate_record``
reads. A SQLite capture trigger writes the raw stored values (32-hex ids, 0/1, JSON as text); they are turned
into the wire form here, and pulled rows back into Python values SQLAlchemy stores faithfully.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import JSON, Boolean, Numeric, Uuid, select
from sqlalchemy.orm import Session

from horus_desktop.store.sync_tables import SYNCED_TABLES, review_table
from horus_desktop.store.types import UtcDateTime

_UUID, _BOOL, _TIME, _JSON, _NUM, _PLAIN = range(6)


@cache
def _kinds(table: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for col in review_table(table).columns:
        t = col.type
        kind = (_UUID if isinstance(t, Uuid) else _BOOL if isinstance(t, Boolean)
                else _TIME if isinstance(t, UtcDateTime) else _JSON if isinstance(t, JSON)
                else _NUM if isinstance(t, Numeric) else _PLAIN)
        out[col.name] = kind
    return out


_HEX = frozenset("0123456789abcdef")


def _time_wire(value: Any) -> str:
    if isinstance(value, str) and len(value) == 26 and value[10] in " T" and value[19] == "." \
            and value[20:].isdigit():
        return f"{value[:10]}T{value[11:]}+00:00"  # as SQLite stores it (naive UTC): the common case, quickly
    if isinstance(value, str) and len(value) == 32 and value[10] == "T" and value[19] == "." \
            and value[26:] == "+00:00":
        return value  # already the wire form (the server's to_jsonb in UTC)
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    else:
        moment = datetime.fromisoformat(str(value))
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def value_to_wire(kind: int, value: Any, raw: bool = False) -> Any:
    """One value in its wire form: ``raw`` for a value as SQLite stores it (JSON as text), else a Python or
    wire value."""
    if value is None:
        return None
    if kind == _UUID:
        if isinstance(value, str) and len(value) == 32 and _HEX.issuperset(value):  # as SQLite stores it
            return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
        return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
    if kind == _BOOL:
        return bool(value)
    if kind == _TIME:
        return _time_wire(value)
    if kind == _JSON:
        return json.loads(value) if raw and isinstance(value, str) else value
    if kind == _NUM:
        return float(value)
    return value


def row_to_wire(table: str, row: dict[str, Any], raw: bool = False) -> dict[str, Any]:
    """A row in wire form (``raw``: as a SQLite capture trigger wrote it); unknown columns are dropped."""
    kinds, out = _kinds(table), {}
    for k, v in row.items():
        kind = kinds.get(k)
        if kind is None:
            continue
        out[k] = v if v is None or kind == _PLAIN else value_to_wire(kind, v, raw)  # plain values: no call
    return out


def row_from_wire(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A wire row as the Python values SQLAlchemy stores (only this schema's columns)."""
    kinds, out = _kinds(table), {}
    for name, value in row.items():
        kind = kinds.get(name)
        if kind is None:
            continue
        if value is None or kind in (_BOOL, _JSON, _PLAIN):
            out[name] = value
        elif kind == _UUID:
            out[name] = uuid.UUID(str(value))
        elif kind == _TIME:
            out[name] = datetime.fromisoformat(_time_wire(value))
        else:
            out[name] = Decimal(str(value))
    return out


def _uuid_stored(value: Any) -> str:
    if isinstance(value, uuid.UUID):
        return value.hex  # a Python value (a bulk insert of new rows)
    if isinstance(value, str) and len(value) == 36 and value[8] == "-" and value[23] == "-":
        return value.replace("-", "").lower()  # the server's to_jsonb form: the common case, quickly
    return uuid.UUID(str(value)).hex


def _time_stored(value: Any) -> str:
    if isinstance(value, str) and len(value) == 32 and value[10] == "T" and value[19] == "." \
            and value[26:] == "+00:00":
        return f"{value[:10]} {value[11:26]}"  # the wire form with microseconds in UTC: the common case
    if isinstance(value, datetime) and value.tzinfo is not None and value.year >= 1000:
        return value.astimezone(UTC).isoformat(" ", "microseconds")[:26]  # a Python value, as SQLAlchemy stores it
    moment = datetime.fromisoformat(_time_wire(value)).astimezone(UTC)
    return f"{moment:%Y-%m-%d %H:%M:%S}.{moment.microsecond:06d}"


_STORED: dict[int, Any] = {
    _UUID: _uuid_stored,
    _BOOL: lambda v: 1 if v else 0,
    _TIME: _time_stored,
    _JSON: json.dumps,  # SQLAlchemy's JSON on SQLite: json.dumps, and None as the JSON text 'null'
    _NUM: float,
}


def stored_columns(table: str, rows: list[dict[str, Any]]) -> list[str]:
    """The columns of ``table`` that wire ``rows`` carry (all of them, from the server), in table order."""
    present = set().union(*rows) if rows else set()
    return [c for c in _kinds(table) if c in present]


def _json_encoder() -> Any:
    """``json.dumps``'s C encoder with its defaults, for one batch of rows: called as ``encode(value, 0)``, it
    gives the chunks of the text ``json.dumps(value)`` writes. ``json.dumps`` makes this encoder (and its
    circular-reference markers) anew for every value, a third of its cost on a clip's small metadata dict
    (2,000 clips: 3.7 -> 2.1 ms). One batch's values are encoded one after another on one thread, and the
    markers are empty again after each value written; a value that fails ends the batch, encoder and all."""
    make = json.encoder.c_make_encoder
    if make is None:  # no C accelerator: json.dumps as it is
        return lambda value, _level: (json.dumps(value),)
    return make({}, json.JSONEncoder().default, json.encoder.encode_basestring_ascii, None, ": ", ", ",
                False, False, True)


@cache
def _stored_rows_function(table: str, columns: tuple[str, ...]) -> Any:
    """A function turning wire rows into tuples of ``columns``, compiled once per table and column list (one
    tuple expression per row: this runs for every pulled row)."""
    kinds = _kinds(table)
    parts = []
    for i, name in enumerate(columns):
        kind = kinds[name]
        if kind == _PLAIN:
            parts.append(f"g({name!r})")
        elif kind == _JSON:  # json.dumps's text; None too: SQLAlchemy stores it as the JSON text 'null'
            parts.append(f"join(dumps(g({name!r}), 0))")
        elif kind in (_UUID, _TIME):  # the value of the row before when it is the very same object (an
            # import's timeline id and its one moment in every clip row): an id or a moment is immutable
            parts.append(f"(o{i} if (v{i} := g({name!r})) is l{i} else "
                         f"(o{i} := (None if (l{i} := v{i}) is None else f{kind}(v{i}))))")
        else:
            parts.append(f"(None if (v{i} := g({name!r})) is None else f{kind}(v{i}))")
    last = "".join(f"    l{i} = o{i} = None\n" for i, name in enumerate(columns) if kinds[name] in (_UUID, _TIME))
    source = (f"def convert(rows):\n    dumps = json_encoder()\n{last}    out = []\n    for row in rows:\n"
              f"        g = row.get\n        out.append(({', '.join(parts)},))\n    return out\n")
    scope: dict[str, Any] = {"json_encoder": _json_encoder, "join": "".join,
                             **{f"f{k}": fn for k, fn in _STORED.items()}}
    exec(compile(source, f"<stored rows of {table}>", "exec"), scope)  # noqa: S102 - source built above
    return scope["convert"]


def rows_to_stored(table: str, columns: list[str], rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Wire rows as the exact values SQLAlchemy stores in SQLite for ``columns`` (32-hex ids, naive UTC
    timestamps with microseconds, 0/1, JSON text): written with a plain ``executemany``, without the ORM's
    per-value type handling. A missing value is NULL (a JSON column's None is the JSON text ``null``, as
    SQLAlchemy stores it)."""
    return _stored_rows_function(table, tuple(columns))(rows)


def sqlite_wire_json(table: str, alias: str) -> str:
    """A SQLite expression giving the row ``alias`` (NEW or OLD) of ``table`` as wire JSON text, in SQL: what
    :func:`row_to_wire` makes of the stored row, so a capture trigger writes ops ready to send (pushing then
    neither parses nor re-encodes them). Stored shapes not written by SQLAlchemy or SQLite's own clock (a
    timestamp in another format) are passed as they are; the server reads them as PostgreSQL input."""
    return _json_object(_wire_parts(table, alias))


def _json_object(parts: list[tuple[str, str]]) -> str:
    return "json_object(" + ", ".join(f"'{name}', {expr}" for name, expr in parts) + ")"


def _wire_parts(table: str, alias: str) -> list[tuple[str, str]]:
    """Each column of ``table`` and its wire expression (:func:`sqlite_wire_json`), in table order."""
    parts = []
    for name, kind in _kinds(table).items():
        ref = f"{alias}.{name}"
        if kind == _UUID:
            expr = (f"CASE WHEN length({ref}) = 32 THEN lower(substr({ref}, 1, 8) || '-' || substr({ref}, 9, 4) "
                    f"|| '-' || substr({ref}, 13, 4) || '-' || substr({ref}, 17, 4) || '-' || substr({ref}, 21)) "
                    f"ELSE lower({ref}) END")
        elif kind == _BOOL:
            expr = f"json(CASE WHEN {ref} IS NULL THEN 'null' WHEN {ref} THEN 'true' ELSE 'false' END)"
        elif kind == _TIME:  # SQLAlchemy's form (microseconds), then SQLite's clock (milliseconds, seconds)
            head = f"substr({ref}, 1, 10) || 'T' || substr({ref}, 12)"
            sep = f"substr({ref}, 11, 1) = ' '"
            expr = (f"CASE WHEN length({ref}) = 26 AND {sep} THEN {head} || '+00:00' "
                    f"WHEN length({ref}) = 23 AND {sep} THEN {head} || '000+00:00' "
                    f"WHEN length({ref}) = 19 AND {sep} THEN {head} || '.000000+00:00' ELSE {ref} END")
        elif kind == _JSON:
            expr = f"json(CASE WHEN json_valid({ref}) THEN {ref} ELSE json_quote({ref}) END)"
        elif kind == _NUM:
            expr = f"CAST({ref} AS REAL)"
        else:
            expr = ref
        parts.append((name, expr))
    return parts


def sqlite_json_verbatim(sql: str, table: str, column: str) -> str:
    """A capture statement of ``table`` (alias ``m``) whose JSON columns are known to hold JSON text
    (``bulk_insert.json_known_valid``), rewritten so the row's JSON takes ``column``'s text as it is stored,
    spliced between the other columns' (a member written as ``json_object`` writes it), instead of SQLite
    parsing and writing it again (``json()``: a 2,000-clip playlist's 1.9 MB document, ~2 ms on each import).

    The op is the same only for a text that ``json()`` writes unchanged: the compact JSON ``json.dumps`` writes
    with ``(",", ":")`` separators, valid (no ``NaN``/``Infinity``: ``bulk_insert.dumped_json_valid``) and
    nested less deep than SQLite reads (2,000 levels; ``json.dumps`` stops at Python's recursion limit). A
    text nobody checked must keep ``json()``. A SQL NULL is ``null``, as ``json()`` of NULL is in the object."""
    parts = [(name, f"json(m.{name})" if kind == _JSON else expr)
             for (name, expr), kind in zip(_wire_parts(table, "m"), _kinds(table).values(), strict=True)]
    known = _json_object(parts)  # the object as json_known_valid leaves it
    names = [name for name, _ in parts]
    if sql.count(known) != 1 or column not in names:
        raise RuntimeError(f"the capture statement of {table} is not the one expected here")
    at = names.index(column)
    before, after = parts[:at], parts[at + 1:]
    if before and _kinds(table)[before[-1][0]] == _JSON:  # its value may end with '}' too: rtrim would cut it
        raise RuntimeError(f"{table}.{column} follows a JSON column: not spliced here")
    head = f"rtrim({_json_object(before)}, '}}') || ',\"{column}\":'" if before else f"'{{\"{column}\":'"
    tail = f"',' || substr({_json_object(after)}, 2)" if after else "'}'"
    return sql.replace(known, f"({head} || coalesce(m.{column}, 'null') || {tail})")


def sqlite_wire_by_row(table: str) -> tuple[tuple[str, str], ...]:
    """Each id and timestamp column of ``table`` and its wire expression on the row ``m`` (those
    :func:`sqlite_wire_json` converts per row: for :func:`sqlite_wire_constants`)."""
    kinds = _kinds(table)
    return tuple((name, expr) for name, expr in _wire_parts(table, "m") if kinds[name] in (_UUID, _TIME))


def sqlite_wire_constants(sql: str, table: str, texts: dict[str, str]) -> str:
    """A capture statement of ``table`` (alias ``m``) in which the wire expression of each column of ``texts``
    is that text, a literal: for a batch whose rows all hold one stored value of the column (an import's
    timeline id, its one moment in every clip row), the text being what the expression gives for it
    (SQLite worked it out once: :func:`sqlite_wire_by_row`), so the op is the same. Worked out per row, each
    such expression cost ~3 ms of a 2,000-clip import's clip ops (substrings and concatenations)."""
    parts = dict(_wire_parts(table, "m"))
    for name, text in texts.items():
        piece = f"'{name}', {parts[name]}"
        if sql.count(piece) != 1:
            raise RuntimeError(f"the capture statement of {table} is not the one expected here")
        literal = text.replace("'", "''")
        sql = sql.replace(piece, f"'{name}', '{literal}'")
    return sql


def outbox_row_to_wire(table: str, stored_json: str) -> str:
    """An op's row as a capture trigger before revision 0007 wrote it (raw stored values) in wire JSON."""
    return json.dumps(row_to_wire(table, json.loads(stored_json), raw=True))


def local_row_id(table: str, wire_id: str) -> str:
    """A row id as the SQLite client keys it (32 hex digits for a UUID)."""
    return _uuid_stored(wire_id) if SYNCED_TABLES[table][1] == "uuid" else wire_id


def wire_row_id(table: str, local_id: str) -> str:
    """A row id as the server keys it (dashed text for a UUID)."""
    return value_to_wire(_UUID, local_id) if SYNCED_TABLES[table][1] == "uuid" else local_id


def canonical_dump(session: Session) -> dict[str, list[dict[str, Any]]]:
    """Every synced row in wire form, sorted: two stores in sync give equal dumps (tests, checks)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name in SYNCED_TABLES:
        table = review_table(name)
        rows = [row_to_wire(name, dict(r._mapping)) for r in session.execute(select(table))]
        for row in rows:  # decimals as the server rounds them (NUMERIC(5,2) on PostgreSQL)
            for key, kind in _kinds(name).items():
                if kind == _NUM and row.get(key) is not None:
                    row[key] = round(row[key], 2)
        out[name] = sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))
    return out

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


def local_row_id(table: str, wire_id: str) -> str:
    """A row id as the SQLite client keys it (32 hex digits for a UUID)."""
    return uuid.UUID(wire_id).hex if SYNCED_TABLES[table][1] == "uuid" else wire_id


def wire_row_id(table: str, local_id: str) -> str:
    """A row id as the server keys it (dashed text for a UUID)."""
    return str(uuid.UUID(local_id)) if SYNCED_TABLES[table][1] == "uuid" else local_id


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

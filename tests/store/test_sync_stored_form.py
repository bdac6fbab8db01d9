"""Sync's fast paths write and read exactly what SQLAlchemy would: a pulled row stored without the ORM is the
same bytes as one stored through it, and a capture trigger's op (wire JSON made in SQL) is what the codec
makes of the stored row. Otherwise two laptops' stores would drift apart while "in sync"."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import JSON, Boolean, Column, MetaData, Numeric, Table, Uuid, create_engine, insert, select

from horus_desktop.store.sync_codec import row_from_wire, row_to_wire, rows_to_stored, sqlite_wire_json
from horus_desktop.store.sync_tables import SYNCED_TABLES, review_table
from horus_desktop.store.types import UtcDateTime


def _twin(name: str, metadata: MetaData, as_name: str) -> Table:
    """The columns of a synced table, with their types and no constraints (rows need no parents)."""
    return Table(as_name, metadata, *[Column(c.name, c.type) for c in review_table(name).columns])


def _python_type(col: Column) -> type | None:
    try:
        return col.type.python_type
    except NotImplementedError:
        return None


def _wire_rows(name: str) -> list[dict[str, Any]]:
    """Rows as the server sends them: every column typed, with edge shapes (nulls, trimmed fractions, JSON)."""
    rows = []
    for variant in range(3):
        row: dict[str, Any] = {}
        for i, col in enumerate(review_table(name).columns):
            t = col.type
            if variant == 2 and not col.primary_key:
                row[col.name] = None
            elif isinstance(t, Uuid):
                row[col.name] = str(uuid.UUID(int=(variant + 1) * 1000 + i))
            elif isinstance(t, Boolean):
                row[col.name] = variant == 0
            elif isinstance(t, UtcDateTime):
                row[col.name] = ("2026-11-30T10:20:30.123456+00:00", "2026-11-30T12:20:30.5+02:00")[variant % 2]
            elif isinstance(t, JSON):
                row[col.name] = ({"a": ["é", 1]}, "text")[variant % 2]
            elif isinstance(t, Numeric):
                row[col.name] = (23.98, 24)[variant % 2]
            elif _python_type(col) is int:
                row[col.name] = 1000 + i + variant
            else:
                row[col.name] = f"{col.name} {variant} ‘quoted’ \"x\""
        rows.append(row)
    return rows


@pytest.mark.parametrize("name", list(SYNCED_TABLES))
def test_a_pulled_row_is_stored_as_sqlalchemy_stores_it(name: str) -> None:
    engine = create_engine("sqlite://")
    metadata = MetaData()
    via_orm, fast = _twin(name, metadata, "via_orm"), _twin(name, metadata, "fast")
    metadata.create_all(engine)
    rows = _wire_rows(name)
    columns = [c.name for c in review_table(name).columns]
    with engine.begin() as conn:
        conn.execute(insert(via_orm), [row_from_wire(name, r) for r in rows])
        conn.exec_driver_sql(f"INSERT INTO fast ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                             rows_to_stored(name, columns, rows))
        stored_orm = conn.exec_driver_sql("SELECT * FROM via_orm ORDER BY rowid").all()
        stored_fast = conn.exec_driver_sql("SELECT * FROM fast ORDER BY rowid").all()
        typed = conn.execute(select(fast)).all()
    assert stored_fast == stored_orm
    assert [row_to_wire(name, dict(r._mapping)) for r in typed] == [
        row_to_wire(name, row_from_wire(name, r)) for r in rows]


@pytest.mark.parametrize("name", list(SYNCED_TABLES))
def test_a_captured_op_is_the_wire_form_of_the_stored_row(name: str) -> None:
    engine = create_engine("sqlite://")
    metadata = MetaData()
    table = _twin(name, metadata, name)
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(table), [row_from_wire(name, r) for r in _wire_rows(name)])
        # Timestamps as SQLite's own clock writes them (the updated_at triggers): milliseconds, or seconds.
        times = [c.name for c in table.columns if isinstance(c.type, UtcDateTime)]
        for rowid, stamp in ((1, "2026-11-30 10:20:30.123"), (2, "2026-11-30 10:20:30")):
            if times:
                conn.exec_driver_sql(f"UPDATE {name} SET {', '.join(f'{t} = ?' for t in times)} WHERE rowid = ?",
                                     (*[stamp] * len(times), rowid))
        raw = conn.exec_driver_sql(f"SELECT * FROM {name} ORDER BY rowid")
        keys = list(raw.keys())
        stored = [dict(zip(keys, r, strict=True)) for r in raw.all()]
        captured = [json.loads(r[0]) for r in conn.exec_driver_sql(
            f"SELECT {sqlite_wire_json(name, 'r')} FROM {name} AS r ORDER BY rowid")]
    assert captured == [row_to_wire(name, r, raw=True) for r in stored]
    assert all(isinstance(v, str) and v.endswith("+00:00") for row in captured for k, v in row.items()
               if isinstance(review_table(name).c[k].type, UtcDateTime) and v is not None)


def test_stored_timestamps_keep_microseconds_in_utc() -> None:
    row = {c.name: None for c in review_table("horus_comments").columns}
    row.update(id=str(uuid.uuid4()), user_id="u", user_name="u", content="c",
               created_at="2026-11-30T12:00:00.25+02:00", updated_at=datetime(2026, 11, 30, tzinfo=UTC).isoformat())
    columns = ["id", "created_at", "updated_at", "frame_number"]
    assert rows_to_stored("horus_comments", columns, [row]) == [
        (uuid.UUID(row["id"]).hex, "2026-11-30 10:00:00.250000", "2026-11-30 00:00:00.000000", None)]

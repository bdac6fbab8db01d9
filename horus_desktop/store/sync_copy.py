"""A run of new rows as typed ``COPY`` rows for the server's staging table (revision 0013).

Each value is handed to psycopg as the wire JSON holds it and becomes the text PostgreSQL's input function
reads, the same value ``jsonb_populate_record`` gives the column for that JSON: a string as it is, a number as
its digits, null as NULL, a boolean (only boolean columns hold one) ``t``/``f``, a text array's list as an
array literal; a JSON column's value is written as JSON text. A run this cannot carry the same way (rows with
other keys than the first, a key that is no column) is not staged but sent as jsonb; a value psycopg cannot
write or the server's column refuses makes the server refuse the page's typed rows, which are then sent as
jsonb too (``sync/staged_push.py``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import JSON
from sqlalchemy.dialects import postgresql

from horus_desktop.store.sync_tables import review_table

_PG = postgresql.dialect()


class NotStageable(ValueError):
    """A run whose rows cannot be written as typed rows exactly as the jsonb push would read them."""


@cache
def _json_columns(table: str) -> frozenset[str]:
    """The columns that are JSON on the PostgreSQL server (a text array is an array there, not JSON)."""
    return frozenset(col.name for col in review_table(table).columns
                     if isinstance(col.type.dialect_impl(_PG), JSON))


@cache
def _columns(table: str) -> frozenset[str]:
    return frozenset(col.name for col in review_table(table).columns)


def copy_rows(table: str, rows_json: Sequence[str]) -> tuple[list[str], list[list[Any]]]:
    """The columns and COPY values of new rows of ``table`` given as wire JSON text (every row with the same
    keys in the same order, each a column of the table). Raises :class:`NotStageable` for a run to send as
    jsonb instead."""
    rows = [json.loads(text) for text in rows_json]
    first = rows[0]
    if not isinstance(first, dict) or not first or not _columns(table).issuperset(first):
        raise NotStageable(f"a {table} row with a key that is not one of its columns")
    keys = tuple(first)
    if any(not isinstance(r, dict) or tuple(r) != keys for r in rows):
        raise NotStageable(f"{table} rows with different keys")
    values = [list(r.values()) for r in rows]
    json_columns = _json_columns(table)
    for i, name in enumerate(keys):
        if name in json_columns:
            for row in values:
                if row[i] is not None:
                    row[i] = json.dumps(row[i])
    return list(keys), values

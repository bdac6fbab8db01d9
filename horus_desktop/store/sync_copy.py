"""A run of new rows as typed ``COPY`` rows for the server's staging table (revision 0013).

Each value is handed to psycopg as the wire JSON holds it and becomes the text PostgreSQL's input function
reads, the same value ``jsonb_populate_record`` gives the column for that JSON: a string as it is, a number as
its digits, null as NULL, a boolean in a boolean column ``t``/``f``, a text array's list of strings as an
array literal; a JSON column's value is written as JSON text. A run this cannot carry the same way (rows with
other keys than the first, a key that is no column, a boolean or a list in a column of another type, a
float in a column that is no number, an array with other elements than strings) is not staged but sent as jsonb; a value psycopg cannot write or the
server's column refuses makes the server refuse the page's typed rows, which are then sent as jsonb too
(``sync/staged_push.py``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import ARRAY, JSON, Boolean, Integer, Numeric
from sqlalchemy.dialects import postgresql

from horus_desktop.store.sync_tables import review_table

_PG = postgresql.dialect()


class NotStageable(ValueError):
    """A run whose rows cannot be written as typed rows exactly as the jsonb push would read them."""


_PLAIN, _NUMBER, _BOOL, _JSON, _ARRAY = range(5)


@cache
def _kinds(table: str) -> dict[str, int]:
    """Each column's form on the PostgreSQL server: JSON, a (text) array, a boolean, a number or another plain
    value."""
    out = {}
    for col in review_table(table).columns:
        server_type = col.type.dialect_impl(_PG)
        out[col.name] = (_ARRAY if isinstance(server_type, ARRAY) else _JSON if isinstance(server_type, JSON)
                         else _BOOL if isinstance(server_type, Boolean)
                         else _NUMBER if isinstance(server_type, Numeric | Integer) else _PLAIN)
    return out


#: Values psycopg would write otherwise than ``jsonb_populate_record`` reads them, outside a column of their
#: type: a boolean (``t`` against ``true``), a list (an array literal against JSON text) and, outside a number
#: column, a float (Python's ``1e+16`` against numeric's ``10000000000000000``).
_ODD_IN_NUMBER = frozenset({bool, list})
_ODD = _ODD_IN_NUMBER | {float, Decimal}


def _number(text: str) -> float | Decimal:
    """A JSON number with a fraction or an exponent: a float when Python writes it back as the same text (what
    the jsonb push reads is then what is sent), else the exact Decimal (numeric's, as jsonb keeps it: 0.1 with
    more digits than a float holds, 1E-400, 1.50), which a number column takes exactly and a JSON or plain
    column does not stage."""
    value = float(text)
    return value if repr(value) == text else Decimal(text)


def _is_text_list(value: Any) -> bool:
    return value is None or value.__class__ is str or (
        value.__class__ is list and all(v is None or v.__class__ is str for v in value))


@cache
def _checker(table: str, columns: tuple[str, ...]) -> Callable[[list[list[Any]]], bool]:
    """A function telling whether every value of the rows is written as the jsonb push reads it (compiled
    once per table and column list: one expression per row)."""
    kinds = _kinds(table)
    tests = [f"r[{i}].__class__ not in odd" for i, c in enumerate(columns) if kinds[c] == _PLAIN]
    tests += [f"r[{i}].__class__ not in odd_number" for i, c in enumerate(columns) if kinds[c] == _NUMBER]
    tests += [f"text_list(r[{i}])" for i, c in enumerate(columns) if kinds[c] == _ARRAY]
    source = (f"def check(rows):\n    for r in rows:\n        if not ({' and '.join(tests) or 'True'}):\n"
              "            return False\n    return True\n")
    scope: dict[str, Any] = {"odd": _ODD, "odd_number": _ODD_IN_NUMBER, "text_list": _is_text_list}
    exec(compile(source, f"<copy check of {table}>", "exec"), scope)  # noqa: S102 - source built above
    return scope["check"]


def copy_rows(table: str, rows_json: Sequence[str]) -> tuple[list[str], list[list[Any]]]:
    """The columns and COPY values of new rows of ``table`` given as wire JSON text (every row with the same
    keys in the same order, each a column of the table). Raises :class:`NotStageable` for a run to send as
    jsonb instead."""
    try:  # one parse for the run: a call per row costs about as much again
        rows = json.loads("[" + ",".join(rows_json) + "]", parse_float=_number)
    except ValueError as exc:  # not JSON: sent as it is, the server's jsonb parse names the fault
        raise NotStageable(f"a {table} row that is not JSON: {exc}") from exc
    if len(rows) != len(rows_json):  # a row's text held more (or less) than one JSON value
        raise NotStageable(f"a {table} row that is not one JSON object")
    first = rows[0]
    kinds = _kinds(table)
    if not isinstance(first, dict) or not first or not kinds.keys() >= first.keys():
        raise NotStageable(f"a {table} row with a key that is not one of its columns")
    keys = tuple(first)
    if any(not isinstance(r, dict) or tuple(r) != keys for r in rows):
        raise NotStageable(f"{table} rows with different keys")
    values = [list(r.values()) for r in rows]
    if not _checker(table, keys)(values):
        raise NotStageable(f"a {table} value of another type than its column's")
    for i, name in enumerate(keys):
        if kinds[name] == _JSON:
            for row in values:
                if row[i] is not None:
                    try:
                        row[i] = json.dumps(row[i])
                    except TypeError as exc:  # a Decimal (`_number`): json.dumps would not write its digits
                        raise NotStageable(f"a {table} {name} number finer than a float") from exc
    return list(keys), values

"""Rules every value written to the store obeys, checked at the one place all writes pass: the engine.

Repositories, importers and the bench write through ORM flushes, ORM bulk inserts and Core statements; every
one of them reaches :meth:`Connection.execute`, where this module's ``before_execute`` listener looks at the
INSERT and UPDATE values before any SQL is sent. A bad value raises :class:`InvalidFieldError` naming
``table.column``; the transaction rolls back, so nothing is half-written.

- **No NUL characters** (``\\x00``) in text, JSON or arrays. PostgreSQL cannot store them at all (a raw
  ``DataError``), and SQLite's full-text index stops reading at one (a tag holding a NUL hid every later tag
  from search). One rule on both databases: refuse, naming the field. Importers strip or refuse first.
- **Vocabulary columns** (approval status, role, timeline type and status, reaction, thumbnail size, track
  type, note content type) hold only the words of :mod:`horus_desktop.domain.vocabulary`; an unknown word is
  refused with the allowed ones listed. Rows already stored are never re-checked (only values being written).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Engine, event

from horus_desktop.domain.vocabulary import (
    APPROVAL_STATUSES,
    CONTENT_TYPES,
    REACTION_TYPES,
    THUMBNAIL_SIZES,
    TIMELINE_STATUSES,
    TIMELINE_TYPES,
    TRACK_TYPES,
    USER_ROLES,
)
from horus_desktop.store.repositories.base import InvalidFieldError

#: (table, column) -> the words it may hold (None is allowed where the column is nullable).
VOCABULARY_COLUMNS: dict[tuple[str, str], tuple[str, ...]] = {
    ("horus_media_records", "approval_status"): APPROVAL_STATUSES,
    ("horus_approval_history", "status"): APPROVAL_STATUSES,
    ("horus_users", "role"): USER_ROLES,
    ("horus_timelines", "timeline_type"): TIMELINE_TYPES,
    ("horus_timelines", "status"): TIMELINE_STATUSES,
    ("horus_comment_reactions", "reaction_type"): REACTION_TYPES,
    ("horus_thumbnails", "thumbnail_size"): THUMBNAIL_SIZES,
    ("horus_timeline_clips", "track_type"): TRACK_TYPES,
    ("horus_comments", "content_type"): CONTENT_TYPES,
}
_VOCABULARY_BY_TABLE: dict[str, dict[str, frozenset[str]]] = {}
for (_table, _column), _words in VOCABULARY_COLUMNS.items():
    _VOCABULARY_BY_TABLE.setdefault(_table, {})[_column] = frozenset(_words)

NUL = "\x00"
_NUL_REASON = "contains a NUL character (\\x00), which the store does not keep"


def has_nul(value: Any) -> bool:
    """True when ``value`` (text, or JSON-like lists and dicts of it) holds a NUL character anywhere."""
    if type(value) is str:
        return NUL in value
    if type(value) is dict or type(value) is list:
        # One pass in C over a whole document (a playlist's is thousands of nodes): JSON writes every NUL as
        # \u0000, so text without that has none; text with it (or a literal backslash-u0000) is walked.
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            return _walk_has_nul(value)
        return "\\u0000" in text and _walk_has_nul(value)
    return _walk_has_nul(value)


def _walk_has_nul(value: Any) -> bool:
    if type(value) is str:
        return NUL in value
    if isinstance(value, Mapping):
        return any(_walk_has_nul(k) or _walk_has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_walk_has_nul(v) for v in value)
    return False


def check_row(table: str, values: Mapping[str, Any], columns: Iterable[str] | None = None) -> None:
    """Refuse a row about to be written to ``table`` that breaks a rule (see the module docstring)."""
    vocabulary = _VOCABULARY_BY_TABLE.get(table)
    for key, value in values.items():
        kind = type(value)
        if kind is str:  # the common case first: this runs for every value of a bulk import
            if NUL in value:
                raise InvalidFieldError(_field(table, key, columns), _NUL_REASON)
        else:
            if (kind is dict or kind is list or kind is tuple) and has_nul(value):
                raise InvalidFieldError(_field(table, key, columns), _NUL_REASON)
            continue  # numbers, None, dates, UUIDs: nothing to check
        if vocabulary is not None:
            words = vocabulary.get(key)
            if words is not None and value not in words:
                raise InvalidFieldError(_field(table, key, columns),
                                        f"{value!r} is not one of {', '.join(VOCABULARY_COLUMNS[table, key])}")


def _field(table: str, key: str, columns: Iterable[str] | None) -> str:
    # A WHERE parameter of an UPDATE (``horus_users_id``) is not a column: name the table alone then.
    if columns is not None and key not in columns:
        return table
    return f"{table}.{key}"


def _before_execute(conn: Any, clauseelement: Any, multiparams: Any, params: Any,
                    execution_options: Any) -> None:
    if not getattr(clauseelement, "is_dml", False) or getattr(clauseelement, "is_delete", False):
        return
    table = getattr(clauseelement, "table", None)
    name = getattr(table, "name", None)
    if name is None:
        return
    rows: list[Mapping[str, Any]] = [p for p in (multiparams or ()) if isinstance(p, Mapping)]
    if params:
        rows.append(params)
    if not rows:
        # Values written into the statement itself (``update(...).values(name=...)``): compiled, the SET
        # parameters are named after their columns.
        rows.append(clauseelement.compile(dialect=conn.dialect).params)
    columns = frozenset(table.c.keys())
    for row in rows:
        check_row(name, row, columns)


def _before_cursor_execute(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
                           executemany: bool) -> None:
    # Reads (a lookup before a write, a filter): PostgreSQL refuses a NUL in any parameter with a raw
    # DataError, SQLite's MATCH with an OperationalError. Nothing stored holds a NUL, so say so instead.
    if executemany or context is None or context.isinsert or context.isupdate or not parameters:
        return
    if isinstance(parameters, Mapping):
        items: Iterable[tuple[str, Any]] = parameters.items()
    else:
        names = tuple(getattr(context.compiled, "positiontup", None) or ())
        items = zip(names, parameters, strict=False) if len(names) == len(parameters) else (
            ("", value) for value in parameters)
    for key, value in items:
        if type(value) is str and NUL in value:
            raise InvalidFieldError(_read_field(context, key), "contains a NUL character (\\x00); nothing "
                                    "stored holds one")


def _read_field(context: Any, key: str) -> str:
    """``table.column`` of a read parameter (``tag_name_1`` compared with horus_media_tags.tag_name)."""
    column = key.rstrip("0123456789").rstrip("_") if key else ""
    statement = getattr(context.compiled, "statement", None)
    froms = statement.get_final_froms() if hasattr(statement, "get_final_froms") else []
    for table in froms:
        if column == "pk" and getattr(table, "primary_key", None):  # Session.get() names its key ``pk_1``
            column = next(iter(table.primary_key.columns)).name
        if column and column in getattr(table, "c", {}):
            return f"{getattr(table, 'name', 'query')}.{column}"
    return column or "query"


def install(engine: Engine) -> None:
    """Enforce the field rules on every statement sent through ``engine`` (idempotent)."""
    if not event.contains(engine, "before_execute", _before_execute):
        event.listen(engine, "before_execute", _before_execute)
        event.listen(engine, "before_cursor_execute", _before_cursor_execute)

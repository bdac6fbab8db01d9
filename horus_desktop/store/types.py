"""Column types that mean the same on SQLite and PostgreSQL.

The seed schema is written for PostgreSQL (UUID, JSONB, TEXT[], INET, TIMESTAMPTZ). SQLite has none of
these, so each portable type picks the native PostgreSQL type there and a faithful stand-in on SQLite.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, String, Text, Uuid
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.types import DateTime, TypeDecorator

#: UUID on PostgreSQL, CHAR(32) on SQLite; Python side is always uuid.UUID.
PortableUuid = Uuid(as_uuid=True)

#: JSONB on PostgreSQL (indexable, compact), JSON text on SQLite.
PortableJson = JSON().with_variant(postgresql.JSONB(), "postgresql")

#: TEXT[] on PostgreSQL, a JSON list on SQLite.
PortableTextArray = JSON().with_variant(postgresql.ARRAY(Text()), "postgresql")

#: INET on PostgreSQL, text on SQLite (45 chars hold any IPv6 form).
PortableInet = String(45).with_variant(postgresql.INET(), "postgresql")


class _SqliteUtcDateTime(sqlite.DATETIME):
    """SQLite DATETIME read with ``datetime.fromisoformat`` (C speed) instead of SQLAlchemy's regex."""

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        def process(value: str | None) -> datetime | None:
            return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)

        return process


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp stored in UTC.

    SQLite keeps no zone, so values are normalised to UTC on the way in and given the UTC zone on the way
    out; naive datetimes are refused rather than guessed at.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(_SqliteUtcDateTime())
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: Horus stores timezone-aware UTC timestamps only")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            # SQLite compares timestamps as text; one fixed format keeps ordering correct.
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is UTC:
            return value
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)

"""Shared pieces of the repositories: row -> record copying, soft delete (errors: ``store/errors.py``)."""

from __future__ import annotations

import uuid
from dataclasses import fields
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy.orm import DeclarativeBase, Session

from horus_desktop.store.errors import InvalidFieldError, NotFoundError
from horus_desktop.store.types import utcnow
from horus_desktop.store.unit_of_work import UnitOfWork, WriteContext

R = TypeVar("R")
M = TypeVar("M", bound=DeclarativeBase)


_FIELD_CACHE: dict[type, tuple[str, ...]] = {}


def field_names(record_type: type) -> tuple[str, ...]:
    """The dataclass field names of a record type (cached)."""
    names = _FIELD_CACHE.get(record_type)
    if names is None:
        names = tuple(f.name for f in fields(record_type))
        _FIELD_CACHE[record_type] = names
    return names


def to_record(row: Any, record_type: type[R], **extra: Any) -> R:
    """Copy an ORM row (or a Core row mapping) into a frozen record."""
    getter = row.__getitem__ if hasattr(row, "keys") and not hasattr(row, "__table__") else None
    values: dict[str, Any] = {}
    for name in field_names(record_type):
        if name in extra:
            values[name] = extra[name]
        elif getter is not None:
            try:
                values[name] = getter(name)
            except KeyError:
                continue
        elif hasattr(row, name):
            values[name] = getattr(row, name)
    return record_type(**values)


def as_uuid(value: uuid.UUID | str, field_name: str = "id") -> uuid.UUID:
    """Parse an id given as text; a bad one names the field."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise InvalidFieldError(field_name, f"not a UUID: {value!r}") from exc


def check_length(field_name: str, value: str | None, limit: int) -> None:
    """Refuse text longer than its column, naming the field (SQLite would silently keep it)."""
    if value is not None and len(value) > limit:
        raise InvalidFieldError(field_name, f"{len(value)} characters, at most {limit}")


class Repository:
    """Base of the repositories: holds the unit of work."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def _get_live(self, session: Session, model: type[M], row_id: uuid.UUID, what: str) -> M:
        row = session.get(model, row_id)
        if row is None or getattr(row, "is_deleted", False):
            raise NotFoundError(what, row_id)
        return row

    def _soft_delete(
        self, ctx: WriteContext, model: type[M], row_id: uuid.UUID, what: str, **extra: Any
    ) -> None:
        row = self._get_live(ctx.session, model, row_id, what)
        row.is_deleted = True  # type: ignore[attr-defined]
        row.deleted_at = utcnow()  # type: ignore[attr-defined]
        for key, value in extra.items():
            setattr(row, key, value)
        ctx.record(model.__tablename__, row_id, "delete")

    def _restore(self, ctx: WriteContext, model: type[M], row_id: uuid.UUID, what: str, **extra: Any) -> None:
        row = ctx.session.get(model, row_id)
        if row is None:
            raise NotFoundError(what, row_id)
        row.is_deleted = False  # type: ignore[attr-defined]
        row.deleted_at = None  # type: ignore[attr-defined]
        for key, value in extra.items():
            setattr(row, key, value)
        ctx.record(model.__tablename__, row_id, "restore")


class TombstonedRepository(Repository, Generic[R]):
    """A repository over a table with ``is_deleted``: get live rows, soft-delete and restore them.

    Subclasses name their model, record type and what a row is called in errors.
    """

    _model: ClassVar[type[Any]]
    _record: ClassVar[type[Any]]
    _what: ClassVar[str]

    def get(self, row_id: uuid.UUID | str) -> R:
        """One live row by id (NotFoundError when absent or deleted)."""
        row_id = as_uuid(row_id, f"{self._what}_id")
        with self._uow.read() as session:
            return to_record(self._get_live(session, self._model, row_id, self._what), self._record)

    def soft_delete(self, row_id: uuid.UUID | str, **extra: Any) -> None:
        """Tombstone a row: it drops out of every query, and can be restored."""
        with self._uow.write() as ctx:
            self._soft_delete(ctx, self._model, as_uuid(row_id, f"{self._what}_id"), self._what, **extra)

    def restore(self, row_id: uuid.UUID | str, **extra: Any) -> R:
        """Bring back a soft-deleted row."""
        row_id = as_uuid(row_id, f"{self._what}_id")
        with self._uow.write() as ctx:
            self._restore(ctx, self._model, row_id, self._what, **extra)
        return self.get(row_id)

"""Every error the store raises, in one module the upper layers import (``horus_desktop.store`` re-exports
them). SQLAlchemy's own errors never leave the store: :func:`translated_errors` turns a database's refusal or
failure into :class:`StoreWriteError` / :class:`StoreUnavailableError` at the store's doors (each session and
transaction of the unit of work, and ``Store.open``), so the CLI, the importers and the UI catch these and
need not know SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError


class StoreError(Exception):
    """Base of the store's errors: a bad value, a missing row, or a database that refused or failed."""


class NotFoundError(StoreError, LookupError):
    """A row asked for by id does not exist (or is deleted)."""

    def __init__(self, what: str, row_id: object) -> None:
        super().__init__(f"{what} {row_id} not found")
        self.what = what
        self.row_id = row_id


class InvalidFieldError(StoreError, ValueError):
    """A value given for a field cannot be stored; names the field."""

    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(f"{field_name}: {reason}")
        self.field_name = field_name


class ReadOnlyStoreError(StoreError):
    """A write asked of a store opened read-only (an archive); names the store.

    Not a PermissionError: callers that read files catch those as "cannot read", which this is not."""


class StoreUrlError(StoreError, ValueError):
    """A store location that cannot be used, with the reason."""


class StoreWriteError(StoreError, RuntimeError):
    """The database refused a statement (a constraint, a value out of range); the message is the database's."""


class StoreUnavailableError(StoreError):
    """The database cannot be used right now (server unreachable, file locked or unreadable, disk full)."""


def database_message(exc: BaseException) -> str:
    """The database's own first line for an error (what a user can act on), without SQLAlchemy's wrapping."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip()
    return text.splitlines()[0] if text else type(orig).__name__


@contextmanager
def translated_errors(*, opening: bool = False) -> Iterator[None]:
    """Re-raise a database error met in the block as the store's own error (the original is chained).

    ``opening``: every database error means the store cannot be used (a file that is no database, a server
    that refuses us), none is a refused write.
    """
    try:
        yield
    except (OperationalError, InterfaceError) as exc:
        raise StoreUnavailableError(f"cannot use the store: {database_message(exc)}") from exc
    except DBAPIError as exc:
        if opening:
            raise StoreUnavailableError(f"cannot use the store: {database_message(exc)}") from exc
        raise StoreWriteError(database_message(exc)) from exc


__all__ = ["InvalidFieldError", "NotFoundError", "ReadOnlyStoreError", "StoreError", "StoreUnavailableError",
           "StoreUrlError", "StoreWriteError", "database_message", "translated_errors"]

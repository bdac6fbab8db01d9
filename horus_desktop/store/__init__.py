"""The Horus store: schema, engine, repositories. No Qt here."""

from horus_desktop.store.repositories.base import InvalidFieldError, NotFoundError
from horus_desktop.store.store import Store
from horus_desktop.store.unit_of_work import Change, ChangeSet, ReadOnlyStoreError

__all__ = ["Change", "ChangeSet", "InvalidFieldError", "NotFoundError", "ReadOnlyStoreError", "Store"]

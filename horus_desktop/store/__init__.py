"""The Horus store: schema, engine, repositories. No Qt here."""

from horus_desktop.store.errors import (
    InvalidFieldError,
    NotFoundError,
    ReadOnlyStoreError,
    StoreError,
    StoreUnavailableError,
    StoreUrlError,
    StoreWriteError,
)
from horus_desktop.store.store import Store
from horus_desktop.store.unit_of_work import Change, ChangeSet

__all__ = ["Change", "ChangeSet", "InvalidFieldError", "NotFoundError", "ReadOnlyStoreError", "Store", "StoreError",
           "StoreUnavailableError", "StoreUrlError", "StoreWriteError"]

"""The Horus store: schema, engine, repositories. No Qt here.

The names below load on first use (module ``__getattr__``): importing a light module of this package, such as
:mod:`horus_desktop.store.quick_read` for the read-only verbs, must not load SQLAlchemy and the models.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_WHERE = {"Store": "store", "Change": "unit_of_work", "ChangeSet": "unit_of_work", **dict.fromkeys((
    "InvalidFieldError", "NotFoundError", "ReadOnlyStoreError", "StoreError", "StoreUnavailableError", "StoreUrlError",
    "StoreWriteError"), "errors")}

__all__ = ["Change", "ChangeSet", "InvalidFieldError", "NotFoundError", "ReadOnlyStoreError", "Store", "StoreError",
           "StoreUnavailableError", "StoreUrlError", "StoreWriteError"]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # once loaded, a plain attribute
    return value

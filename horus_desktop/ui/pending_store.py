"""The store as the window knows it while the DB worker opens it: the window is built and shown on this
stand-in, and the real ``Store`` (SQLAlchemy, the mapped models, the schema check) is made by the worker's
first task, so none of that loads before the first frame.

Every store call of the window goes through the DB worker (or a job thread), behind that first task: a
repository call made through the stand-in (``pending.media.search``) is looked up on the real store when it
runs there. A worker or job thread that gets there first waits for the opening; the UI thread never does
(it raises instead: it must not wait on the database). Change listeners given before the store exists are
subscribed to it when it is set, before any query of the panels runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from horus_desktop.store import Store
    from horus_desktop.store.unit_of_work import ChangeSet

    Listener = Callable[[ChangeSet], None]


def local_user_id(location: str | None, name: str) -> str:
    """The id of the user ``name`` names (an id or a username) in a current local store, read with
    ``sqlite3`` before the store's classes load (``store.quick_read``); ``name`` itself for a server, a new,
    older or read-only store (the opening on the DB worker then signs ``name`` in)."""
    from horus_desktop.store.quick_read import NotHere, QuickReader

    reader = QuickReader.open(location)
    if reader is None:
        return name
    with reader:
        try:
            return reader.user_id(name)
        except NotHere:
            return name


def looks_like_a_store(location: str | None) -> bool:
    """False when the location names an existing file that is not a SQLite database (its header, read by
    ``store.sqlite_file``, no database opened): such a location is checked, and refused, before the window."""
    from horus_desktop.store.quick_read import sqlite_path
    from horus_desktop.store.sqlite_file import not_a_database

    path = sqlite_path(location)
    return path is None or not not_a_database(path)


class _Repository:
    """``pending.media``: its methods, looked up on the real store's repository when called."""

    def __init__(self, pending: PendingStore, name: str) -> None:
        self._pending, self._name = pending, name

    def __getattr__(self, method: str) -> Callable[..., Any]:
        return partial(self._pending.call_repository, self._name, method)


class PendingStore:
    """Stands in for the ``Store`` until ``set`` (or ``fail``) is called from the DB worker's first task."""

    REPOSITORIES = frozenset({"media", "tags", "thumbnails", "comments", "annotations", "layers", "timelines",
                              "users", "sessions", "notifications", "projects"})

    def __init__(self, location_text: str) -> None:
        self._location_text = location_text
        self._store: Store | None = None
        self._error: BaseException | None = None
        self._opened = threading.Event()
        self._lock = threading.Lock()
        self._pending_listeners: list[Listener] = []
        self._unsubscribers: dict[int, Callable[[], None]] = {}
        self._ui_thread = threading.get_ident()

    # --- the opening -----------------------------------------------------------------------------
    def set(self, store: Store) -> None:
        """The store is open: subscribe the listeners given so far, release any thread waiting for it."""
        with self._lock:
            self._store = store
            for listener in self._pending_listeners:
                self._unsubscribers[id(listener)] = store.subscribe(listener)
            self._pending_listeners.clear()
        self._opened.set()

    def fail(self, error: BaseException) -> None:
        """The store could not be opened: every waiting and later call raises ``error``."""
        self._error = error
        self._opened.set()

    @property
    def ready(self) -> bool:
        """True once the real store is set."""
        return self._store is not None

    def store(self) -> Store:
        """The real store, waited for on a worker thread (the UI thread must not wait: it raises there)."""
        if self._store is None:
            if threading.get_ident() == self._ui_thread and not self._opened.is_set():
                raise RuntimeError("the store is still opening: the UI thread must not wait for it")
            self._opened.wait()
            if self._error is not None:
                raise self._error
        assert self._store is not None
        return self._store

    # --- what the window asks before the store exists --------------------------------------------
    def describe(self) -> str:
        """Where the store is (the location given, until it is open)."""
        return self._store.describe() if self._store is not None else self._location_text

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Be told of every committed change, from the opening on (see ``Store.subscribe``)."""
        with self._lock:
            if self._store is not None:
                self._unsubscribers[id(listener)] = self._store.subscribe(listener)
            else:
                self._pending_listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._pending_listeners:
                    self._pending_listeners.remove(listener)
                stop = self._unsubscribers.pop(id(listener), None)
            if stop is not None:
                stop()

        return unsubscribe

    def call_repository(self, repository: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """``store.<repository>.<method>(*args, **kwargs)`` on the real store (for the DB worker)."""
        return getattr(getattr(self.store(), repository), method)(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name in self.REPOSITORIES:
            return _Repository(self, name)
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.store(), name)  # read_only, is_sqlite, transaction, files_dir...: once open

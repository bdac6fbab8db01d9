"""Sessions and transactions: the one door every read and write of the store goes through.

Every write runs inside :meth:`Store.write`, which hands repositories a :class:`WriteContext`. Repositories
report each row they touch with :meth:`WriteContext.record`; after the commit the store tells its
listeners what changed (screens refresh just that), and this is the single place where the coming sync
appends its outbox op in the same transaction.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from horus_desktop.store.errors import ReadOnlyStoreError, translated_errors
from horus_desktop.store.sync_capture import has_outbox, next_clock, stamp_outbox

ChangeOp = Literal["insert", "update", "delete", "restore"]
#: Who started a change: this app's user, a sync pull, or (later) a live review session.
ChangeOrigin = Literal["local", "sync", "live"]

#: The domain-level kind of a change, by the table written: what a screen listens for.
KINDS = {
    "horus_comments": "note", "horus_comment_reactions": "reaction", "horus_comment_attachments": "attachment",
    "horus_annotations": "drawing", "horus_annotation_layers": "layer", "horus_media_records": "media",
    "horus_approval_history": "approval", "horus_media_tags": "tag", "horus_thumbnails": "thumbnail",
    "horus_notifications": "notification", "horus_timelines": "playlist", "horus_timeline_clips": "playlist_clip",
    "horus_users": "user", "horus_user_sessions": "session", "horus_project_configs": "project",
}


@dataclass(frozen=True, slots=True)
class Change:
    """One row touched by a committed write; ``media_id`` and ``frame`` say where, when the writer knew
    (the media whose note, drawing or approval this is; a drawing's frame)."""

    table: str
    row_id: uuid.UUID | str
    op: ChangeOp
    media_id: uuid.UUID | None = None
    frame: int | None = None

    @property
    def kind(self) -> str:
        """The domain-level kind ("note", "drawing", "playlist", ...); the table name for others."""
        return KINDS.get(self.table, self.table)


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """Everything one committed write touched, and who started it."""

    changes: tuple[Change, ...]
    origin: ChangeOrigin = "local"

    def tables(self) -> set[str]:
        """The tables touched."""
        return {c.table for c in self.changes}

    def kinds(self) -> set[str]:
        """The domain-level kinds touched."""
        return {c.kind for c in self.changes}

    def of(self, kind: str, media_id: uuid.UUID | None = None) -> list[Change]:
        """The changes of ``kind``; with ``media_id``, those of that media (and those whose media is unknown,
        which may be of it)."""
        return [c for c in self.changes
                if c.kind == kind and (media_id is None or c.media_id is None or c.media_id == media_id)]

    def ids(self, table: str) -> list[uuid.UUID | str]:
        """The ids touched in ``table``, in the order they were written."""
        return [c.row_id for c in self.changes if c.table == table]


@dataclass
class WriteContext:
    """A session inside one transaction, and the changes made in it."""

    session: Session
    changes: list[Change] = field(default_factory=list)
    origin: ChangeOrigin = "local"
    #: The transaction's clock value, once taken by :meth:`stamp`; the commit stamps every other op with it.
    clock: str | None = None
    stamper: Callable[[WriteContext], tuple[str, str | None] | None] | None = None

    def stamp(self) -> tuple[str, str | None] | None:
        """(clock value, author) for outbox ops written already stamped: the commit does not rewrite them (a
        playlist's 1.5 MB document op included). None when this transaction's ops are not stamped (no outbox,
        a sync pull). Call once the transaction holds the write lock (after its first write)."""
        return self.stamper(self) if self.stamper is not None else None

    def record(self, table: str, row_id: uuid.UUID | str, op: ChangeOp, *, media_id: uuid.UUID | None = None,
               frame: int | None = None) -> None:
        """Note that ``row_id`` of ``table`` was written (of ``media_id``, at ``frame``, when known)."""
        self.changes.append(Change(table, row_id, op, media_id, frame))


ChangeListener = Callable[[ChangeSet], None]


class UnitOfWork:
    """Opens sessions on one engine; commits writes and announces what they changed."""

    def __init__(self, engine: Engine, *, read_only: str | None = None) -> None:
        self.engine = engine
        #: Why writes are refused (the store's name and state), or None for a writable store.
        self.read_only = read_only
        # expire_on_commit=False: records are copied out after commit without a second round trip.
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._listeners: list[ChangeListener] = []
        self._lock = threading.Lock()
        self._local = threading.local()
        #: Who makes this store's changes (the app's user): every sync op carries it.
        self.author: str | None = None
        self._captures: bool | None = None  # a sync client (SQLite with an outbox)? found on first write
        self._owed: Callable[[], object] | None = None  # see owe()

    def owe(self, write: Callable[[], object]) -> None:
        """``write`` (repository writes) made at the start of the next local transaction, in it: it commits
        with that transaction's change or not at all (the command line's sign-in: a command that fails writes
        nothing). :meth:`settle` makes it alone when no transaction came."""
        with self._lock:
            self._owed = write

    def settle(self) -> None:
        """Make the write still owed (:meth:`owe`), if any, in a transaction of its own."""
        if self._owed is not None:
            with self.write():
                pass

    def _current(self) -> WriteContext | None:
        return getattr(self._local, "ctx", None)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries; inside a transaction, that transaction's (so it sees its own writes)."""
        ctx = self._current()
        if ctx is not None:
            yield ctx.session
            return
        with translated_errors(), self._sessions() as session:  # SQLAlchemy's errors stop here
            yield session

    @contextmanager
    def write(self, origin: ChangeOrigin = "local") -> Iterator[WriteContext]:
        """A transaction: committed when the block ends, rolled back whole if it raises.

        Opened inside another write on the same thread, it joins that one: several repository calls
        then land together or not at all. ``origin`` says who started it (a sync pull passes "sync").
        """
        if self.read_only is not None:
            raise ReadOnlyStoreError(self.read_only)
        outer = self._current()
        if outer is not None:
            yield outer
            return
        with translated_errors(), self._sessions() as session:  # commit failures included
            ctx = WriteContext(session, origin=origin, stamper=self._stamp)
            self._local.ctx = ctx
            owed = None
            try:
                with session.begin():
                    if origin == "local":
                        with self._lock:
                            owed, self._owed = self._owed, None
                        if owed is not None:
                            owed()  # first, so its ops come first; it joins this transaction
                    yield ctx
                    if (ctx.changes or ctx.clock is not None) and getattr(ctx, "origin", "local") != "sync" \
                            and self._is_sync_client(session):
                        stamp_outbox(session, self.author, ctx.clock)  # the ops commit with the change, clock set
            except BaseException:
                if owed is not None:  # rolled back with the transaction: still owed
                    with self._lock:
                        self._owed = self._owed or owed
                raise
            finally:
                self._local.ctx = None
        if ctx.changes:
            self._announce(ChangeSet(tuple(ctx.changes), ctx.origin))

    def _stamp(self, ctx: WriteContext) -> tuple[str, str | None] | None:
        if ctx.origin == "sync" or not self._is_sync_client(ctx.session):
            return None
        if ctx.clock is None:
            ctx.clock = next_clock(ctx.session)
        return ctx.clock, self.author or None  # as stamp_outbox: an empty author is none

    def _is_sync_client(self, session: Session) -> bool:
        if self._captures is None:
            found = has_outbox(session)
            if not found:  # an older schema may gain its outbox by an upgrade: ask again then
                return False
            self._captures = found
        return self._captures

    def subscribe(self, listener: ChangeListener) -> Callable[[], None]:
        """Call ``listener`` after every committed write; returns a function that unsubscribes."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def _announce(self, change_set: ChangeSet) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(change_set)

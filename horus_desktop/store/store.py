"""The store: one database (SQLite or PostgreSQL) and the repositories over it."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine

from horus_desktop.store import field_rules, schema
from horus_desktop.store.engine import (
    create_store_engine,
    data_dir,
    resolve_store_url,
    sqlite_file,
    sqlite_is_read_only,
)
from horus_desktop.store.errors import ReadOnlyStoreError, translated_errors
from horus_desktop.store.repositories.annotations import AnnotationRepository, LayerRepository
from horus_desktop.store.repositories.comments import CommentRepository
from horus_desktop.store.repositories.media import MediaRepository
from horus_desktop.store.repositories.people import (
    NotificationRepository,
    ProjectRepository,
    SessionRepository,
    UserRepository,
)
from horus_desktop.store.repositories.tags import TagRepository, ThumbnailRepository
from horus_desktop.store.repositories.timelines import TimelineRepository
from horus_desktop.store.unit_of_work import ChangeListener, ChangeOrigin, UnitOfWork


class Store:
    """A Horus store and its repositories. Every write goes through one of them.

    ``Store.open()`` resolves the location (``--db``, ``$HORUS_DB`` or the platform's data folder), and
    brings the schema up to date (copying a SQLite file aside first).
    """

    def __init__(self, engine: Engine, files_dir: Path | None = None, *, read_only: bool = False) -> None:
        self.engine = engine
        field_rules.install(engine)  # no NUL, only known vocabulary words: checked on every write
        self.url = engine.url.render_as_string(hide_password=False)
        #: True when the store was opened for reading only: every write raises ReadOnlyStoreError.
        self.read_only = read_only
        self.uow = UnitOfWork(engine, read_only=(
            f"{self.describe()} cannot be written (file or folder not writable): browse only, nothing can be "
            "changed" if read_only else None))
        self.media = MediaRepository(self.uow)
        self.tags = TagRepository(self.uow)
        self.thumbnails = ThumbnailRepository(self.uow)
        self.comments = CommentRepository(self.uow)
        self.annotations = AnnotationRepository(self.uow)
        self.layers = LayerRepository(self.uow)
        self.timelines = TimelineRepository(self.uow)
        self.users = UserRepository(self.uow)
        self.sessions = SessionRepository(self.uow)
        self.notifications = NotificationRepository(self.uow)
        self.projects = ProjectRepository(self.uow)
        self.files_dir = files_dir or _default_files_dir(self.url)

    @classmethod
    def open(cls, db: str | os.PathLike[str] | None = None, *, upgrade: bool = True,
             backup: bool = True, read_only: bool | None = None) -> Store:
        """Open (and by default migrate) the store at ``db``.

        A SQLite store whose file or folder cannot be written (``read_only=None`` finds out; True forces it)
        is opened for reading only, without migration or backup; its schema must then be current.
        """
        url = resolve_store_url(db)
        if read_only is None:
            read_only = sqlite_is_read_only(url)
        engine = create_store_engine(url, read_only=read_only)
        try:
            with translated_errors(opening=True):  # a server that cannot be reached, a file that is not a database
                if read_only:
                    _check_schema_for_reading(engine, url)
                elif upgrade:
                    schema.upgrade(engine, backup=backup)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, read_only=read_only)

    def check_writable(self) -> None:
        """Raise ReadOnlyStoreError (naming the store) when it is read-only: for work done before a write
        (copying an attachment into the store's folder) that must not start at all."""
        if self.uow.read_only is not None:
            raise ReadOnlyStoreError(self.uow.read_only)

    @property
    def is_sqlite(self) -> bool:
        """True for the embedded store."""
        return self.engine.dialect.name == "sqlite"

    def describe(self) -> str:
        """Where the store is, for a status bar or a log (password hidden)."""
        path = sqlite_file(self.url)
        where = f"SQLite {path}" if path else self.engine.url.render_as_string(hide_password=True)
        return f"{where} (read-only)" if getattr(self, "read_only", False) else where

    def transaction(self, origin: ChangeOrigin = "local"):  # noqa: ANN201 - a context manager of WriteContext
        """Group several repository writes into one transaction: all land, or none. ``origin`` says who
        started it (a sync pull passes "sync"); listeners see it on the change set."""
        return self.uow.write(origin)

    def subscribe(self, listener: ChangeListener):  # noqa: ANN201 - returns the unsubscribe callable
        """Be told of every committed change (see UnitOfWork.subscribe)."""
        return self.uow.subscribe(listener)

    def close(self) -> None:
        """Release the connections (on SQLite, first let it refresh the planner's statistics)."""
        if self.is_sqlite and not self.read_only:
            try:
                with self.engine.connect() as conn:
                    # SQLite's advice for long-lived stores: cheap, and keeps index choices good as data grows.
                    conn.exec_driver_sql("PRAGMA optimize")
            except Exception:  # closing must not fail because a statistics refresh could not run
                pass
        self.engine.dispose()


def _check_schema_for_reading(engine: Engine, url: str) -> None:
    """A read-only store cannot be migrated here: refuse one whose schema is not this Horus's."""
    where = sqlite_file(url) or url
    at, head = schema.current_revision(engine), schema.head_revision()
    if at is None:
        raise ReadOnlyStoreError(f"{where} cannot be written and holds no Horus store")
    if at != head:
        raise ReadOnlyStoreError(
            f"{where} cannot be written and its schema ({at}) is not this Horus's ({head}): upgrade it where it "
            "can be written (`horus db upgrade --db` on a writable copy), then open that")


def _default_files_dir(url: str) -> Path:
    """Attachments and thumbnails live beside a SQLite store, else in the user data folder."""
    path = sqlite_file(url)
    base = path.parent / f"{path.stem}-files" if path else data_dir() / "files"
    return base

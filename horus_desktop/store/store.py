"""The store: one database (SQLite or PostgreSQL) and the repositories over it."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine

from horus_desktop.store import field_rules, schema
from horus_desktop.store.engine import create_store_engine, data_dir, resolve_store_url, sqlite_file
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
from horus_desktop.store.unit_of_work import ChangeListener, UnitOfWork


class Store:
    """A Horus store and its repositories. Every write goes through one of them.

    ``Store.open()`` resolves the location (``--db``, ``$HORUS_DB`` or the platform's data folder), and
    brings the schema up to date (copying a SQLite file aside first).
    """

    def __init__(self, engine: Engine, files_dir: Path | None = None) -> None:
        self.engine = engine
        field_rules.install(engine)  # no NUL, only known vocabulary words: checked on every write
        self.url = engine.url.render_as_string(hide_password=False)
        self.uow = UnitOfWork(engine)
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
             backup: bool = True) -> Store:
        """Open (and by default migrate) the store at ``db``."""
        url = resolve_store_url(db)
        engine = create_store_engine(url)
        if upgrade:
            schema.upgrade(engine, backup=backup)
        return cls(engine)

    @property
    def is_sqlite(self) -> bool:
        """True for the embedded store."""
        return self.engine.dialect.name == "sqlite"

    def describe(self) -> str:
        """Where the store is, for a status bar or a log (password hidden)."""
        path = sqlite_file(self.url)
        return f"SQLite {path}" if path else self.engine.url.render_as_string(hide_password=True)

    def transaction(self):  # noqa: ANN201 - a context manager of WriteContext
        """Group several repository writes into one transaction: all land, or none."""
        return self.uow.write()

    def subscribe(self, listener: ChangeListener):  # noqa: ANN201 - returns the unsubscribe callable
        """Be told of every committed change (see UnitOfWork.subscribe)."""
        return self.uow.subscribe(listener)

    def close(self) -> None:
        """Release the connections (on SQLite, first let it refresh the planner's statistics)."""
        if self.is_sqlite:
            try:
                with self.engine.connect() as conn:
                    # SQLite's advice for long-lived stores: cheap, and keeps index choices good as data grows.
                    conn.exec_driver_sql("PRAGMA optimize")
            except Exception:  # closing must not fail because a statistics refresh could not run
                pass
        self.engine.dispose()


def _default_files_dir(url: str) -> Path:
    """Attachments and thumbnails live beside a SQLite store, else in the user data folder."""
    path = sqlite_file(url)
    base = path.parent / f"{path.stem}-files" if path else data_dir() / "files"
    return base

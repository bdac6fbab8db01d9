"""Sync fixtures: SQLite client stores and a real PostgreSQL server database per test.

The server schema is migrated once per session into a template database; each test gets its own copy
(``CREATE DATABASE ... TEMPLATE``) and drops it after, so tests never see each other's rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from horus_desktop.store import Store
from horus_desktop.store.sync_codec import canonical_dump
from horus_desktop.sync.client import SyncClient

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="session")
def sync_template(pg_server_url: str) -> Iterator[str]:
    """The name of a database of its own, migrated to the head schema (the server part of sync installed).

    Not the session's shared test database: other PostgreSQL tests leave their rows there, and a template
    copies whatever it holds into every server database made from it."""
    admin = create_engine(make_url(pg_server_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = f"horus_sync_template_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        server = Store.open(make_url(pg_server_url).set(database=name).render_as_string(hide_password=False))
        server.close()
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def fresh_server_database(pg_server_url: str, sync_template: str) -> Iterator[str]:
    """A server database made from the migrated template, dropped afterwards; its URL."""
    admin = create_engine(make_url(pg_server_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = f"horus_sync_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{sync_template}"'))
    try:
        yield make_url(pg_server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def server_url(pg_server_url: str, sync_template: str) -> Iterator[str]:
    """A fresh server database for this test."""
    with fresh_server_database(pg_server_url, sync_template) as url:
        yield url


@pytest.fixture
def second_server(pg_server_url: str, sync_template: str) -> Iterator[str]:
    """Another fresh server database, to push the same outbox a second way."""
    with fresh_server_database(pg_server_url, sync_template) as url:
        yield url


class Laptop:
    """A client machine: its SQLite store and its SyncClient."""

    def __init__(self, path: Path, server_url: str, user: str, projects: tuple[str, ...] = ()) -> None:
        self.path, self.server_url, self.user, self.projects = path, server_url, user, projects
        self.store = Store.open(path)
        self.store.uow.author = user
        self.client = SyncClient(self.store, server_url, user, projects, backoff_s=0.01, retries=2)

    def sync(self):  # noqa: ANN201 - RoundReport
        """One full round."""
        return self.client.round()

    def dump(self) -> dict:
        """The canonical dump of the synced tables."""
        with self.store.uow.read() as session:
            return canonical_dump(session)

    def reopen(self) -> None:
        """Close and open again (as after a crash or a restart)."""
        self.close()
        self.store = Store.open(self.path)
        self.store.uow.author = self.user
        self.client = SyncClient(self.store, self.server_url, self.user, self.projects, backoff_s=0.01, retries=2)

    def media(self, project: str = "horus_demo", shot: str = "sh010") -> uuid.UUID:
        """A new media record to hang notes on."""
        return self.store.media.create(file_path=f"/projects/{project}/{shot}/v{uuid.uuid4().hex[:6]}.exr",
                                       project_id=project, shot=shot, version="v001").id

    def close(self) -> None:
        """Release the store and the connection."""
        self.client.close()
        self.store.close()


@pytest.fixture
def laptop(tmp_path: Path, server_url: str) -> Iterator[Callable[..., Laptop]]:
    """Make laptops (closed at the end of the test)."""
    made: list[Laptop] = []

    def make(user: str, projects: tuple[str, ...] = ()) -> Laptop:
        lap = Laptop(tmp_path / f"{user}-{len(made)}.sqlite", server_url, user, projects)
        made.append(lap)
        return lap

    yield make
    for lap in made:
        lap.close()

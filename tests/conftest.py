"""Shared fixtures: a fresh store on SQLite and on a real PostgreSQL.

PostgreSQL tests use ``$HORUS_TEST_PG_URL`` (default ``postgresql://postgres@127.0.0.1:5432/postgres``, a
server where the user may create databases). Each test session creates its own database and drops it after.
Without a server they skip, saying how to point them at one; in CI (``CI=true``) or with
``HORUS_REQUIRE_PG=1`` they fail instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from horus_desktop.store import Store  # noqa: E402
from horus_desktop.store.engine import create_store_engine, resolve_store_url  # noqa: E402
from horus_desktop.store.schema import upgrade  # noqa: E402

PG_ENV = "HORUS_TEST_PG_URL"


def pytest_addoption(parser: pytest.Parser) -> None:
    """`--fuzz-long`: the damaged-media corpus (tests/fuzz) with every mutation, not a CI-sized sample."""
    parser.addoption("--fuzz-long", action="store_true", default=False,
                     help="run the damaged-media corpus with all mutations (several minutes)")
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def _pg_required() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes") or os.environ.get("HORUS_REQUIRE_PG") == "1"


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A URL of a throw-away PostgreSQL database for this test session."""
    admin_url = resolve_store_url(os.environ.get(PG_ENV, DEFAULT_PG_URL))
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        admin.dispose()
        message = (f"PostgreSQL not reachable at {make_url(admin_url).render_as_string(hide_password=True)} "
                   f"({type(exc).__name__}). Set {PG_ENV}=postgresql://USER@HOST:PORT/DB to a server where "
                   "the user may CREATE DATABASE.")
        if _pg_required():
            pytest.fail(message + " PostgreSQL tests are required in CI.")
        pytest.skip(message)
    name = f"horus_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _reset_pg(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database URL, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'horus.sqlite'}"
    url = request.getfixturevalue("pg_server_url")
    _reset_pg(url)
    return url


@pytest.fixture
def store(db_url: str, tmp_path: Path) -> Iterator[Store]:
    """A migrated, empty store on each database."""
    engine = create_store_engine(db_url)
    upgrade(engine)
    s = Store(engine, files_dir=tmp_path / "files")
    yield s
    s.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    """A migrated, empty SQLite store (for tests about SQLite itself or not about the database)."""
    s = Store.open(tmp_path / "horus.sqlite")
    yield s
    s.close()


@pytest.fixture
def pg_store(pg_server_url: str, tmp_path: Path) -> Iterator[Store]:
    """A migrated, empty store on the real PostgreSQL only."""
    _reset_pg(pg_server_url)
    engine = create_store_engine(pg_server_url)
    upgrade(engine)
    s = Store(engine, files_dir=tmp_path / "files")
    yield s
    s.close()

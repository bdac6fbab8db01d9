"""The store's errors are its own (``horus_desktop.store.errors``): a database's refusal or failure never
reaches the CLI, the importers or the UI as a SQLAlchemy exception."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from horus_desktop.store import Store, StoreUnavailableError, StoreWriteError


def test_a_server_that_cannot_be_reached_is_a_store_error() -> None:
    with pytest.raises(StoreUnavailableError, match="cannot use the store: .*127.0.0.1"):
        Store.open("postgresql://nobody@127.0.0.1:1/none")


def test_a_file_that_is_no_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"this is a text file, not SQLite\n" * 200)
    with pytest.raises(StoreUnavailableError, match="cannot use the store: .*not a database"):
        Store.open(path)


def test_a_row_the_database_refuses_is_a_store_write_error_and_nothing_lands(store: Store) -> None:
    media_id = uuid.uuid4()
    store.media.create(id=media_id, file_path="/show/a.exr", project_id="show", version="v001")
    with pytest.raises(StoreWriteError) as refused:
        store.media.create(id=media_id, file_path="/show/b.exr", project_id="show", version="v001")
    assert "unique" in str(refused.value).lower() or "duplicate" in str(refused.value).lower()
    assert store.media.get_by_path("/show/b.exr") is None
    assert store.media.get(media_id).file_path == "/show/a.exr"

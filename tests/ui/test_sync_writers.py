"""The sync thread applies pulled pages to the store while the DB worker keeps writing local notes: both
land, nothing is refused as "database is locked", and the local notes still reach the server."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from horus_desktop.store import Store
from horus_desktop.sync.bench import server_database
from horus_desktop.sync.client import SyncClient
from horus_desktop.sync.service import SyncLoop, SyncState
from horus_desktop.ui.db_worker import DbWorker

pytestmark = pytest.mark.postgres

ADMIN_URL = os.environ.get("HORUS_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PULLED, LOCAL = 400, 150


def test_pull_on_the_sync_thread_beside_db_worker_writes(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    import psycopg

    try:
        psycopg.connect(ADMIN_URL, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {ADMIN_URL}: {exc}")
    with server_database(ADMIN_URL) as url:
        ana = Store.open(tmp_path / "ana.sqlite", backup=False)
        bo = Store.open(tmp_path / "bo.sqlite", backup=False)
        media = ana.media.create(file_path="/projects/show/sh010.####.exr", project_id="show", version="v001",
                                 version_number=1, shot="sh010", frame_rate=Decimal("24"))
        ana_client, bo_client = SyncClient(ana, url, user="ana"), SyncClient(bo, url, user="bo", page_size=50)
        ana_client.round()
        bo_client.round()  # bo has the media
        with ana.uow.write():
            for i in range(PULLED):
                ana.comments.add(media_id=media.id, content=f"ana {i}", user_id="ana", user_name="ana", notify=False)
        ana_client.round()

        db = DbWorker()
        errors: list[BaseException] = []
        states: list[SyncState] = []
        loop = SyncLoop(lambda: bo_client, on_state=states.append, poll_seconds=0.2, debounce_seconds=0)
        try:
            loop.start()  # pulls ana's notes in pages of 50 while the DB worker writes bo's
            for i in range(LOCAL):
                db.submit(bo.comments.add, media_id=media.id, content=f"bo {i}", user_id="bo", user_name="bo",
                          notify=False, on_error=errors.append)
            qtbot.waitUntil(lambda: len(bo.comments.list_for_media(media.id)) == PULLED + LOCAL, timeout=60000)
            # ...and bo's own notes leave the outbox (asked on the sync thread, which owns the client).
            qtbot.waitUntil(lambda: loop.submit(lambda c: c.status().pending_ops).result(30) == 0, timeout=60000)
        finally:
            loop.stop()
            db.shutdown()
        assert errors == []
        assert not [s for s in states if s.phase == "offline"]
        ana_client.round()
        assert len(ana.comments.list_for_media(media.id)) == PULLED + LOCAL
        ana_client.close()
        ana.close()
        bo.close()

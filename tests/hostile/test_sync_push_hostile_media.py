"""Hostile values in a run of new media records pushed typed (revision 0013): odd JSON and numbers finer than a
float holds in the JSON, numeric and bigint columns, stored exactly as the jsonb push stores them (see
test_sync_push_hostile.py, whose helpers this uses; a file of its own to keep each file quick), and a
connection cut in the middle of the typed rows' COPY."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import psycopg
import pytest
from sync.conftest import laptop, server_url, sync_template  # noqa: F401 (fixtures)

from horus_desktop.store import Store
from horus_desktop.sync.client import SyncClient

from .test_sync_push_hostile import (  # noqa: F401 (second_server: a fixture)
    MEDIA_VALUES,
    _each_value,
    _media,
    _notes,
    _push,
    _server_rows,
    second_server,
)


def test_hostile_media_values_are_pushed_as_the_jsonb_push_does(laptop, second_server, tmp_path,  # noqa: F811
                                                               monkeypatch) -> None:
    bad = _each_value(laptop, second_server, tmp_path, monkeypatch, "horus_media_records", MEDIA_VALUES, _media,
                      "every")
    assert not bad, "\n".join(bad)


def test_a_connection_cut_mid_copy_applies_nothing_and_the_next_round_applies_all(
        laptop, server_url, second_server, tmp_path, monkeypatch) -> None:  # noqa: F811
    """The server's connection killed while the typed rows stream in: nothing of the page is kept; the
    retry (or the next round) stores what an uncut push stores."""
    ana = laptop("ana")
    _notes(ana, 40)
    ana.close()
    twin = tmp_path / "twin.sqlite"
    with closing(sqlite3.connect(ana.path)) as source, closing(sqlite3.connect(twin)) as copy:
        source.backup(copy)
    cuts = {"left": 2, "rows": 0}
    real_write_row = psycopg.Copy.write_row

    def write_row_then_cut(self, row):  # noqa: ANN001, ANN202
        real_write_row(self, row)
        cuts["rows"] += 1
        if cuts["rows"] == 10 and cuts["left"]:
            cuts["left"] -= 1
            pid = self.connection.info.backend_pid
            with psycopg.connect(server_url.replace("+psycopg", ""), autocommit=True) as killer:
                killer.execute("SELECT pg_terminate_backend(%s)", (pid,))
            cuts["rows"] = 0

    monkeypatch.setattr(psycopg.Copy, "write_row", write_row_then_cut)
    store = Store.open(ana.path)
    client = SyncClient(store, server_url, "ana", backoff_s=0.01, retries=0)
    try:
        for _ in range(3):  # each cut round fails as unreachable, with nothing of its page applied
            try:
                report = client.push()
                break
            except Exception as exc:
                assert type(exc).__name__ == "ServerUnreachableError", exc
                with psycopg.connect(server_url.replace("+psycopg", ""), autocommit=True) as conn:
                    assert conn.execute("SELECT count(*) FROM horus_comments").fetchone()[0] == 0
        else:
            pytest.fail("three rounds did not push")
        pending = client.status().pending_ops
    finally:
        client.close()
        store.close()
    assert cuts["left"] == 0 and report.rejected == [] and pending == 0
    monkeypatch.undo()
    uncut = _push(twin, second_server, True, monkeypatch)
    assert uncut["error"] is None and _server_rows(server_url) == _server_rows(second_server)

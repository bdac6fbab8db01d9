"""`horus sync` against the real PostgreSQL server: a round's exit code, status as JSON, conflicts listed
and resolved from the command line (each test on a server database of its own)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest

from horus_desktop.cli import main
from horus_desktop.store import Store

pytestmark = pytest.mark.postgres
pytest.importorskip("horus_desktop.sync.client")

ADMIN_URL = os.environ.get("HORUS_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    import psycopg

    from horus_desktop.sync.bench import server_database

    try:
        psycopg.connect(ADMIN_URL, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {ADMIN_URL}: {exc}")
    monkeypatch.setenv("HORUS_CONFIG", str(tmp_path / "machine.json"))
    with server_database(ADMIN_URL) as url:
        assert main(["server", "set", url]) == 0
        yield url


@contextmanager
def _laptop(path: Path) -> Iterator[Store]:
    """A laptop's store, opened for a few writes and closed again (as a CLI run would)."""
    store = Store.open(path, backup=False)
    try:
        yield store
    finally:
        store.close()


def _sync(db: Path, user: str, *extra: str) -> int:
    return main(["sync", "--db", str(db), "--user", user, *extra])


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> object:
    capsys.readouterr()
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)  # stdout holds the JSON alone


def test_a_round_then_status_as_json(server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a_path = tmp_path / "ana.sqlite"
    with _laptop(a_path) as store:
        media = store.media.create(file_path="/projects/show/sh010.####.exr", project_id="show", version="v001",
                                   version_number=1, shot="sh010", frame_rate=Decimal("24"))
        store.comments.add(media_id=media.id, content="Edge flicker", user_id="ana", user_name="ana")
    status = _json(capsys, ["sync", "status", "--json", "--db", str(a_path), "--user", "ana"])
    assert status["pending_ops"] >= 2 and status["last_sync"] is None
    assert _sync(a_path, "ana") == 0
    assert "up to date" in capsys.readouterr().out
    status = _json(capsys, ["sync", "status", "--json", "--db", str(a_path), "--user", "ana"])
    assert status["pending_ops"] == 0 and status["unresolved_conflicts"] == 0 and status["conflicts"] == []
    assert status["last_sync"] is not None and status["cursor"] != "0:0"

    b_path = tmp_path / "bo.sqlite"
    assert _sync(b_path, "bo") == 0
    with _laptop(b_path) as store:
        assert [c.content for c in store.comments.list_for_media(media.id)] == ["Edge flicker"]


def test_the_same_note_edited_on_two_laptops_waits_as_a_conflict_until_resolved(
        server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a_path, b_path = tmp_path / "ana.sqlite", tmp_path / "bo.sqlite"
    with _laptop(a_path) as store:
        media = store.media.create(file_path="/projects/show/sh010.####.exr", project_id="show", version="v001",
                                   version_number=1, shot="sh010", frame_rate=Decimal("24"))
        note = store.comments.add(media_id=media.id, content="Edge flicker", user_id="ana", user_name="ana")
    assert _sync(a_path, "ana") == 0 and _sync(b_path, "bo") == 0
    with _laptop(a_path) as store:
        store.comments.edit(note.id, "Edge flicker on the LEFT")
    with _laptop(b_path) as store:
        store.comments.edit(note.id, "Edge flicker on the RIGHT")
    assert _sync(a_path, "ana") == 0
    capsys.readouterr()
    assert _sync(b_path, "bo") == 1  # bo's edit met ana's: a conflict waits for a choice
    assert "1 conflict waiting (horus sync conflicts)" in capsys.readouterr().out

    rows = _json(capsys, ["sync", "conflicts", "--json", "--db", str(b_path), "--user", "bo"])
    assert len(rows) == 1
    row = rows[0]
    assert {row["local_value"], row["remote_value"]} == {"Edge flicker on the LEFT", "Edge flicker on the RIGHT"}
    assert row["local_value"] == "Edge flicker on the RIGHT"
    assert row["remote_author"] == "ana" and row["local_author"] == "bo" and row["field"] == "content"

    assert main(["sync", "conflicts", "resolve", row["id"], "local", "--db", str(b_path), "--user", "bo"]) == 0
    assert _sync(b_path, "bo") == 0 and _sync(a_path, "ana") == 0
    for path in (a_path, b_path):
        with _laptop(path) as store:
            assert store.comments.get(note.id).content == "Edge flicker on the RIGHT"
    status = _json(capsys, ["sync", "status", "--json", "--db", str(a_path), "--user", "ana"])
    assert status["unresolved_conflicts"] == 0


def test_resolving_an_unknown_conflict_is_one_line(server: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "ana.sqlite"
    assert _sync(db, "ana") == 0
    capsys.readouterr()
    assert main(["sync", "conflicts", "resolve", "no-such-id", "remote", "--db", str(db), "--user", "ana"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("horus: error: sync: no conflict no-such-id") and err.count("\n") == 1


def test_a_server_that_does_not_answer_exits_2_and_keeps_the_outbox(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HORUS_CONFIG", str(tmp_path / "machine.json"))
    db = tmp_path / "ana.sqlite"
    with _laptop(db) as store:
        store.media.create(file_path="/projects/show/sh010.####.exr", project_id="show", version="v001",
                           version_number=1, shot="sh010", frame_rate=Decimal("24"))
    capsys.readouterr()
    assert _sync(db, "ana", "--server", "postgresql://postgres@127.0.0.1:1/nowhere") == 2
    err = capsys.readouterr().err
    # The round's first line says what it is about to do (before its libraries load), then the one-line error.
    said, error = err.splitlines()
    assert said == "horus: sync: one round with postgresql://postgres@127.0.0.1:1/nowhere: 1 change to push ..."
    assert error.startswith("horus: error: sync: ") and "reach" in error
    status = _json(capsys, ["sync", "status", "--json", "--db", str(db), "--user", "ana",
                            "--server", "postgresql://postgres@127.0.0.1:1/nowhere"])
    assert status["pending_ops"] >= 1


def test_the_python_api_syncs_and_lists_conflicts(server: str, tmp_path: Path) -> None:
    from horus_desktop.api import Horus

    with Horus.open(tmp_path / "ana.sqlite", user="ana") as ana:
        media = ana.store.media.create(file_path="/projects/show/sh010.####.exr", project_id="show",
                                       version="v001", version_number=1, shot="sh010", frame_rate=Decimal("24"))
        note = ana.add_comment(media.id, "Grain too strong")
        assert ana.sync_status().pending_ops >= 2
        report = ana.sync()
        assert report.up_to_date and report.pushed >= 2
        assert ana.sync_status().pending_ops == 0
    with Horus.open(tmp_path / "bo.sqlite", user="bo") as bo:
        bo.sync()
        bo.store.comments.edit(note.id, "Grain fine")
        with Horus.open(tmp_path / "ana.sqlite", user="ana") as ana:
            ana.store.comments.edit(note.id, "Grain too strong on the left")
            ana.sync()
        bo.sync()
        (conflict,) = bo.sync_conflicts()
        assert (conflict.local_value, conflict.remote_value) == ("Grain fine", "Grain too strong on the left")
        bo.resolve_conflict(conflict.id, "remote")
        assert bo.sync_conflicts() == []
        assert bo.sync().up_to_date
        assert bo.store.comments.get(note.id).content == "Grain too strong on the left"


def test_a_server_notification_brings_a_pull_without_waiting_for_the_poll(server: str, tmp_path: Path) -> None:
    """The loop polls only every 10 minutes here: a note can only arrive this soon through LISTEN/NOTIFY."""
    import threading
    import time

    from horus_desktop.sync.client import SyncClient
    from horus_desktop.sync.service import NotifyListener, SyncLoop

    ana = Store.open(tmp_path / "ana.sqlite", backup=False)
    bo = Store.open(tmp_path / "bo.sqlite", backup=False)
    media = ana.media.create(file_path="/projects/show/sh010.####.exr", project_id="show", version="v001",
                             version_number=1, shot="sh010", frame_rate=Decimal("24"))
    ana_client = SyncClient(ana, server, user="ana")
    ana_client.round()
    arrived = threading.Event()
    bo.subscribe(lambda cs: arrived.set() if cs.of("note") else None)
    states: list[str] = []
    loop = SyncLoop(lambda: SyncClient(bo, server, user="bo"), on_state=lambda s: states.append(s.phase),
                    poll_seconds=600, debounce_seconds=0)
    listener = NotifyListener(server, loop.hint)
    loop.start()
    listener.start()
    try:
        assert listener.listening.wait(60)
        for _ in range(1200):  # bo's first round done: now only a hint can start another within 10 minutes
            if "up_to_date" in states:
                break
            time.sleep(0.05)
        assert "up_to_date" in states
        ana.comments.add(media_id=media.id, content="Roto edge chatter", user_id="ana", user_name="ana")
        ana_client.round()
        assert arrived.wait(60)
        assert [c.content for c in bo.comments.list_for_media(media.id)] == ["Roto edge chatter"]
    finally:
        listener.stop()
        loop.stop()
        ana_client.close()
        ana.close()
        bo.close()


def test_bench_sync_small_run_prints_json_and_its_clients_converge(capsys: pytest.CaptureFixture[str]) -> None:
    import psycopg

    try:
        psycopg.connect(ADMIN_URL, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {ADMIN_URL}: {exc}")
    assert main(["bench", "sync", "--server", ADMIN_URL, "--ops", "40", "--notes", "3", "--clients", "3",
                 "--per-client", "10", "--json"]) == 0
    out = capsys.readouterr()
    result = json.loads(out.out)  # the table went to stderr
    assert "push 40 ops" in out.err
    assert result["push_pull"]["pull_rows"] == 40
    assert result["live"]["latency_arrived"] == 3
    many = result["many"]
    assert many["converged"] and many["errors"] == [] and many["notes_per_store"] == [30]

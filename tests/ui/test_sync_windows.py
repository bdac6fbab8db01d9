"""Two app windows on two laptop stores syncing through the real PostgreSQL server: a note typed in one
appears in the other's notes panel, and the status indicator goes through syncing to up to date."""

from __future__ import annotations

import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from horus_desktop.store import NotFoundError, Store
from horus_desktop.sync.bench import server_database
from horus_desktop.ui.app import create_window

pytestmark = pytest.mark.postgres

ADMIN_URL = os.environ.get("HORUS_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SHOTS = os.environ.get("HORUS_SYNC_SHOTS")  # a folder: screenshots of the two windows converging


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A server database of this test's own (schema and sync functions installed), named in the settings."""
    import psycopg

    try:
        psycopg.connect(ADMIN_URL, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {ADMIN_URL}: {exc}")
    with server_database(ADMIN_URL) as url:
        config = tmp_path / "machine.json"
        config.write_text(f'{{"server_url": "{url}", "followed_projects": ["show"]}}', encoding="utf-8")
        monkeypatch.setenv("HORUS_CONFIG", str(config))
        yield url


@pytest.fixture
def two_windows(qtbot, server: str, tmp_path: Path):  # noqa: ANN001, ANN201
    made = []

    def make(name: str, store: Store):  # noqa: ANN202
        window, db, jobs = create_window(store, user_id=name, use_gl=False,
                                         settings=QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(window)
        window.setWindowTitle(f"Horus — {name}")
        window.resize(1280, 880)
        window.show()
        made.append((window, db, jobs, store))
        return window

    yield make
    for window, db, jobs, store in made:
        window.close()
        window.shutdown()
        jobs.shutdown()
        db.shutdown()
        store.close()


def _has_media(store: Store, media_id) -> bool:  # noqa: ANN001
    try:
        store.media.get(media_id)
    except NotFoundError:
        return False
    return True


def _phases(window) -> list[str]:  # noqa: ANN001
    seen: list[str] = []
    window.sync.worker.sig_state.connect(lambda state: seen.append(state.phase))
    return seen


def _shot(window, name: str) -> None:  # noqa: ANN001
    if SHOTS:
        window.grab().save(str(Path(SHOTS) / name))


def test_a_note_typed_in_one_window_appears_in_the_other(qtbot, two_windows, tmp_path: Path) -> None:  # noqa: ANN001
    store_a = Store.open(tmp_path / "ana.sqlite", backup=False)
    store_b = Store.open(tmp_path / "bo.sqlite", backup=False)
    media = store_a.media.create(file_path="/projects/show/sq010/sh010/comp/v001/sh010.####.exr", project_id="show",
                                 version="v001", version_number=1, sequence="sq010", shot="sh010",
                                 department="comp", frame_rate=Decimal("24"))
    ana = two_windows("ana", store_a)
    bo = two_windows("bo", store_b)
    # The media ana made reaches bo's laptop through the server.
    qtbot.waitUntil(lambda: _has_media(store_b, media.id), timeout=30000)
    qtbot.waitUntil(lambda: bo.browser.model.rowCount() == 1, timeout=15000)  # and shows in bo's browser
    qtbot.waitUntil(lambda: "Up to date" in ana.sync.indicator.text()
                    and "Up to date" in bo.sync.indicator.text(), timeout=30000)
    ana.notes.set_media(media)
    bo.notes.set_media(store_b.media.get(media.id))
    qtbot.waitUntil(lambda: ana.notes.loads > 0 and bo.notes.loads > 0, timeout=15000)
    ana_phases, bo_phases = _phases(ana), _phases(bo)

    text = "Edge flicker on the left plate, from ana's laptop"
    ana.notes.editor.setPlainText(text)
    ana.notes.send()
    _shot(ana, "F-sync-1-ana-typed.png")
    _shot(bo, "F-sync-1-bo-before.png")
    qtbot.waitUntil(lambda: text in bo.notes.model.texts(), timeout=30000)
    qtbot.waitUntil(lambda: "Up to date" in ana.sync.indicator.text(), timeout=30000)
    _shot(ana, "F-sync-2-ana-after.png")
    _shot(bo, "F-sync-2-bo-after.png")
    # Ana's round after her note: syncing, then up to date (her outbox emptied).
    assert "syncing" in ana_phases and ana_phases.index("syncing") < len(ana_phases) - 1 - ana_phases[::-1].index("up_to_date")
    assert "syncing" in bo_phases
    assert [c.content for c in store_b.comments.list_for_media(media.id)] == [text]
    assert "Last successful sync" in bo.sync.indicator.toolTip() and "never" not in bo.sync.indicator.toolTip()

    # And back: bo's reply reaches ana's panel.
    reply = "Fixed in v002, thanks"
    bo.notes.editor.setPlainText(reply)
    bo.notes.send()
    qtbot.waitUntil(lambda: reply in ana.notes.model.texts(), timeout=30000)
    _shot(ana, "F-sync-3-ana-sees-bo.png")
    _shot(bo, "F-sync-3-bo.png")


def test_a_conflict_shows_in_the_indicator_and_is_settled_in_the_conflicts_view(
        qtbot, two_windows, server: str, tmp_path: Path) -> None:  # noqa: ANN001
    from PySide6.QtCore import Qt

    from horus_desktop.sync.client import SyncClient

    store_a = Store.open(tmp_path / "ana.sqlite", backup=False)
    store_b = Store.open(tmp_path / "bo.sqlite", backup=False)
    media = store_a.media.create(file_path="/projects/show/sh010.####.exr", project_id="show", version="v001",
                                 version_number=1, shot="sh010", frame_rate=Decimal("24"))
    note = store_a.comments.add(media_id=media.id, content="Grain too strong", user_id="ana", user_name="ana")
    ana_client, bo_client = SyncClient(store_a, server, user="ana"), SyncClient(store_b, server, user="bo")
    ana_client.round()
    bo_client.round()
    store_a.comments.edit(note.id, "Grain too strong on the left")
    store_b.comments.edit(note.id, "Grain is fine")
    ana_client.round()
    ana_client.close()
    bo_client.close()
    store_a.close()

    bo = two_windows("bo", store_b)  # bo's window pushes his edit and meets ana's
    qtbot.waitUntil(lambda: "1 conflict" in bo.sync.indicator.text(), timeout=30000)
    assert "click to open the Conflicts view" in bo.sync.indicator.toolTip()
    dialog = bo.sync.open_conflicts()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=15000)
    row = [dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())]
    assert row[1] == "Grain is fine" and row[2].startswith("bo, ")
    assert row[3] == "Grain too strong on the left" and row[4].startswith("ana, ")
    _shot(dialog, "F-sync-4-conflicts-view.png")
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.keep_theirs, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 0, timeout=15000)
    qtbot.waitUntil(lambda: "Up to date" in bo.sync.indicator.text(), timeout=30000)
    assert store_b.comments.get(note.id).content == "Grain too strong on the left"
    dialog.close()


def test_setting_the_server_in_the_dialog_starts_syncing(qtbot, two_windows, server: str, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    import psycopg

    monkeypatch.setenv("HORUS_CONFIG", str(tmp_path / "fresh-machine.json"))  # no server set yet
    store = Store.open(tmp_path / "ana.sqlite", backup=False)
    store.media.create(file_path="/projects/show/sh010.####.exr", project_id="show", version="v001",
                       version_number=1, shot="sh010", frame_rate=Decimal("24"))
    ana = two_windows("ana", store)
    assert "Sync off" in ana.sync.indicator.text()
    dialog = ana.sync.open_settings()
    dialog.server_tab.url.setText(server)
    dialog.accept()
    qtbot.waitUntil(lambda: "Up to date" in ana.sync.indicator.text(), timeout=30000)
    with psycopg.connect(server) as conn:  # the media made before the server was set reached it
        assert conn.execute("SELECT count(*) FROM horus_media_records").fetchone()[0] == 1

"""Settings > Server, the sync indicator and the Conflicts view (with a fake client: no server needed)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from horus_desktop.machine_settings import MachineSettings, load_settings
from horus_desktop.sync.service import SyncState
from horus_desktop.ui.settings_dialog import SettingsDialog
from horus_desktop.ui.sync_conflicts import ConflictsDialog
from horus_desktop.ui.sync_indicator import SyncIndicator


@dataclass
class Conflict:
    id: str
    local_value: str
    remote_value: str
    table: str = "horus_comments"
    row_id: str = "n1"
    field: str = "text"
    local_author: str = "ana"
    remote_author: str = "bo"
    local_at: datetime = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    remote_at: datetime = datetime(2026, 11, 30, 9, 2, tzinfo=UTC)
    winner: str = "remote"
    resolved: bool = False


class FakeClient:
    def __init__(self) -> None:
        self.items = [Conflict("c1", "Edge flicker left", "Edge flicker right"),
                      Conflict("c2", "approved", "rejected", table="horus_approvals", field="status")]
        self.resolved: list[tuple[str, str]] = []

    def conflicts(self, unresolved_only: bool = True) -> list[Conflict]:
        return [c for c in self.items if not c.resolved]

    def resolve(self, conflict_id: str, choice: str) -> None:
        self.resolved.append((conflict_id, choice))
        next(c for c in self.items if c.id == conflict_id).resolved = True


def _call_now(client: FakeClient):  # noqa: ANN202 - the SyncWorker.call shape, run inline
    def call(job: Any, done: Any, failed: Any) -> None:
        try:
            result = job(client)
        except Exception as exc:  # noqa: BLE001
            failed(exc)
        else:
            done(result)
    return call


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "machine.json"
    monkeypatch.setenv("HORUS_CONFIG", str(path))
    return path


def test_server_settings_are_saved_on_ok(qtbot, config: Path) -> None:  # noqa: ANN001
    dialog = SettingsDialog(MachineSettings())
    qtbot.addWidget(dialog)
    saved: list[MachineSettings] = []
    dialog.sig_saved.connect(saved.append)
    dialog.server_tab.url.setText("postgresql://studio-db/horus")
    dialog.server_tab.projects.setPlainText("show_a\n\nshow_b\nshow_a\n")
    dialog.accept()
    assert load_settings() == MachineSettings("postgresql://studio-db/horus", ("show_a", "show_b"))
    assert saved == [load_settings()]
    assert dialog.tabs.tabText(0) == "Server"


def test_a_password_in_the_url_is_refused_and_the_dialog_stays_open(qtbot, config: Path) -> None:  # noqa: ANN001
    dialog = SettingsDialog(MachineSettings())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.server_tab.url.setText("postgresql://ana:secret@studio-db/horus")
    dialog.accept()
    assert dialog.isVisible()
    assert "pgpass" in dialog.error.text() and dialog.error.isVisible()
    assert not config.exists()


def test_indicator_words_tooltip_and_click(qtbot) -> None:  # noqa: ANN001
    indicator = SyncIndicator()
    qtbot.addWidget(indicator)
    assert "Sync off" in indicator.text()
    indicator.show_state(SyncState("up_to_date", last_sync=datetime(2026, 11, 30, 9, 5, tzinfo=UTC)))
    assert "Up to date" in indicator.text()
    assert datetime(2026, 11, 30, 9, 5, tzinfo=UTC).astimezone().strftime("%H:%M:%S") in indicator.toolTip()
    with qtbot.waitSignal(indicator.sig_sync_now, timeout=15000):
        qtbot.mouseClick(indicator, Qt.MouseButton.LeftButton)
    indicator.show_state(SyncState("conflicts", conflicts=2))
    assert "2 conflicts" in indicator.text()
    with qtbot.waitSignal(indicator.sig_open_conflicts, timeout=15000):
        qtbot.mouseClick(indicator, Qt.MouseButton.LeftButton)
    indicator.show_state(SyncState("offline", pending=3, reason="ServerUnreachableError: connection refused"))
    assert "Offline (3 waiting)" in indicator.text() and "connection refused" in indicator.toolTip()


def test_conflicts_view_shows_both_values_and_keeps_the_chosen_one(qtbot) -> None:  # noqa: ANN001
    client = FakeClient()
    resolved_signal: list[bool] = []
    dialog = ConflictsDialog(_call_now(client), on_resolved=lambda: resolved_signal.append(True))
    qtbot.addWidget(dialog)
    table = dialog.table
    assert table.rowCount() == 2
    row = [table.item(0, c).text() for c in range(table.columnCount())]
    assert row[0] == "note text" and row[1] == "Edge flicker left" and row[3] == "Edge flicker right"
    assert row[2].startswith("ana, ") and row[4].startswith("bo, ") and row[5] == "theirs"
    assert not dialog.keep_mine.isEnabled()  # nothing selected yet
    table.selectRow(0)
    qtbot.mouseClick(dialog.keep_mine, Qt.MouseButton.LeftButton)
    assert client.resolved == [("c1", "local")] and resolved_signal == [True]
    assert table.rowCount() == 1 and table.item(0, 0).text() == "approval status"
    table.selectRow(0)
    qtbot.mouseClick(dialog.keep_theirs, Qt.MouseButton.LeftButton)
    assert client.resolved[-1] == ("c2", "remote")
    assert table.rowCount() == 0 and "No conflicts" in dialog.message.text()


def test_conflicts_view_says_when_the_client_fails(qtbot) -> None:  # noqa: ANN001
    def call(job: Any, done: Any, failed: Any) -> None:
        failed(ConnectionError("server closed the connection"))

    dialog = ConflictsDialog(call)
    qtbot.addWidget(dialog)
    assert "server closed the connection" in dialog.message.text()


def test_a_window_whose_server_does_not_answer_says_offline_and_what_waits(
        qtbot, make_window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from decimal import Decimal

    from horus_desktop.store import Store

    config = tmp_path / "machine.json"
    config.write_text('{"server_url": "postgresql://postgres@127.0.0.1:1/nowhere"}', encoding="utf-8")
    monkeypatch.setenv("HORUS_CONFIG", str(config))
    store = Store.open(tmp_path / "laptop.sqlite", backup=False)
    store.media.create(file_path="/projects/show/sh010.####.exr", project_id="show", version="v001",
                       version_number=1, shot="sh010", frame_rate=Decimal("24"))
    window = make_window(store)
    indicator = window.sync.indicator
    qtbot.waitUntil(lambda: "Offline" in indicator.text(), timeout=20000)
    assert "waiting)" in indicator.text()  # the media made offline waits in the outbox
    assert "Last successful sync: never" in indicator.toolTip() and "reach" in indicator.toolTip()
    window.close()
    window.shutdown()
    store.close()


@pytest.fixture
def app_stylesheet(qapp) -> Iterator[None]:  # noqa: ANN001 - pytest-qt's QApplication
    """Sizes as the app shows them: its stylesheet pads fields and sets their font when they are shown."""
    from horus_desktop.ui.resources import stylesheet

    qapp.setStyleSheet(stylesheet("dark"))
    yield
    qapp.setStyleSheet("")


def test_the_server_fields_placeholder_reads_whole(qtbot, app_stylesheet, config: Path) -> None:  # noqa: ANN001
    """It was cut at "this machine wor..." in the dialog as it opens: what an empty field means was not said."""
    from .helpers import reads_whole

    dialog = SettingsDialog(MachineSettings())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    url = dialog.server_tab.url
    assert url.placeholderText().endswith("this machine works alone)")
    assert reads_whole(url, url.placeholderText())


def test_one_conflict_and_one_change_read_singular(qtbot) -> None:  # noqa: ANN001
    client = FakeClient()
    client.items = client.items[:1]
    dialog = ConflictsDialog(_call_now(client), on_resolved=lambda: None)
    qtbot.addWidget(dialog)
    assert dialog.message.text().startswith("1 conflict. Until you choose")
    indicator = SyncIndicator()
    qtbot.addWidget(indicator)
    indicator.show_state(SyncState("conflicts", pending=1, conflicts=1))
    assert "1 conflict" in indicator.text() and "conflicts" not in indicator.text()
    tip = indicator.toolTip()
    assert "1 local change not sent yet" in tip
    assert "1 conflict to choose: click to open the Conflicts view" in tip

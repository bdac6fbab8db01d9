"""The window shows before the store is open: it is built on a stand-in, the DB worker opens the store after,
and the panels say they are loading until it is ready, then fill. A store that cannot be opened is said
once, with the panels' queries queued behind it dropped."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from horus_desktop.ui.app import create_window, open_store
from horus_desktop.ui.pending_store import PendingStore

from .helpers import wait_rows


def _window_on_held_store(qtbot, location: str, settings):  # noqa: ANN001, ANN202 - pytest-qt fixtures
    """A window whose store opening waits for ``release`` (a test hook standing in for a slow disk)."""
    release = threading.Event()
    pending = PendingStore("Opening the store...")
    outcome: dict[str, object] = {}
    workers = []

    def held_open() -> object:
        release.wait(30)
        return open_store(location, "ana", pending)

    def cannot_open(error: BaseException) -> None:
        outcome["error"] = error
        workers[0].shutdown()  # as the app does: the panels' queries queued behind the opening are dropped

    window, db, jobs = create_window(pending, user_id="ana", settings=settings, use_gl=False,
                                     first_task=(held_open, lambda user: outcome.setdefault("user", user),
                                                 cannot_open))
    workers.append(db)
    qtbot.addWidget(window)
    window.resize(1400, 850)
    window.show()
    return window, db, jobs, pending, release, outcome


def _close(window, db, jobs, pending: PendingStore, release: threading.Event) -> None:  # noqa: ANN001
    release.set()
    window.close()
    window.shutdown()
    jobs.shutdown()
    db.shutdown()
    if pending.ready:
        pending.store().close()


def test_the_window_shows_loading_panels_before_the_store_opens_then_they_fill(
        qtbot, demo_template: Path, tmp_path: Path, settings) -> None:  # noqa: ANN001
    db_file = tmp_path / "horus.sqlite"
    shutil.copy(demo_template / "horus.sqlite", db_file)
    window, db, jobs, pending, release, outcome = _window_on_held_store(qtbot, str(db_file), settings)
    try:
        qtbot.waitExposed(window, timeout=15000)
        qtbot.wait(200)  # the panels' first queries are queued: they wait behind the held opening
        assert window.isVisible() and not pending.ready
        assert window.browser.count_label.text() == "Loading..."
        assert window.browser.model.rowCount() == 0
        assert window.status.store_label.toolTip() == "Opening the store..."
        assert window.timeline.playlist_box.placeholderText() == "Loading playlists..."
        assert window.sync.worker is None  # nothing reads the store from its own thread yet

        release.set()
        wait_rows(qtbot, window, 11, timeout=20000)
        qtbot.waitUntil(lambda: "user" in outcome, timeout=15000)
        assert window.browser.count_label.text() == "11 media"
        assert window.status.store_label.toolTip() == f"SQLite {db_file}"
        qtbot.waitUntil(lambda: window.timeline.playlist_box.count() > 0, timeout=15000)  # the demo's dailies
    finally:
        _close(window, db, jobs, pending, release)


def test_a_store_that_cannot_be_opened_is_said_once(qtbot, tmp_path: Path, settings) -> None:  # noqa: ANN001
    db_file = tmp_path / "notes.sqlite"
    db_file.write_text("these are my notes, not a database\n" * 200)
    window, db, jobs, pending, release, outcome = _window_on_held_store(qtbot, str(db_file), settings)
    messages: list[str] = []
    db.sig_error.connect(messages.append)  # a panel's query failing on its own would say so here
    try:
        release.set()
        qtbot.waitUntil(lambda: "error" in outcome, timeout=20000)
        assert "cannot use the store" in str(outcome["error"])
        qtbot.wait(200)
        assert messages == []
        assert db_file.read_text().startswith("these are my notes")
    finally:
        _close(window, db, jobs, pending, release)

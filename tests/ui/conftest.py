"""Fixtures for widget tests: a demo-project store (generated once, copied per test), the main window with
its workers, and a guard that fails any test leaving worker threads running."""

from __future__ import annotations

import gc
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from horus_desktop.demo.project import make_demo_project
from horus_desktop.store import Store
from horus_desktop.store.engine import create_store_engine

pytest.importorskip("pytestqt")

# Worker threads Horus starts: DB, jobs, opener, frame cache, thumbnails, ingest, demo writers.
WORKER_PREFIXES = ("horus-db", "horus-job", "horus-open", "horus-frames", "horus-thumbs", "horus-ingest",
                   "horus-demo", "horus-sync")
DEMO_FRAMES = 12
DEMO_SIZE = (480, 270)


def _live_workers() -> list[str]:
    return [t.name for t in threading.enumerate() if t.is_alive() and t.name.startswith(WORKER_PREFIXES)]


@pytest.fixture(autouse=True)
def no_machine_server(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows never sync with the server this machine is set to (tests that sync name their own)."""
    monkeypatch.setenv("HORUS_CONFIG", str(tmp_path_factory.getbasetemp() / "machine-without-server.json"))


@pytest.fixture(autouse=True)
def no_leftover_workers() -> Iterator[None]:
    """Fail the test if it leaves thread-pool work running (after a grace period: 15 s on a loaded machine)."""
    before = set(_live_workers())
    yield
    gc.collect()  # on this (the UI) thread: what the app's UI-thread collector would have freed by now
    deadline = time.monotonic() + 15.0
    left: list[str] = []
    while time.monotonic() < deadline:
        left = [name for name in _live_workers() if name not in before]
        if not left:
            return
        time.sleep(0.05)
    pytest.fail(f"test left worker threads running: {sorted(left)}")


@pytest.fixture(scope="session", autouse=True)
def garbage_on_the_ui_thread(qapp) -> Iterator[None]:  # noqa: ANN001 - pytest-qt's QApplication
    """As in the app: cycles collected on the UI thread only (a worker-thread collection can deadlock Qt)."""
    from horus_desktop.ui.gc_on_ui_thread import UiThreadGarbageCollector

    collector = UiThreadGarbageCollector()
    yield
    collector.stop()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the (small) demo project, generated once per session."""
    folder = tmp_path_factory.mktemp("demo-template")
    store = Store.open(folder / "horus.sqlite")
    try:
        report = make_demo_project(store, folder / "media", frames=DEMO_FRAMES, size=DEMO_SIZE)
        assert not report.problems, report.problems
    finally:
        store.close()
    return folder


@pytest.fixture
def demo_store(demo_template: Path, tmp_path: Path) -> Iterator[Store]:
    """A private copy of the demo store (its media files are shared, read-only)."""
    shutil.copy(demo_template / "horus.sqlite", tmp_path / "horus.sqlite")
    engine = create_store_engine(f"sqlite:///{tmp_path / 'horus.sqlite'}")
    store = Store(engine, files_dir=tmp_path / "files")
    yield store
    store.close()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Layout settings in a private ini file."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(qtbot, settings: QSettings):  # noqa: ANN001, ANN201 - pytest-qt fixture
    """Factory: a main window on a store (CPU colour path), closed and its workers stopped after the test."""
    from horus_desktop.ui.app import create_window

    made = []

    def make(store: Store, *, settings_: QSettings | None = None):  # noqa: ANN202
        chosen = settings_ or settings
        window, db, jobs = create_window(store, user_id="ana", settings=chosen, use_gl=False)
        qtbot.addWidget(window)
        if chosen.value("window/geometry") is None:
            window.resize(1400, 850)
        window.show()
        # Shortcuts need the active window (always true off-screen; on X the window must be activated).
        window.activateWindow()
        window.raise_()
        qtbot.waitUntil(window.isActiveWindow, timeout=15000)
        made.append((window, db, jobs))
        return window

    yield make
    for window, db, jobs in made:
        window.close()
        window.shutdown()
        jobs.shutdown()
        db.shutdown()

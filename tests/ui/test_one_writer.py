"""One writer thread in the app: an ingest started from the window (files dropped or added) writes the
store through the DB worker, never from the jobs thread beside it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PIL import Image

from horus_desktop.domain.media_query import MediaQuery
from horus_desktop.store import ChangeSet, Store
from horus_desktop.ui.db_worker import DbWorker

from .helpers import wait_rows


def test_an_ingest_from_the_window_writes_on_the_db_worker(qtbot, make_window, sqlite_store: Store,  # noqa: ANN001
                                                          tmp_path: Path) -> None:
    for i in range(3):
        folder = tmp_path / "media" / "show" / f"sh{i:03d}" / "comp" / "v001"
        folder.mkdir(parents=True)
        Image.new("RGB", (64, 36), (80, 40 * i, 160)).save(folder / f"sh{i:03d}_comp_v001.png")
    window = make_window(sqlite_store)
    committed_on: list[str] = []

    def seen(_change_set: ChangeSet) -> None:  # the store tells listeners on the thread that committed
        committed_on.append(threading.current_thread().name)

    unsubscribe = sqlite_store.subscribe(seen)
    window.ingest([str(tmp_path / "media")], open_first=False)
    qtbot.waitUntil(lambda: not window.jobs.jobs, timeout=60_000)
    unsubscribe()
    assert sqlite_store.media.count() == 3
    assert committed_on and all(name.startswith("horus-db") for name in committed_on), committed_on



def _on_a_job_thread(work) -> list[object]:  # noqa: ANN001
    """Run ``work()`` on a thread of its own; its result (or error) in a list."""
    out: list[object] = []

    def run() -> None:
        try:
            out.append(work())
        except Exception as exc:  # noqa: BLE001 - handed back to the test
            out.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    return out


def test_a_job_waits_on_the_db_worker_but_the_ui_thread_may_not() -> None:
    db = DbWorker()
    try:
        with pytest.raises(RuntimeError, match="UI thread"):
            db.call(threading.current_thread)  # the window would freeze on a slow query
        (name,) = _on_a_job_thread(lambda: db.call(lambda: threading.current_thread().name))
        assert str(name).startswith("horus-db")
        (error,) = _on_a_job_thread(lambda: db.call(lambda: 1 / 0))
        assert isinstance(error, ZeroDivisionError)  # a refused write reaches the job that asked
    finally:
        db.shutdown()


def test_thumbnails_made_here_are_recorded_on_the_db_worker(qtbot, make_window, demo_store: Store,  # noqa: ANN001
                                                            monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # as for records pulled from the sync server: no thumbnail rows, so the browser makes them from the files
    monkeypatch.setenv("HORUS_CONFIG", str(tmp_path / "machine.json"))
    ids = demo_store.media.search_ids(MediaQuery())
    demo_store.thumbnails.delete_for(ids)
    committed_on: list[str] = []
    unsubscribe = demo_store.subscribe(lambda _cs: committed_on.append(threading.current_thread().name))
    window = make_window(demo_store)
    wait_rows(qtbot, window)
    qtbot.waitUntil(lambda: bool(demo_store.thumbnails.for_media(ids, "small")), timeout=30_000)
    window.db.wait_idle()
    unsubscribe()
    assert committed_on and all(name.startswith("horus-db") for name in committed_on), committed_on

"""One writer thread in the app: an ingest started from the window (files dropped or added) writes the
store through the DB worker, never from the jobs thread beside it."""

from __future__ import annotations

import threading
from pathlib import Path

from PIL import Image

from horus_desktop.store import ChangeSet, Store


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

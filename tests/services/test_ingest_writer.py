"""Ingest jobs write the store only through the writer they are given (the app passes its DB worker), so the
app has one writer thread; the probing and hashing stay on the job's threads."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image

from horus_desktop.services.ingest import ingest_job
from horus_desktop.store import ChangeSet, Store


def _shots(root: Path, count: int) -> Path:
    for i in range(count):
        folder = root / "show" / f"sh{i:03d}" / "comp" / "v001"
        folder.mkdir(parents=True)
        Image.new("RGB", (64, 36), (40 * i % 255, 90, 160)).save(folder / f"sh{i:03d}_comp_v001.png")
    return root


def test_every_ingest_write_runs_on_the_writer_thread(sqlite_store: Store, tmp_path: Path) -> None:
    root = _shots(tmp_path / "media", 3)
    committed_on: list[str] = []

    def seen(change_set: ChangeSet) -> None:  # listeners run on the thread that committed
        committed_on.append(threading.current_thread().name)

    sqlite_store.subscribe(seen)
    calls: list[str] = []
    with ThreadPoolExecutor(1, thread_name_prefix="writer") as writer:

        def write(work):  # noqa: ANN001, ANN202 - what the app's DbWorker.call does
            calls.append(threading.current_thread().name)  # asked from the job's threads
            return writer.submit(work).result()

        job = ingest_job(sqlite_store, [str(root)], user_id="ana", write=write)
        progress: list[int] = []
        (report,) = job(lambda done, total, label: progress.append(done), threading.Event())
    assert len(report.created) == 3 and not report.problems
    assert report.thumbnails > 0  # thumbnails recorded too
    assert committed_on and set(committed_on) == {"writer_0"}  # media, latest flags and thumbnails alike
    # Asked from the ingest's own threads (its batch lane), never from the writer thread itself.
    assert calls and not any(name.startswith("writer") for name in calls)
    assert len(sqlite_store.media.get_many(report.created)) == 3 and progress


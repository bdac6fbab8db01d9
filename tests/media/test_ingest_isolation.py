"""A decoder that dies in native code (a real segmentation fault) or hangs while ingest reads a file costs
that file only: it is reported as damaged, the other files are ingested and the calling process (the GUI
runs ingest as a job) lives on."""

from __future__ import annotations

import ctypes
import time
from pathlib import Path

import pytest
from PIL import Image

from horus_desktop.media import probe_worker
from horus_desktop.media.ingest import ingest_tree
from horus_desktop.media.probe import Known, ProbeResult, probe_and_hash
from horus_desktop.media.sequences import MediaItem
from horus_desktop.media.synthetic import draw_test_frame


def probe_crashing_on_named_files(item: MediaItem, known: Known | None = None) -> tuple[ProbeResult, str | None]:
    """Probe as ingest does, but read address 0 (SIGSEGV in C) for a file named crash*, hang on hang*."""
    name = Path(item.path).name
    if name.startswith("crash"):
        ctypes.string_at(0)
    if name.startswith("hang"):
        time.sleep(3600)
    return probe_and_hash(item, known)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "proj" / "sh010"
    root.mkdir(parents=True)
    for name in ("a.png", "crash.png", "hang.png", "z.png"):
        Image.fromarray(draw_test_frame(1, (32, 18))).save(root / name)
    return tmp_path / "proj"


def test_a_crashing_or_hanging_decoder_costs_one_file(sqlite_store, tree: Path, monkeypatch) -> None:
    monkeypatch.setattr(probe_worker, "probe_hash_task", probe_crashing_on_named_files)
    monkeypatch.setattr(probe_worker, "PROBE_TIMEOUT", 5.0)
    report = ingest_tree(sqlite_store, tree, thumbnails=True, thumbnail_dir=tree.parent / "thumbs")
    problems = {Path(p.path).name: p.reason for p in report.problems}
    assert set(problems) == {"crash.png", "hang.png"}
    assert "crashed" in problems["crash.png"] and "SIGSEGV" in problems["crash.png"]
    assert "did not finish" in problems["hang.png"]
    assert len(report.created) == 2 and report.thumbnails == 6
    assert sqlite_store.media.get_by_path(str(tree / "sh010" / "z.png")) is not None
    # The workers were replaced: the next ingest reads the same files normally.
    monkeypatch.undo()
    again = ingest_tree(sqlite_store, tree)
    assert len(again.created) == 2 and not again.problems


def test_the_same_crash_in_process_would_take_the_caller_down(tmp_path: Path) -> None:
    """The crash used above is real: run without isolation, it kills the process that probes."""
    import subprocess
    import sys

    image = tmp_path / "crash.png"
    Image.fromarray(draw_test_frame(1, (32, 18))).save(image)
    code = ("import sys; from tests.media.test_ingest_isolation import probe_crashing_on_named_files as p; "
            "from horus_desktop.media.sequences import media_item_for; p(media_item_for(sys.argv[1]))")
    result = subprocess.run([sys.executable, "-c", code, str(image)], cwd=Path(__file__).parents[2])
    assert result.returncode < 0  # killed by a signal


def test_a_probe_workers_imports_are_left_out_of_its_collections(tmp_path: Path) -> None:
    """What a worker imported lives as long as the worker: frozen (``gc.freeze``), so that its full collections
    walk only what its tasks made since, including a module a task loaded (the store's, for an ingest's maker
    of rows)."""
    import gc

    from horus_desktop.store.repositories.media import stored_media_rows

    pool = probe_worker.ProbePool(1)
    try:
        started = pool.call(str(tmp_path), 30.0, gc.get_freeze_count)
        assert started > 10_000  # the worker's start-up imports (decoders, image libraries)
        # A task whose argument is the store's maker of rows, as an ingest hands it: the worker loads its module.
        assert pool.call(str(tmp_path), 30.0, callable, stored_media_rows)
        assert pool.call(str(tmp_path), 30.0, gc.get_freeze_count) > started
    finally:
        pool.close()

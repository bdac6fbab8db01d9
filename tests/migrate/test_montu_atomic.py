"""A Montu import killed in the middle of a file leaves nothing of that file; a re-run completes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import text

from horus_desktop.migrate import format_report, import_montu
from horus_desktop.migrate.montu_sample import write_sample_export
from horus_desktop.store import Store

# The child imports with a progress callback that parks it inside the media file's transaction (after some
# media rows were written) so the test can kill it there with SIGKILL: no cleanup code can run.
CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from horus_desktop.migrate import import_montu
    from horus_desktop.store import Store

    def progress(done, total, label):
        print(done, total, label, flush=True)
        if label == "swa_media_records.json":
            time.sleep(600)

    import_montu(Store.open(sys.argv[1]), Path(sys.argv[2]), progress=progress)
""")


def count(store: Store, table: str) -> int:
    with store.engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def test_kill_mid_file_leaves_no_half_file_and_rerun_completes(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    sample = write_sample_export(folder, media=300)
    child = subprocess.Popen([sys.executable, "-c", CHILD, store.url, str(folder)], stdout=subprocess.PIPE,
                             text=True, cwd=Path(__file__).resolve().parents[2])
    try:
        assert child.stdout is not None
        for line in child.stdout:
            if line.rstrip().endswith("swa_media_records.json"):
                break
        else:
            raise AssertionError(f"the import ended before its media file (exit {child.wait()})")
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait() == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()

    # The project config (an earlier file) is committed; of the media file nothing, not even its tags.
    assert count(store, "horus_project_configs") == 1
    assert count(store, "horus_media_records") == 0 and count(store, "horus_media_tags") == 0
    assert count(store, "horus_comments") == 0 and count(store, "horus_timelines") == 0

    report = import_montu(store, folder)
    assert report.ok, format_report(report)
    assert report.count("projects").already_present == 1 and report.count("media").created == sample.media
    assert report.count("comments").created == sample.notes and report.count("clips").created == sample.clips
    assert count(store, "horus_media_records") == sample.media
    assert count(store, "horus_timeline_clips") == sample.clips
    assert import_montu(store, folder).created_total == 0

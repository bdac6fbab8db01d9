"""An ingest killed at any point (kill -9) is finished by the next one: the store ends exactly as after a
clean ingest (records, latest-version flags, thumbnails), on SQLite and PostgreSQL."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import Image

from horus_desktop.media.ingest import ingest_tree
from horus_desktop.media.sequences import scan_media
from horus_desktop.media.synthetic import draw_test_frame, write_exr

SIZE = (48, 27)
BATCH = 3  # small batches, so a kill lands between, inside and after several of them

CHILD = """
import sys
from horus_desktop.media.ingest import ingest_tree
from horus_desktop.store import Store

url, root, project, thumbs, batch, template = sys.argv[1:7]
store = Store.open(url, backup=False)

def step(done, total, label=""):
    print("step", flush=True)

ingest_tree(store, root, project=project, template=template, thumbnails=True, thumbnail_dir=thumbs,
            progress=step, batch_size=int(batch))
print("finished", flush=True)
"""


def build_tree(root: Path) -> None:
    """Two shots x two departments x three versions: PNG stills and short EXR sequences."""
    for s, shot in enumerate(("sh010", "sh020")):
        for d, dept in enumerate(("comp", "lighting")):
            for v in (1, 2, 3):
                folder = root / "sq01" / shot / dept / f"v{v:03d}"
                folder.mkdir(parents=True)
                seed = s * 100 + d * 10 + v
                if dept == "comp":
                    Image.fromarray(draw_test_frame(seed, SIZE)).save(folder / f"{shot}_{dept}.png")
                else:
                    for frame in (1001, 1002):
                        pixels = np.full((SIZE[1], SIZE[0], 3), seed / 400, "f2")
                        write_exr(folder / f"{shot}_{dept}.{frame}.exr", pixels, fps=Fraction(24))


TEMPLATE = "{sequence}/{shot}/{department}/{version}"


def canonical_dump(store, root: Path) -> list[tuple]:
    """Everything an ingest decides about the media under `root`, free of ids, times and the root."""
    paths = [item.path for item in scan_media(root)]
    records = store.media.get_by_paths(paths)
    dump = []
    for path in sorted(paths):
        record = records.get(path)
        if record is None:
            dump.append((path, None))
            continue
        thumbs = sorted((t.thumbnail_size, t.frame_number, t.thumbnail_hash, Path(t.thumbnail_path).is_file())
                        for t in store.thumbnails.list_for(record.id))
        dump.append((
            str(Path(path).relative_to(root)), record.file_name, record.file_size, record.file_hash,
            record.media_kind, record.shot, record.department, record.version, record.version_number,
            bool(record.is_latest_version), record.resolution, record.start_frame, record.end_frame,
            record.frame_count, record.color_space, record.bit_depth, record.compression,
            record.frame_rate_rational, tuple(record.missing_frames or ()), thumbs,
        ))
    return dump


def run_child_killed_at(url: str, root: Path, project: str, thumbs: Path, kill_at: int) -> bool:
    """Run an ingest in a child process and SIGKILL it at its `kill_at`-th progress step.

    Returns False if it finished before reaching that step."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(root), project, str(thumbs), str(BATCH), TEMPLATE],
        stdout=subprocess.PIPE, text=True,
    )
    assert child.stdout is not None
    steps = 0
    for line in child.stdout:
        steps += line.strip() == "step"
        if steps >= kill_at:
            child.send_signal(signal.SIGKILL)
            break
    child.wait()
    child.stdout.close()
    return child.returncode == -signal.SIGKILL


def test_reingest_after_kill_matches_a_clean_ingest(store, tmp_path: Path) -> None:
    source = tmp_path / "source"
    build_tree(source)
    steps: list[int] = []
    clean_root = tmp_path / "clean"
    shutil.copytree(source, clean_root)
    ingest_tree(store, clean_root, project="clean", template=TEMPLATE, thumbnails=True,
                thumbnail_dir=tmp_path / "thumbs-clean", progress=lambda d, t, label: steps.append(d))
    expected = canonical_dump(store, clean_root)
    assert all(row[1] is not None for row in expected) and len(expected) == 12
    assert sum(row[9] for row in expected) == 4  # one latest version per shot and department
    rng = random.Random(9)
    points = sorted(rng.sample(range(1, len(steps)), 4))
    for kill_at in points:
        root = tmp_path / f"run{kill_at}"
        shutil.copytree(source, root)
        project, thumbs = f"run{kill_at}", tmp_path / f"thumbs-{kill_at}"
        killed = run_child_killed_at(store.url, root, project, thumbs, kill_at)
        assert killed, f"the ingest finished before step {kill_at}"
        report = ingest_tree(store, root, project=project, template=TEMPLATE, thumbnails=True,
                             thumbnail_dir=thumbs)
        assert not report.problems, report.problems
        assert canonical_dump(store, root) == expected, f"killed at step {kill_at}"

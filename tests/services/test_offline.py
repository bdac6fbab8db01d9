"""Taking media offline: a real copy to the mapped root, verified against the stored hash, and resumable."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from horus_desktop.api import Horus
from horus_desktop.machine_settings import PathMap
from horus_desktop.services.media_paths import MediaPaths
from horus_desktop.services.offline import (
    available_offline,
    offline_availability,
    playlist_media,
    take_offline,
)
from horus_desktop.services.offline_copy import partial_path

from .studio_media import write_frames


def _local_frames(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_a_playlist_is_copied_to_the_mapped_root_and_verified(studio: tuple[Horus, Path], tmp_path: Path) -> None:
    horus, root = studio
    media = horus.search_media(project="show", sort_by="file_path", descending=False).items
    playlist = horus.create_playlist("For the plane", project="show", media_ids=[m.id for m in media])
    paths = MediaPaths((PathMap(str(root), str(tmp_path / "laptop")),))
    assert not any(offline_availability(media, paths).values())

    seen: list[tuple[int, int]] = []
    report = take_offline(playlist_media(horus.store, "For the plane"), paths=paths,
                          progress=lambda done, total, _what: seen.append((done, total)))

    assert report.ok and [r.state for r in report.results] == ["copied", "copied"]
    assert _local_frames(tmp_path / "laptop") == _local_frames(root)
    for a, b in zip(sorted((tmp_path / "laptop").rglob("*.png")), sorted(root.rglob("*.png")), strict=True):
        assert a.read_bytes() == b.read_bytes()
    assert seen[-1][0] == seen[-1][1] == sum(p.stat().st_size for p in root.rglob("*.png"))
    assert all(offline_availability(media, paths).values())
    again = take_offline(playlist_media(horus.store, str(playlist.id)), paths=paths)
    assert [r.state for r in again.results] == ["already offline", "already offline"]
    assert sum(r.files_copied for r in again.results) == 0


def test_a_studio_file_changed_since_ingest_is_reported_and_not_kept(studio: tuple[Horus, Path],
                                                                   tmp_path: Path) -> None:
    horus, root = studio
    (record,) = horus.search_media(shot="sh020").items
    write_frames(root / "sq010" / "sh020" / "comp" / "v001", "sh020_comp_v001", range(1002, 1003), seed=99)
    paths = MediaPaths((PathMap(str(root), str(tmp_path / "laptop")),))

    report = take_offline([record], paths=paths)

    (result,) = report.results
    assert not report.ok and result.state == "mismatch" and "does not match the SHA-256" in result.detail
    assert _local_frames(tmp_path / "laptop") == []
    assert not available_offline(record, paths)


def test_a_stale_local_frame_of_the_right_size_is_copied_again(studio: tuple[Horus, Path], tmp_path: Path) -> None:
    horus, root = studio
    (record,) = horus.search_media(shot="sh010").items
    laptop = tmp_path / "laptop"
    stale = laptop / "sq010" / "sh010" / "comp" / "v001"
    write_frames(stale, "sh010_comp_v001", range(1003, 1004), seed=42)  # same size, other pixels
    paths = MediaPaths((PathMap(str(root), str(laptop)),))

    (result,) = take_offline([record], paths=paths).results

    assert result.state == "copied"
    name = "sh010_comp_v001.1003.png"
    assert (stale / name).read_bytes() == (root / "sq010" / "sh010" / "comp" / "v001" / name).read_bytes()


def test_media_without_a_mapping_is_reported_by_name(studio: tuple[Horus, Path]) -> None:
    horus, _root = studio
    (record,) = horus.search_media(shot="sh020").items
    (result,) = take_offline([record], paths=MediaPaths(())).results
    assert result.state == "failed" and "no path mapping applies" in result.detail


_CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from horus_desktop.api import Horus
    from horus_desktop.machine_settings import PathMap
    from horus_desktop.services.media_paths import MediaPaths
    from horus_desktop.services.offline import take_offline

    db, studio, laptop, marker = sys.argv[1:5]
    with Horus.open(db, user="ana") as horus:
        records = horus.search_media(project="show", sort_by="file_path", descending=False).items

    def progress(done, total, what):
        if done > total // 2:  # halfway through the second frame: tell the parent, then wait to be killed
            Path(marker).write_text(what)
            time.sleep(600)

    take_offline(records, paths=MediaPaths((PathMap(studio, laptop),)), progress=progress)
""")


def test_a_copy_killed_mid_file_resumes_and_verifies(tmp_path: Path) -> None:
    studio, laptop = tmp_path / "studio", tmp_path / "laptop"
    shot = studio / "sq010" / "sh030" / "comp" / "v001"
    write_frames(shot, "big", range(1, 4), size=(1600, 1200), seed=7)  # ~5.8 MB a frame: several 4 MiB blocks
    db = tmp_path / "review.sqlite"
    with Horus.open(db, user="ana") as horus:
        assert not horus.ingest(studio, project="show", thumbnails=False).problems
        (record,) = horus.search_media(project="show").items
    marker = tmp_path / "halfway"
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(db), str(studio), str(laptop), str(marker)],
                             cwd=Path(__file__).resolve().parents[2])
    try:
        while not marker.exists():
            try:
                child.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                continue
            raise AssertionError("the copying process ended before it was killed")
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    copy = laptop / "sq010" / "sh030" / "comp" / "v001"
    assert (copy / "big.0001.png").read_bytes() == (shot / "big.0001.png").read_bytes()
    assert partial_path(copy / "big.0002.png").exists() and not (copy / "big.0002.png").exists()
    paths = MediaPaths((PathMap(str(studio), str(laptop)),))
    assert not available_offline(record, paths)

    (result,) = take_offline([record], paths=paths).results

    assert result.state == "copied" and result.files_copied == 2  # frames 2 (resumed) and 3; frame 1 was whole
    assert not partial_path(copy / "big.0002.png").exists()
    assert _local_frames(laptop) == _local_frames(studio)
    assert available_offline(record, paths)


def test_a_record_spanning_more_frames_than_its_copy_holds_is_not_offline(studio: tuple[Horus, Path],
                                                                          tmp_path: Path) -> None:
    # A span stored before spans were bounded (frames 1 to 10**23): answered without listing every frame.
    horus, root = studio
    (record,) = horus.search_media(shot="sh020").items
    paths = MediaPaths((PathMap(str(root), str(tmp_path / "laptop")),))
    assert take_offline([record], paths=paths).ok and available_offline(record, paths)
    huge = dataclasses.replace(record, end_frame=record.start_frame + 10**23)
    assert not available_offline(huge, paths)
    assert offline_availability([huge], paths) == {record.id: False}

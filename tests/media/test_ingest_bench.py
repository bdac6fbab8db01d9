"""`horus bench ingest` prints hashing beside hashlib (its digests checked equal) and whole ingests beside
walk + hash, in the same run."""

from __future__ import annotations

from pathlib import Path

from horus_desktop.media.ingest_bench import bench_ingest, make_small_tree
from horus_desktop.media.sequences import scan_media
from horus_desktop.media.synthetic import write_jpeg_sequence
from horus_desktop.store import Store


def test_bench_ingest_reports_hashing_and_ingest_beside_their_baselines(tmp_path: Path) -> None:
    write_jpeg_sequence(tmp_path / "tree" / "jpg", 4, size=(64, 36))
    result = bench_ingest(tmp_path / "tree", open_store=lambda path: Store.open(path, backup=False), frame_files=1)
    assert result["files"] == 4 and result["media_recorded"] == 1  # probed in this process and in workers alike
    assert result["frames_hash_mb_per_s_1"] > 0 and result["frames_hashlib_mb_per_s"] > 0
    for label in ("tree", "frames"):
        assert result[f"{label}_hash_vs_hashlib_1"] > 0 and result[f"{label}_hash_vs_hashlib_per_core"] > 0
    assert result["ingest_in_process_vs_walk_hash"] > 0 and result["ingest_isolated_vs_walk_hash"] > 0
    assert result["transactions"] == 1  # one batch of records, the latest-version flags refreshed in it
    for phase in ("scan", "probe_hash", "records", "write"):  # where the time goes, step by step
        assert result[f"phase_{phase}_vs_walk_hash"] > 0


def test_generated_tree_is_sequences_and_stills(tmp_path: Path) -> None:
    media = make_small_tree(tmp_path, 400, frames_per_sequence=20)
    items = list(scan_media(tmp_path))
    assert media == len(items) == 10 + 200
    assert sum(len(item.files) for item in items) == 400
    assert sorted({str(item.kind) for item in items}) == ["sequence", "still"]

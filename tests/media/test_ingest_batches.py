"""An ingest writes its records in batches, one transaction (one announced change set) per batch, on
SQLite and PostgreSQL; the records and latest-version flags are those of a record-by-record write."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from horus_desktop.media.hashing import sha256_file
from horus_desktop.media.ingest import ingest_tree
from horus_desktop.media.synthetic import draw_test_frame

SHOTS, VERSIONS = 4, 5


def build_tree(root: Path) -> list[Path]:
    """SHOTS shots x VERSIONS versions of one PNG still each, and one 12-frame PNG sequence."""
    files = []
    for s in range(SHOTS):
        for v in range(1, VERSIONS + 1):
            folder = root / "show" / "sq01" / f"sh{s:03d}" / "comp" / f"v{v:03d}"
            folder.mkdir(parents=True)
            files.append(folder / f"sh{s:03d}_comp_v{v:03d}.png")
            Image.fromarray(draw_test_frame(s * 10 + v, (32, 18))).save(files[-1])
    folder = root / "show" / "sq01" / "sh099" / "anim" / "v001"
    folder.mkdir(parents=True)
    for f in range(1001, 1013):
        Image.fromarray(draw_test_frame(f, (32, 18))).save(folder / f"sh099_anim_v001.{f}.png")
    return files


def test_records_are_written_one_transaction_per_batch(store, tmp_path: Path) -> None:
    root = tmp_path / "tree"
    stills = build_tree(root)
    change_sets = []
    unsubscribe = store.uow.subscribe(change_sets.append)
    try:
        report = ingest_tree(store, root, isolated=False, batch_size=7)
    finally:
        unsubscribe()
    media = SHOTS * VERSIONS + 1
    assert len(report.created) == media and not report.problems
    record_sets = [c for c in change_sets if c.of("media") and any(ch.op == "insert" for ch in c.changes)]
    # 21 records in batches of 7: three inserting transactions of 7 records each, not one per record...
    assert [sum(ch.op == "insert" for ch in c.of("media")) for c in record_sets] == [7, 7, 7]
    # ...the latest-version flags of every group written to refreshed in the last one's transaction.
    assert len(change_sets) == 3
    assert any(ch.op == "update" for ch in change_sets[-1].of("media"))
    for s in range(SHOTS):
        versions = store.media.find_by_shot_version(f"sh{s:03d}")
        latest = [m.version for m in versions if m.is_latest_version]
        assert latest == [f"v{VERSIONS:03d}"]
    still = store.media.get_by_path(str(stills[0]))
    assert still.file_hash == sha256_file(stills[0]) and still.version_number == 1


def test_a_bad_record_in_a_batch_is_reported_and_the_rest_land(store, tmp_path: Path) -> None:
    root = tmp_path / "tree"
    build_tree(root)
    # A department name longer than the column: that one record is refused, its batch retried record by record.
    long_name = root / "show" / "sq01" / "sh000" / ("d" * 60) / "v001"
    long_name.mkdir(parents=True)
    Image.fromarray(draw_test_frame(1, (32, 18))).save(long_name / "x.png")
    report = ingest_tree(store, root, isolated=False, batch_size=50,
                         template="{project}/{sequence}/{shot}/{department}/{version}")
    assert len(report.created) == SHOTS * VERSIONS + 1
    assert [Path(p.path).name for p in report.problems] == ["x.png"]
    assert "department" in report.problems[0].reason

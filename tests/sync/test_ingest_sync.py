"""An ingest's records, written a batch at a time set-based (their outbox ops in one statement), all reach
another laptop through the server, and are found there by a search."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from horus_desktop.domain.media_query import MediaQuery
from horus_desktop.media.ingest import ingest_tree
from horus_desktop.media.synthetic import draw_test_frame


def test_every_ingested_record_reaches_the_other_laptop(laptop, tmp_path: Path) -> None:
    for shot in range(6):
        for version in (1, 2):
            folder = tmp_path / "tree" / "horus_demo" / "sq01" / f"sh{shot:03d}" / "comp" / f"v{version:03d}"
            folder.mkdir(parents=True)
            Image.fromarray(draw_test_frame(shot * 10 + version, (32, 18))).save(
                folder / f"sh{shot:03d}_comp_v{version:03d}.png")
    ana, ben = laptop("ana"), laptop("ben")
    report = ingest_tree(ana.store, tmp_path / "tree", project="horus_demo", isolated=False, batch_size=5)
    assert len(report.created) == 12 and not report.problems
    assert ana.sync().up_to_date and ana.client.status().pending_ops == 0
    assert ben.sync().up_to_date
    assert ana.dump() == ben.dump()
    found = ben.store.media.search(MediaQuery(text="comp_v002", latest_only=True)).items
    assert sorted(m.shot for m in found) == [f"sh{shot:03d}" for shot in range(6)]

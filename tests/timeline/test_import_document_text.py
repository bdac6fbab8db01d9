"""An imported playlist's document is stored as minified JSON with its text other than ASCII as UTF-8 (fewer
bytes written than ``json.dumps``'s spaced, escaped form), reads back as the same document, and its sync op
carries the same document, whether the clips' ops are written set-based (from 200 clips) or by the triggers."""

from __future__ import annotations

import json
from pathlib import Path

import opentimelineio as otio
import pytest
from sqlalchemy import text

from horus_desktop.store import Store
from horus_desktop.timeline import files
from horus_desktop.timeline.otio_doc import trange


def _write(path: Path, clips: int) -> Path:
    doc = otio.schema.Timeline(name="Coupe \u00e9t\u00e9 \u2728")
    track = otio.schema.Track(name="V1 \u25b6")
    for i in range(clips):
        clip = otio.schema.Clip(name=f"plan {i} \u00e0 \"voir\"", source_range=trange(1001, 2, 24),
                                media_reference=otio.schema.ExternalReference(target_url=f"/show/sh{i:03d}.mov"))
        clip.metadata["vendor"] = {"note": "d\u00e9j\u00e0 vu\n", "take": i, "gain": 0.5}
        track.append(clip)
    doc.tracks.append(track)
    otio.adapters.write_to_file(doc, str(path))
    return path


@pytest.mark.parametrize("clips", [3, 250])
def test_the_document_is_stored_minified_as_utf8_and_its_op_holds_it(tmp_path: Path, clips: int) -> None:
    cut = _write(tmp_path / "cut.otio", clips)
    store = Store.open(tmp_path / "s.sqlite", backup=False)
    try:
        report = files.import_playlist(store, cut, user="ana", project_id="p")
        with store.uow.read() as session:
            stored = session.execute(text("SELECT otio_data FROM horus_timelines WHERE id = :i"),
                                     {"i": report.timeline.id.hex}).scalar_one()
            op = session.execute(text("SELECT new_row FROM horus_sync_outbox WHERE table_name = 'horus_timelines' "
                                      "AND kind = 'insert'")).scalar_one()
        document = json.loads(stored)
        assert stored == json.dumps(document, separators=(",", ":"), ensure_ascii=False)
        assert "Coupe \u00e9t\u00e9 \u2728" in stored and "\\u00e9" not in stored
        assert document == report.timeline.otio_data == store.timelines.get(report.timeline.id).otio_data
        assert json.loads(op)["otio_data"] == document
        names = [c["name"] for c in document["tracks"]["children"][0]["children"]]
        assert names == [f"plan {i} \u00e0 \"voir\"" for i in range(clips)]
    finally:
        store.close()

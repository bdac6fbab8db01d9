"""A playlist import, written set-based (its outbox ops in one statement per table), reaches another laptop
through the server whole: the playlist row and every clip."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio

from horus_desktop.timeline import files
from horus_desktop.timeline.otio_doc import trange


def _write_otio(path: Path, count: int) -> Path:
    """A cut of ``count`` clips on two tracks, one in three of a media of the store, the others missing."""
    doc = otio.schema.Timeline(name="Coupe \u2728")
    tracks = [otio.schema.Track(name="V1"), otio.schema.Track(name="V2")]
    for i in range(count):
        url = f"/show/sh{i % 10:03d}.mov" if i % 3 == 0 else f"/nowhere/{i}.mov"
        tracks[i % 2].append(otio.schema.Clip(name=f"clip {i}", source_range=trange(1001, 4, 24),
                                              media_reference=otio.schema.ExternalReference(target_url=url)))
    doc.tracks.extend(tracks)
    otio.adapters.write_to_file(doc, str(path))
    return path


def test_every_imported_clip_reaches_the_other_laptop(laptop, tmp_path: Path) -> None:  # noqa: ANN001
    ana, ben = laptop("ana"), laptop("ben")
    for i in range(10):
        ana.store.media.create(file_path=f"/show/sh{i:03d}.mov", project_id="horus_demo", shot=f"sh{i:03d}",
                               version="v001")
    report = files.import_playlist(ana.store, _write_otio(tmp_path / "cut.otio", 80), user="ana",
                                    project_id="horus_demo")
    assert ana.sync().up_to_date and ana.client.status().pending_ops == 0
    assert ben.sync().up_to_date
    assert ana.dump() == ben.dump()
    there = ben.store.timelines.get(report.timeline.id)
    assert there == ana.store.timelines.get(report.timeline.id)
    assert [c.id for c in there.clips] == [c.id for c in report.timeline.clips] and len(there.clips) == 80

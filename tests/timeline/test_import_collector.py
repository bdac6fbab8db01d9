"""An import pauses Python's cyclic garbage collector for its own time only: whether it succeeds or refuses the
file, the collector is as the caller left it afterwards."""

from __future__ import annotations

import gc
from pathlib import Path

import opentimelineio as otio
import pytest

from horus_desktop.store import Store
from horus_desktop.timeline.errors import PlaylistFileError
from horus_desktop.timeline.files import import_playlist
from horus_desktop.timeline.otio_doc import trange


def _cut(path: Path) -> Path:
    timeline = otio.schema.Timeline(name="cut")
    track = otio.schema.Track(name="V1")
    track.append(otio.schema.Clip(name="sh010_comp_v001", source_range=trange(1001, 24, 24),
                                  media_reference=otio.schema.ExternalReference(target_url="/nowhere/a.mov")))
    timeline.tracks.append(track)
    otio.adapters.write_to_file(timeline, str(path))
    return path


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_as_the_caller_left_it(store: Store, tmp_path: Path, enabled: bool) -> None:
    bad = tmp_path / "bad.otio"
    bad.write_text('{"OTIO_SCHEMA": "Timeline.1", "tracks": ')
    was = gc.isenabled()
    try:
        if enabled:
            gc.enable()
        else:
            gc.disable()
        report = import_playlist(store, _cut(tmp_path / "cut.otio"), user="u", project_id="p")
        assert len(report.timeline.clips) == 1
        assert gc.isenabled() is enabled
        with pytest.raises(PlaylistFileError):
            import_playlist(store, bad, user="u", project_id="p")
        assert gc.isenabled() is enabled
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()

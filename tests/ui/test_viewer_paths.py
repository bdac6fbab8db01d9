"""The viewer opens a studio-path record from this machine's copy; a missing copy says where it looked."""

from __future__ import annotations

import uuid
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from horus_desktop.domain.records import MediaRecord
from horus_desktop.machine_settings import MachineSettings, save_settings
from horus_desktop.services.media_paths import media_paths

from .viewer_fixtures import bare_viewer  # noqa: F401 - fixture

STUDIO_PATH = "/projects/show/sh010/comp/sh010_comp_v003.%04d.png"


@pytest.fixture
def mapped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This machine maps /projects to <tmp>/laptop; returns that folder."""
    monkeypatch.setenv("HORUS_CONFIG", str(tmp_path / "machine.json"))
    save_settings(MachineSettings().with_path_map("/projects", str(tmp_path / "laptop")))
    media_paths().forget()
    yield tmp_path / "laptop"
    media_paths().forget()


def _record() -> MediaRecord:
    return MediaRecord(id=uuid.uuid4(), file_path=STUDIO_PATH, file_name="sh010_comp_v003.%04d.png",
                       project_id="show", version="v003", start_frame=1, end_frame=2)


def test_a_missing_copy_shows_both_paths(qtbot, bare_viewer, mapped: Path) -> None:  # noqa: ANN001, F811
    bare_viewer.open_media(_record())
    layer = bare_viewer.view.layer("A")
    qtbot.waitUntil(lambda: layer.state.item is not None and bool(layer.state.item.error), timeout=15000)
    error = layer.state.item.error
    assert STUDIO_PATH in error and str(mapped / "show" / "sh010" / "comp" / "sh010_comp_v003.%04d.png") in error
    assert "not on this machine" in error


def test_the_mapped_copy_plays(qtbot, bare_viewer, mapped: Path) -> None:  # noqa: ANN001, F811
    folder = mapped / "show" / "sh010" / "comp"
    folder.mkdir(parents=True)
    for n in (1, 2):
        Image.fromarray(np.full((18, 32, 3), 40 * n, dtype=np.uint8)).save(folder / f"sh010_comp_v003.{n:04d}.png")
    bare_viewer.open_media(_record())
    layer = bare_viewer.view.layer("A")
    qtbot.waitUntil(lambda: layer.state.item is not None and layer.state.item.pixels is not None, timeout=15000)
    assert bare_viewer.session.media_range == (1, 2)


def test_a_playlist_of_studio_paths_plays_from_the_mapped_copies(qtbot, make_window, demo_store,  # noqa: ANN001
                                                                 mapped: Path) -> None:
    from horus_desktop.timeline.playlists import create_playlist

    folder = mapped / "show" / "sh010" / "comp"
    folder.mkdir(parents=True)
    for n in (1, 2):
        Image.fromarray(np.full((18, 32, 3), 200, dtype=np.uint8)).save(folder / f"sh010_comp_v003.{n:04d}.png")
    record = demo_store.media.create(file_path=STUDIO_PATH, file_name="sh010_comp_v003.%04d.png", project_id="show",
                                     version="v003", shot="sh010", start_frame=1, end_frame=2, frame_count=2,
                                     frame_rate=24, media_kind="sequence")
    playlist = create_playlist(demo_store, name="away", project_id="show", user="ana", media_ids=[record.id])
    window = make_window(demo_store)
    window.timeline.load_playlist(playlist.id)
    qtbot.waitUntil(lambda: window.timeline_player.showing(), timeout=15000)
    layer = window.viewer.view.layer("A")
    qtbot.waitUntil(lambda: layer.state.item is not None and layer.state.item.pixels is not None, timeout=15000)
    assert not layer.state.item.error

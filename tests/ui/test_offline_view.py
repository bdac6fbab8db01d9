"""Playlist > Take Offline in the window: the media is copied here with the jobs' progress, and the browser
marks the copied versions as available offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from horus_desktop.domain.media_query import MediaQuery
from horus_desktop.machine_settings import MachineSettings, save_settings
from horus_desktop.services.media_paths import media_paths
from horus_desktop.timeline.playlists import create_playlist
from horus_desktop.ui.browser.model import OfflineRole


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "machine.json"
    monkeypatch.setenv("HORUS_CONFIG", str(path))
    media_paths().forget()
    yield path
    media_paths().forget()


def _offline_flags(window) -> dict:  # noqa: ANN001
    model = window.browser.model
    return {model.index(r, 0).data(OfflineRole) for r in range(model.rowCount())}


def test_take_offline_copies_the_playlist_and_badges_the_versions(qtbot, make_window, demo_store, demo_template,  # noqa: ANN001
                                                                   config: Path, tmp_path: Path) -> None:
    studio, laptop = demo_template / "media", tmp_path / "laptop"
    save_settings(MachineSettings().with_path_map(str(studio), str(laptop)))
    chosen = demo_store.media.search(MediaQuery(sort_by="file_path", descending=False, limit=2)).items
    playlist = create_playlist(demo_store, name="plane", project_id=chosen[0].project_id, user="ana",
                               media_ids=[m.id for m in chosen])
    window = make_window(demo_store)
    qtbot.waitUntil(lambda: window.browser.model.rowCount() > 2, timeout=15000)
    qtbot.waitUntil(lambda: _offline_flags(window) == {False}, timeout=15000)  # nothing copied yet
    window.timeline.load_playlist(playlist.id, take_viewer=False)
    action = window.timeline.actions_by_name["take_offline"]
    qtbot.waitUntil(action.isEnabled, timeout=15000)

    action.trigger()
    qtbot.waitUntil(lambda: window.take_offline.last_report is not None, timeout=60000)

    report = window.take_offline.last_report
    assert report.ok and [r.state for r in report.results] == ["copied", "copied"]
    for record in chosen:
        local = media_paths().locate(record.file_path)
        assert local.present and local.local_path.startswith(str(laptop))
    model = window.browser.model

    def badged() -> set:
        return {model.records()[r].id for r in range(model.rowCount()) if model.index(r, 0).data(OfflineRole)}

    qtbot.waitUntil(lambda: badged() == {m.id for m in chosen}, timeout=15000)


def test_a_record_without_thumbnails_gets_one_made_from_the_local_copy(qtbot, make_window, demo_store,  # noqa: ANN001
                                                                       demo_template, config: Path,
                                                                       tmp_path: Path) -> None:
    from horus_desktop.ui.browser.model import ThumbnailRole

    (record,) = demo_store.media.search(MediaQuery(sort_by="file_path", descending=False, limit=1)).items
    demo_store.thumbnails.delete_for([record.id])  # as a record pulled from another machine arrives
    window = make_window(demo_store)
    model = window.browser.model
    qtbot.waitUntil(lambda: model.row_of(record.id) is not None, timeout=15000)
    index = model.index(model.row_of(record.id), 0)

    def shown() -> bool:
        image = index.data(ThumbnailRole)
        return image is not None and not image.isNull()

    qtbot.waitUntil(shown, timeout=20000)
    assert demo_store.thumbnails.for_media([record.id], model.thumbnail_size)

"""Thumbnails of a record made elsewhere are made here, from this machine's copy (they are never synced)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from horus_desktop.machine_settings import PathMap
from horus_desktop.services.local_thumbnails import make_local_thumbnails
from horus_desktop.services.media_paths import MediaNotHereError, MediaPaths
from horus_desktop.store import Store

from .studio_media import write_frames


@pytest.fixture
def store(tmp_path: Path):  # noqa: ANN201
    s = Store.open(tmp_path / "laptop.sqlite")
    yield s
    s.close()


def test_thumbnails_come_from_the_mapped_copy_and_are_recorded(store: Store, tmp_path: Path) -> None:
    write_frames(tmp_path / "copies" / "sh010", "comp", range(1001, 1003), size=(320, 180))
    record = store.media.create(file_path="/projects/sh010/comp.%04d.png", project_id="show", version="v001",
                                start_frame=1001, end_frame=1002, media_kind="sequence")
    paths = MediaPaths((PathMap("/projects", str(tmp_path / "copies")),))

    made = make_local_thumbnails(store, record.id, paths)

    assert sorted(t.size for t in made) == ["large", "medium", "small"]
    recorded = store.thumbnails.for_media([record.id], "large")[record.id]
    with Image.open(recorded.thumbnail_path) as image:
        assert image.size == (256, 144)
    assert Path(recorded.thumbnail_path).is_relative_to(store.files_dir)


def test_no_copy_here_makes_no_thumbnail(store: Store, tmp_path: Path) -> None:
    record = store.media.create(file_path="/projects/sh010/comp.%04d.png", project_id="show", version="v001")
    with pytest.raises(MediaNotHereError):
        make_local_thumbnails(store, record.id, MediaPaths((PathMap("/projects", str(tmp_path / "none")),)))
    assert store.thumbnails.for_media([record.id], "small") == {}


def test_a_read_only_store_gets_no_thumbnail_files(tmp_path: Path) -> None:
    from horus_desktop.store import ReadOnlyStoreError

    write_frames(tmp_path / "copies" / "sh010", "comp", range(1, 2))
    writable = Store.open(tmp_path / "archive.sqlite")
    media_id = writable.media.create(file_path=str(tmp_path / "copies" / "sh010" / "comp.%04d.png"),
                                     project_id="show", version="v001").id
    writable.close()
    archive = Store.open(tmp_path / "archive.sqlite", read_only=True)
    try:
        with pytest.raises(ReadOnlyStoreError):
            make_local_thumbnails(archive, media_id, MediaPaths(()))
        assert not (archive.files_dir / "thumbnails").exists()
    finally:
        archive.close()

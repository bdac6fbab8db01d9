"""A playlist import's transaction gets a page cache large enough for what it writes (the default 2,000 KiB
spilled a 2,000-clip import's pages to the WAL mid-statement and read them back), and the connection's cache
size is as it was once the transaction has ended, committed or rolled back."""

from __future__ import annotations

from pathlib import Path

import pytest

from horus_desktop.store import Store
from horus_desktop.store.repositories.imports import ImportRepository
from horus_desktop.timeline.bench import bench_media_values, write_bench_otio
from horus_desktop.timeline.files import import_playlist

CLIPS = 300
#: Clips enough for the import's cache to outgrow the connection's own (16,000 KiB since 5dda65c; a clip is
#: reckoned ~4 KiB of pages, twice, ``imports._CLIP_BYTES``): 300 no longer did, and nothing was raised.
MANY_CLIPS = 2500


def _cache_size(store: Store) -> int:
    with store.uow.read() as session:
        return session.connection().exec_driver_sql("PRAGMA cache_size").scalar_one()


def _clip(i: int) -> dict[str, object]:
    return {"media_path": f"/x/{i}.exr", "track_name": "V1", "track_type": "video", "track_index": 0,
            "start_time_frames": i * 10, "duration_frames": 10, "clip_order": i}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "horus.sqlite", backup=False)
    yield opened
    opened.close()


def test_an_import_leaves_the_cache_size_as_it_was(store: Store, tmp_path: Path) -> None:
    media = bench_media_values(CLIPS)
    store.media.create_many(media)
    path = tmp_path / "p.otio"
    write_bench_otio(path, media)
    before = _cache_size(store)
    report = import_playlist(store, path, user="ana", project_id="bench")
    assert len(report.timeline.clips) == CLIPS
    assert _cache_size(store) == before
    assert len(store.timelines.get(report.timeline.id, with_clips=True).clips) == CLIPS


def test_the_cache_is_larger_in_the_transaction_and_set_back_after_a_rollback(store: Store) -> None:
    before = _cache_size(store)
    with pytest.raises(RuntimeError), store.uow.write() as ctx:
        ImportRepository(store.uow).create_timeline(
            {"name": "p", "project_id": "x", "timeline_type": "dailies", "created_by": "ana",
             "otio_data": {}, "duration_frames": 0}, [_clip(i) for i in range(MANY_CLIPS)])
        during = ctx.session.connection().exec_driver_sql("PRAGMA cache_size").scalar_one()
        assert during < 0 and -during > (-before if before < 0 else before * 4)  # KiB, larger
        raise RuntimeError("the file's drawings failed: nothing written")
    assert _cache_size(store) == before
    assert store.timelines.list() == []

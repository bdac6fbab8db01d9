"""The batched media lookup of an import (on SQLite all spellings in one statement) links every
clip path to the media the clip-by-clip lookup finds: the first stored spelling in candidate order, on SQLite
and PostgreSQL, whatever the stored spellings, folders and characters around them."""

from __future__ import annotations

import itertools

from horus_desktop.store import Store
from horus_desktop.timeline.matching import ClipSources, MediaMatcher

STORED = [
    "/show/sq1/sh010/comp/v001/sh010_comp_v001.%04d.exr",
    "/show/sq1/sh010/comp/v001/sh010_comp_v001.####.exr",  # two spellings of one sequence: the first wins
    "/show/sq1/sh010/comp/v001/sh010_comp_v001.%04d.dpx",  # same prefix, other suffix
    "/show/sq1/sh010/comp/v001/sh010_comp_v001.%04d.exr.bak/x.exr",  # deeper, in the prefix's range
    "/show/sq1/sh020/comp/v002/sh020.%d.exr",
    "/show/sq1/sh030/comp/v001/sh030.%02d.png",
    "/show/sq1/sh040/plate.1001.exr",  # a single frame stored as such
    "/show/sq1/sh050/movie.mov",
    "/show/é ünï/sh060/🎬 clip.%04d.exr",
    "C:/shows/win/sh070.%04d.tif",
    "/show/odd/<frame>/sh080.%04d.exr",
    "/show/odd/sh090.%04d.<frame>.exr",
    "/show/sq1/sh100.%04d.exr",
    "/show/sq1/sh100.%04d.exr\U0010ffff",
    "/show/other/sh010.%04d.exr",
]
CLIP_PATHS = [
    "file:///show/sq1/sh010/comp/v001/sh010_comp_v001.####.exr",
    "/show/sq1/sh010/comp/v001/sh010_comp_v001.1001.exr",
    "/show/sq1/sh010/comp/v001/sh010_comp_v001.%04d.dpx",
    "/show/sq1/sh010/comp/v001/sh010_comp_v001.@@@@.dpx",
    "/show/sq1/sh020/comp/v002/sh020.####.exr",
    "/show/sq1/sh020/comp/v002/sh020.1.exr",
    "/show/sq1/sh030/comp/v001/sh030.#.png",
    "/show/sq1/sh030/comp/v001/sh030.07.png",
    "/show/sq1/sh040/plate.1001.exr",
    "/show/sq1/sh040/plate.####.exr",
    "/show/sq1/sh050/movie.mov",
    "file://localhost/show/%C3%A9%20%C3%BCn%C3%AF/sh060/%F0%9F%8E%AC%20clip.####.exr",
    "file:///C:/shows/win/sh070.$F4.tif",
    "C:\\shows\\win\\sh070.1001.tif",
    "/show/odd/<frame>/sh080.####.exr",
    "/show/odd/sh090.####.<frame>.exr",
    "/show/sq1/sh100.####.exr",
    " file:///show/sq1/sh100.####.exr ",
    "/show/other/sh010.####.exr",
    "####.exr",
    "/show/####.exr",
    "/show/sq1/missing.####.exr",
    "",
]


def test_the_batched_lookup_finds_what_the_clip_by_clip_lookup_finds(store: Store) -> None:
    for path, project in zip(STORED, itertools.cycle(["p", "p", "q"]), strict=False):
        store.media.create(file_path=path, project_id=project, version="v001")
    for again in (STORED[4], STORED[7]):  # a second row of a path: the first one wins
        store.media.create(file_path=again, project_id="q", version="v002")
    gone = store.media.create(file_path="/show/sq1/sh100.%04d.exr", project_id="z", version="v001")
    store.media.soft_delete(gone.id)
    batched = MediaMatcher(store, "p")
    batched.prefetch([ClipSources(f"clip {i}", (path,), None) for i, path in enumerate(CLIP_PATHS)])
    for path in CLIP_PATHS:
        alone = MediaMatcher(store, "p")  # nothing prefetched: each spelling read by itself, in order
        assert batched.by_path([path]) == alone.by_path([path]), path
    found = {path: batched.by_path([path]) for path in CLIP_PATHS}
    assert found[CLIP_PATHS[0]].file_path == STORED[1]  # its own spelling first
    assert found["/show/sq1/sh040/plate.####.exr"] is None  # a single frame is not the sequence
    assert found["/show/sq1/missing.####.exr"] is None
    assert found[CLIP_PATHS[11]].file_path == STORED[8]  # a URL: decoded, its token in the store's spelling
    assert sum(media is not None for media in found.values()) == 16

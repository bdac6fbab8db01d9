"""A playlist import finds its clips' media with a few batched reads whatever the number of clips, and links
them exactly as the clip-by-clip lookups do (path first, then shot + version), on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio

from horus_desktop.store import Store
from horus_desktop.timeline.files import import_playlist
from horus_desktop.timeline.matching import MediaMatcher, clip_sources
from horus_desktop.timeline.otio_doc import meta, trange


def _write(path: Path, media_tree: Path, copies: int) -> None:
    """``copies`` x (a clip by pattern URL, one by shot+version name only, one missing), on one track."""
    track = otio.schema.Track(name="V1")
    pattern = media_tree / "sq010/sh010/comp/v002/sh010_comp_v002.####.jpg"
    for i in range(copies):
        track.append(otio.schema.Clip(name=f"a{i}", source_range=trange(1001, 2, 24),
                                      media_reference=otio.schema.ExternalReference(target_url=f"file://{pattern}")))
        track.append(otio.schema.Clip(name="sh020_comp_v001", source_range=trange(1001, 2, 24)))
        track.append(otio.schema.Clip(name=f"sh999_comp_v001_{i}", source_range=trange(1001, 2, 24)))
    timeline = otio.schema.Timeline(name="batched")
    timeline.tracks.append(track)
    otio.adapters.write_to_file(timeline, str(path))


def _reads(store: Store) -> list[str]:
    statements: list[str] = []
    from sqlalchemy import event

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if statement.lstrip().upper().startswith("SELECT") and "horus_media_records" in statement:
            statements.append(statement)

    event.listen(store.uow.engine, "before_cursor_execute", count)
    return statements


def test_import_matches_with_batched_reads_and_same_links(media_store: Store, media_tree: Path,
                                                          tmp_path: Path) -> None:
    small, large = tmp_path / "small.otio", tmp_path / "large.otio"
    _write(small, media_tree, 2)
    _write(large, media_tree, 40)
    reads = _reads(media_store)
    report_small = import_playlist(media_store, small, user="u", project_id="p")
    small_reads = len(reads)
    reads.clear()
    report = import_playlist(media_store, large, user="u", project_id="p")
    # 20x the clips, the same number of media reads (no read per clip).
    assert len(reads) == small_reads
    assert (report.matched["path"], report.matched["name"], len(report.missing)) == (40, 40, 40)
    assert (report_small.matched["path"], report_small.matched["name"]) == (2, 2)
    v002 = media_store.media.get_by_path(str(media_tree / "sq010/sh010/comp/v002/sh010_comp_v002.%04d.jpg"))
    sh020 = media_store.media.find_by_shot_version("sh020", "v001", "p")[0]
    document = otio.adapters.read_from_file(str(large))
    matcher = MediaMatcher(media_store, "p")  # the clip-by-clip lookups, as the reference
    expected = [matcher.match(clip_sources(clip)) for clip in document.find_clips()]
    stored = media_store.timelines.get(report.timeline.id)
    assert report.timeline == stored  # what the import hands back is what the store holds, clips in order
    assert [str(c.media_id) if c.media_id else None for c in stored.clips] == [
        str(media.id) if media else None for media, _ in expected]
    assert {str(v002.id), str(sh020.id)} == {str(c.media_id) for c in stored.clips if c.media_id}
    clip_ids = [c.id for c in stored.clips]
    assert len(set(clip_ids)) == len(clip_ids) == 120  # every clip got its own fresh id
    first = next(iter(document.find_clips()))
    assert meta(first) == {}  # the file itself is not touched


def test_batched_name_lookup_picks_the_newest_version_first(media_store: Store) -> None:
    found = media_store.media.find_by_shot_versions({("sh010", "v001"), ("sh010", "v002"), ("sh404", "v001")}, "p")
    assert set(found) == {("sh010", "v001"), ("sh010", "v002")}
    for (shot, version), records in found.items():
        assert [r.id for r in records] == [r.id for r in media_store.media.find_by_shot_version(shot, version, "p")]


def test_batched_path_lookup_prefers_the_same_spelling_as_one_by_one(store: Store) -> None:
    """A store holding several spellings of one sequence (``%03d`` and ``%04d``), or only a rare one
    (``%d``): the batched lookup picks what the clip-by-clip lookup picks."""
    paths = ["/s/a/x.%03d.exr", "/s/a/x.%04d.exr", "/s/b/y.%d.exr", "/s/c/z.%04d.exr"]
    store.media.create_many([{"file_path": p, "project_id": "p", "version": "v001"} for p in paths])
    urls = ["file:///s/a/x.####.exr", "/s/a/x.1001.exr", "/s/b/y.####.exr", "/s/c/z.%04d.exr", "/s/c/z.1001.exr",
            "/s/d/none.####.exr"]
    batched = MediaMatcher(store, "p")
    batched.prefetch([clip_sources(otio.schema.Clip(
        name="c", media_reference=otio.schema.ExternalReference(target_url=url))) for url in urls])
    one_by_one = MediaMatcher(store, "p")
    for url in urls:
        expected = one_by_one.by_path([url])
        got = batched.by_path([url])
        assert (got.file_path if got else None) == (expected.file_path if expected else None), url
    assert batched.by_path(["file:///s/a/x.####.exr"]).file_path == "/s/a/x.%03d.exr"
    assert batched.by_path(["/s/b/y.####.exr"]).file_path == "/s/b/y.%d.exr"

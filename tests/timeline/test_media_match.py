"""The narrow media reads of clip matching find what the full record reads find: the same media, the same
first of a path, the same order of versions, deleted media left out; the columns a clip keeps equal."""

from __future__ import annotations

import pytest

from horus_desktop.store import Store
from horus_desktop.store.media_match import MediaMatch, MediaMatchReads
from horus_desktop.store.repositories.base import InvalidFieldError


def test_narrow_reads_find_what_the_record_reads_find(store: Store) -> None:
    made = []
    for shot in ("sh010", "sh020"):
        for version, number, department in (("v001", 1, "comp"), ("v002", 2, "comp"), ("v002", 2, "roto"),
                                             ("v003", None, "comp")):
            made.append(store.media.create(
                file_path=f"/show/{shot}/{department}/{version}/{shot}.%04d.exr", project_id="p", shot=shot,
                version=version, version_number=number, department=department, sequence="sq01",
                task_type="comp" if department == "comp" else None, resolution="2048x1152"))
    other = store.media.create(file_path="/show/sh010/comp/v001/sh010.%04d.exr", project_id="q", shot="sh010",
                               version="v001", department="comp")  # the same path in another project
    gone = store.media.create(file_path="/show/gone.mov", project_id="p", shot="sh030", version="v001")
    store.media.soft_delete(gone.id)
    reads = MediaMatchReads(store.uow)
    paths = [m.file_path for m in made] + [other.file_path, gone.file_path, "/nowhere.exr"]

    def narrow(record) -> MediaMatch:  # noqa: ANN001 - MediaRecord
        return MediaMatch(*(getattr(record, name) for name in MediaMatch._fields))

    assert reads.by_paths(paths) == {p: narrow(m) for p, m in store.media.get_by_paths(paths).items()}
    assert gone.file_path not in reads.by_paths(paths)
    pairs = [("sh010", "v002"), ("sh020", "v003"), ("sh010", "v001"), ("sh030", "v001"), ("sh099", "v001")]
    for project in (None, "p", "q"):
        full = store.media.find_by_shot_versions(pairs, project)
        assert reads.by_shot_versions(pairs, project) == {
            key: [narrow(m) for m in found] for key, found in full.items()}
        for shot, version in pairs:
            one = store.media.find_by_shot_version(shot, version, project)
            assert reads.by_shot_versions([(shot, version)], project).get((shot, version), []) == [
                narrow(m) for m in one]


def test_many_paths_in_one_read_find_what_the_record_reads_find(store: Store) -> None:
    """Over a thousand spellings at once (an import's), odd characters among them: the same media by path."""
    names = ["plain", "é accent", 'quote"s', "back\\slash", "tab\there", "🎬 clapper", "x\u2028line"]
    made = {}
    for i in range(60):
        path = f"/show/sh{i:03d}/{names[i % len(names)]}.%04d.exr"
        made[path] = store.media.create(file_path=path, project_id="p", shot=f"sh{i:03d}", version="v001")
    gone = store.media.create(file_path="/show/gone.%04d.exr", project_id="p", shot="sh999", version="v001")
    store.media.soft_delete(gone.id)
    missing = [f"/show/none/{i}.####.exr" for i in range(1200)]
    paths = [*missing[:600], *made, gone.file_path, *missing[600:], *made]
    reads = MediaMatchReads(store.uow)
    found = reads.by_paths(paths)
    assert found == {p: MediaMatch(*(getattr(m, name) for name in MediaMatch._fields))
                     for p, m in store.media.get_by_paths(paths).items()}
    assert set(found) == set(made)
    with_nul = [*paths, "/show/nul\x00.exr"]  # refused as the record read refuses it (nothing stored has one)
    with pytest.raises(InvalidFieldError, match="NUL"):
        store.media.get_by_paths(with_nul)
    with pytest.raises(InvalidFieldError, match=r"^horus_media_records\.file_path: contains a NUL"):
        reads.by_paths(with_nul)

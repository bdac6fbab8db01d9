"""The narrow media reads of clip matching find what the full record reads find: the same media, the same
first of a path, the same order of versions, deleted media left out; the columns a clip keeps equal."""

from __future__ import annotations

from horus_desktop.store import Store
from horus_desktop.store.media_match import MediaMatch, MediaMatchReads


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

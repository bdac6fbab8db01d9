"""The store's batched import writes: savepoints keep a file's transaction whole; latest flags as one by one."""

from __future__ import annotations

import uuid

import pytest

from horus_desktop.domain.media_query import MediaQuery
from horus_desktop.store import InvalidFieldError, Store
from horus_desktop.store.repositories.imports import ImportRepository


def row(path: str, **values: object) -> dict[str, object]:
    return {"id": uuid.uuid4(), "file_path": path, "project_id": "p", "version": "v001", **values}


def test_a_refused_savepoint_undoes_only_its_rows(store: Store) -> None:
    imports = ImportRepository(store.uow)
    announced: list[int] = []
    store.subscribe(lambda changes: announced.append(len(changes.ids("horus_media_records"))))
    good, bad, later = row("/a/good.mov"), row("/a/bad.mov", shot="s" * 300), row("/a/later.mov")
    with store.transaction():
        with imports.savepoint():
            imports.insert_media([good], [(good["id"], "hero", "montu", "me")])
        with pytest.raises(InvalidFieldError, match="shot"), imports.savepoint():
            imports.insert_media([later])
            imports.insert_media([bad])  # the savepoint takes `later` with it
        with imports.savepoint():
            imports.insert_media([later])
    found = store.media.search(MediaQuery(project_id="p")).items
    assert sorted(m.file_path for m in found) == ["/a/good.mov", "/a/later.mov"]
    assert [t.tag_name for t in store.tags.list_for(good["id"])] == ["hero"]
    assert store.media.count(MediaQuery(text="hero")) == 1  # the tag is in the search index
    assert announced == [2]  # one announcement for the transaction, without the undone row


def test_batched_latest_flags_match_the_one_by_one_refresh(store: Store) -> None:
    imports = ImportRepository(store.uow)
    groups = [("sh1", "comp"), ("sh1", "anim"), ("sh2", None)]
    items = []
    for shot, department in groups:
        for number in (1, 3, 2):
            items.append(row(f"/p/{shot}/{department}/v{number:03d}.mov", shot=shot, department=department,
                             version=f"v{number:03d}", version_number=number))
    items.append(row("/p/sh3/x.mov", shot="sh3", version="wip"))  # no number: still the latest of its group
    with store.transaction():
        imports.insert_media(items)
        assert imports.refresh_latest_versions({"p"}) == 4
    latest = {(m.shot, m.department): m.version
              for m in store.media.search(MediaQuery(project_id="p", latest_only=True)).items}
    assert latest == {("sh1", "comp"): "v003", ("sh1", "anim"): "v003", ("sh2", None): "v003", ("sh3", None): "wip"}
    for shot, department in groups:  # the repository's own refresh agrees: nothing left to change
        store.media.refresh_latest_versions("p", shot, department, None)
    assert imports.refresh_latest_versions({"p"}) == 0

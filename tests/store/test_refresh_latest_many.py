"""The latest-version flags refreshed for many groups at once (what an ingest does for each batch) flag the same
media as the one-group refresh, on both databases (on SQLite the many-group refresh is one statement)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from horus_desktop.store import Store

T0 = datetime(2026, 1, 1, tzinfo=UTC)
GROUPS = [("show", "sh010", "comp", "comp"), ("show", "sh010", "comp", None), ("show", None, None, None),
          ("show", "sh020", "lighting", "lighting"), ("other", "sh010", "comp", "comp")]
#: (version name, number, minutes after T0, flagged now, deleted) of each group's media: numbers, a number
#: beating none, an equal number told by the name, a deleted higher version, equal times told by the flag
#: held now, a group of deleted media only.
SHAPES = [
    [("v001", 1, 0, False, False), ("v003", 3, 1, False, False), ("v002", 2, 2, True, False)],
    [("v010", None, 0, False, False), ("v002", 2, 1, False, False)],
    [("v004", 4, 0, False, False), ("v004b", 4, 0, False, False), ("v005", 5, 1, True, True)],
    [("v007", 7, 0, False, False), ("v007", 7, 5, False, False), ("v007", 7, 5, True, False)],
    [("v001", 1, 0, True, True), ("v002", 2, 0, True, True)],
]


def _fill(store: Store) -> list[Any]:
    made = []
    for n, ((project, shot, department, task), shape) in enumerate(zip(GROUPS, SHAPES, strict=True)):
        for i, (version, number, minutes, flagged, deleted) in enumerate(shape):
            record = store.media.create(
                file_path=f"/{project}/{n}_{i}_{version}.exr", project_id=project, shot=shot,
                department=department, task_type=task, version=version, version_number=number,
                created_at=T0 + timedelta(minutes=minutes), is_latest_version=flagged)
            if deleted:
                store.media.soft_delete(record.id)
            made.append(record)
    return made


def _flags(store: Store, records: list[Any]) -> dict[Any, bool]:
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT file_path, is_latest_version FROM horus_media_records")).all()
    wanted = {r.file_path for r in records}
    return {path: bool(flag) for path, flag in rows if path in wanted}


def _outbox_updates(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM horus_sync_outbox WHERE kind = 'update'")).scalar_one()


def test_many_groups_flag_what_the_one_group_refresh_flags(store: Store) -> None:
    records = _fill(store)
    announced: list[Any] = []
    unsubscribe = store.uow.subscribe(announced.append)
    changed = store.media.refresh_latest_versions_many(GROUPS + [("show", "sh999", "comp", "comp")])
    unsubscribe()
    flags = _flags(store, records)

    assert sorted(path for path, flag in flags.items() if flag) == [
        "/show/0_1_v003.exr", "/show/1_1_v002.exr", "/show/2_1_v004b.exr", "/show/3_2_v007.exr"]
    before = {r.file_path: bool(r.is_latest_version) for r in records}
    assert changed == sum(1 for path in flags if flags[path] != before[path]) == 7
    updates = [c for change_set in announced for c in change_set.changes if c.op == "update"]
    assert len(updates) == changed  # every flag changed is announced (and on SQLite queued for sync)
    assert store.media.refresh_latest_versions_many(GROUPS) == 0  # nothing left to change
    # The one-group refresh agrees (but on a full tie, which it leaves to the database's order).
    for group in GROUPS[:3] + GROUPS[4:]:
        store.media.refresh_latest_versions(*group)
    assert _flags(store, records) == flags


def test_sqlite_sync_ops_for_every_flag_changed(tmp_path) -> None:
    store = Store.open(tmp_path / "s.sqlite", backup=False)
    try:
        _fill(store)
        before = _outbox_updates(store)
        changed = store.media.refresh_latest_versions_many(GROUPS)
        assert _outbox_updates(store) - before == changed == 7
    finally:
        store.close()

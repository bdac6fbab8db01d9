"""Every local commit stamps its own outbox ops, and only those, at a cost that does not grow with the ops
already waiting to be pushed (a laptop offline for a week saves a note as fast as a fresh one)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import event

from horus_desktop.domain.hlc import Hlc
from horus_desktop.store import Store

_OUTBOX_COLUMNS = "seq, op_id, table_name, row_id, kind, old_row, new_row, base_version, hlc, author"


def _outbox(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as raw:
        return raw.execute(f"SELECT {_OUTBOX_COLUMNS} FROM horus_sync_outbox ORDER BY seq").fetchall()


def _note(store: Store, media: object, text: str) -> None:
    store.comments.add(media_id=media, content=text, user_id="ana", user_name="Ana", notify=False)


def test_each_commit_stamps_its_ops_with_a_later_clock_and_leaves_earlier_ops_as_they_were(
        sqlite_store: Store, tmp_path: Path) -> None:
    store = sqlite_store
    store.uow.author = "ana"
    media = store.media.create(file_path="/p/a/sh010/v001.exr", project_id="a", shot="sh010", version="v001").id
    before = _outbox(tmp_path / "horus.sqlite")
    clocks: list[Hlc] = []
    for n in range(5):
        _note(store, media, f"note {n}")
        now = _outbox(tmp_path / "horus.sqlite")
        assert now[:len(before)] == before  # ops waiting to be pushed are not stamped again
        new = now[len(before):]
        assert new, "a note leaves an op"
        assert {(op[8], op[9]) for op in new} == {(new[0][8], "ana")}  # one clock per transaction, the author
        clocks.append(Hlc.parse(new[0][8]))
        before = now
    assert clocks == sorted(clocks) and len(set(clocks)) == len(clocks)  # later with every commit
    assert all(op[8] is not None for op in before)  # nothing left unstamped


def test_the_stamp_reads_only_the_unstamped_ops_whatever_waits_in_the_outbox(
        sqlite_store: Store, tmp_path: Path) -> None:
    store = sqlite_store
    store.uow.author = "ana"
    media = store.media.create(file_path="/p/a/sh010/v001.exr", project_id="a", shot="sh010", version="v001").id
    for n in range(50):  # ops waiting to be pushed
        _note(store, media, f"offline {n}")
    stamps: list[tuple[str, Any]] = []

    def seen(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith("UPDATE HORUS_SYNC_OUTBOX"):
            stamps.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        _note(store, media, "one more")
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
    assert stamps, "the commit stamps its op"
    with sqlite3.connect(tmp_path / "horus.sqlite") as raw:
        for statement, parameters in stamps:
            plan = " / ".join(row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {statement}", parameters))
            assert "USING INDEX" in plan and "SCAN" not in plan, plan  # an index search, not the whole outbox

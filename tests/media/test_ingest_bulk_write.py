"""A batch of new media records is written set-based (one plain insert, then the search index and the sync
outbox filled for the whole batch), and leaves exactly what the per-row triggers leave: the same stored rows,
the same search index and search answers, the same outbox ops (so sync pushes every ingested record)."""

from __future__ import annotations

import dataclasses
import itertools
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import event, text

from horus_desktop.domain.media_query import MediaQuery
from horus_desktop.media import sequences
from horus_desktop.media.ingest import ingest_tree
from horus_desktop.media.synthetic import draw_test_frame
from horus_desktop.store import Store
from horus_desktop.store.repositories import media as media_repository
from tests.support_outbox import ops_since, outbox_head

NOW = datetime(2026, 12, 1, 2, 3, 4, 567891, tzinfo=UTC)


def _values(i: int) -> dict[str, Any]:
    """A record as an ingest writes one, with the awkward shapes: quotes, non-ASCII, None, JSON, decimals."""
    return {
        "id": uuid.UUID(int=1000 + i), "file_path": f"/show/sq01/sh{i:03d}/comp/v00{i % 3 + 1}/\u00e9t\u00e9 \"{i}\".exr",
        "file_name": f"\u00e9t\u00e9 \"{i}\".exr", "file_size": 1000 * i, "mime_type": "image/x-exr",
        "project_id": "show", "episode": None, "sequence": "sq01", "shot": f"sh{i:03d}",
        "version": f"v00{i % 3 + 1}", "version_number": i % 3 + 1, "department": "comp", "task_type": None,
        "artist_id": None if i % 2 else "ana", "resolution": "2048x1152",
        "frame_rate": 23.976 if i % 2 else None, "frame_rate_rational": "24000/1001" if i % 2 else None,
        "color_space": "ACEScg", "bit_depth": 16, "compression": "piz", "start_frame": 1001, "end_frame": 1100,
        "frame_count": 100, "file_modified_at": datetime(2026, 11, 30, 1, 2, 3, i, tzinfo=UTC),
        "media_kind": "sequence", "missing_frames": [1050, 1051] if i % 2 else [],
        "extra_metadata": {"fps_source": "file", "codec": None, "empty_frames": [], "damaged_frames": [],
                           "exr_layers": [{"name": "RGBA", "channels": ["R", "G", "B", "A"]}],
                           "start_timecode": "01:00:00:00", "colour_space_guessed": False},
        "file_hash": f"{i:064x}",
    }


def _dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    with store.uow.read() as session:
        def rows(sql: str) -> list[tuple[Any, ...]]:
            return [tuple(r) for r in session.execute(text(sql))]

        return {
            "records": rows("SELECT * FROM horus_media_records ORDER BY rowid"),
            "search": rows("SELECT rowid, body FROM horus_media_search ORDER BY rowid"),
            # Every op of a media record as the triggers write it, but its random id and its commit's clock.
            "outbox": rows("SELECT seq, table_name, row_id, kind, old_row, new_row, base_version, author, "
                           "hlc IS NOT NULL FROM horus_sync_outbox WHERE table_name = 'horus_media_records' "
                           "ORDER BY seq"),
        }


def _seeded(path: Path) -> Store:
    """A store with a record and its tag already there, and a server row version for a record to come."""
    store = Store.open(path, backup=False)
    store.uow.author = "ana"
    first = store.media.create(**{k: v for k, v in _values(0).items() if k != "id"}, id=uuid.UUID(int=1))
    store.tags.add([first.id], "hero")
    with store.uow.read() as session:  # as a pull leaves it: this row is at version 7 on the server
        session.execute(text("INSERT INTO horus_sync_row_versions (table_name, row_id, row_version) "
                             f"VALUES ('horus_media_records', '{uuid.UUID(int=1003).hex}', 7)"))
        session.commit()
    return store


def test_a_set_based_batch_leaves_what_the_triggers_leave(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(media_repository, "utcnow", lambda: NOW)
    batch = [_values(i) for i in range(1, 9)]
    by_row, by_batch = _seeded(tmp_path / "rows.sqlite"), _seeded(tmp_path / "batch.sqlite")
    try:
        with by_row.transaction():
            for values in batch:  # one row at a time: through the search and capture triggers
                by_row.media.create(**values)
        with by_batch.transaction():
            by_batch.media.create_many(batch)
        expected, got = _dump(by_row), _dump(by_batch)
        assert len(got["records"]) == len(got["search"]) == 9
        assert [op[3] for op in got["outbox"]] == ["insert"] * 9
        assert [op[6] for op in got["outbox"]] == [0, 0, 0, 7, 0, 0, 0, 0, 0]  # the server's version kept
        assert got == expected
        for words in ("\u00e9t\u00e9", "sh004", "hero", "comp/v002"):
            query = MediaQuery(text=words)
            assert [m.id for m in by_batch.media.search(query).items] == [m.id for m in by_row.media.search(query).items]
        assert len(by_batch.media.search(MediaQuery(text="\u00e9t\u00e9")).items) == 9
        # And a later trigger-path insert is indexed again (the search trigger is quiet only inside a batch).
        later = by_batch.media.create(file_path="/show/later_plate.exr", project_id="show", version="v001")
        assert [m.id for m in by_batch.media.search(MediaQuery(text="later_plate")).items] == [later.id]
    finally:
        by_row.close()
        by_batch.close()


def test_a_batch_refused_by_a_field_rule_writes_nothing(sqlite_store: Store) -> None:
    bad = {**_values(2), "file_name": "nul\x00name.exr"}
    with pytest.raises(ValueError):
        sqlite_store.media.create_many([_values(1), bad])
    assert _dump(sqlite_store) == {"records": [], "search": [], "outbox": []}


def test_a_batch_on_postgresql_stores_what_rows_one_by_one_store(pg_store: Store,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(media_repository, "utcnow", lambda: NOW)
    batch = [_values(i) for i in range(1, 5)]
    pg_store.media.create_many(batch)
    for values in batch:
        pg_store.media.create(**{**values, "id": uuid.UUID(int=values["id"].int + 100)})
    records = {r.id: r for r in pg_store.media.get_many([v["id"] for v in batch] +
                                                        [uuid.UUID(int=v["id"].int + 100) for v in batch])}
    for values in batch:
        one_by_one = records[uuid.UUID(int=values["id"].int + 100)]
        assert records[values["id"]] == dataclasses.replace(one_by_one, id=values["id"])
    assert len(pg_store.media.search(MediaQuery(text="\u00e9t\u00e9")).items) == 8


def _tree(root: Path) -> None:
    for s in range(3):
        for v in (1, 2):
            folder = root / "show" / "sq01" / f"sh{s:03d}" / "comp" / f"v{v:03d}"
            folder.mkdir(parents=True)
            Image.fromarray(draw_test_frame(s * 10 + v, (32, 18))).save(folder / f"sh{s:03d}_comp_v{v:03d}.png")
    folder = root / "show" / "sq01" / "sh099" / "anim" / "v001"
    folder.mkdir(parents=True)
    for f in range(1001, 1006):
        Image.fromarray(draw_test_frame(f, (32, 18))).save(folder / f"sh099_anim_v001.{f}.png")


@pytest.mark.parametrize("isolated", [False, True])
def test_an_ingest_leaves_what_the_triggers_leave(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  isolated: bool) -> None:
    """Isolated, the records of the tree's second group of folders on are made in the probe workers."""
    _tree(tmp_path / "tree")
    # A first group of four stills (the first batch: their records made by the writer), then the rest.
    monkeypatch.setattr(sequences, "SCAN_FIRST_GROUP_FILES", 4)
    dumps = []
    for name, set_based in (("triggers", False), ("set_based", True)):
        ids, ticks = itertools.count(1), itertools.count(1)
        monkeypatch.setattr(media_repository, "_new_ids", lambda n, c=ids: [uuid.UUID(int=next(c)) for _ in range(n)])
        monkeypatch.setattr(media_repository, "utcnow", lambda c=ticks: NOW + timedelta(microseconds=next(c)))
        store = Store.open(tmp_path / f"{name}.sqlite", backup=False)
        store.uow.author = "ana"
        if not set_based:  # the reference: the same batches, every row through the triggers
            create = store.media._create
            monkeypatch.setattr(store.media, "_create", lambda items, set_based, c=create: c(items, set_based=False))
            monkeypatch.setattr(store.media, "stored_rows_maker", lambda: None)  # rows made by the writer
        stored: list[int] = []
        create_stored = store.media.create_stored
        monkeypatch.setattr(store.media, "create_stored",
                            lambda rows, c=create_stored, s=stored: s.append(len(rows)) or c(rows))
        try:
            report = ingest_tree(store, tmp_path / "tree", isolated=isolated, batch_size=4)
            assert len(report.created) == 7 and not report.problems
            assert sum(stored) == (0 if not set_based else 3 if isolated else 7)  # rows made where probed
            dumps.append(_dump(store))
        finally:
            store.close()
    assert dumps[0] == dumps[1]
    # The latest-version flags were refreshed after the inserts: their ops follow the inserts'.
    assert [op[3] for op in dumps[1]["outbox"]] == ["insert"] * 7 + ["update"] * 4


def test_a_batch_with_a_timestamp_without_zone_is_refused_as_a_row_is(sqlite_store: Store) -> None:
    naive = {**_values(1), "file_modified_at": datetime(2026, 11, 30, 1, 2, 3)}
    with pytest.raises(Exception, match="naive datetime"):
        sqlite_store.media.create(**naive)
    with pytest.raises(Exception, match="naive datetime"):
        sqlite_store.media.create_many([_values(2), {**naive, "id": uuid.UUID(int=5)}])
    assert _dump(sqlite_store) == {"records": [], "search": [], "outbox": []}


def test_rows_made_where_media_are_probed_are_stored_as_rows_one_by_one(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """An ingest's probe workers make new records' rows (``stored_media_rows``) and the writer only inserts
    them (``create_stored``): past the set-based threshold, the stored rows, search index and outbox ops are
    those of the same records created one by one through the triggers."""
    monkeypatch.setattr(media_repository, "utcnow", lambda: NOW)
    batch = [{k: v for k, v in _values(i).items() if k != "id"} for i in range(1, 251)]
    by_row, by_worker = _seeded(tmp_path / "rows.sqlite"), _seeded(tmp_path / "stored.sqlite")
    try:
        for store, write in ((by_row, lambda: [by_row.media.create(**values) for values in batch]),
                             (by_worker, lambda: by_worker.media.create_stored(
                                 media_repository.stored_media_rows(batch)))):
            ids = itertools.count(1001)  # the same ids both ways; 1003 is at version 7 on the server
            monkeypatch.setattr(media_repository, "_new_ids", lambda n, c=ids: [uuid.UUID(int=next(c)) for _ in range(n)])
            with store.transaction():
                write()
        expected, got = _dump(by_row), _dump(by_worker)
        assert len(got["records"]) == len(got["search"]) == 251
        assert [op[6] for op in got["outbox"]][:4] == [0, 0, 0, 7]  # the server's version kept
        assert got == expected
        assert len(by_worker.media.search(MediaQuery(text="\u00e9t\u00e9", limit=500)).items) == 251
    finally:
        by_row.close()
        by_worker.close()


def test_a_batch_of_rows_writes_its_ops_stamped_and_the_commit_rewrites_none(tmp_path: Path) -> None:
    """Past the set-based threshold a batch's ops are written with the transaction's clock and author (the
    client's last clock once committed), so the commit's stamping finds no op of the batch left to rewrite
    (each rewrite of a ~1 KB op was a second write of it in the transaction)."""
    batch = [{k: v for k, v in _values(i).items() if k != "id"} for i in range(1, 251)]
    store = _seeded(tmp_path / "stored.sqlite")
    rewritten: list[int] = []

    def seen(_conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE HORUS_SYNC_OUTBOX"):
            rewritten.append(cursor.rowcount)

    try:
        before = outbox_head(store)
        event.listen(store.engine, "after_cursor_execute", seen)
        try:
            store.media.create_stored(media_repository.stored_media_rows(batch))
        finally:
            event.remove(store.engine, "after_cursor_execute", seen)
        stamps, last, count = ops_since(store, before)
        assert count == 250
        assert stamps == [(last, "ana")]
        assert sum(rewritten) == 0
    finally:
        store.close()


def test_a_record_the_rules_refuse_is_left_to_create_many(sqlite_store: Store) -> None:
    """What ``stored_media_rows`` cannot make (a NUL, a time without a zone, an id given, a missing project)
    is None, so the writer sends those values through ``create_many``, which names what is wrong."""
    good = {k: v for k, v in _values(1).items() if k != "id"}
    refused = [{**good, "file_name": "nul\x00name.exr"}, {**good, "file_modified_at": datetime(2026, 11, 30)},
               _values(2), {**good, "project_id": None}]
    rows = media_repository.stored_media_rows([good, *refused, good])
    assert rows[0] is not None and rows[-1] == rows[0] and rows[1:-1] == [None] * 4
    with pytest.raises(ValueError, match="NUL|nul"):
        sqlite_store.media.create_many([refused[0]])
    assert _dump(sqlite_store) == {"records": [], "search": [], "outbox": []}

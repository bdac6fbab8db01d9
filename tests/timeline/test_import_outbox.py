"""A playlist import writes its playlist row and clip rows set-based on SQLite (one plain insert each, the sync
outbox filled in one statement per table): the rows and the outbox ops are byte for byte those the per-row
capture triggers write, an import that fails half-way leaves nothing, and sync pushes every clip (tests/sync/test_import_sync.py)."""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import opentimelineio as otio
import pytest
from sqlalchemy import insert, text

from horus_desktop.store import Store
from horus_desktop.store.repositories import imports
from horus_desktop.store.repositories import media as media_repository
from horus_desktop.timeline import files
from horus_desktop.timeline.otio_doc import trange
from tests.support_outbox import ops_since, outbox_head

NOW = datetime(2026, 12, 1, 2, 3, 4, 567891, tzinfo=UTC)
_TABLES = ("horus_timelines", "horus_timeline_clips")
_TIMES = ("created_at", "updated_at", "deleted_at")


def _with_media(store: Store, count: int) -> None:
    """``count`` media records with fixed ids (shot sh000.., v001), the same in every store."""
    for i in range(count):
        store.media.create(id=uuid.UUID(int=500 + i), file_path=f"/show/sh{i:03d}/comp/v001/sh{i:03d} \u00e9t\u00e9.mov",
                           project_id="p", shot=f"sh{i:03d}", version="v001", frame_rate=24.0, start_frame=1001,
                           end_frame=1100, resolution="2048x1152")


def _write_otio(path: Path, count: int, *, not_finite: bool = False) -> Path:
    """A cut of ``count`` clips on two tracks: matched by path, by name, missing; a gap and a marker
    (``not_finite``: one clip's metadata holds NaN and Infinity, which OTIO writes and reads)."""
    doc = otio.schema.Timeline(name="Coupe \u2728 \"q\"")
    tracks = [otio.schema.Track(name="V1"), otio.schema.Track(name="V2")]
    for i in range(count):
        if i % 5 == 3:
            clip = otio.schema.Clip(name=f"sh{i:03d}_comp_v001", source_range=trange(1001, 3, 24))  # by name
        elif i % 7 == 6:
            clip = otio.schema.Clip(name=f"manquant {i}", source_range=trange(0, 2, 24),
                                    media_reference=otio.schema.ExternalReference(target_url="/nowhere.mov"))
        else:
            clip = otio.schema.Clip(name=f"clip {i}", source_range=trange(1001 + i % 4, 4, 24),
                                    media_reference=otio.schema.ExternalReference(
                                        target_url=f"file:///show/sh{i:03d}/comp/v001/sh{i:03d}%20\u00e9t\u00e9.mov"))
            clip.metadata["vendor"] = {"take": i, "note": None}
            if not_finite and i == 1:
                clip.metadata["vendor"].update(gain=float("nan"), limit=float("inf"))
        if i % 9 == 0:
            clip.markers.append(otio.schema.Marker(name="look", marked_range=trange(1002, 1, 24)))
        tracks[i % 2].append(clip)
        if i % 11 == 0:
            tracks[i % 2].append(otio.schema.Gap(source_range=trange(0, 2, 24)))
    doc.tracks.extend(tracks)
    otio.adapters.write_to_file(doc, str(path))
    return path


def _fixed(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Fixed clocks and ids for the import; returns a function restarting the ids (one run per store)."""
    counter = itertools.count(1)

    def restart() -> None:
        nonlocal counter
        counter = itertools.count(1)

    monkeypatch.setattr(imports, "utcnow", lambda: NOW)
    monkeypatch.setattr(media_repository, "utcnow", lambda: NOW)
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=10**6 + next(counter)))
    monkeypatch.setattr(files, "new_uuids", lambda n: [uuid.uuid4() for _ in range(n)])  # the clips' ids, in turn
    return restart


@contextmanager
def _triggers_kept(_raw: Any, _names: Any, _rows: int) -> Iterator[frozenset[str]]:
    """``bulk_insert.triggers_absent`` for a write through the triggers: none taken away."""
    yield frozenset()


def _per_row(session: Any, table: Any, rows: list[dict[str, Any]], **_: Any) -> None:
    """The trigger path: SQLAlchemy's insert, each row through the capture triggers (times given as their
    wire text, as an import gives its clip rows to the set-based insert, as SQLAlchemy takes them)."""
    session.execute(insert(table), [{k: datetime.fromisoformat(v) if k in _TIMES and isinstance(v, str) else v
                                     for k, v in row.items()} for row in rows])


def _dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    with store.uow.read() as session:
        def rows(sql: str) -> list[tuple[Any, ...]]:
            return [tuple(r) for r in session.execute(text(sql))]

        return {
            **{table: rows(f"SELECT * FROM {table} ORDER BY rowid") for table in _TABLES},
            # Every op as the triggers write it, but its random id and its commit's clock.
            "outbox": rows("SELECT seq, table_name, row_id, kind, old_row, new_row, base_version, author, "
                           "hlc IS NOT NULL FROM horus_sync_outbox ORDER BY seq"),
            "applying": rows("SELECT applying FROM horus_sync_state"),
        }


def _store(path: Path) -> Store:
    store = Store.open(path, backup=False)
    store.uow.author = "ana"
    _with_media(store, 40)
    return store


@pytest.mark.parametrize(("clips", "not_finite"), [(60, False), (250, False), (250, True)])
def test_an_import_leaves_the_rows_and_outbox_the_triggers_leave(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 clips: int, not_finite: bool) -> None:
    # 250 clips: past bulk_insert.TRIGGERS_ABSENT_ROWS, the playlist row's and the clips' ops are written
    # set-based; NaN and Infinity in the document: its text is no JSON, and the op keeps it as the trigger does.
    cut = _write_otio(tmp_path / "cut.otio", clips, not_finite=not_finite)
    restart = _fixed(monkeypatch)
    by_row = _store(tmp_path / "rows.sqlite")
    restart()
    by_set = _store(tmp_path / "set.sqlite")
    try:
        restart()
        with monkeypatch.context() as patch:
            patch.setattr(imports, "insert_set_based", _per_row)
            patch.setattr(imports, "triggers_absent", _triggers_kept)
            expected_report = files.import_playlist(by_row, cut, user="ana")
        restart()
        report = files.import_playlist(by_set, cut, user="ana")
        assert report == expected_report
        expected, got = _dump(by_row), _dump(by_set)
        assert len(got["horus_timelines"]) == 1 and len(got["horus_timeline_clips"]) == clips
        ops = [op for op in got["outbox"] if op[1] in _TABLES]
        assert [(op[1], op[3]) for op in ops] == [("horus_timelines", "insert")] + [
            ("horus_timeline_clips", "insert")] * clips
        if not_finite:  # the document as the trigger keeps a text that is no JSON: quoted
            assert isinstance(json.loads(ops[0][5])["otio_data"], str)
        assert got == expected
        assert by_set.timelines.get(report.timeline.id) == by_row.timelines.get(report.timeline.id)
    finally:
        by_row.close()
        by_set.close()


@pytest.mark.parametrize("clips", [30, 250])
def test_an_import_failing_half_way_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   clips: int) -> None:
    cut = _write_otio(tmp_path / "cut.otio", clips)
    store = _store(tmp_path / "s.sqlite")
    try:
        before = _dump(store)
        real = imports.insert_set_based

        def clips_then_fail(session: Any, table: Any, rows: list[dict[str, Any]], **kw: Any) -> None:
            real(session, table, rows, **kw)  # the playlist row is in, then the clips and their ops
            if table.name == "horus_timeline_clips":
                raise KeyError("stopped half-way")

        quiet = imports.triggers_absent

        @contextmanager
        def quiet_then_fail(raw: Any, names: Any, rows: int) -> Iterator[frozenset[str]]:
            with quiet(raw, names, rows) as dropped:  # from 200 clips: their rows and stamped ops are in
                yield dropped
            if any("timeline_clips" in name for name in names):
                raise KeyError("stopped half-way")

        with monkeypatch.context() as patch:
            patch.setattr(imports, "insert_set_based", clips_then_fail)
            patch.setattr(imports, "triggers_absent", quiet_then_fail)
            with pytest.raises(files.PlaylistFileError):
                files.import_playlist(store, cut, user="ana")
        assert _dump(store) == before  # no row, clip, op; capture not left quiet
        report = files.import_playlist(store, cut, user="ana")  # and the next import is whole
        after = _dump(store)
        assert len(after["horus_timeline_clips"]) == clips
        assert len(after["outbox"]) == len(before["outbox"]) + clips + 1
        assert len(report.timeline.clips) == clips
    finally:
        store.close()


@pytest.mark.parametrize("clips", [30, 250])
def test_an_imports_ops_carry_one_clock_the_clients_last(tmp_path: Path, clips: int) -> None:
    # From 200 clips the ops are written already stamped; with the others' (the sign-in's) the same clock.
    cut = _write_otio(tmp_path / "cut.otio", clips)
    store = _store(tmp_path / "s.sqlite")
    try:
        before = outbox_head(store)
        files.import_playlist(store, cut, user="ana")
        stamps, last, count = ops_since(store, before)
        assert count == clips + 1
        assert stamps == [(last, "ana")]
    finally:
        store.close()

"""The playlist-import fuzz child: ``python -m tests.hostile.playlist_child TEMPLATE WORKDIR`` reads OTIO file
paths (one JSON line each) on stdin and imports each twice, on copies of the TEMPLATE store: the general way
(OpenTimelineIO places every track, every row through the capture triggers) and the fast way (plain tracks
placed from the document's numbers, rows and ops set-based). It answers one JSON line per file before
(``["start"]``) and after: ``["ok"]``, ``["clean", message]`` (a PlaylistFileError naming the file, both ways,
nothing written), or ``["defect", what]``. A native crash kills only this process; the parent names the file."""

from __future__ import annotations

import itertools
import json
import os
import resource
import shutil
import sys
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from horus_desktop.store import Store
from horus_desktop.store.repositories import imports
from horus_desktop.store.repositories import media as media_repository
from horus_desktop.timeline import files, otio_parse

NOW = datetime(2026, 12, 1, 2, 3, 4, 567891, tzinfo=UTC)
TABLES = ("horus_timelines", "horus_timeline_clips")
TIMES = ("created_at", "updated_at", "deleted_at")
MEMORY_LIMIT = 3 * 1024**3
_ids = itertools.count(1)


@contextmanager
def _triggers_kept(_raw: Any, _names: Any, _rows: int) -> Iterator[frozenset[str]]:
    yield frozenset()


def _per_row(session: Any, table: Any, rows: list[dict[str, Any]], **_: Any) -> None:
    session.execute(insert(table), [{k: datetime.fromisoformat(v) if k in TIMES and isinstance(v, str) else v
                                     for k, v in row.items()} for row in rows])


def dump(store: Store) -> dict[str, list[list[Any]]]:
    """The playlists, their clips and every op (but its random id and clock), as JSON-ready lists."""
    with store.uow.read() as session:
        def rows(sql: str) -> list[list[Any]]:
            return [[v if v is None or isinstance(v, int | float | str) else repr(v) for v in r]
                    for r in session.execute(text(sql))]

        return {**{table: rows(f"SELECT * FROM {table} ORDER BY rowid") for table in TABLES},
                "outbox": rows("SELECT seq, table_name, row_id, kind, old_row, new_row, base_version, author "
                               "FROM horus_sync_outbox ORDER BY seq")}


def _import(template: Path, work: Path, path: str, general: bool) -> tuple[str, Any, Any]:
    """(outcome, message or None, the store's dump before and after) of one import on a fresh copy."""
    global _ids
    copy = work / ("general.sqlite" if general else "fast.sqlite")
    shutil.copyfile(template, copy)
    store = Store.open(copy, backup=False)
    store.uow.author = "ana"
    saved = imports.insert_set_based, imports.triggers_absent, otio_parse._plain_placement
    _ids = itertools.count(1)
    try:
        before = dump(store)
        if general:
            imports.insert_set_based, imports.triggers_absent = _per_row, _triggers_kept
            otio_parse._plain_placement = lambda node, rate: None
        try:
            files.import_playlist(store, path, user="ana")
            outcome, message = "ok", None
        except files.PlaylistFileError as exc:
            outcome, message = "clean", str(exc)
        return outcome, message, (before, dump(store))
    finally:
        imports.insert_set_based, imports.triggers_absent, otio_parse._plain_placement = saved
        store.close()


def check(template: Path, work: Path, path: str) -> list[str]:
    """How one file's import went (see the module docstring)."""
    try:
        fast = _import(template, work, path, general=False)
        general = _import(template, work, path, general=True)
    except Exception as exc:  # noqa: BLE001 - the defect this run is here to find
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return ["defect", f"{type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})"[:500]]
    if fast[0] != general[0]:
        return ["defect", f"fast way {fast[0]} {fast[1]!r}, general way {general[0]} {general[1]!r}"[:500]]
    if fast[0] == "clean":
        if path not in (fast[1] or ""):
            return ["defect", f"the error does not name the file: {fast[1]!r}"]
        for before, after in (fast[2], general[2]):
            if before != after:
                return ["defect", f"a failed import wrote rows: {fast[1]!r}"[:500]]
        return ["clean", str(fast[1])[:300]]
    if fast[2][1] != general[2][1]:
        got, expected = fast[2][1], general[2][1]
        which = [k for k in expected if got[k] != expected[k]]
        return ["defect", f"stored differently from the general way: {which}"]
    return ["ok"]


def main() -> None:
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    template, work = Path(sys.argv[1]), Path(sys.argv[2])
    imports.utcnow = media_repository.utcnow = lambda: NOW
    uuid.uuid4 = lambda: uuid.UUID(int=10**6 + next(_ids))
    files.new_uuids = lambda n: [uuid.uuid4() for _ in range(n)]  # the clips' ids, from the same count
    for line in sys.stdin:
        path = json.loads(line)
        replies.write(json.dumps(["start"]) + "\n")
        replies.write(json.dumps(check(template, work, path)) + "\n")


if __name__ == "__main__":
    main()

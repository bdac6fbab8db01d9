"""Hostile values in a run of new rows pushed typed (revision 0013: COPY into a staging table): NUL, lone
surrogates, huge numbers, NaN, very long and non-ASCII text, odd JSON in JSON columns, numbers finer than a
float holds. The typed push must store exactly what the jsonb push (the path before 0013) stores for the same
outbox and page, refuse the same ops, or fail the same way with nothing of the page applied."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sync.conftest import Laptop, laptop, second_server, server_url, sync_template  # noqa: F401, F811 (fixtures)

from horus_desktop.store import Store
from horus_desktop.store.sync_tables import SYNCED_TABLES
from horus_desktop.sync import staged_push
from horus_desktop.sync.client import SyncClient

_MARK = "@@hostile@@"


def _server_rows(url: str) -> dict[str, list]:
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        return {t: [r for (r,) in conn.execute(f"SELECT to_jsonb(x)::text FROM {t} x ORDER BY 1")]
                for t in SYNCED_TABLES}


def _set_raw(path: Path, table: str, field: str, raw: str, which: str = "second") -> None:
    """Put the JSON text `raw` as `field` of one new row of `table` in the outbox (the second, or every one),
    as a damaged outbox or another client's bug would hold it."""
    with closing(sqlite3.connect(path)) as db, db:
        seqs = [s for (s,) in db.execute("SELECT seq FROM horus_sync_outbox WHERE table_name = ? AND kind = 'insert' "
                                         "ORDER BY seq", (table,))]
        for seq in seqs[1:2] if which == "second" else seqs:
            (row,) = db.execute("SELECT new_row FROM horus_sync_outbox WHERE seq = ?", (seq,)).fetchone()
            value = json.loads(row)
            value[field] = _MARK
            db.execute("UPDATE horus_sync_outbox SET new_row = ? WHERE seq = ?",
                       (json.dumps(value).replace(json.dumps(_MARK), raw), seq))


def _push(store_path: Path, url: str, staged: bool, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """One push of the store's outbox; what came of it: the error (type), the refused ops, the server rows it
    added or changed."""
    before = _server_rows(url)
    store = Store.open(store_path)
    client = SyncClient(store, url, "ana", backoff_s=0.01, retries=1)
    with monkeypatch.context() as patch:
        if not staged:
            patch.setattr(staged_push, "MIN_RUN", 10**9)  # no run is staged: the jsonb push of 0004-0012
        try:
            report = client.push()
            outcome: dict[str, Any] = {"error": None, "rejected": sorted(op for op, _ in report.rejected),
                                       "reasons": [r for _, r in report.rejected]}
        except Exception as exc:  # compared with the other path's
            outcome = {"error": type(exc).__name__, "message": str(exc), "rejected": None}
        finally:
            client.close()
            store.close()
    after = _server_rows(url)  # what this push changed: earlier values' rows may differ between the servers
    outcome["rows"] = {t: sorted(set(rows) ^ set(before[t])) for t, rows in after.items()}
    return outcome


def _both_ways(lap: Laptop, tmp_path: Path, second: str, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, dict]:
    """The laptop's outbox pushed typed to its server and, from a copy, as jsonb to `second`."""
    lap.close()
    twin = tmp_path / f"twin-{lap.path.stem}.sqlite"
    with closing(sqlite3.connect(lap.path)) as source, closing(sqlite3.connect(twin)) as copy:
        source.backup(copy)
    typed = _push(lap.path, lap.server_url, True, monkeypatch)
    plain = _push(twin, second, False, monkeypatch)
    return typed, plain


def _notes(lap: Laptop, count: int = 4) -> None:
    media = lap.media()
    with lap.store.uow.write():
        for i in range(count):
            lap.store.comments.add(media_id=media, content=f"note {i}", user_id="ana", user_name="ana",
                                   frame_number=1000 + i, notify=False)


def _media(lap: Laptop, count: int = 4) -> None:
    for i in range(count):
        lap.store.media.create(file_path=f"/projects/p/sh{i}/v001/{lap.path.stem}.exr", project_id="p", shot=f"sh{i}",
                               version="v001", frame_rate=24, extra_metadata={"k": i})


NOTE_VALUES = [
    ("content", '"nul \\u0000 here"'),
    ("content", '"lone \\ud800 surrogate"'),
    ("content", '"lone low \\udfff"'),
    ("content", '"pair \\ud83c\\udfac ok"'),
    ("content", json.dumps("long " + "é漢🎬\t\\\n" * 30_000)),
    ("content", '"ctrl \\u0001\\u001f\\u007f"'),
    ("content", "12345678901234567890123"),
    ("content", "NaN"),
    ("frame_number", "99999999999999999999"),
    ("frame_number", "2147483648"),
    ("frame_number", "-2147483648"),
    ("frame_number", "NaN"),
    ("frame_number", "Infinity"),
    ("frame_number", "1E2"),
    ("frame_number", "1.5"),
    ("frame_number", "-0"),
    ("frame_number", "1e400"),
    ("mentioned_users", '["a\\u0000b"]'),
    ("mentioned_users", '["\\ud800"]'),
    ("mentioned_users", '["x", null, "{\\"}"]'),
]
MEDIA_VALUES = [
    ("extra_metadata", '{"a": 0.1000000000000000000001}'),
    ("extra_metadata", '{"a": 1e400}'),
    ("extra_metadata", '{"a": -0.0, "b": 1E-400}'),
    ("extra_metadata", '{"a": 123456789012345678901234567890}'),
    ("extra_metadata", '{"a": 1, "a": 2}'),
    ("extra_metadata", '{"\\u0000": "\\u0000"}'),
    ("extra_metadata", '{"s": "\\ud800"}'),
    ("extra_metadata", '"just a string"'),
    ("extra_metadata", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"),
    ("extra_metadata", "NaN"),
    ("frame_rate", "23.974999999999999999"),
    ("frame_rate", "23.975000000000000001"),
    ("frame_rate", "999.999"),
    ("frame_rate", "1e400"),
    ("file_size", "9223372036854775808"),
    ("file_size", "9223372036854775807"),
    ("file_size", "1.0"),
]


def _difference(typed: dict, plain: dict) -> str | None:
    """How the typed push's outcome differs from the jsonb push's (None: the same)."""
    if typed["error"] is None and plain["error"] is None:
        if typed["rejected"] != plain["rejected"]:
            return f"refused {typed['reasons']} against {plain['reasons']}"
        if not all(reason.strip() for reason in typed["reasons"]):
            return "a refusal without a reason"
    elif typed["error"] != plain["error"]:
        return f"{typed['error']}: {typed.get('message')} against {plain['error']}: {plain.get('message')}"
    if typed["rows"] != plain["rows"]:
        for table, rows in typed["rows"].items():
            if rows != plain["rows"][table]:
                theirs = set(plain["rows"][table])
                return f"{table} rows differ: typed {[r[:300] for r in rows if r not in theirs][:2]}"
    return None


def _each_value(laptop, second_server, tmp_path, monkeypatch, table: str, values: list,  # noqa: ANN001, F811
                make: Callable[[Laptop], None], which: str) -> list[str]:
    """Each hostile value in a laptop of its own, pushed both ways to the same two servers in turn."""
    out = []
    for field, raw in values:
        lap = laptop("ana")
        make(lap)
        _set_raw(lap.path, table, field, raw, which)
        difference = _difference(*_both_ways(lap, tmp_path, second_server, monkeypatch))
        if difference:
            out.append(f"{field}={raw[:60]}: {difference}")
    return out


def test_hostile_note_values_are_pushed_as_the_jsonb_push_does(laptop, second_server, tmp_path,  # noqa: F811
                                                              monkeypatch) -> None:
    bad = _each_value(laptop, second_server, tmp_path, monkeypatch, "horus_comments", NOTE_VALUES, _notes, "second")
    assert not bad, "\n".join(bad)

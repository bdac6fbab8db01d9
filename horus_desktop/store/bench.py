"""``horus bench store``: media search pages on a generated store, against the bare SQL of the same query."""

from __future__ import annotations

import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, inspect

from horus_desktop.domain.media_query import MediaQuery
from horus_desktop.domain.vocabulary import APPROVAL_STATUSES
from horus_desktop.store.engine import create_store_engine, resolve_store_url
from horus_desktop.store.models import MediaRecordRow
from horus_desktop.store.schema import upgrade
from horus_desktop.store.store import Store

DEPARTMENTS = ("anim", "comp", "fx", "light", "layout", "model", "roto", "paint")
ARTISTS = tuple(f"artist{i:02d}" for i in range(40))


def fill_media(engine: Engine, records: int, seed: int = 7) -> None:
    """Insert ``records`` plausible media rows (several projects, sequences, shots, versions)."""
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    batch: list[dict[str, Any]] = []
    with engine.begin() as conn:
        for i in range(records):
            project = f"proj{i % 5}"
            seq = f"sq{(i // 50) % 40:03d}"
            shot = f"sh{(i // 5) % 400:04d}"
            dept = DEPARTMENTS[i % len(DEPARTMENTS)]
            version_number = 1 + (i // 2000) % 9
            artist = rng.choice(ARTISTS)
            path = f"/mnt/{project}/{seq}/{shot}/{dept}/v{version_number:03d}/{shot}_{dept}_{i}.####.exr"
            batch.append(dict(
                id=uuid.uuid4(), file_path=path, file_name=path.rsplit("/", 1)[1], project_id=project,
                sequence=seq, shot=shot, department=dept, task_type=dept, version=f"v{version_number:03d}",
                version_number=version_number, is_latest_version=version_number >= 8, artist_id=artist,
                artist_name=artist.title(), approval_status=rng.choice(APPROVAL_STATUSES),
                resolution=rng.choice(("2048x1152", "1920x1080", "4096x2160")), frame_rate=Decimal("24"),
                color_space="ACEScg", bit_depth=16, start_frame=1001, end_frame=1001 + rng.randrange(200),
                frame_count=rng.randrange(200), file_size=rng.randrange(10**9), media_kind="sequence",
                created_at=start + timedelta(minutes=i), updated_at=start + timedelta(minutes=i),
                is_deleted=False,
            ))
            if len(batch) == 5000:
                conn.execute(insert(MediaRecordRow), batch)
                batch = []
        if batch:
            conn.execute(insert(MediaRecordRow), batch)


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50_ms": statistics.median(ordered) * 1000,
            "p95_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000}


def bench_store(db: str | None = None, *, records: int = 100_000, runs: int = 200,
                quiet: bool = False) -> dict[str, Any]:
    """Fill an empty store with ``records`` media and time filtered, sorted pages of 200.

    Each run picks a query (a department + status filter sorted by date, a project + latest-only filter
    sorted by shot, a text search); the same SQL is also run bare (compiled once, rows fetched as tuples)
    in the same run, interleaved, so the two figures are comparable.
    """
    tmp = None
    if db is None:
        tmp = tempfile.TemporaryDirectory(prefix="horus-bench-")
        db = str(Path(tmp.name) / "bench.sqlite")
    engine = create_store_engine(resolve_store_url(db))
    try:
        upgrade(engine)
        if inspect(engine).has_table("horus_media_records"):
            with engine.connect() as conn:
                existing = conn.exec_driver_sql("SELECT count(*) FROM horus_media_records").scalar_one()
            if existing:
                raise SystemExit(f"bench store needs an empty store; {db} holds {existing} media")
        t0 = time.perf_counter()
        fill_media(engine, records)
        with engine.begin() as conn:  # fresh statistics after a bulk load, as any import would leave them
            conn.exec_driver_sql("ANALYZE")
        fill_s = time.perf_counter() - t0
        store = Store(engine)
        rng = random.Random(3)
        queries = [
            lambda: MediaQuery(departments=(rng.choice(DEPARTMENTS),), statuses=("pending", "on_hold"),
                               sort_by="created_at", offset=rng.randrange(0, 2000, 200)),
            lambda: MediaQuery(project_id=f"proj{rng.randrange(5)}", latest_only=True, sort_by="shot",
                               descending=False),
            lambda: MediaQuery(project_id=f"proj{rng.randrange(5)}", shot=f"sh{rng.randrange(400):04d}",
                               sort_by="version_number"),
            lambda: MediaQuery(text=f"sh{rng.randrange(400):04d}", sort_by="file_name", descending=False),
        ]
        repo_times: list[float] = []
        bare_times: list[float] = []
        dialect = engine.dialect
        for i in range(runs + 10):
            query = queries[i % len(queries)]()
            stmt = store.media.search_statement(query)
            compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
            sql, params = str(compiled), compiled.params
            with engine.connect() as conn:
                t = time.perf_counter()
                conn.exec_driver_sql(sql, _driver_params(compiled, params)).all()
                bare = time.perf_counter() - t
            t = time.perf_counter()
            page = store.media.search(query)
            repo = time.perf_counter() - t
            if i >= 10:  # warm-up runs are not counted
                bare_times.append(bare)
                repo_times.append(repo)
            assert len(page.items) <= 200
        result = {
            "backend": engine.dialect.name, "records": records, "runs": runs, "fill_seconds": round(fill_s, 2),
            "search": {k: round(v, 2) for k, v in _percentiles(repo_times).items()},
            "bare_sql": {k: round(v, 2) for k, v in _percentiles(bare_times).items()},
        }
        result["ratio_p95"] = round(result["search"]["p95_ms"] / max(result["bare_sql"]["p95_ms"], 1e-6), 2)
        result["ratio_p50"] = round(result["search"]["p50_ms"] / max(result["bare_sql"]["p50_ms"], 1e-6), 2)
        if not quiet:
            print(f"store bench on {result['backend']}, {records} media (filled in {fill_s:.1f} s), "
                  f"{runs} pages of up to 200")
            print(f"  media search : p50 {result['search']['p50_ms']:.2f} ms   p95 {result['search']['p95_ms']:.2f} ms")
            print(f"  bare SQL     : p50 {result['bare_sql']['p50_ms']:.2f} ms   p95 "
                  f"{result['bare_sql']['p95_ms']:.2f} ms")
            print(f"  ratio search/bare: p50 {result['ratio_p50']}x  p95 {result['ratio_p95']}x "
                  "(target: p95 < 30 ms and <= 2x on SQLite)")
        return result
    finally:
        engine.dispose()
        if tmp is not None:
            tmp.cleanup()


def _driver_params(compiled: Any, params: dict[str, Any]) -> Any:
    """Bind parameters in the driver's own form (positional for SQLite's qmark style)."""
    processors = compiled._bind_processors  # the same conversions SQLAlchemy applies (UUID, datetime, ...)
    converted = {k: processors[k](v) if k in processors else v for k, v in params.items()}
    if compiled.positiontup is not None:
        return tuple(converted[name] for name in compiled.positiontup)
    return converted

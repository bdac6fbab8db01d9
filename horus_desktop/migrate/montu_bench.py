"""``horus bench montu``: import a generated real-shaped Montu export and report records/s and a re-run's time."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from horus_desktop.migrate.montu import import_montu
from horus_desktop.migrate.montu_sample import write_sample_export
from horus_desktop.store.engine import create_store_engine, resolve_store_url
from horus_desktop.store.schema import upgrade
from horus_desktop.store.store import Store


def bench_montu(db: str | None, *, media: int = 27_600) -> dict[str, Any]:
    """Generate an export of ``media`` media records (27,600: about 50 MB, 59,000 records), import it into
    ``db`` (an EMPTY database; default a temporary SQLite file) and time it, then time the no-op re-run."""
    with tempfile.TemporaryDirectory(prefix="horus-bench-montu-") as tmp:
        folder = Path(tmp) / "export"
        counts = write_sample_export(folder, media=media)
        size = sum(p.stat().st_size for p in folder.iterdir())
        engine = create_store_engine(resolve_store_url(db or str(Path(tmp) / "bench.sqlite")))
        upgrade(engine)
        store = Store(engine, files_dir=Path(tmp) / "files")
        try:
            start, cpu = time.perf_counter(), time.process_time()
            report = import_montu(store, folder)
            seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
            start = time.perf_counter()
            again = import_montu(store, folder)
            rerun = time.perf_counter() - start
        finally:
            store.close()
    result = {
        "records": counts.records, "megabytes": round(size / 1e6, 1), "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2), "records_per_second": round(counts.records / seconds),
        "rerun_seconds": round(rerun, 2), "rerun_created": again.created_total, "problems": len(report.problems),
        "database": engine.dialect.name,
    }
    print(f"Montu import of {result['records']:,} records ({result['megabytes']} MB) into {result['database']}: "
          f"{result['seconds']} s ({result['records_per_second']:,} records/s, {result['cpu_seconds']} s CPU); "
          f"re-run {result['rerun_seconds']} s, {result['rerun_created']} rows written; "
          f"{result['problems']} problem(s)", file=sys.stderr)
    return result

"""``horus bench sync``: push and pull speed against the bare ``executemany`` of the same rows, an idle round,
note-to-arrival latency between two online clients, and a studio-sized round of many client processes.

Runs against a PostgreSQL server (default the local one): it creates its own database, installs the schema
and the server part (``horus db upgrade``), and drops it at the end. Clients are SQLite stores in a temp folder.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sqlite3
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from horus_desktop.sync.service import SyncLoop, libpq_url

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
PROJECT = "bench_show"
#: The many-clients round works on a project of its own: each client pulls the others' notes, not the
#: earlier phases' rows.
PROJECT_MANY = "bench_studio"


# --- set-up ------------------------------------------------------------------------------------------


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(libpq_url(url))
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def server_database(admin_url: str) -> Iterator[str]:
    """A new database on the server with Horus's schema and server part; dropped afterwards."""
    import psycopg

    from horus_desktop.store import Store

    name = f"horus_bench_sync_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(libpq_url(admin_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = _with_database(admin_url, name)
    try:
        Store.open(url, upgrade=True).close()
        yield url
    finally:
        with psycopg.connect(libpq_url(admin_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def open_client_store(path: Path) -> Any:
    """A fresh SQLite client store."""
    from horus_desktop.store import Store

    return Store.open(path, backup=False)


def make_client(store: Any, server: str, user: str, project: str = PROJECT) -> Any:
    """A SyncClient following one bench project."""
    from horus_desktop.sync.client import SyncClient

    return SyncClient(store, server, user=user, followed_projects=(project,))


def seed_media(store: Any, project: str = PROJECT) -> uuid.UUID:
    """The one media every bench note of ``project`` is written on."""
    record = store.media.create(file_path=f"/projects/{project}/sq010/sh010/comp/v001/sh010.####.exr",
                                project_id=project, version="v001", version_number=1, sequence="sq010",
                                shot="sh010", department="comp", frame_rate=Decimal("24"))
    return record.id


def write_notes(store: Any, media_id: uuid.UUID, count: int, user: str) -> None:
    """``count`` notes in one local transaction (each one an op in the outbox)."""
    with store.uow.write():
        for i in range(count):
            store.comments.add(media_id=media_id, content=f"bench note {i} by {user}", user_id=user,
                               user_name=user, frame_number=1001 + i % 100, notify=False)


def canonical_dump(path: Path) -> str:
    """SHA-256 of the synced tables of a store, rows sorted by key, per-machine columns left out."""
    from horus_desktop.store.sync_tables import BOOKKEEPING_COLUMNS, SYNCED_TABLES

    digest = hashlib.sha256()
    with sqlite3.connect(path) as conn:
        for table, (key, _type) in SYNCED_TABLES.items():
            cur = conn.execute(f'SELECT * FROM "{table}" ORDER BY "{key}"')
            names = [d[0] for d in cur.description]
            keep = [i for i, n in enumerate(names) if n not in BOOKKEEPING_COLUMNS and n != "last_login_at"]
            for row in cur:
                digest.update(json.dumps([table, *(row[i] for i in keep)], default=str).encode())
    return digest.hexdigest()


def _count_notes(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM horus_comments").fetchone()[0])


# --- 1. push and pull against executemany -------------------------------------------------------------


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex  # as the store keeps ids (the foreign key to the media row must match)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def bench_push_pull(server: str, folder: Path, ops: int) -> dict[str, Any]:
    """Push ``ops`` notes from one client and pull them into another; the bare executemany of the rows."""
    import psycopg
    from psycopg.types.json import Jsonb

    a = open_client_store(folder / "push.sqlite")
    client = make_client(a, server, "ana")
    media_id = seed_media(a)
    client.round()
    write_notes(a, media_id, ops, "ana")
    t0 = time.perf_counter()
    client.push()
    push_s = time.perf_counter() - t0
    client.close()
    a.close()

    with psycopg.connect(libpq_url(server), autocommit=True) as conn:
        cur = conn.execute("SELECT * FROM horus_comments WHERE media_id = %s", (media_id,))
        names = [d.name for d in cur.description]
        json_cols = {i for i, d in enumerate(cur.description) if d.type_code in (114, 3802)}  # json, jsonb
        rows = cur.fetchall()
        # The same table: its columns, defaults, indexes and foreign keys (the sync trigger is what is measured).
        conn.execute("CREATE TABLE bench_copy (LIKE horus_comments INCLUDING ALL)")
        for (fk,) in conn.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                                  "WHERE conrelid = 'horus_comments'::regclass AND contype = 'f'").fetchall():
            conn.execute(f"ALTER TABLE bench_copy ADD {fk.replace('REFERENCES horus_comments(', 'REFERENCES bench_copy(')}")
        columns = ", ".join(f'"{n}"' for n in names)
        marks = ", ".join(["%s"] * len(names))
        # Twice: cold (a table just made, a connection that has not run the statement) and warm (the same rows
        # again into the emptied table: the statement prepared, the catalogue cached). The goal is measured
        # against the faster of the two.
        bare = []
        for _run in ("cold", "warm"):
            conn.execute("TRUNCATE bench_copy")
            t0 = time.perf_counter()
            with conn.transaction(), conn.cursor() as c:
                c.executemany(f"INSERT INTO bench_copy ({columns}) VALUES ({marks})",
                              [tuple(Jsonb(v) if i in json_cols and v is not None else v for i, v in enumerate(r))
                               for r in rows])
            bare.append(time.perf_counter() - t0)
        conn.execute("DROP TABLE bench_copy")
        bare_push_cold_s, bare_push_warm_s = bare
        bare_push_s = min(bare)

    b_path = folder / "pull.sqlite"
    b = open_client_store(b_path)
    client = make_client(b, server, "bo")
    t0 = time.perf_counter()
    client.pull()
    pull_s = time.perf_counter() - t0
    client.close()
    b.close()
    pulled = _count_notes(b_path)

    # Bare pull: the same rows read from the server and written with executemany into the same SQLite table
    # (the store's own DDL: columns, indexes, foreign keys checked against the same media row).
    with sqlite3.connect(b_path) as store_db:
        ddl = [sql for (sql,) in store_db.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name IN ('horus_media_records', 'horus_comments') "
            "AND type IN ('table', 'index') AND sql IS NOT NULL ORDER BY type DESC")]
    with sqlite3.connect(folder / "bare.sqlite") as lite:
        for sql in ddl:
            lite.execute(sql)
        lite.execute("ATTACH DATABASE ? AS pulled", (str(b_path),))
        lite.execute("INSERT INTO horus_media_records SELECT * FROM pulled.horus_media_records")
        lite.commit()
        lite.execute("DETACH DATABASE pulled")
        lite.execute("PRAGMA foreign_keys = ON")
    t0 = time.perf_counter()
    with psycopg.connect(libpq_url(server)) as conn:
        rows = conn.execute("SELECT * FROM horus_comments WHERE media_id = %s", (media_id,)).fetchall()
    with sqlite3.connect(folder / "bare.sqlite") as lite:
        lite.execute("PRAGMA foreign_keys = ON")
        lite.executemany(f"INSERT INTO horus_comments ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                         [tuple(_sqlite_value(v) for v in r) for r in rows])
    bare_pull_s = time.perf_counter() - t0
    return {"ops": ops, "push_s": round(push_s, 3), "bare_push_s": round(bare_push_s, 3),
            "push_vs_bare": round(bare_push_s / push_s, 3) if push_s else None,
            "bare_push_cold_s": round(bare_push_cold_s, 3), "bare_push_warm_s": round(bare_push_warm_s, 3),
            "push_vs_bare_cold": round(bare_push_cold_s / push_s, 3) if push_s else None,
            "pull_rows": pulled, "pull_s": round(pull_s, 3), "bare_pull_s": round(bare_pull_s, 3),
            "pull_vs_bare": round(bare_pull_s / pull_s, 3) if pull_s else None, "media_id": str(media_id)}


# --- 2. idle round and latency ------------------------------------------------------------------------


def bench_idle_and_latency(server: str, folder: Path, notes: int, media_id: str) -> dict[str, Any]:
    """Idle round in ms; note committed on A -> in B's store, both running the app's sync loop."""
    from horus_desktop.sync.service import NotifyListener

    stores = {name: open_client_store(folder / f"live_{name}.sqlite") for name in ("ana", "bo")}
    clients = {name: make_client(store, server, name) for name, store in stores.items()}
    for client in clients.values():
        client.round()
    idle = []
    for _ in range(20):
        t0 = time.perf_counter()
        clients["ana"].round()
        idle.append((time.perf_counter() - t0) * 1000)
    for client in clients.values():
        client.close()

    arrived: dict[str, float] = {}
    cond = threading.Condition()

    def on_b_change(change_set: Any) -> None:
        now = time.perf_counter()
        with cond:
            for row_id in change_set.ids("horus_comments"):
                arrived.setdefault(str(row_id), now)
            cond.notify_all()

    loops, listeners = {}, []
    for name, store in stores.items():
        loops[name] = SyncLoop(lambda s=store, n=name: make_client(s, server, n), on_state=lambda _s: None)
        listeners.append(NotifyListener(server, loops[name].hint))
    stores["ana"].subscribe(lambda _cs: loops["ana"].poke())
    stores["bo"].subscribe(on_b_change)
    for loop in loops.values():
        loop.start()
    for listener in listeners:
        listener.start()
    time.sleep(2.0)  # both loops connected and listening
    latencies = []
    try:
        for i in range(notes):
            note = stores["ana"].comments.add(media_id=uuid.UUID(media_id), content=f"live note {i}",
                                              user_id="ana", user_name="ana", notify=False)
            t0 = time.perf_counter()
            with cond:
                if cond.wait_for(lambda n=note: str(n.id) in arrived, 30.0):
                    latencies.append((arrived[str(note.id)] - t0) * 1000)
    finally:
        for listener in listeners:
            listener.stop()
        for loop in loops.values():
            loop.stop()
        for store in stores.values():
            store.close()
    lat = sorted(latencies)
    return {"idle_round_ms_p50": round(statistics.median(idle), 1),
            "latency_notes": notes, "latency_arrived": len(lat),
            "latency_ms_p50": round(statistics.median(lat), 1) if lat else None,
            "latency_ms_p95": round(lat[max(0, int(len(lat) * 0.95) - 1)], 1) if lat else None}


# --- 3. many clients --------------------------------------------------------------------------------


def _client_process(index: int, server: str, folder: str, per_client: int, expected: int,
                    barrier: Any, out: Any) -> None:
    """One simulated laptop: pull the media, write notes, push, then sync until it holds everyone's."""
    path = Path(folder) / f"client_{index:02d}.sqlite"
    store = open_client_store(path)
    client = make_client(store, server, f"user{index:02d}", PROJECT_MANY)
    try:
        client.round()
        media_id = _first_media(path)
        write_notes(store, media_id, per_client, f"user{index:02d}")
        barrier.wait()
        t0 = time.perf_counter()
        rounds = 0
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            client.round()
            rounds += 1
            if _count_notes(path) >= expected and client.status().pending_ops == 0:
                break
            time.sleep(0.2)
        seconds = time.perf_counter() - t0
        barrier.wait()  # everyone pushed: a last round brings the final state to all
        client.round()
        out.put((index, seconds, rounds, _count_notes(path), None))
    except Exception as exc:  # noqa: BLE001 - reported in the figures, not a traceback per process
        out.put((index, 0.0, 0, 0, f"{type(exc).__name__}: {exc}"))
        barrier.abort()
    finally:
        client.close()
        store.close()


def _first_media(path: Path) -> uuid.UUID:
    with sqlite3.connect(path) as conn:
        return uuid.UUID(str(conn.execute("SELECT id FROM horus_media_records LIMIT 1").fetchone()[0]))


def _postgres_cpu_seconds() -> float | None:
    """CPU time of every postgres process on this machine, reaped backends included (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    found = False
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if comm not in ("postgres", "postmaster"):
            continue
        found = True
        utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
        total += utime + stime + cutime + cstime  # the postmaster's children time holds the exited backends
    return total / tick if found else None


def bench_many(server: str, folder: Path, clients: int, per_client: int) -> dict[str, Any]:
    """``clients`` processes each pushing ``per_client`` notes and pulling everyone else's."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(clients)
    out = ctx.Queue()
    seed = open_client_store(folder / "studio_seed.sqlite")
    seed_client = make_client(seed, server, "seed", PROJECT_MANY)
    seed_media(seed, PROJECT_MANY)
    seed_client.round()
    seed_client.close()
    seed.close()
    expected = clients * per_client
    cpu0 = _postgres_cpu_seconds()
    t0 = time.perf_counter()
    procs = [ctx.Process(target=_client_process, args=(i, server, str(folder), per_client, expected, barrier, out))
             for i in range(clients)]
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    total_s = time.perf_counter() - t0
    cpu1 = _postgres_cpu_seconds()
    errors = [r[4] for r in results if r[4]]
    dumps = {canonical_dump(folder / f"client_{i:02d}.sqlite") for i in range(clients)} if not errors else set()
    return {"clients": clients, "ops_per_client": per_client, "total_s": round(total_s, 2),
            "sync_s_max": round(max(r[1] for r in results), 2),
            "rounds_max": max(r[2] for r in results),
            "server_cpu_s": round(cpu1 - cpu0, 2) if cpu0 is not None and cpu1 is not None else None,
            "notes_per_store": sorted({r[3] for r in results}), "expected_notes": expected,
            "converged": len(dumps) == 1, "errors": errors[:3]}


def bench_sync(admin_url: str | None = None, *, ops: int = 10_000, notes: int = 50, clients: int = 50,
               per_client: int = 200, echo: bool = True) -> dict[str, Any]:
    """All figures of ``horus bench sync``; printed as a table when ``echo``."""
    admin_url = admin_url or os.environ.get("HORUS_TEST_PG_URL") or DEFAULT_SERVER
    result: dict[str, Any] = {"server": urlsplit(libpq_url(admin_url)).hostname}
    with tempfile.TemporaryDirectory(prefix="horus-bench-sync-") as tmp, server_database(admin_url) as server:
        folder = Path(tmp)
        say = print if echo else (lambda *_a, **_k: None)  # with --json the CLI points stdout at stderr
        say(f"sync bench against {result['server']}", flush=True)
        pp = result["push_pull"] = bench_push_pull(server, folder, ops)
        faster = "warm" if pp["bare_push_warm_s"] <= pp["bare_push_cold_s"] else "cold: faster than warm this time"
        say(f"  push {pp['ops']} ops    : {pp['push_s']:.2f} s   bare executemany {pp['bare_push_s']:.2f} s ({faster})"
            f"   speed vs bare {pp['push_vs_bare']}x (goal >= 0.5)\n"
            f"    cold bare executemany (a table just made): {pp['bare_push_cold_s']:.2f} s"
            f"   speed vs cold {pp['push_vs_bare_cold']}x\n"
            f"  pull {pp['pull_rows']} rows  : {pp['pull_s']:.2f} s   bare executemany {pp['bare_pull_s']:.2f} s"
            f"   speed vs bare {pp['pull_vs_bare']}x (goal >= 0.5)", flush=True)
        live = result["live"] = bench_idle_and_latency(server, folder, notes, pp["media_id"])
        say(f"  idle round       : {live['idle_round_ms_p50']} ms (median of 20)\n"
            f"  note -> other store: p50 {live['latency_ms_p50']} ms   p95 {live['latency_ms_p95']} ms "
            f"({live['latency_arrived']}/{live['latency_notes']} arrived; goal < 2000 ms)", flush=True)
        if clients:
            m = result["many"] = bench_many(server, folder, clients, per_client)
            say(f"  {m['clients']} clients x {m['ops_per_client']} ops: {m['total_s']} s total "
                f"(slowest client synced in {m['sync_s_max']} s, {m['rounds_max']} round(s)), "
                f"server CPU {m['server_cpu_s']} s, all stores converged: {m['converged']}"
                + (f", errors: {m['errors']}" if m["errors"] else ""), flush=True)
    return result

"""The sync protocol's client: push the outbox, pull what changed, over one psycopg connection.

The server decides (see ``store/sync_server_sql.py``): this side sends its ops with their base versions and
clocks, stores the server's answers, and applies pulled rows. A round that loses the server midway leaves the
store consistent (answers are stored only once received; a retried push is answered from the server's
applied-op table) and is retried with backoff.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg

from horus_desktop.domain.gc_pause import collector_paused
from horus_desktop.store import schema
from horus_desktop.store.errors import StoreWriteError
from horus_desktop.store.repositories.sync_local import OutboxOp, PulledRow, SyncLocalRepository
from horus_desktop.store.sync_codec import wire_row_id
from horus_desktop.store.sync_schema import known_revisions
from horus_desktop.store.sync_server_sql import SCHEMA_MISMATCH_SQLSTATE
from horus_desktop.store.unit_of_work import ChangeSet
from horus_desktop.sync import staged_push
from horus_desktop.sync.errors import SchemaTooOldError, ServerUnreachableError, SyncError

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ConflictRecord:
    """A conflict seen from this client: "local" is the value this client made when it made one of them."""

    id: Any
    table: str
    row_id: str
    field: str
    local_value: Any
    remote_value: Any
    local_author: str | None
    remote_author: str | None
    local_at: str | None
    remote_at: str | None
    winner: str
    resolved: bool


@dataclass(frozen=True)
class SyncStatus:
    """Where this client stands."""

    pending_ops: int
    cursor: str
    last_sync: datetime | None
    unresolved: list[ConflictRecord]
    rejected: list[tuple[str, str]]


@dataclass
class RoundReport:
    """What one round did."""

    pushed: int = 0
    pulled: int = 0
    conflicts: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    up_to_date: bool = False
    changes: ChangeSet | None = None


def _merge(a: ChangeSet | None, b: ChangeSet) -> ChangeSet | None:
    if not b.changes:
        return a
    return b if a is None else ChangeSet(a.changes + b.changes, "sync")


#: Default page sizes: ops per push call, changes per pull page (the first page of a pull at most
#: FIRST_PULL_PAGE, so the laptop starts applying while the server reads the next).
PUSH_PAGE, PULL_PAGE, FIRST_PULL_PAGE = 2000, 5000, 1000

#: Opens a connection to the sync server (autocommit): ``SyncClient(connect=...)`` replaces the default.
Connector = Callable[[], "psycopg.Connection[Any]"]


class SyncClient:
    """Syncs one store with one server as ``user``, pulling only ``followed_projects`` (all when empty)."""

    def __init__(self, store: Any, server_url: str, user: str, followed_projects: tuple[str, ...] = (), *,
                 page_size: int | None = None, retries: int = 4, backoff_s: float = 0.5,
                 connect_timeout: int = 5, connect: Connector | None = None) -> None:
        """``connect`` opens a connection to the server (default: psycopg to ``server_url``, autocommit, within
        ``connect_timeout``); a caller may route or wrap it (the fault tests cut it at a chosen call)."""
        if not store.is_sqlite:
            raise SyncError(f"{store.describe()} is not a SQLite client store: only laptops' stores sync")
        self.store = store
        self.server_url = server_url.replace("postgresql+psycopg://", "postgresql://", 1)
        self.user = user
        self.followed_projects = tuple(followed_projects)
        # Ops per push (one server transaction) and changes per pull page (one SQLite transaction); a
        # given page_size sets both. Pull pages are larger: each costs a commit (an fsync) on the laptop.
        self.page_size = page_size or PUSH_PAGE
        self.pull_page_size = page_size or PULL_PAGE
        self.retries = retries
        self.backoff_s = backoff_s
        self.connect_timeout = connect_timeout
        self.local = SyncLocalRepository(store.uow)
        if store.uow.author is None:  # ops made from now on are signed when committed, not only when pushed
            store.uow.author = user
        self._connect: Connector = connect or self._connect_to_server
        self._conn: psycopg.Connection[Any] | None = None
        self._head: str | None = None

    # -- connection ---------------------------------------------------------------------------------

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is not None and not self._conn.closed:
            return self._conn
        try:
            conn = self._connect()
        except psycopg.OperationalError as exc:
            raise ServerUnreachableError(f"cannot reach the sync server: {_first_line(exc)}") from exc
        try:
            self._check_schema(conn)
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        return conn

    def _connect_to_server(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.server_url, autocommit=True, connect_timeout=self.connect_timeout)

    def _schema_head(self) -> str:
        """This Horus's schema head, read once (Alembic loads every revision file to find it)."""
        if self._head is None:
            self._head = schema.head_revision()
        return self._head

    def _check_schema(self, conn: psycopg.Connection[Any]) -> None:
        ours = self._schema_head()
        try:
            theirs = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except psycopg.errors.UndefinedTable as exc:
            raise SyncError("the server holds no Horus schema: run `horus db upgrade --db <server URL>`") from exc
        theirs_rev = theirs[0] if theirs else None
        if theirs_rev == ours:
            return
        if theirs_rev not in known_revisions():
            raise SchemaTooOldError(f"the server's schema ({theirs_rev}) is newer than this Horus ({ours}): "
                                    "upgrade Horus to sync; your unsent changes are kept")
        raise SyncError(f"the server's schema ({theirs_rev}) is older than this Horus ({ours}): run "
                        "`horus db upgrade --db <server URL>` on the server")

    def _drop_connection(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # already broken: nothing more to release
                pass
        self._conn = None

    def _call(self, work: Callable[[psycopg.Connection[Any]], Any]) -> Any:
        """Run ``work`` on the connection, reconnecting and retrying with backoff while the server is away."""
        delay = self.backoff_s
        for attempt in range(self.retries + 1):
            try:
                return work(self._connection())
            except (psycopg.OperationalError, ServerUnreachableError) as exc:
                self._drop_connection()
                if attempt == self.retries:
                    raise ServerUnreachableError(f"the sync server stopped answering: {_first_line(exc)}") from exc
                time.sleep(delay)
                delay = min(delay * 2, 30.0)
            except psycopg.Error as exc:
                if exc.sqlstate == SCHEMA_MISMATCH_SQLSTATE:
                    raise SchemaTooOldError(f"{_first_line(exc)}: upgrade Horus; your unsent changes are kept") from exc
                raise SyncError(f"the sync server refused the round: {_first_line(exc)}") from exc
        raise AssertionError("unreachable")

    # -- halves ---------------------------------------------------------------------------------------

    def push(self, progress: Progress | None = None, cancel: Callable[[], bool] | None = None) -> RoundReport:
        """Send the outbox until it is empty (in pages, one server transaction each).

        Python's cyclic garbage collector is paused meanwhile (:func:`collector_paused`).

        While the server applies a page, this side reads the next one and acknowledges the previous one: the
        connection is used by one page at a time (the send runs on a helper thread), the store only here. A
        page is sent before the previous one's answers are stored; if the laptop stops between the two, both
        are sent again and the server answers them from its applied-op table. Pages shrink toward the end of
        the outbox (:meth:`_page_size`), so the last acknowledgement, which nothing overlaps, is short."""
        with collector_paused():
            return self._push(progress, cancel)

    def _page_size(self, remaining: int, first: bool = False) -> int:
        """Ops in the next page when about ``remaining`` wait: full pages, halving toward the end (never below
        an eighth of a page); the first page of a long outbox is a quarter, so the server starts sooner."""
        tail = max(1, self.page_size // 8)
        if remaining <= 0:  # more ops were committed since the count: take them in full pages
            return self.page_size
        if first and remaining > self.page_size:
            return max(tail, self.page_size // 4)
        return max(tail, min(self.page_size, remaining // 2 if remaining < 2 * self.page_size else remaining))

    def _push(self, progress: Progress | None, cancel: Callable[[], bool] | None) -> RoundReport:
        report = RoundReport()
        client_id = self.local.state().client_id
        total = self.local.pending_count()
        ops = self.local.pending(self._page_size(total, first=True), self.user)
        if not ops or (cancel and cancel()):
            return report
        head = self._schema_head()
        sent = len(ops)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="horus-sync-push") as sender:
            in_flight = sender.submit(self._send_page, client_id, head, ops, None)
            following = self._following(ops, total - sent, cancel)
            # The next page is cut into typed runs and jsonb here, while the server applies this one.
            following_parts = staged_push.segments(following)
            while True:
                results = in_flight.result()
                unsettled = [op for op, r in zip(ops, results, strict=True) if r.get("status") != "applied"]
                # Rows the server holds differently are read before the next page takes the connection.
                refreshed = self._fetch_rows([(op.table, wire_row_id(op.table, op.row_id)) for op in unsettled])
                if following:
                    in_flight = sender.submit(self._send_page, client_id, head, following, following_parts)
                    sent += len(following)
                report.changes = _merge(report.changes, self.local.acknowledge(ops, results, refreshed))
                report.pushed += len(ops)
                report.conflicts += sum(int(r.get("conflicts") or 0) for r in results)
                # Answers are in the page's order (a set-based answer does not repeat the op's id: revision 0010).
                report.rejected += [(op.op_id, r.get("reason", "")) for op, r in zip(ops, results, strict=True)
                                    if r.get("status") == "rejected"]
                if progress:
                    progress("push", report.pushed, max(total, report.pushed))
                if not following:
                    return report
                ops = following
                following = self._following(ops, total - sent, cancel)
                following_parts = staged_push.segments(following)

    def _following(self, ops: list[OutboxOp], remaining: int, cancel: Callable[[], bool] | None) -> list[OutboxOp]:
        """The page after ``ops`` (read while the server applies ``ops``), or none when cancelled."""
        if cancel and cancel():
            return []
        return self.local.pending(self._page_size(remaining), self.user, after=ops[-1].seq)

    def _send_page(self, client_id: str, head: str, ops: list[OutboxOp],
                   parts: list[staged_push.Segment] | None) -> list[dict[str, Any]]:
        """Attachments' bytes first (a page's notes may name them), then the page's ops (``parts``: already
        cut by :func:`staged_push.segments`, else cut here)."""
        self._push_blobs()
        return self._send_ops(client_id, head, ops, parts)

    def _send_ops(self, client_id: str, head: str, ops: list[OutboxOp],
                  parts: list[staged_push.Segment] | None = None) -> list[dict[str, Any]]:
        """Runs of new rows typed by COPY, the rest as jsonb, in one server transaction (revision 0013); a page
        whose typed rows the server refuses goes again all as jsonb, which answers each op."""
        parts = staged_push.segments(ops) if parts is None else parts
        if any(part.table is not None for part in parts):
            try:
                return self._call(lambda c: staged_push.send_staged(c, client_id, head, parts))
            except staged_push.StagingRefused as exc:
                log.info("typed rows refused by the server (%s): the page goes as jsonb", exc)
        return self._call(lambda c: staged_push.send_json(c, client_id, head, ops))

    def pull(self, progress: Progress | None = None, cancel: Callable[[], bool] | None = None) -> RoundReport:
        """Apply what changed on the server since the cursor, page by page, until caught up.

        The next page is read from the server (on a helper thread) while this one is applied, with Python's
        cyclic garbage collector paused (:func:`collector_paused`)."""
        with collector_paused():
            return self._pull(progress, cancel)

    def _pull(self, progress: Progress | None, cancel: Callable[[], bool] | None) -> RoundReport:
        report = RoundReport()
        limit = min(self.pull_page_size, FIRST_PULL_PAGE)  # a small first page: applying starts sooner
        cursor = self.local.state().cursor
        reader: ThreadPoolExecutor | None = None  # made for a second page only: an idle round starts no thread
        try:
            in_flight: Future[list[Any]] | None = None
            while not (cancel and cancel()):
                rows = in_flight.result() if in_flight is not None else self._read_page(cursor, limit)
                if not rows:
                    self.local.mark_synced()
                    report.up_to_date = True
                    break
                # Rows come as JSON text (revision 0009) and are parsed here, not on the reader thread, which
                # then only waits for the server while this thread applies.
                page = [PulledRow(t, rid, None if data is None else json.loads(data), int(v))
                        for _x, _s, t, rid, data, v, _h in rows]
                # The local clock moves past every clock seen, so an edit made after reading orders after it.
                seen = max((h for *_rest, h in rows if h), default=None)
                after = (int(rows[-1][0]), int(rows[-1][1]))
                ahead = None
                if len(rows) == limit:
                    reader = reader or ThreadPoolExecutor(max_workers=1, thread_name_prefix="horus-sync-pull")
                    ahead = reader.submit(self._read_page, after, self.pull_page_size)
                try:
                    changes = self.local.apply_pull(page, after, seen)
                except StoreWriteError:
                    # A row's current state names a row of a later page (foreign keys are checked at the
                    # page's commit, which rolled back whole): take the page together with the next one.
                    if ahead is None:
                        raise
                    wait([ahead])  # the connection is free again
                    limit *= 2
                    in_flight = None
                    continue
                cursor, limit, in_flight = after, self.pull_page_size, ahead
                report.changes = _merge(report.changes, changes)
                report.pulled += len(page)
                if progress:
                    progress("pull", report.pulled, report.pulled)
        finally:
            if reader is not None:
                reader.shutdown(wait=True)
        if report.pulled and self.followed_projects:
            self._prefetch_blobs()
        return report

    def _read_page(self, cursor: tuple[int, int], limit: int) -> list[Any]:
        projects = list(self.followed_projects) or None
        return self._call(lambda c: c.execute(
            "SELECT xid::text, seq, table_name, row_id, row_data::text, coalesce(row_version, 0), row_hlc "
            "FROM horus_sync_pull(%s::text::xid8, %s, %s, %s) ORDER BY seq",
            (str(cursor[0]), cursor[1], projects, limit)).fetchall())

    def round(self, progress: Progress | None = None, cancel: Callable[[], bool] | None = None) -> RoundReport:
        """Push until the outbox is empty, then pull until caught up."""
        pushed = self.push(progress, cancel)
        pulled = self.pull(progress, cancel)
        pushed.pulled = pulled.pulled
        pushed.up_to_date = pulled.up_to_date and self.local.pending_count() == 0
        if pulled.changes is not None:
            pushed.changes = _merge(pushed.changes, pulled.changes)
        return pushed

    # -- status and conflicts ------------------------------------------------------------------------

    def status(self) -> SyncStatus:
        """Pending ops, cursor, last sync, unresolved conflicts and refused ops."""
        state = self.local.state()
        return SyncStatus(self.local.pending_count(), f"{state.cursor[0]}:{state.cursor[1]}", state.last_sync,
                          self.conflicts(unresolved_only=True),
                          [(op_id, reason) for op_id, _t, _r, reason in self.local.rejected()])

    def conflicts(self, unresolved_only: bool = True) -> list[ConflictRecord]:
        """Conflicts known here (pulled from the server), oldest first."""
        me = self.local.state().client_id
        out = []
        for c in self.local.conflicts(unresolved_only):
            mine_is_existing = c["existing_client"] == me
            side = ("existing", "incoming") if mine_is_existing else ("incoming", "existing")
            winner = "local" if c["winner"] == side[0] else "remote"
            out.append(ConflictRecord(c["id"], c["table_name"], c["row_id"], c["field"], c[f"{side[0]}_value"],
                                      c[f"{side[1]}_value"], c[f"{side[0]}_author"], c[f"{side[1]}_author"],
                                      c[f"{side[0]}_hlc"], c[f"{side[1]}_hlc"], winner, bool(c["resolved"])))
        return out

    def resolve(self, conflict_id: Any, choice: str) -> None:
        """Keep the "local" or "remote" value of a conflict; the choice is a change that syncs."""
        if choice not in ("local", "remote"):
            raise ValueError(f"choice: {choice!r}, expected 'local' or 'remote'")
        found = [c for c in self.conflicts(unresolved_only=False) if str(c.id) == str(conflict_id)]
        if not found:
            raise SyncError(f"no conflict {conflict_id}")
        c = found[0]
        value = c.local_value if choice == "local" else c.remote_value
        if c.field == "is_deleted":  # an edit raced a delete: the edit's side brings the row back
            values = {"is_deleted": False, "deleted_at": None} if isinstance(value, dict) else {}
        else:
            values = {c.field: value}
        self.local.resolve(c.id, choice, values, self.user)

    def close(self) -> None:
        """Close the server connection."""
        self._drop_connection()

    # -- helpers ---------------------------------------------------------------------------------------

    def _fetch_rows(self, keys: list[tuple[str, str]]) -> list[PulledRow]:
        if not keys:
            return []
        tables, ids = [k[0] for k in keys], [k[1] for k in keys]
        rows = self._call(lambda c: c.execute(
            "SELECT k.t, k.r, horus_sync_row(k.t, k.r), coalesce((horus_sync_version_of(k.t, k.r)).row_version, 0) "
            "FROM unnest(%s::text[], %s::text[]) AS k(t, r)", (tables, ids)).fetchall())
        return [PulledRow(t, r, data, int(v)) for t, r, data, v in rows]

    def _push_blobs(self) -> None:
        try:
            from horus_desktop.sync import blobs  # G's part: attachments' bytes reach the server first
        except ImportError:
            return
        push_missing = getattr(blobs, "push_missing_blobs", None)
        if push_missing is not None:
            self._call(lambda c: push_missing(self.store, c))


    def _prefetch_blobs(self) -> None:
        """Attachments of the followed projects come down before their first open (G's sync/blobs)."""
        from horus_desktop.sync.blobs import prefetch_blobs

        try:
            self._call(lambda c: prefetch_blobs(self.store, c, self.followed_projects))
        except SyncError as exc:  # the rows are in; a file is fetched again on first open
            log.warning("attachments not fetched ahead: %s", exc)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]

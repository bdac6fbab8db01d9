"""Sync as the app and the CLI run it: which server, the background loop, and what to tell the user.

Qt-free (the UI wraps :class:`SyncLoop` in a QObject; the CLI and the API use the helpers). The protocol itself
is :mod:`horus_desktop.sync.client`; this module decides *when* a round runs (after a local change, on a
server hint, every few seconds, with backoff while the server is away) and turns its results into the words
of the status indicator and the JSON of ``horus sync status``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from horus_desktop.domain.hlc import Hlc
from horus_desktop.domain.wording import counted
from horus_desktop.machine_settings import MachineSettings, load_settings

log = logging.getLogger(__name__)

#: A round while online runs at least this often (s): the polling fallback when no hint arrives.
POLL_SECONDS = 3.0
#: Local edits made within this window share one round (a burst of typing is one push).
DEBOUNCE_SECONDS = 0.25
BACKOFF_FIRST_SECONDS = 2.0
BACKOFF_MAX_SECONDS = 60.0


class NoServerError(Exception):
    """No server is configured for this machine (and none was given)."""


class ClientLike(Protocol):
    """What the loop needs of :class:`horus_desktop.sync.client.SyncClient` (a fake in unit tests)."""

    def round(self, progress: Callable[..., None] | None = None, cancel: Callable[[], bool] | None = None) -> Any: ...
    def status(self) -> Any: ...
    def close(self) -> None: ...


def libpq_url(url: str) -> str:
    """A server URL as libpq takes it (the settings may hold SQLAlchemy's ``postgresql+psycopg://``)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def open_client(store: Any, user: str, *, server_url: str | None = None,
                settings: MachineSettings | None = None) -> Any:
    """A SyncClient for ``store`` acting as ``user`` with this machine's server and followed projects."""
    from horus_desktop.sync.client import SyncClient

    settings = settings if settings is not None else load_settings()
    url = server_url or settings.server_url
    if not url:
        raise NoServerError("server: none set for this machine (horus server set postgresql://HOST/DB, "
                            "or --server URL)")
    return SyncClient(store, url, user=user, followed_projects=settings.followed_projects)


# --- what to tell the user -------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def conflict_dict(record: Any) -> dict[str, Any]:
    """One conflict as JSON: both values, who made each and when, which one is in use now."""
    return {
        "id": str(record.id), "table": record.table, "row_id": str(record.row_id), "field": record.field,
        "local_value": record.local_value, "local_author": record.local_author, "local_at": _iso_any(record.local_at),
        "remote_value": record.remote_value, "remote_author": record.remote_author,
        "remote_at": _iso_any(record.remote_at), "winner": record.winner, "resolved": bool(record.resolved),
    }


def when_of(value: Any) -> datetime | None:
    """When a side of a conflict was made: a datetime, or the wall time of its hybrid logical clock."""
    if isinstance(value, datetime) or value is None:
        return value
    try:
        return datetime.fromtimestamp(Hlc.parse(str(value)).wall_ms / 1000, UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _iso_any(value: Any) -> Any:
    when = when_of(value)
    return when.isoformat() if when is not None else value


def status_dict(status: Any) -> dict[str, Any]:
    """``horus sync status --json``: pending ops, cursor, last sync, unresolved conflicts (count and list)."""
    unresolved = list(status.unresolved)
    return {
        "pending_ops": int(status.pending_ops),
        "cursor": str(status.cursor) if status.cursor is not None else None,
        "last_sync": _iso(status.last_sync),
        "unresolved_conflicts": len(unresolved),
        "conflicts": [conflict_dict(c) for c in unresolved],
        "rejected": [{"op_id": str(op_id), "reason": str(reason)} for op_id, reason in status.rejected],
    }


def round_exit_code(status: Any) -> int:
    """The exit code of ``horus sync`` after a round: 1 while conflicts wait for a choice, else 0."""
    return 1 if list(status.unresolved) else 0


@dataclass(frozen=True)
class SyncState:
    """What the status-bar indicator shows."""

    phase: str  # "off" (no server), "offline", "syncing", "up_to_date", "waiting", "conflicts"
    pending: int = 0
    conflicts: int = 0
    last_sync: datetime | None = None
    reason: str = ""  # why offline (the server's words), empty otherwise

    def text(self) -> str:
        """The indicator's words."""
        if self.phase == "off":
            return "Sync off"
        if self.phase == "offline":
            return "Offline" + (f" ({self.pending} waiting)" if self.pending else "")
        if self.phase == "syncing":
            return "Syncing…"
        if self.conflicts:
            return counted(self.conflicts, "conflict")
        if self.pending:
            return f"{self.pending} waiting"
        return "Up to date"

    def tooltip(self) -> str:
        """The time of the last successful sync, and why the server is not reachable."""
        when = self.last_sync.astimezone().strftime("%Y-%m-%d %H:%M:%S") if self.last_sync else "never"
        lines = [f"Last successful sync: {when}"]
        if self.pending:
            lines.append(f"{counted(self.pending, 'local change')} not sent yet")
        if self.conflicts:
            lines.append(f"{counted(self.conflicts, 'conflict')} to choose: click to open the Conflicts view")
        if self.reason:
            lines.append(self.reason)
        return "\n".join(lines)


def state_after(status: Any) -> SyncState:
    """The indicator's state after a successful round."""
    conflicts = len(list(status.unresolved))
    phase = "conflicts" if conflicts else ("waiting" if status.pending_ops else "up_to_date")
    return SyncState(phase, int(status.pending_ops), conflicts, status.last_sync)


class Backoff:
    """Delays between attempts while the server is away: doubling from 2 s up to a minute."""

    def __init__(self, first: float = BACKOFF_FIRST_SECONDS, most: float = BACKOFF_MAX_SECONDS) -> None:
        self.first, self.most = first, most
        self._next = first

    def failed(self) -> float:
        """The delay before the next attempt; each failure doubles it, up to the maximum."""
        delay = self._next
        self._next = min(self._next * 2, self.most)
        return delay

    def succeeded(self) -> None:
        """The server answered: the next failure starts again from the first delay."""
        self._next = self.first


# --- the background loop -----------------------------------------------------------------------------


class SyncLoop:
    """Runs rounds on its own thread: after local changes (debounced), on hints, on a timer, with backoff.

    Every call to the client (rounds, conflict lists, resolutions) runs on this one thread, so the client's
    connection is never shared. ``on_state`` and ``on_changes`` are called on this thread.
    """

    def __init__(self, make_client: Callable[[], ClientLike], *, on_state: Callable[[SyncState], None],
                 on_changes: Callable[[Any], None] | None = None, poll_seconds: float = POLL_SECONDS,
                 debounce_seconds: float = DEBOUNCE_SECONDS, backoff: Backoff | None = None) -> None:
        self._make_client = make_client
        self._on_state = on_state
        self._on_changes = on_changes
        self.poll_seconds, self.debounce_seconds = poll_seconds, debounce_seconds
        self._backoff = backoff or Backoff()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._jobs: list[tuple[Callable[[Any], Any], Future[Any]]] = []
        self._jobs_lock = threading.Lock()
        self._client: ClientLike | None = None
        self._last_sync: datetime | None = None
        self._pending = 0
        self._local_edit = False
        self._thread = threading.Thread(target=self._run, name="horus-sync", daemon=True)

    @property
    def thread(self) -> threading.Thread:
        """The loop's thread (writes it makes to the store are announced on it)."""
        return self._thread

    def start(self) -> None:
        """Start the thread; the first round runs at once."""
        self._wake.set()
        self._thread.start()

    def poke(self) -> None:
        """A local edit: run a round once the burst of edits it belongs to is over (debounced)."""
        self._local_edit = True
        self._wake.set()

    def hint(self) -> None:
        """The server says someone pushed (or the user asks): run a round now, without the debounce."""
        self._wake.set()

    def submit(self, job: Callable[[Any], Any]) -> Future[Any]:
        """Run ``job(client)`` on the sync thread (between rounds); the future holds its result or error."""
        future: Future[Any] = Future()
        with self._jobs_lock:
            self._jobs.append((job, future))
        self._wake.set()
        return future

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the current step (a running round is asked to cancel) and close the connection."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _run(self) -> None:
        delay = 0.0
        while not self._stop.is_set():
            woke = self._wake.wait(delay)
            if self._stop.is_set():
                break
            if woke and self._local_edit and self.debounce_seconds and not self._has_jobs():
                self._stop.wait(self.debounce_seconds)  # let a burst of edits finish
            self._local_edit = False
            self._wake.clear()
            delay = self._step()
        self._close_client()
        self._fail_jobs(RuntimeError("sync stopped"))

    def _has_jobs(self) -> bool:
        with self._jobs_lock:
            return bool(self._jobs)

    def _step(self) -> float:
        """Run waiting jobs and one round; returns how long to wait before the next one."""
        client: ClientLike | None = None
        try:
            client = self._client = self._client or self._make_client()
            self._run_jobs(client)
            self._on_state(SyncState("syncing", self._pending, 0, self._last_sync))
            report = client.round(cancel=self._stop.is_set)
            status = client.status()
        except Exception as exc:  # noqa: BLE001 - any failure means "offline"; the reason is shown
            reason = _reason(exc)
            log.info("sync round failed: %s", reason)
            self._pending = self._local_pending(client)
            self._close_client()
            self._fail_jobs(exc)
            self._on_state(SyncState("offline", self._pending, 0, self._last_sync, reason))
            return self._backoff.failed()
        self._backoff.succeeded()
        self._last_sync = status.last_sync or self._last_sync
        self._pending = int(status.pending_ops)
        changes = getattr(report, "changes", None)
        if changes is not None and self._on_changes is not None:
            self._on_changes(changes)
        self._on_state(state_after(status))
        return self.poll_seconds

    def _local_pending(self, client: ClientLike | None) -> int:
        """The outbox's size, read from the local store (known while offline too)."""
        if client is None:
            return self._pending
        try:
            return int(client.status().pending_ops)
        except Exception:  # noqa: BLE001 - the last known count will do
            return self._pending

    def _run_jobs(self, client: ClientLike) -> None:
        with self._jobs_lock:
            jobs, self._jobs = self._jobs, []
        for job, future in jobs:
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(job(client))
                except Exception as exc:  # noqa: BLE001 - handed to whoever waits on the future
                    future.set_exception(exc)

    def _fail_jobs(self, exc: BaseException) -> None:
        with self._jobs_lock:
            jobs, self._jobs = self._jobs, []
        for _job, future in jobs:
            if future.set_running_or_notify_cancel():
                future.set_exception(exc)

    def _close_client(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.close()
            except Exception:  # noqa: BLE001 - a dead connection may fail to close; it is dropped anyway
                log.debug("closing the sync client failed", exc_info=True)


def _reason(exc: BaseException) -> str:
    """One line saying why a round failed."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


class NotifyListener:
    """Listens on the server's ``horus_sync`` channel and pokes the loop: a hint only, never the truth.

    When the connection fails it retries with backoff; the loop's own timer keeps polling meanwhile.
    """

    CHANNEL = "horus_sync"

    def __init__(self, server_url: str, on_hint: Callable[[], None]) -> None:
        self._url = libpq_url(server_url)
        self._on_hint = on_hint
        self._stop = threading.Event()
        #: Set while the channel is listened to (a hint sent before that is not heard; the poll covers it).
        self.listening = threading.Event()
        self._thread = threading.Thread(target=self._run, name="horus-sync-listen", daemon=True)

    def start(self) -> None:
        """Start listening on a thread of its own."""
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop within about a second."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        import psycopg

        backoff = Backoff()
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._url, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {self.CHANNEL}")
                    self.listening.set()
                    backoff.succeeded()
                    while not self._stop.is_set():
                        # notifies(timeout=...) returns after a second at most so that stop() is heard.
                        for _note in conn.notifies(timeout=1.0, stop_after=1):
                            self._on_hint()
            except psycopg.Error as exc:
                self.listening.clear()
                log.info("sync hint listener: %s", _reason(exc))
                self._stop.wait(backoff.failed())


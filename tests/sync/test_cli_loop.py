"""The background sync loop (with a fake client): when rounds run, what the indicator says, backoff."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from horus_desktop.sync.service import Backoff, SyncLoop, SyncState, state_after, status_dict

WAIT = 30.0  # generous: how long to wait for the loop's thread, never a timing claim


@dataclass
class FakeStatus:
    pending_ops: int = 0
    cursor: str = "0:0"
    last_sync: datetime | None = None
    unresolved: list[Any] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class FakeConflict:
    id: str = "c1"
    table: str = "horus_comments"
    row_id: str = "r1"
    field: str = "text"
    local_value: Any = "mine"
    remote_value: Any = "theirs"
    local_author: str = "ana"
    remote_author: str = "bo"
    local_at: datetime = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    remote_at: datetime = datetime(2026, 11, 30, 10, 1, tzinfo=UTC)
    winner: str = "remote"
    resolved: bool = False


class FakeClient:
    """Counts rounds; fails while ``down`` is set, like a server that stopped answering."""

    def __init__(self, world: dict[str, Any]) -> None:
        self.world = world

    def round(self, progress: Any = None, cancel: Any = None) -> Any:
        if self.world["down"]:
            raise ConnectionError("server closed the connection unexpectedly")
        self.world["rounds"] += 1
        self.world["round_threads"].add(threading.current_thread().name)
        return type("Report", (), {"changes": self.world.get("changes")})()

    def status(self) -> FakeStatus:
        return FakeStatus(pending_ops=self.world["pending"], last_sync=datetime(2026, 11, 30, tzinfo=UTC),
                          unresolved=list(self.world["conflicts"]))

    def close(self) -> None:
        self.world["closed"] += 1


def _world(**kw: Any) -> dict[str, Any]:
    return {"down": False, "rounds": 0, "pending": 0, "conflicts": [], "closed": 0, "round_threads": set(), **kw}


class Recorder:
    def __init__(self) -> None:
        self.states: list[SyncState] = []
        self.cond = threading.Condition()

    def __call__(self, state: SyncState) -> None:
        with self.cond:
            self.states.append(state)
            self.cond.notify_all()

    def wait_for(self, predicate: Any) -> bool:
        with self.cond:
            return self.cond.wait_for(lambda: predicate(self.states), WAIT)


def test_rounds_run_on_the_sync_thread_and_the_indicator_goes_syncing_then_up_to_date() -> None:
    world = _world()
    rec = Recorder()
    loop = SyncLoop(lambda: FakeClient(world), on_state=rec, poll_seconds=60, debounce_seconds=0)
    loop.start()
    try:
        assert rec.wait_for(lambda s: any(x.phase == "up_to_date" for x in s))
        phases = [s.phase for s in rec.states]
        assert phases.index("syncing") < phases.index("up_to_date")
        assert world["round_threads"] == {"horus-sync"}
        rounds = world["rounds"]
        loop.poke()  # a local change: another round long before the 60 s poll
        assert rec.wait_for(lambda s: world["rounds"] > rounds)
    finally:
        loop.stop()
    assert world["closed"] == 1


def test_a_server_that_stops_answering_shows_offline_with_the_reason_then_recovers() -> None:
    world = _world(down=True, pending=3)
    rec = Recorder()
    loop = SyncLoop(lambda: FakeClient(world), on_state=rec, poll_seconds=60, debounce_seconds=0,
                    backoff=Backoff(first=0.05, most=0.1))
    loop.start()
    try:
        assert rec.wait_for(lambda s: any(x.phase == "offline" for x in s))
        offline = next(x for x in rec.states if x.phase == "offline")
        assert "server closed the connection" in offline.reason
        assert offline.text() == "Offline (3 waiting)"  # the outbox is local: counted offline too
        world["down"] = False  # the backoff retries by itself: no poke needed
        assert rec.wait_for(lambda s: s[-1].phase == "waiting")
        assert rec.states[-1].text() == "3 waiting"
    finally:
        loop.stop()


def test_jobs_run_with_the_client_on_the_sync_thread() -> None:
    world = _world()
    loop = SyncLoop(lambda: FakeClient(world), on_state=lambda s: None, poll_seconds=60, debounce_seconds=0)
    loop.start()
    try:
        future = loop.submit(lambda client: (threading.current_thread().name, client.status().pending_ops))
        assert future.result(WAIT) == ("horus-sync", 0)
    finally:
        loop.stop()


def test_a_job_runs_before_the_round_so_a_failing_round_does_not_lose_it() -> None:
    world = _world(down=True)
    loop = SyncLoop(lambda: FakeClient(world), on_state=lambda s: None, poll_seconds=60, debounce_seconds=0,
                    backoff=Backoff(first=30, most=30))
    loop.start()
    try:
        future = loop.submit(lambda client: client.status())
        assert future.result(WAIT).pending_ops == 0
    finally:
        loop.stop()


def test_pulled_changes_are_handed_on() -> None:
    world = _world(changes="the change set")
    got: list[Any] = []
    done = threading.Event()
    loop = SyncLoop(lambda: FakeClient(world), on_state=lambda s: None,
                    on_changes=lambda c: (got.append(c), done.set()), poll_seconds=60, debounce_seconds=0)
    loop.start()
    try:
        assert done.wait(WAIT)
    finally:
        loop.stop()
    assert got[0] == "the change set"


def test_backoff_doubles_up_to_the_maximum_and_starts_again_after_success() -> None:
    backoff = Backoff(first=2, most=10)
    assert [backoff.failed() for _ in range(5)] == [2, 4, 8, 10, 10]
    backoff.succeeded()
    assert backoff.failed() == 2


def test_indicator_words() -> None:
    assert state_after(FakeStatus()).text() == "Up to date"
    assert state_after(FakeStatus(pending_ops=4)).text() == "4 waiting"
    two = state_after(FakeStatus(pending_ops=4, unresolved=[FakeConflict(), FakeConflict(id="c2")]))
    assert two.text() == "2 conflicts"
    assert "click to open the Conflicts view" in two.tooltip()
    assert SyncState("offline", pending=2).text() == "Offline (2 waiting)"
    assert "never" in SyncState("offline").tooltip()
    synced = state_after(FakeStatus(last_sync=datetime(2026, 11, 30, 9, 5, tzinfo=UTC)))
    assert synced.last_sync.astimezone().strftime("%H:%M:%S") in synced.tooltip()


def test_status_json_holds_the_count_and_the_list() -> None:
    body = status_dict(FakeStatus(pending_ops=1, cursor="5:12", unresolved=[FakeConflict()],
                                  rejected=[("op1", "media deleted")]))
    assert body["pending_ops"] == 1 and body["cursor"] == "5:12" and body["last_sync"] is None
    assert body["unresolved_conflicts"] == 1
    assert body["conflicts"][0]["local_value"] == "mine" and body["conflicts"][0]["remote_author"] == "bo"
    assert body["conflicts"][0]["local_at"].startswith("2026-11-30T10:00")
    assert body["rejected"] == [{"op_id": "op1", "reason": "media deleted"}]

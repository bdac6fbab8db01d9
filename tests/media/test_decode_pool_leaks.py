"""Nothing of a decode pool outlives it: no worker left stopped (SIGSTOP is how a stale decode is paused)
when the pool closes or when the app is killed, and no shared-memory file left in /dev/shm."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from horus_desktop.media.decode_pool import DecodePool

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGSTOP") or not os.path.isdir("/proc"),
                                reason="pausing workers and reading their state needs Linux")


def _state(pid: int) -> str | None:
    """A process's state letter (T: stopped), None once it is gone (or a zombie nobody waits for)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            state = stat.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None if state in ("Z", "X") else state


def _gone(pids: list[int], within: float = 20.0) -> list[int]:
    """The pids still there (not a zombie) after waiting up to ``within`` seconds for them to go."""
    deadline = time.monotonic() + within
    while any(_state(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [p for p in pids if _state(p)]


def _shm_files() -> set[str]:
    return {n for n in os.listdir("/dev/shm") if n.startswith("horus-frame-")} if os.path.isdir("/dev/shm") else set()


def test_a_closed_pool_leaves_no_worker_stopped_and_no_shared_memory_file() -> None:
    before = _shm_files()
    pool = DecodePool(2)
    assert pool.wait_ready()
    pids = pool.worker_pids()
    os.kill(pids[0], signal.SIGSTOP)  # a worker paused as a stale decode is
    pool.close()
    assert _gone(pids) == []
    assert _shm_files() <= before


def test_workers_of_an_app_killed_with_a_paused_decode_do_not_stay_stopped(tmp_path: Path) -> None:
    """The app started as its own session (as a desktop launcher starts it): the kernel sends a stopped
    orphan no SIGHUP/SIGCONT then, so a paused worker stayed stopped forever, holding its memory."""
    script = tmp_path / "app.py"
    script.write_text(textwrap.dedent("""
        import time
        if __name__ == "__main__":
            from horus_desktop.media.decode_pool import DecodePool
            pool = DecodePool(2)
            pool.wait_ready()
            print(" ".join(map(str, pool.worker_pids())), flush=True)
            time.sleep(600)
    """))
    app = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, start_new_session=True,
                           cwd=Path(__file__).resolve().parents[2])
    try:
        pids = [int(p) for p in app.stdout.readline().split()]  # type: ignore[union-attr]
        assert len(pids) == 2
        os.kill(pids[0], signal.SIGSTOP)  # paused as a stale decode is
    finally:
        app.kill()
        app.wait()
    left = _gone(pids)
    for pid in left:  # do not leave them behind the test either
        os.kill(pid, signal.SIGKILL)
    assert left == []


def test_a_worker_killed_mid_pool_leaves_no_shared_memory_file() -> None:
    before = _shm_files()
    pool = DecodePool(1)
    try:
        assert pool.wait_ready()
        os.kill(pool.worker_pids()[0], signal.SIGKILL)
    finally:
        pool.close()
    assert _shm_files() <= before


def test_workers_that_cannot_die_with_the_app_are_never_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    # The frozen app starts its workers by spawn, where a worker does not die with the app: a worker paused
    # when the app is killed would stay stopped for ever, so there nothing is paused (stale decodes finish).
    live = DecodePool(1)
    try:
        assert live.pauses  # a fork server's worker on Linux dies with it: pausing is safe
    finally:
        live.close()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    frozen = DecodePool(1)
    try:
        assert not frozen.pauses
    finally:
        frozen.close()

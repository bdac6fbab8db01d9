"""Shared fixtures of the media tests: small media written by the real libraries, and a thread-leak check."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from horus_desktop.media.decode_pool import DecodePool

SMALL = (64, 36)


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """Fail a test that leaves worker threads running."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 15.0  # a grace period: threads end at once, later under load
    while True:
        extra = [t for t in threading.enumerate() if t not in before and t.is_alive()]
        if not extra or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert not extra, f"threads left running: {[t.name for t in extra]}"


@pytest.fixture
def pool() -> Iterator[DecodePool]:
    """Two decode processes, started and ready; closed after the test."""
    pool = DecodePool(2)
    assert pool.wait_ready()
    yield pool
    pool.close()

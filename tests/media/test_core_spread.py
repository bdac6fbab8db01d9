"""Work for every core at once (a frame a user waits for) runs each part on a core of its own, and leaves the
calling thread as it was; fewer parts than cores are left where the kernel puts them."""

from __future__ import annotations

import os
import threading
import time

import pytest

from horus_desktop.media.core_spread import run_parts

pytestmark = pytest.mark.skipif(not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
                                reason="holding threads to cores needs Linux and two cores")


def _recording(seen: dict[int, set[int]], lock: threading.Lock) -> None:
    with lock:
        seen[threading.get_native_id()] = os.sched_getaffinity(0)


def test_as_many_parts_as_cores_run_at_once_each_on_a_core_of_its_own() -> None:
    cores = os.sched_getaffinity(0)
    seen: dict[int, set[int]] = {}
    lock = threading.Lock()
    run_parts([lambda: _recording(seen, lock)] * len(cores), "test-part")
    assert len(seen) == len(cores)  # each part on a thread of its own, the caller's among them
    assert threading.get_native_id() in seen
    assert sorted(next(iter(mask)) for mask in seen.values()) == sorted(cores)
    assert all(len(mask) == 1 for mask in seen.values())
    assert os.sched_getaffinity(0) == cores


def test_fewer_parts_than_cores_are_not_held() -> None:
    cores = os.sched_getaffinity(0)
    seen: dict[int, set[int]] = {}
    lock = threading.Lock()
    run_parts([lambda: _recording(seen, lock)] * (len(cores) - 1), "test-part")
    assert all(mask == cores for mask in seen.values())


def test_a_failing_part_on_the_calling_thread_leaves_it_as_it_was_and_the_others_end() -> None:
    cores = os.sched_getaffinity(0)
    ended = threading.Event()

    def fail() -> None:
        raise ValueError("damaged band")

    def other() -> None:
        ended.set()

    with pytest.raises(ValueError, match="damaged band"):
        run_parts([fail, *[other] * (len(cores) - 1)], "test-part")
    assert ended.is_set()
    assert os.sched_getaffinity(0) == cores


def test_more_parts_than_cores_run_on_threads_left_where_the_kernel_puts_them() -> None:
    cores = os.sched_getaffinity(0)
    seen: dict[int, set[int]] = {}
    lock = threading.Lock()
    run_parts([lambda: _recording(seen, lock)] * (len(cores) + 1), "test-part")
    assert len(seen) == len(cores) + 1  # started threads, not the one-part shortcut
    assert all(mask == cores for mask in seen.values())
    assert os.sched_getaffinity(0) == cores


def test_a_part_failing_on_a_started_thread_is_raised_once_every_part_has_ended() -> None:
    cores = os.sched_getaffinity(0)
    ended = threading.Event()

    def slow() -> None:
        time.sleep(0.05)
        ended.set()

    def fail() -> None:
        raise OSError("the decode process has gone")

    with pytest.raises(OSError, match="has gone"):
        run_parts([slow, fail, *[slow] * (len(cores) - 1)], "test-part")
    assert ended.is_set()  # raised only after the slow parts ended: the caller may free what they used
    assert os.sched_getaffinity(0) == cores

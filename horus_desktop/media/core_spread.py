"""Work split for every core at once (a frame a user waits for: its decode, its read out of a decode process,
its colour in bands), each part on a core of its own.

The parts run at once: the first on the calling thread, the others on threads started for them (~0.1 ms
each, joined before returning: nothing stays running between two frames). Threads started together begin on
their parent's core, and the kernel, counting a thread that has just run as cache-hot, left two of them taking
turns on one core (each preempting the other every 4 ms) while the other core idled for 10 ms and more:
traced with the scheduler's events scrubbing a 2K PIZ EXR on 2 vCPUs, the frame asked for took 35-45 ms
against ~20 when its threads ran on both cores. So when there are as many parts as cores this process may
use, each thread is held to one of them for its part (the calling thread's own cores are given back after);
with fewer parts (work sharing the cores with other processes) the kernel places them as it likes.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

#: Where Linux shows a process's control groups, and where their files are mounted.
_PROC_CGROUP = Path("/proc/self/cgroup")
_CGROUP_ROOT = Path("/sys/fs/cgroup")


def usable_cores() -> list[int]:
    """The cores this process may run on (all of them unless restricted), in order; [] where that cannot be
    told or set (not Linux)."""
    if not hasattr(os, "sched_setaffinity"):
        return []
    try:
        return sorted(os.sched_getaffinity(0))
    except OSError:
        return []


@functools.cache
def core_count() -> int:
    """How many cores this process can keep busy at once, at least 1: the cores it may run on (its affinity:
    a container's cpuset, ``taskset``), fewer where a control group's CPU quota allows less (Docker's
    ``--cpus``, a Kubernetes limit), rounded up. Every split of work per core (decode processes, a frame's
    decode threads, its read-out and colour bands, hashing) counts with it, not ``os.cpu_count()``, which
    counts the whole machine: in a container given 4 of a 64-core host's cores, one decode process per
    machine core would start 64 that take turns on 4. Worked out once a process (a thread held to one core
    by :func:`run_parts` would see one)."""
    cores = len(usable_cores()) or os.cpu_count() or 1
    quota = cgroup_quota_cores(_PROC_CGROUP, _CGROUP_ROOT)
    return max(1, min(cores, quota) if quota is not None else cores)


def cgroup_quota_cores(proc_cgroup: Path, root: Path) -> int | None:
    """The CPU quota of the control groups listed in ``proc_cgroup`` (``/proc/self/cgroup``'s form), in whole
    cores rounded up (the tightest of the group and its parents, as the kernel applies them all), with their
    files under ``root`` (cgroup v2's ``cpu.max``; v1's ``cpu.cfs_quota_us`` and ``cpu.cfs_period_us``); None
    where no quota is set or none can be read (not Linux, no cgroup files)."""
    try:
        lines = proc_cgroup.read_text().splitlines()
    except OSError:
        return None
    quotas: list[float] = []
    for line in lines:
        _, controllers, path = (line.split(":", 2) + ["", ""])[:3]
        if controllers == "":  # cgroup v2: one hierarchy
            quotas += [q for folder in _folders(root, path) if (q := _v2_quota(folder / "cpu.max")) is not None]
        elif "cpu" in controllers.split(","):
            for mount in (root / controllers, root / "cpu", root / "cpu,cpuacct"):
                quotas += [q for folder in _folders(mount, path) if (q := _v1_quota(folder)) is not None]
    return max(1, math.ceil(min(quotas))) if quotas else None


def _folders(mount: Path, path: str) -> list[Path]:
    """The group's folder under ``mount`` and its parents up to ``mount`` (in a container's own cgroup namespace
    the path is ``/``: the mount itself)."""
    parts = [part for part in path.strip().split("/") if part]
    return [mount.joinpath(*parts[:depth]) for depth in range(len(parts), -1, -1)]


def _v2_quota(file: Path) -> float | None:
    try:
        quota, period = file.read_text().split()[:2]
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError, ZeroDivisionError):
        return None


def _v1_quota(folder: Path) -> float | None:
    try:
        quota = int((folder / "cpu.cfs_quota_us").read_text())
        period = int((folder / "cpu.cfs_period_us").read_text())
        return quota / period if quota > 0 and period > 0 else None
    except (OSError, ValueError):
        return None


def _hold_to(core: int | None) -> None:
    if core is not None:
        with contextlib.suppress(OSError):  # a core taken away meanwhile: run wherever the kernel puts it
            os.sched_setaffinity(0, {core})  # the calling thread only


def run_parts(parts: Sequence[Callable[[], None]], name: str) -> None:
    """Run ``parts`` at once and return when all have ended (see the module); the first part to fail (in
    ``parts``' order), on whichever thread it ran, is raised then, once every part has ended, so a caller may
    free what the parts were using."""
    if not parts:
        return
    if len(parts) == 1:
        parts[0]()
        return
    cores = usable_cores()
    held = len(cores) == len(parts)
    failures: list[BaseException | None] = [None] * len(parts)

    def run(index: int) -> None:
        _hold_to(cores[index] if held else None)
        try:
            parts[index]()
        except BaseException as exc:  # a started thread's would be printed and lost: raised by the caller
            failures[index] = exc

    others = [threading.Thread(target=run, args=(i,), name=name, daemon=True) for i in range(1, len(parts))]
    mask = set(cores) if held else None
    try:
        for thread in others:
            thread.start()
        run(0)
    finally:
        if mask is not None:
            with contextlib.suppress(OSError):
                os.sched_setaffinity(0, mask)  # this thread goes on as it was
        for thread in others:
            if thread.ident is not None:
                thread.join()
    failed = next((exc for exc in failures if exc is not None), None)
    if failed is not None:
        raise failed

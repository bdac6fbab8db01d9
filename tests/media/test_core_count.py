"""Work split per core counts the cores this process may use (its affinity, a control group's CPU quota), not
the machine's: in a container given a few of a large host's cores the app starts that many decode processes,
decode threads, colour bands and hashing threads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from horus_desktop.media.core_spread import cgroup_quota_cores


def _cgroup(tmp_path: Path, lines: str) -> Path:
    proc = tmp_path / "cgroup"
    proc.write_text(lines)
    return proc


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_a_v2_quota_counts_whole_cores_rounded_up_and_the_tightest_parent_wins(tmp_path: Path) -> None:
    root = tmp_path / "fs"
    _write(root / "kubepods" / "pod1" / "cpu.max", "250000 100000\n")  # 2.5 cores
    assert cgroup_quota_cores(_cgroup(tmp_path, "0::/kubepods/pod1\n"), root) == 3
    _write(root / "kubepods" / "cpu.max", "150000 100000\n")  # the parent allows 1.5
    assert cgroup_quota_cores(_cgroup(tmp_path, "0::/kubepods/pod1\n"), root) == 2


def test_no_quota_or_no_files_is_no_limit(tmp_path: Path) -> None:
    root = tmp_path / "fs"
    _write(root / "cpu.max", "max 100000\n")
    assert cgroup_quota_cores(_cgroup(tmp_path, "0::/\n"), root) is None
    assert cgroup_quota_cores(_cgroup(tmp_path, "0::/gone/away\n"), tmp_path / "nothing") is None
    assert cgroup_quota_cores(tmp_path / "no-proc-file", root) is None


def test_a_v1_quota_is_read_from_the_cpu_controller(tmp_path: Path) -> None:
    root = tmp_path / "fs"
    _write(root / "cpu,cpuacct" / "docker" / "abc" / "cpu.cfs_quota_us", "400000\n")
    _write(root / "cpu,cpuacct" / "docker" / "abc" / "cpu.cfs_period_us", "100000\n")
    _write(root / "cpu,cpuacct" / "cpu.cfs_quota_us", "-1\n")  # the root: unlimited
    _write(root / "cpu,cpuacct" / "cpu.cfs_period_us", "100000\n")
    proc = _cgroup(tmp_path, "5:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/\n")
    assert cgroup_quota_cores(proc, root) == 4


def test_damaged_cgroup_files_are_no_limit(tmp_path: Path) -> None:
    root = tmp_path / "fs"
    _write(root / "a" / "cpu.max", "lots 0\n")
    _write(root / "cpu.max", "100000 0\n")  # a period of 0
    assert cgroup_quota_cores(_cgroup(tmp_path, "0::/a\ngarbage line\n\n"), root) is None


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs Linux and two cores to restrict a process to one")
def test_a_process_held_to_one_core_splits_its_work_for_one() -> None:
    core = min(os.sched_getaffinity(0))
    script = (
        f"import os, json; os.sched_setaffinity(0, {{{core}}})\n"  # as `taskset -c` or a container's cpuset
        "from horus_desktop.media import banded, decode_exr, hashing\n"
        "from horus_desktop.media.decode_pool import threads_per_worker\n"
        "print(json.dumps([banded.cores(), hashing.default_workers(), decode_exr.EXR_THREADS_PER_FILE,"
        " threads_per_worker(1), os.cpu_count()]))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    *counts, machine = json.loads(out.stdout)
    assert machine >= 2
    assert counts == [1, 1, 1, 1]

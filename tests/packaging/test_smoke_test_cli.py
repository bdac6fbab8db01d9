"""`horus --smoke-test` without a display says so in one line (exit 2) instead of Qt aborting."""

from __future__ import annotations

import os
import subprocess
import sys


def test_smoke_test_without_a_display_exits_2_naming_the_variables() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "horus_desktop", "--smoke-test"], capture_output=True,
                            text=True, env=env, timeout=120)
    assert result.returncode == 2, result.stderr[-2000:]
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert "no display" in line and "DISPLAY" in line and "WAYLAND_DISPLAY" in line

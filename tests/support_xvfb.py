"""A private Xvfb display for the tests that need a real X server (the GL colour tests, the built app).

Xvfb is started with ``-displayfd`` (it picks a free display number and says which), not through xvfb-run,
whose display guessing raced with other X servers on the machine."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


@contextmanager
def private_display(screen: str = "1280x800x24", *, why: str = "apt-get install xvfb libgl1-mesa-dri") -> Iterator[str]:
    """Start Xvfb, yield its display (":N"), stop it afterwards; skip the test when Xvfb is not installed."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip(f"Xvfb is not installed ({why})")
    read_end, write_end = os.pipe()
    server = subprocess.Popen([xvfb, "-displayfd", str(write_end), "-screen", "0", screen, "-nolisten", "tcp"],
                              pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    try:
        with os.fdopen(read_end) as reader:
            number = reader.readline().strip()
        assert number, "Xvfb did not report a display"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def rerun_under_xvfb(test_file: str) -> None:
    """Run ``test_file``'s other tests (all but the ``virtual_x_server`` ones) on a private Xvfb with Qt's xcb
    platform, and fail unless every one of them passed (none skipped)."""
    with private_display() as display:
        env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "DISPLAY": display}
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "not virtual_x_server", test_file],
            capture_output=True, text=True, timeout=240, env=env,
        )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-500:]
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in summary and not any(word in summary for word in ("skipped", "failed", "error")), summary

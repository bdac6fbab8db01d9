"""The parent side of the hostile media run: one long-lived child (tests/hostile/media_child.py) takes the
files one at a time; a child that dies or hangs is recorded against the file it was on (and its mode), and a
new child takes the next."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 30.0  # tiny files: a decode this long is a hang


class MediaChild:
    """One child process and its reply pipe."""

    def __init__(self) -> None:
        self.restarts = 0
        self._start()

    def _start(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "tests.hostile.media_child"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        cwd=REPO, start_new_session=True)
        self._buffer = b""

    def _line(self) -> list | None:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        while b"\n" not in self._buffer:
            ready, _, _ = select.select([fd], [], [], TIMEOUT)
            if not ready:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                raise EOFError
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def run(self, mode: str, path: Path, *extra: str) -> list:
        """The child's answer for one file: ["ok"|"clean"|"stopped"|"raw", ...], or ["crash"|"hang", ...]."""
        assert self.process.stdin is not None
        kind = "hang"
        try:
            self.process.stdin.write((json.dumps([mode, str(path), *extra]) + "\n").encode())
            self.process.stdin.flush()
            started = self._line()  # ["start"]: the child took the file
            reply = self._line() if started is not None else None
        except (EOFError, BrokenPipeError):
            reply, kind = None, "crash"
        if reply is None:
            self.stop()
            code = self.process.returncode
            self.restarts += 1
            self._start()
            return [kind, f"exit {code}"]
        return reply

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()


def failures(child: MediaChild, mode: str, paths: list[Path], *extra: str) -> list[str]:
    """`file [mode]: what happened` for each file whose run a user must never meet (raw, crash, hang)."""
    out = []
    for path in paths:
        reply = child.run(mode, path, *extra)
        if reply[0] in ("raw", "crash", "hang"):
            out.append(f"{path.name} [{mode}]: {' '.join(str(r) for r in reply)}")
    return out

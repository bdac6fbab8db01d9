"""The parent side of a long-lived child process that takes one JSON line at a time and answers in JSON lines.

The hostile media and playlist runs (tests/hostile) and the damaged-media corpus (tests/fuzz) feed files one at
a time to such a child, so a file that crashes or hangs its decoder fails that file, not the test run: a child
that dies or stops answering is killed, counted against the file it was on, and a new child takes the next.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


class LineChild:
    """``python -m MODULE ARGS`` run from the repository, fed JSON lines on stdin, answering JSON lines on stdout.

    `reply` returns None when no answer came in time (a hang) and raises EOFError when the child died (a crash);
    `send` raises BrokenPipeError when it is already dead. `restart` kills it and starts a new one.
    """

    def __init__(self, module: str, *args: str, quiet: bool = False) -> None:
        self.module, self.args, self.quiet = module, list(args), quiet
        self.starts = 0  # processes started, the first one included
        self.start()

    def arguments(self) -> list[str]:
        """The child's command-line arguments for this start (a subclass may vary them per start)."""
        return self.args

    def start(self) -> None:
        """Start a new child process."""
        self.starts += 1
        self.process = subprocess.Popen(
            [sys.executable, "-m", self.module, *self.arguments()], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL if self.quiet else None, cwd=REPO, start_new_session=True)
        self._buffer = b""

    def send(self, message: Any) -> None:
        """Write ``message`` as one JSON line."""
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(message) + "\n").encode())
        self.process.stdin.flush()

    def reply(self, timeout: float) -> Any | None:
        """The next JSON line, or None when none came within ``timeout`` seconds; EOFError when the child died."""
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        while b"\n" not in self._buffer:
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                raise EOFError
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def kill(self) -> int:
        """Kill the child (if it still runs), reap it and close its pipes; its exit code (negative: a signal)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        code = self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()
        return code

    def restart(self) -> int:
        """Kill this child and start a new one; the old one's exit code."""
        code = self.kill()
        self.start()
        return code

    def close(self, timeout: float = 30.0) -> None:
        """End the child by closing its input (it finishes the file it is on), killed if it does not end in
        ``timeout`` seconds."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

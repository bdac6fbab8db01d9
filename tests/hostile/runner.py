"""The parent side of the playlist-import fuzz run: one long-lived child (playlist_child) takes the files one at
a time; a child that dies or hangs is recorded against the file it was on, and a new child takes the next."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import uuid
from pathlib import Path

from horus_desktop.store import Store

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 120.0


def make_template(path: Path) -> Path:
    """A store holding the media the base documents name (40 shots), for every import to start from."""
    store = Store.open(path, backup=False)
    store.uow.author = "ana"
    try:
        for i in range(40):
            store.media.create(id=uuid.UUID(int=500 + i), file_path=f"/show/sh{i:03d}/comp/v001/sh{i:03d}.mov",
                               project_id="p", shot=f"sh{i:03d}", version="v001", frame_rate=24.0,
                               start_frame=1001, end_frame=1100, resolution="2048x1152")
    finally:
        store.close()
    return path


class Child:
    """One child process and its reply pipe."""

    def __init__(self, template: Path, work: Path) -> None:
        self.template, self.work = template, work
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "tests.hostile.playlist_child", str(self.template),
                                         str(self.work)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, cwd=REPO, start_new_session=True)
        self.buffer = b""

    def line(self) -> list[str] | None:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        while b"\n" not in self.buffer:
            ready, _, _ = select.select([fd], [], [], TIMEOUT)
            if not ready:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                raise EOFError
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def run(self, path: Path) -> list[str]:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write((json.dumps(str(path)) + "\n").encode())
            self.process.stdin.flush()
            if self.line() is None:
                raise EOFError
            reply = self.line()
        except (EOFError, BrokenPipeError):
            reply = None
        if reply is None:
            self.stop()
            code = self.process.returncode
            self.start()
            return ["crash" if code else "hang", f"exit {code}"]
        return reply

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()

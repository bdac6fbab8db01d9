"""The parent side of the playlist-import fuzz run: one long-lived child (playlist_child) takes the files one at
a time; a child that dies or hangs is recorded against the file it was on, and a new child takes the next (the
process handling is tests/support_child.py's)."""

from __future__ import annotations

import uuid
from pathlib import Path

from horus_desktop.store import Store
from tests.support_child import LineChild

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


class Child(LineChild):
    """One child process and its reply pipe."""

    def __init__(self, template: Path, work: Path) -> None:
        self.template, self.work = template, work
        super().__init__("tests.hostile.playlist_child", str(template), str(work), quiet=True)

    def run(self, path: Path) -> list[str]:
        """The child's answer for one file, or ["crash"|"hang", "exit N"] when it died or stopped answering."""
        try:
            self.send(str(path))
            if self.reply(TIMEOUT) is None:
                raise EOFError
            reply = self.reply(TIMEOUT)
        except (EOFError, BrokenPipeError):
            reply = None
        if reply is None:
            code = self.restart()
            return ["crash" if code else "hang", f"exit {code}"]
        return reply

    def stop(self) -> None:
        """Kill the child (the run is over)."""
        self.kill()

"""The parent side of the hostile media run: one long-lived child (tests/hostile/media_child.py) takes the
files one at a time; a child that dies or hangs is recorded against the file it was on (and its mode), and a
new child takes the next (the process handling is tests/support_child.py's)."""

from __future__ import annotations

from pathlib import Path

from tests.support_child import LineChild

TIMEOUT = 30.0  # tiny files: a decode this long is a hang


class MediaChild(LineChild):
    """One child process and its reply pipe."""

    def __init__(self) -> None:
        super().__init__("tests.hostile.media_child", quiet=True)

    @property
    def restarts(self) -> int:
        """Children started again after one crashed or hung."""
        return self.starts - 1

    def run(self, mode: str, path: Path, *extra: str) -> list:
        """The child's answer for one file: ["ok"|"clean"|"stopped"|"raw", ...], or ["crash"|"hang", ...]."""
        kind = "hang"
        try:
            self.send([mode, str(path), *extra])
            started = self.reply(TIMEOUT)  # ["start"]: the child took the file
            reply = self.reply(TIMEOUT) if started is not None else None
        except (EOFError, BrokenPipeError):
            reply, kind = None, "crash"
        if reply is None:
            return [kind, f"exit {self.restart()}"]
        return reply

    def stop(self) -> None:
        """Kill the child (the run is over)."""
        self.kill()


def failures(child: MediaChild, mode: str, paths: list[Path], *extra: str) -> list[str]:
    """`file [mode]: what happened` for each file whose run a user must never meet (raw, crash, hang)."""
    out = []
    for path in paths:
        reply = child.run(mode, path, *extra)
        if reply[0] in ("raw", "crash", "hang"):
            out.append(f"{path.name} [{mode}]: {' '.join(str(r) for r in reply)}")
    return out

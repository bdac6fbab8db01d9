"""The parent side of the fuzz run: long-lived children (tests/fuzz/child.py) take files one at a time;
a child that dies (signal) or stops answering (hang) is recorded against the file and step it was on,
and a new child takes the next file (the process handling is tests/support_child.py's)."""

from __future__ import annotations

import signal
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tests.support_child import LineChild

STEP_TIMEOUT = 60.0  # tiny files: any step this long is a hang (the decode has no time bound here)


@dataclass(frozen=True)
class Outcome:
    """How one step of one file ended: ok, clean (a typed media error), raw (any other exception),
    crash (the process died) or hang."""

    fmt: str
    path: str
    step: str
    kind: str
    error: str = ""
    detail: str = ""

    @property
    def failed(self) -> bool:
        """True for the outcomes a user must never meet."""
        return self.kind in ("raw", "crash", "hang")

    def describe(self) -> str:
        """`file [step]: what happened`."""
        return f"{Path(self.path).name} [{self.step}]: {self.kind} {self.error} {self.detail}".rstrip()


class _Child(LineChild):
    """One fuzz child (tests/fuzz/child.py), with a fresh store for each process started."""

    def __init__(self, workdir: Path, number: int) -> None:
        self.workdir, self.number = workdir, number
        super().__init__("tests.fuzz.child")

    def arguments(self) -> list[str]:
        return [str(self.workdir / f"child{self.number}-{self.starts}.sqlite"), str(self.workdir / "thumbs")]

    def run(self, fmt: str, path: Path) -> list[Outcome]:
        outcomes: list[Outcome] = []
        step = "start"
        try:
            self.send(str(path))
            while True:
                reply = self.reply(STEP_TIMEOUT)
                if reply is None:
                    self.restart()
                    return [*outcomes, Outcome(fmt, str(path), step, "hang", "", f"no answer in {STEP_TIMEOUT:g} s")]
                if reply[0] == "done":
                    return outcomes
                if reply[0] == "start":
                    step = reply[1]
                else:
                    outcomes.append(Outcome(fmt, str(path), reply[1], reply[2], reply[3], reply[4]))
        except (EOFError, BrokenPipeError):
            code = self.restart()
            name = signal.Signals(-code).name if code < 0 else f"exit {code}"
            return [*outcomes, Outcome(fmt, str(path), step, "crash", name)]


def run_corpus(corpus: dict[str, list[Path]], workdir: Path, children: int = 2) -> list[Outcome]:
    """Every file of the corpus through every step, on `children` processes in parallel."""
    jobs = [(fmt, path) for fmt, paths in corpus.items() for path in paths]
    jobs.reverse()  # popped from the end: run in corpus order
    lock = threading.Lock()
    outcomes: list[Outcome] = []

    def drive(number: int) -> None:
        child = _Child(workdir, number)
        try:
            while True:
                with lock:
                    if not jobs:
                        return
                    fmt, path = jobs.pop()
                result = child.run(fmt, path)
                with lock:
                    outcomes.extend(result)
        finally:
            child.close()

    threads = [threading.Thread(target=drive, args=(n,), name=f"fuzz-driver-{n}") for n in range(children)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def summary(corpus: dict[str, list[Path]], outcomes: list[Outcome]) -> list[str]:
    """Lines: per format, files and step outcomes (ok, clean errors, raw exceptions, crashes, hangs)."""
    lines = [f"{'format':<14}{'files':>7}{'ok':>8}{'clean':>8}{'raw':>6}{'crash':>7}{'hang':>6}"]
    for fmt, paths in corpus.items():
        counts = Counter(o.kind for o in outcomes if o.fmt == fmt)
        lines.append(f"{fmt:<14}{len(paths):>7}{counts['ok']:>8}{counts['clean']:>8}{counts['raw']:>6}"
                     f"{counts['crash']:>7}{counts['hang']:>6}")
    lines += [f"  FAILED {o.describe()}" for o in outcomes if o.failed]
    return lines

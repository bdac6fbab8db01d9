"""``horus bench startup``: how long the command and the window take to start, against bare Python and Qt.

Every figure is a fresh process timed from its start by this (parent) process, median of ``repeats``, each
run next to its baseline so both see the same load:

- ``horus --help`` and ``horus paths list`` (no store) to their first output, against ``python -c print()``;
- ``horus media list`` on a current store, against the same; and the slowest of the store's read verbs
  (``media list``, ``db info``, ``comment list``, ``playlist list``: answered with ``sqlite3``, see
  store/quick_read.py), each timed in the same round; and the slowest of its common write verbs (``comment
  add``, ``media set-status``, written with ``sqlite3``, see store/quick_write.py; the status alternates between
  rounds so each run writes);
- the main window on screen (off-screen platform) on a store of a few hundred media, against a bare
  ``QMainWindow`` shown the same way; and the store ready, its first queries answered (the DB worker's
  schema check, then the panels' first pages).

Qt is imported in the child processes only: this module loads nothing heavy until a child runs. The bare
window's child is ``ui/bare_window_bench.py`` (the UI layer is the only one importing Qt); Horus's window's child
runs the command's own path (``cli.gui.start_gui``, after the command's package), which a UI module may not
import. The parent's
tools (subprocess, statistics, the table) are imported in its functions: a timed window's child does not load
them (``horus gui`` does not either).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

#: The timed children: a bare QMainWindow (Qt only), and Horus's window through the command's path.
_CHILDREN = {"bare": "from horus_desktop.ui.bare_window_bench import main; main()",
             "horus": "from horus_desktop.cli.startup_bench import horus_window; horus_window()"}
#: The store's read verbs timed on the bench store; the row shows the slowest of them in each round.
_STORE_VERBS = ("media list", "db info", "comment list", "playlist list")
#: The store's common write verbs timed on the bench store (``horus bench verbs`` times every verb).
_WRITE_VERBS = ("comment add", "media set-status")


def _say(what: str) -> None:
    print(f"{what} {time.time():.6f}", flush=True)


def horus_window() -> None:
    """Child: Horus's window on the store ``sys.argv[1]``, as `horus gui` opens it (this module's package is
    the command's, imported first as `horus` does), reporting when it is shown and when the store is ready."""
    from horus_desktop.cli.gui import start_gui

    def shown(_window: Any, db: Any) -> None:
        _say("shown")
        # Queued behind the store's opening and the panels' first queries: their answers have arrived.
        db.submit(lambda: None, on_done=lambda _: (_say("ready"), os._exit(0)))

    start_gui(sys.argv[1], [], "bench", on_shown=shown)
    os._exit(1)  # the window closed before it was shown


def _window_times(child: str, argv: list[str], env: dict[str, str], timeout: float) -> dict[str, float]:
    """Seconds from the child's start to each event it reports (``shown``, ``ready``)."""
    import subprocess

    started = time.time()
    result = subprocess.run([sys.executable, "-c", _CHILDREN[child], *argv], capture_output=True, text=True, env=env,
                            timeout=timeout, check=False)
    times: dict[str, float] = {}
    for line in result.stdout.splitlines():
        name, _, stamp = line.partition(" ")
        if name in ("shown", "ready"):
            times[name] = float(stamp) - started
    if "shown" not in times:
        tail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"the window did not show (exit {result.returncode}): {tail}")
    return times


def _first_output_s(argv: list[str], env: dict[str, str], timeout: float) -> float:
    """Seconds from a command's start to its first line on stdout (or its end when it prints nothing)."""
    import subprocess

    started = time.perf_counter()
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env) as process:
        assert process.stdout is not None
        process.stdout.readline()
        first = time.perf_counter() - started
        process.stdout.read()
        if process.wait(timeout) != 0:
            raise RuntimeError(f"{' '.join(argv[2:])} failed (exit {process.returncode})")
    return first


def _make_store(path: Path, media: int) -> tuple[str, str]:
    """A store of ``media`` media and a playlist of them; returns it and a media id with notes."""
    from horus_desktop.api import Horus

    with Horus.open(str(path), user="bench") as horus:
        with horus.store.transaction():
            records = [horus.store.media.create(
                file_path=f"/show/sq{i // 100:02d}/sh{i:04d}/comp/v001/sh{i:04d}.exr", project_id="show",
                sequence=f"sq{i // 100:02d}", shot=f"sh{i:04d}", department="comp", version="v001")
                for i in range(media)]
        noted = records[0].id
        for n in range(5):
            note = horus.add_comment(noted, f"note {n}", frame=n)
            horus.reply(note.id, "reply")
        horus.create_playlist("dailies", project="show", media_ids=[r.id for r in records[:50]])
    return str(path), str(noted)


def bench_startup(repeats: int = 3, *, media: int = 300, timeout: float = 120.0) -> dict[str, Any]:
    """Start-up figures (medians of ``repeats``) and their table rows."""
    import statistics
    import tempfile

    from horus_desktop.domain.bench_table import bench_row

    with tempfile.TemporaryDirectory(prefix="horus-bench-startup-") as folder:
        db, noted = _make_store(Path(folder) / "bench.sqlite", media)
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HORUS_SETTINGS": str(Path(folder) / "settings.ini"),
               "HORUS_USER": "bench", "HORUS_DB": db}
        horus = [sys.executable, "-m", "horus_desktop"]
        commands = {"help": horus + ["--help"], "paths list": horus + ["paths", "list"],
                    "media list": horus + ["media", "list", "--limit", "20"],
                    "db info": horus + ["db", "info"], "comment list": horus + ["comment", "list", noted],
                    "playlist list": horus + ["playlist", "list"],
                    "python": [sys.executable, "-c", "print()"]}
        samples: dict[str, list[float]] = {name: [] for name in (*commands, *_WRITE_VERBS, "store verbs",
                                                                 "write verbs", "shown", "ready", "bare shown")}
        for round_number in range(repeats):
            writes = {"comment add": horus + ["comment", "add", noted, "--text", f"bench note {round_number}"],
                      "media set-status": horus + ["media", "set-status", noted,
                                                   ("approved", "rejected")[round_number % 2]]}
            for name, argv in {**commands, **writes}.items():
                samples[name].append(_first_output_s(argv, env, timeout))
            samples["store verbs"].append(max(samples[name][-1] for name in _STORE_VERBS))
            samples["write verbs"].append(max(samples[name][-1] for name in _WRITE_VERBS))
            bare = _window_times("bare", [], env, timeout)
            ours = _window_times("horus", [db], env, timeout)
            samples["bare shown"].append(bare["shown"])
            samples["shown"].append(ours["shown"])
            if "ready" in ours:
                samples["ready"].append(ours["ready"])
    median = {name: round(statistics.median(values), 3) if values else None for name, values in samples.items()}
    python, bare = median["python"], median["bare shown"]
    rows = [
        bench_row("`horus --help`, first output", median["help"], python, baseline_label="python -c print()",
                  goal="< 0.2 s"),
        bench_row("`horus paths list` (no store), first output", median["paths list"], python,
                  baseline_label="python -c print()", goal="< 0.2 s"),
        bench_row("`horus media list` (store opened), first output", median["media list"], python,
                  baseline_label="python -c print()", goal="< 0.2 s"),
        bench_row(f"slowest store read verb ({', '.join(_STORE_VERBS)}), first output", median["store verbs"],
                  python, baseline_label="python -c print()", goal="< 0.2 s"),
        bench_row(f"slowest store write verb ({', '.join(_WRITE_VERBS)}), first output", median["write verbs"],
                  python, baseline_label="python -c print()", goal="< 0.2 s"),
        bench_row(f"main window shown, offscreen ({media} media)", median["shown"], bare,
                  baseline_label="bare QMainWindow", goal="< 1 s"),
        bench_row("store ready, panels' first queries answered", median["ready"], bare,
                  baseline_label="bare QMainWindow", goal="-"),
    ]
    return {"repeats": repeats, "media": media, "median_s": median,
            "samples_s": {k: [round(v, 3) for v in vs] for k, vs in samples.items()}, "rows": rows}

"""``horus bench verbs``: every non-GUI verb timed to its first output, on a copy of the demo store.

Each verb runs in a fresh process on its own copy of a store ``horus demo`` made (so write verbs always find the
same rows), with the machine settings, HOME and data folders in a temporary folder. A verb's first output is its
first line on stdout or stderr (a note, a progress line, an error: anything a user or a script sees); a
long-running verb (demo, ingest, import, export, offline take, sync) is stopped once it has printed it. The
baseline is ``python -c print()`` timed in the same round. The benchmarks themselves (``horus bench ...``) and
the window are not counted.

Standard library only, imported when the bench runs: building the parser (every verb's start) stays light.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

#: Stopped after their first output: their whole run is not what this measures.
LONG_RUNNING = ("demo", "ingest", "import-montu", "export notes", "export frames", "offline take", "sync")
#: Verbs of the machine's settings, which take no store.
NO_STORE = ("server show", "server set", "server follow", "server unfollow", "paths map", "paths list",
            "paths unmap")
#: A server that refuses connections at once (no such port): the round's first output is what it says first.
_NO_SERVER = "postgresql://postgres@127.0.0.1:9/horus_verbs_bench"


def _verbs(fx: dict[str, str]) -> dict[str, list[str]]:
    """Every non-GUI verb with arguments that do real work on the demo store (``{db}`` is the run's copy)."""
    m, p, t = fx["media"], fx["playlist"], fx["tmp"]
    return {
        "db info": ["db", "info"], "db upgrade": ["db", "upgrade"],
        "media list": ["media", "list", "--limit", "20"], "media set-status": ["media", "set-status", m, "approved"],
        "media sound": ["media", "sound", m, fx["wav"]],
        "comment add": ["comment", "add", m, "--text", "@ana edge flicker"],
        "comment list": ["comment", "list", m],
        "playlist list": ["playlist", "list"], "playlist notes": ["playlist", "notes", p],
        "playlist create": ["playlist", "create", "--name", "bench", "--project", "horus_demo", "--media", m],
        "playlist export": ["playlist", "export", p, f"{t}/out.otio"],
        "playlist import": ["playlist", "import", fx["otio"]],
        "server show": ["server", "show"], "server set": ["server", "set", _NO_SERVER],
        "server follow": ["server", "follow", "horus_demo"], "server unfollow": ["server", "unfollow"],
        "sync": ["sync"], "sync status": ["sync", "status"], "sync conflicts": ["sync", "conflicts"],
        "paths map": ["paths", "map", "/studio", t], "paths list": ["paths", "list"],
        "paths unmap": ["paths", "unmap", "/nowhere"], "paths where": ["paths", "where", m],
        "offline take": ["offline", "take", p],
        "export notes": ["export", "notes", "--playlist", p, "--format", "csv", "--out", f"{t}/notes.csv"],
        "export frames": ["export", "frames", "--playlist", p, "--out", f"{t}/frames"],
        "ingest": ["ingest", fx["media_dir"], "--project", "bench"],
        "import-montu": ["import-montu", fx["montu"]], "demo": ["demo", "--folder", f"{t}/demo"],
    }


def _first_output_s(argv: list[str], env: dict[str, str], stop_early: bool, timeout: float) -> tuple[float, str]:
    """Seconds to the first line on stdout or stderr, and that line."""
    import subprocess
    import time

    started = time.perf_counter()
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                          env=env) as process:
        assert process.stdout is not None
        line = process.stdout.readline()
        first = time.perf_counter() - started
        if stop_early:
            process.kill()
        else:
            process.stdout.read()
        process.wait(timeout)
    return first, line.decode("utf-8", "replace").rstrip()


def _fixtures(folder: Path, env: dict[str, str]) -> dict[str, str]:
    """The demo store and the inputs the verbs take (a media, a playlist, a WAV, an OTIO file, a Montu folder)."""
    import sqlite3
    import subprocess
    import wave

    horus = [sys.executable, "-m", "horus_desktop"]
    base = folder / "base.sqlite"
    subprocess.run([*horus, "demo", "--db", str(base)], env=env, check=True, capture_output=True)
    with sqlite3.connect(base) as conn:
        # A media with a note (the demo writes some), so `comment list` prints its thread.
        media = conn.execute("SELECT media_id FROM horus_comments JOIN horus_media_records ON horus_media_records.id "
                             "= media_id LIMIT 1").fetchone()[0]
        playlist = conn.execute("SELECT id FROM horus_timelines LIMIT 1").fetchone()[0]
    conn.close()
    fx = {"base": str(base), "media": str(_uuid(media)), "playlist": str(_uuid(playlist)), "tmp": str(folder)}
    otio = folder / "in.otio"
    subprocess.run([*horus, "playlist", "export", fx["playlist"], str(otio), "--db", str(base)], env=env,
                   check=True, capture_output=True)
    fx["otio"] = str(otio)
    (folder / "frames").mkdir()
    wav = folder / "sound.wav"
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(48000)
        w.writeframes(b"\0\0" * 4800)
    fx["wav"] = str(wav)
    fx["media_dir"] = str(folder / "base-files" / "demo")
    montu = folder / "montu"
    subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from horus_desktop.migrate."
                    "montu_sample import write_sample_export as w; w(Path(sys.argv[1]), media=50)", str(montu)],
                   env=env, check=True, capture_output=True)
    fx["montu"] = str(montu)
    return fx


def _uuid(value: Any) -> str:
    import uuid

    return str(uuid.UUID(value) if isinstance(value, str) else uuid.UUID(bytes=value))


def compile_package() -> None:
    """Compile Horus's modules whose ``.pyc`` is missing or stale, as an installed app has them: with
    PYTHONDONTWRITEBYTECODE set (as here) or a tree edited since it last ran, every timed start would compile
    them again, which is not what a user's start costs. Quick when they are current (a stat each)."""
    import compileall
    from pathlib import Path

    import horus_desktop

    compileall.compile_dir(str(Path(horus_desktop.__file__).parent), quiet=2)


def chosen_verbs(every: dict[str, list[str]], only: tuple[str, ...]) -> dict[str, list[str]]:
    """The verbs ``--only`` names, by whole name ("comment add") or first word ("db": db info and db upgrade);
    all without it. CliError, listing the verbs, when it names none."""
    chosen = {k: v for k, v in every.items() if not only or k in only or k.split()[0] in only}
    if not chosen:
        from horus_desktop.cli.common import CliError

        raise CliError(f"--only {' '.join(only)}: no such verb; the verbs are: {', '.join(every)}")
    return chosen


def bench_verbs(repeats: int = 5, *, only: tuple[str, ...] = (), timeout: float = 300.0) -> dict[str, Any]:
    """Medians over ``repeats`` rounds of each verb's first output, with ``python -c print()``'s in each round
    (Horus's modules compiled first: :func:`compile_package`)."""
    import json
    import os
    import shutil
    import statistics
    import tempfile
    from pathlib import Path

    compile_package()
    with tempfile.TemporaryDirectory(prefix="horus-bench-verbs-") as name:
        folder = Path(name)
        env = {**os.environ, "HOME": str(folder), "XDG_DATA_HOME": str(folder / "data"),
               "XDG_CONFIG_HOME": str(folder / "config"), "HORUS_CONFIG": str(folder / "machine.json"),
               "HORUS_USER": "ana", "QT_QPA_PLATFORM": "offscreen"}
        env.pop("HORUS_DB", None)
        fx = _fixtures(folder, env)
        verbs = chosen_verbs(_verbs(fx), only)
        samples: dict[str, list[float]] = {k: [] for k in ("python", *verbs)}
        first_lines: dict[str, str] = {}
        run_db = folder / "run.sqlite"
        for _ in range(repeats):
            samples["python"].append(_first_output_s([sys.executable, "-c", "print()"], env, False, timeout)[0])
            for verb, argv in verbs.items():
                for stale in folder.glob("run.sqlite*"):
                    stale.unlink()
                shutil.copyfile(fx["base"], run_db)
                (folder / "machine.json").write_text(json.dumps({"server_url": _NO_SERVER}), encoding="utf-8")
                store = [] if verb in NO_STORE else ["--db", str(run_db)]
                seconds, line = _first_output_s([sys.executable, "-m", "horus_desktop", *argv, *store], env,
                                                verb in LONG_RUNNING, timeout)
                samples[verb].append(seconds)
                first_lines[verb] = line
    median = {k: round(statistics.median(v), 3) for k, v in samples.items()}
    return {"repeats": repeats, "median_s": median, "first_line": first_lines,
            "samples_s": {k: [round(x, 3) for x in v] for k, v in samples.items()}}


def print_table(result: dict[str, Any], goal_s: float = 0.2) -> None:
    """One line a verb: median, x python's start, over the goal or not, and its first line."""
    median = result["median_s"]
    python = median["python"]
    print(f"python -c print(): {python:.3f} s (median of {result['repeats']})")
    for verb, seconds in sorted(median.items(), key=lambda kv: -kv[1]):
        if verb == "python":
            continue
        over = "OVER" if seconds >= goal_s else "ok  "
        print(f"{over} {seconds:6.3f} s {seconds / python:5.1f}x  {verb:17} | {result['first_line'][verb][:70]}")


def _rows(result: dict[str, Any], goal_s: float = 0.2) -> list[dict[str, Any]]:
    from horus_desktop.domain.bench_table import bench_row

    median = result["median_s"]
    verbs = {k: v for k, v in median.items() if k != "python"}
    slowest = max(verbs, key=verbs.__getitem__)
    over = sorted(k for k, v in verbs.items() if v >= goal_s)
    # The verbs over the goal are listed in the JSON (``over_goal``): the table keeps one short line.
    result["over_goal"] = over
    return [bench_row(f"slowest non-GUI verb (`horus {slowest}`), first output ({len(over)} of {len(verbs)} "
                      f"over {goal_s} s)", verbs[slowest], median["python"],
                      baseline_label="python -c print()", goal=f"< {goal_s} s")]


def cmd_bench_verbs(args: Any) -> int:
    """Every non-GUI verb to its first output."""
    from horus_desktop.cli_output import print_json

    result = bench_verbs(args.repeats, only=tuple(args.only or ()))
    result["rows"] = _rows(result)
    if args.json:
        print_json(result)
    else:
        print_table(result)
    return 0


def register_bench(bench: Any) -> None:
    """Add ``horus bench verbs``."""
    p = bench.add_parser("verbs", help="every non-GUI verb on a copy of the demo store: time to its first output "
                         "against python -c print()")
    p.add_argument("--repeats", type=int, default=5, help="rounds (the median is shown; 5)")
    p.add_argument("--only", nargs="+", metavar="VERB", help='these verbs only, by name or first word ("comment add", "db", "sync", ...)')
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench_verbs)

"""``horus bench all``: every ``horus bench`` verb in a child process of its own, and one table of the figures.

The verbs are found in the parser (whatever :mod:`horus_desktop.cli.bench` registered). A verb runs with the
arguments of :data:`ALL_RUNS` (a size that finishes in well under a minute; placeholders such as ``{exr}``
name inputs generated once per run by :data:`INPUTS`), or with none when it is not listed there. A verb whose
child fails, times out or prints no JSON is one failed row; the others go on.

The rows come from the bench's JSON: its own ``"rows"`` (see :func:`horus_desktop.domain.bench_table.bench_row`)
when it has them, else the adapter of :data:`ADAPTERS`, else one row per ``*ratio*`` / ``*_vs_*`` figure.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from horus_desktop.domain.bench_table import bench_row

Row = dict[str, Any]

#: The 2K still-image sequences the decode bench also runs on, and their frames: 24 each (16-bit PNG 12: libav
#: takes ~0.2 s a frame, and its 24 frames alone would add a minute to ``bench all``).
STILL_FRAMES: dict[str, int] = {"dpx": 24, "tiff16": 24, "tiff8": 24, "png16": 12, "png8": 24, "jpeg": 24}

#: Arguments of each bench for ``bench all``: one tuple per run (a verb may run on several inputs).
ALL_RUNS: dict[str, list[tuple[str, ...]]] = {
    "startup": [("--repeats", "3")],
    "verbs": [("--repeats", "3")],
    "store": [("--records", "20000", "--runs", "100")],
    # The EXR twice: the 8-bit-made frames the figures were measured on, and with grain (every half value
    # a render holds: a costlier decode, the colour tables read all over).
    "decode": [("{exr}", "--frames", "48"), ("{exr_grain}", "--frames", "48"), ("{movie}", "--frames", "96"),
               *[(f"{{{kind}}}", "--frames", str(count)) for kind, count in STILL_FRAMES.items()]],
    # The EXR's 6 rounds measure ~70 seeks (3 measured ~32, whose 95th percentile is the second slowest: 1.51x
    # where 6 rounds said 1.6-1.8x of the same code); the movie's 3 rounds ~30 (each seek a GOP-48 decode).
    "scrub": [("{exr}", "--seeks", "16", "--rounds", "6"), ("{movie_gop48}", "--seeks", "16", "--rounds", "3")],
    "colour": [("--repeats", "3")],
    "ingest": [()],
    "playback": [("{exr}", "--seconds", "4"), ("{movie}", "--seconds", "4"),
                 ("{movie_sound}", "--audio", "--seconds", "120")],
    "playlist": [("--clips", "2000",)],
    "export": [("--shots", "10", "--image-width", "480")],
    "notes": [("--notes", "2000", "--strokes", "500")],
    # The push and pull at the size the sync goal is set for (10,000: at least half the bare executemany's speed);
    # at 2,000 a page's fixed costs showed as 2.6x against a goal that does not speak of that size.
    "sync": [("--ops", "10000", "--notes", "10", "--clients", "4", "--per-client", "50")],
}

#: Verbs ``bench all`` leaves out, and why (shown in their row).
SKIPPED: dict[str, str] = {
    "montu": "a 27,600-media import (several minutes): run `horus bench montu` alone",
}


def _make_exr(folder: Path, *, grain: bool = False) -> str:
    from horus_desktop.media.synthetic import write_exr_sequence

    return write_exr_sequence(folder / ("exr_grain" if grain else "exr"), 48, compression="piz", grain=grain)


def _make_still_sequence(folder: Path, kind: str) -> str:
    """A 2K sequence of STILL_FRAMES[kind] frames, written by the real libraries: "dpx" (10-bit log),
    "tiff8"/"tiff16" (deflate), "png8"/"png16", "jpeg"."""
    from horus_desktop.media import synthetic

    where, count = folder / kind, STILL_FRAMES[kind]
    if kind == "dpx":
        return synthetic.write_dpx_sequence(where, count)
    if kind == "jpeg":
        return synthetic.write_jpeg_sequence(where, count)
    bits = 8 if kind.endswith("8") else 16
    if kind.startswith("tiff"):
        return synthetic.write_tiff_sequence(where, count, bits=bits)
    return synthetic.write_png_sequence(where, count, bits=bits)


def _make_movie(folder: Path, gop: int = 12) -> str:
    from horus_desktop.media.synthetic import write_movie

    return write_movie(folder / f"movie_gop{gop}.mov", 96, gop=gop)


def _make_movie_with_sound(folder: Path, seconds: int = 10) -> str:
    """A 640x360 H.264 movie at 24 fps with an AAC 48 kHz tone: what the A/V sync bench plays."""
    from fractions import Fraction

    import av
    import numpy as np

    path = folder / "movie_sound.mp4"
    with av.open(str(path), "w") as out:
        video = out.add_stream("libx264", rate=24)
        video.width, video.height, video.pix_fmt = 640, 360, "yuv420p"
        audio = out.add_stream("aac", rate=48000, layout="stereo")
        for i in range(seconds * 24):
            frame = av.VideoFrame.from_ndarray(np.full((360, 640, 3), (i * 7) % 256, np.uint8), format="rgb24")
            for packet in video.encode(frame):
                out.mux(packet)
        for packet in video.encode():
            out.mux(packet)
        tone = (0.2 * np.sin(2 * np.pi * 440 * np.arange(seconds * 48000) / 48000)).astype(np.float32)
        for start in range(0, len(tone), 1024):
            chunk = tone[start:start + 1024]
            block = av.AudioFrame.from_ndarray(np.stack([chunk, chunk]), format="fltp", layout="stereo")
            block.sample_rate, block.pts, block.time_base = 48000, start, Fraction(1, 48000)
            for packet in audio.encode(block):
                out.mux(packet)
        for packet in audio.encode():
            out.mux(packet)
    return str(path)


#: The inputs placeholders name: 2K half-float PIZ EXR sequences (8-bit-made frames and frames with grain), 2K
#: DPX/TIFF/PNG/JPEG sequences, 1080p H.264 movies (GOP 12 and 48), and a small movie with sound.
INPUTS: dict[str, Callable[[Path], str]] = {
    "exr": _make_exr,
    "exr_grain": lambda folder: _make_exr(folder, grain=True),
    **{kind: (lambda folder, kind=kind: _make_still_sequence(folder, kind))
       for kind in STILL_FRAMES},
    "movie": _make_movie,
    "movie_gop48": lambda folder: _make_movie(folder, gop=48),
    "movie_sound": _make_movie_with_sound,
}


def _get(result: dict[str, Any], path: str) -> Any:
    value: Any = result
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _pair(result: dict[str, Any], figure: str, ours: str, base: str | None, *, unit: str = "s", label: str = "",
          goal: str = "", scale: float = 1.0) -> list[Row]:
    """A row from two figures of ``result`` (dotted paths); none when ours is missing."""
    value = _num(_get(result, ours))
    if value is None:
        return []
    baseline = _num(_get(result, base)) if base else None
    return [bench_row(figure, value * scale, baseline * scale if baseline is not None else None, unit=unit,
                      baseline_label=label, goal=goal)]


#: The names of the still-image inputs in the table's figures.
_STILL_NAMES = {"{dpx}": "2K 10-bit log DPX", "{tiff8}": "2K 8-bit TIFF (deflate)",
                "{tiff16}": "2K 16-bit TIFF (deflate)", "{png8}": "2K 8-bit PNG", "{png16}": "2K 16-bit PNG",
                "{jpeg}": "2K JPEG"}


def _what(args: tuple[str, ...]) -> str:
    """The input of a run, for its figures' names: "EXR", "movie", ..."""
    for arg in args:
        if arg in _STILL_NAMES:
            return _STILL_NAMES[arg]
        if "exr_grain" in arg.lower():
            return "2K PIZ EXR with grain"
        if "exr" in arg.lower():
            return "2K PIZ EXR"
        if "gop48" in arg:
            return "1080p H.264 GOP 48"
        if "movie" in arg or arg.endswith((".mov", ".mp4")):
            return "1080p H.264"
    return ""


def _store_rows(r: dict[str, Any], _args: tuple[str, ...]) -> list[Row]:
    n = f"{r['records']:,}" if isinstance(r.get("records"), int) else "?"
    return (_pair(r, f"store: media search p50 ({n} records)", "search.p50_ms", "bare_sql.p50_ms", unit="ms",
                  label="bare SQL")
            + _pair(r, f"store: media search p95 ({n} records)", "search.p95_ms", "bare_sql.p95_ms", unit="ms",
                    label="bare SQL"))


def _decode_rows(r: dict[str, Any], args: tuple[str, ...]) -> list[Row]:
    what = _what(args)
    best = "bare_best_all" if "bare_best_all" in r else "bare_fps_all"
    paired = "pipeline_cpu_colour_paired_fps_all" in r  # results before the paired rounds: each figure's best

    def against_bare(figure: str, key: str) -> list[Row]:
        """The pipeline ``key`` against the bare decoder on all cores: of the median paired round (media/bench.py's
        `_paired_rounds`), else the best of each."""
        if paired:
            return _pair(r, figure, f"{key}_paired_fps_all", f"{key}_paired_bare_fps_all", unit="fps",
                         label="bare decoder, all cores, same round", goal=">= 0.8x")
        return _pair(r, figure, f"{key}_fps_all", best, unit="fps", label="bare decoder, all cores", goal=">= 0.8x")

    rows = against_bare(f"decode: {what} pipeline, decode + CPU colour, all cores", "pipeline_cpu_colour")
    rows += against_bare(f"decode: {what} pipeline, decode + CPU colour at half size (view), all cores",
                         "pipeline_cpu_colour_view2")
    rows += against_bare(f"decode: {what} pipeline, decode + CPU colour at a 1400-px viewer's size, all cores",
                         "pipeline_cpu_colour_viewer")
    # The app's pipeline: image sequences on the decode processes, movies in threads (media/bench.py); older
    # results without it gave the threads' figure.
    app_all = "pipeline_app_fps_all" if "pipeline_app_fps_all" in r else "pipeline_fps_all"
    app_1 = "pipeline_app_fps_1" if "pipeline_app_fps_1" in r else "pipeline_fps_1"
    if paired:
        rows += against_bare(f"decode: {what} pipeline, decode only (GPU colour), all cores", "pipeline_decode_only")
    else:
        rows += _pair(r, f"decode: {what} pipeline, decode only (GPU colour), all cores", app_all, best,
                      unit="fps", label="bare decoder, all cores", goal=">= 0.8x")
    rows += _pair(r, f"decode: {what} pipeline, 1 worker", app_1, "bare_fps_1", unit="fps",
                  label="bare decoder, 1 thread")
    rows += _pair(r, f"decode: {what}, our own 10-bit unpack alone (the pipeline's decoder), all cores",
                  "own_unpack_fps_all", best, unit="fps", label="bare decoder, all cores")
    rows += _pair(r, f"decode: {what} played at 24 fps on open, frames dropped", "playback_24fps_dropped", None,
                  unit="frames")
    if _num(r.get("movie_seeks")) is not None:
        rows += _pair(r, f"decode: {what} re-seeks during forward playback", "movie_seeks", None, unit="",
                      goal="0")
    return rows


def _scrub_rows(r: dict[str, Any], args: tuple[str, ...]) -> list[Row]:
    what = _what(args)
    rows = _pair(r, f"scrub: {what}, uncached random frame p95", "scrub_ms_p95", "bare_decode_ms_p50", unit="ms",
                 label="one bare decode, p50", goal="<= 1.5x")
    for row in rows:  # the bench's own ratio: the p95 of each frame's latency over its own bare decode
        row["ratio"] = _num(r.get("scrub_vs_bare_p95")) or row["ratio"]
    return rows + _pair(r, f"scrub: {what}, slowest", "scrub_ms_max", "bare_decode_ms_p50", unit="ms",
                        label="one bare decode, p50")


def _colour_rows(r: dict[str, Any], _args: tuple[str, ...]) -> list[Row]:
    return (_pair(r, "colour: baked CPU colour, 2K frame", "colour_ms", "exr_decode_ms", unit="ms",
                  label="bare EXR decode", goal="a fraction of the decode")
            + _pair(r, "colour: baked CPU colour at a 1400-px viewer's size (playing)", "colour_viewer_ms",
                    "exr_decode_ms", unit="ms", label="bare EXR decode", goal="a fraction of the decode")
            + _pair(r, "colour: baked CPU colour vs OCIO's exact processor", "colour_ms", "exact_ms", unit="ms",
                    label="OCIO exact CPU processor", goal="same or lower")
            + _pair(r, "colour: max error, ACEScg chart 0..16", "chart_max_codes", None, unit="codes",
                    goal="<= 2 codes"))


def _ingest_rows(r: dict[str, Any], _args: tuple[str, ...]) -> list[Row]:
    files = f"{r['files']:,}" if isinstance(r.get("files"), int) else "?"
    rows = _pair(r, "ingest: hashing 2K-frame-sized files, all workers", "frames_hash_mb_per_s_all",
                 "frames_hashlib_mb_per_s", unit="MB/s", label="hashlib, 1 thread")
    if rows and _num(r.get("frames_hash_vs_hashlib_per_core")) is not None:
        rows[0]["ratio"] = r["frames_hash_vs_hashlib_per_core"]
        rows[0]["goal"] = ">= 0.8x per core"
    # The isolated row is the real path (horus ingest, the app); probes in process only run in tests.
    return (rows + _pair(r, f"ingest: {files} small files (probes isolated: horus ingest, the app)",
                         "ingest_isolated_s", "walk_hash_s", label="walk + hash", goal="<= 3x")
            + _pair(r, f"ingest: {files} small files (probes in process: tests only)", "ingest_in_process_s",
                    "walk_hash_s", label="walk + hash"))


def _playback_rows(r: dict[str, Any], args: tuple[str, ...]) -> list[Row]:
    if "av_offset_ms" in r:
        return _pair(r, f"playback: A/V sync, worst offset over {r.get('media_seconds', '?')} s of a movie with "
                     "sound", "av_offset_ms", None, unit="ms", goal="<= 1 frame (41.7 ms)")
    what = _what(args)
    return (_pair(r, f"playback: {what}, achieved fps", "achieved_fps", "target_fps", unit="fps", label="target",
                  goal="1.0, 0 dropped")
            + _pair(r, f"playback: {what}, frames dropped", "dropped", None, unit="frames", goal="0"))


def _playlist_rows(r: dict[str, Any], _args: tuple[str, ...]) -> list[Row]:
    return (_pair(r, f"playlist: import of {r.get('clips', '?')} clips", "import_s", "otio_read_s",
                  label="OpenTimelineIO read", goal="<= 5x")
            + _pair(r, "playlist: track view opened", "view_open_s", None))


def _notes_rows(r: dict[str, Any], _args: tuple[str, ...]) -> list[Row]:
    return (_pair(r, f"notes: panel first paint, {r.get('notes', '?')} notes", "notes_first_paint_s", "notes_query_s",
                  label="the store query alone")
            + _pair(r, f"notes: scene draw of {r.get('strokes', '?')} strokes", "strokes_draw_s", None))


def _export_rows(r: dict[str, Any], _args: tuple[str, ...]) -> list[Row]:
    label = "decode + render the frames alone"
    return (_pair(r, f"export: notes report PDF ({r.get('shots', '?')} shots)", "pdf_s", "baseline_decode_render_s",
                  label=label)
            + _pair(r, f"export: notes report HTML ({r.get('shots', '?')} shots)", "html_s",
                    "baseline_decode_render_s", label=label))


def _sync_rows(r: dict[str, Any], _args: tuple[str, ...]) -> list[Row]:
    ops = _get(r, "push_pull.ops") or "?"
    rows = (_pair(r, f"sync: push {ops} ops", "push_pull.push_s", "push_pull.bare_push_s", label="executemany",
                  goal="<= 2x")
            + _pair(r, f"sync: pull {ops} rows", "push_pull.pull_s", "push_pull.bare_pull_s", label="executemany",
                    goal="<= 2x")
            + _pair(r, "sync: idle round p50", "live.idle_round_ms_p50", None, unit="ms")
            + _pair(r, "sync: note to another store p95", "live.latency_ms_p95", None, unit="ms", goal="< 2000 ms"))
    return rows + _pair(r, f"sync: {_get(r, 'many.clients')} client processes, all synced", "many.total_s", None)


#: How each known bench's JSON becomes rows (a bench with its own ``"rows"`` needs none).
ADAPTERS: dict[str, Callable[[dict[str, Any], tuple[str, ...]], list[Row]]] = {
    "store": _store_rows,
    "decode": _decode_rows,
    "scrub": _scrub_rows,
    "colour": _colour_rows,
    "ingest": _ingest_rows,
    "playback": _playback_rows,
    "playlist": _playlist_rows,
    "notes": _notes_rows,
    "export": _export_rows,
    "sync": _sync_rows,
}


def _ratio_rows(name: str, result: dict[str, Any], prefix: str = "") -> list[Row]:
    """Every ratio-like figure of an unknown bench's JSON (``*ratio*``, ``*_vs_*``), nested dicts included."""
    rows: list[Row] = []
    for key, value in result.items():
        if isinstance(value, dict):
            rows += _ratio_rows(name, value, f"{prefix}{key}.")
        elif ("ratio" in key or "_vs_" in key) and _num(value) is not None:
            row = bench_row(f"{name}: {prefix}{key}", None, None, unit="", note="see --json")
            row["ratio"] = value
            rows.append(row)
    return rows


def rows_of(name: str, result: dict[str, Any], args: tuple[str, ...]) -> list[Row]:
    """A bench's rows: its own, else its adapter's, else its ratios; one row saying so when there are none."""
    if isinstance(result.get("rows"), list):
        rows = [dict(r) for r in result["rows"]]
    elif name in ADAPTERS:
        rows = ADAPTERS[name](result, args)
    else:
        rows = _ratio_rows(name, result)
    if not rows:
        rows = [bench_row(f"{name}: ran", None, None, note="no figure this table knows: see --json")]
    for row in rows:
        row.setdefault("bench", name)
        if not str(row["figure"]).startswith(f"{name}:"):
            row["figure"] = f"{name}: {row['figure']}"
    return rows


def bench_verbs(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The ``horus bench`` verbs the parser knows, in the order they were registered (``all`` left out)."""
    for action in parser._actions:  # argparse has no public walk over sub-commands
        if isinstance(action, argparse._SubParsersAction) and "bench" in action.choices:
            for inner in action.choices["bench"]._actions:
                if isinstance(inner, argparse._SubParsersAction):
                    return {n: p for n, p in inner.choices.items() if n != "all"}
    return {}


def _failed(name: str, args: tuple[str, ...], why: str) -> Row:
    return {**bench_row(f"{name}: {' '.join(args) or 'defaults'}", None, None, note=f"FAILED: {why}"),
            "bench": name, "failed": True}


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:160] if lines else "no output"


class _Inputs:
    """Generated inputs, made the first time a run names them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made: dict[str, str] = {}

    def fill(self, args: tuple[str, ...]) -> tuple[str, ...]:
        filled = []
        for arg in args:
            if arg.startswith("{") and arg.endswith("}"):
                key = arg[1:-1]
                if key not in self.made:
                    self.made[key] = INPUTS[key](self.folder)
                filled.append(self.made[key])
            else:
                filled.append(arg)
        return tuple(filled)


def _run_one(name: str, args: tuple[str, ...], timeout: float) -> tuple[dict[str, Any] | None, str]:
    """The JSON of one bench run in a child process, or None and why it failed."""
    command = [sys.executable, "-m", "horus_desktop", "bench", name, *args, "--json"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout:.0f} s"
    if done.returncode != 0:
        return None, f"exit {done.returncode}: {_last_line(done.stderr)}"
    try:
        result = json.loads(done.stdout)
    except json.JSONDecodeError:
        return None, f"no JSON on stdout: {_last_line(done.stdout or done.stderr)}"
    if not isinstance(result, dict):
        return None, "its JSON is not an object"
    return result, ""


def bench_all(parser: argparse.ArgumentParser, *, only: list[str] | None = None, timeout: float = 600.0,
              say: Callable[[str], None] = lambda _line: None) -> dict[str, Any]:
    """Run every bench verb (or ``only`` these), each in a child process; the rows and each run's JSON."""
    verbs = bench_verbs(parser)
    unknown = [n for n in (only or []) if n not in verbs]
    if unknown:
        raise ValueError(f"no bench {', '.join(unknown)} (benches: {', '.join(verbs)})")
    rows: list[Row] = []
    runs: list[dict[str, Any]] = []
    started_all = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="horus-bench-all-") as folder:
        inputs = _Inputs(Path(folder))
        for name in verbs:
            if only and name not in only:
                continue
            if name in SKIPPED and not only:
                rows.append({**bench_row(f"{name}: skipped, {SKIPPED[name]}", None, None, note="-"), "bench": name})
                continue
            for args in ALL_RUNS.get(name, [()]):
                say(f"bench {name} {' '.join(args)}".rstrip())
                started = time.perf_counter()
                try:
                    filled = inputs.fill(args)
                except Exception as exc:  # an input that cannot be made fails the benches that need it only
                    result, why = None, f"input not made: {type(exc).__name__}: {exc}"
                else:
                    result, why = _run_one(name, filled, timeout)
                seconds = round(time.perf_counter() - started, 1)
                runs.append({"bench": name, "args": list(args), "seconds": seconds, "ok": result is not None,
                             "error": why or None, "result": result})
                rows += rows_of(name, result, args) if result is not None else [_failed(name, args, why)]
                say(f"  {'done' if result is not None else 'FAILED'} in {seconds} s" + (f": {why}" if why else ""))
    return {"seconds": round(time.perf_counter() - started_all, 1), "rows": rows, "runs": runs}

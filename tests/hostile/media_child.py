"""The child of the hostile media run: `python -m tests.hostile.media_child` reads [mode, path] JSON lines on
stdin and answers each with one JSON line on its stdout, so a native crash or a hang is caught by the parent
(tests/hostile/media_runner.py) and named by the file it was on.

Modes: "decode" (the file's decoder by extension), "exr_stream" (an EXR read through the stream that may stop,
never told to, compared with the plain read), "exr_stop:N" (told to stop after N reads, then the same process
decodes a good EXR to show it is still usable), "exr_async_stops" (the EXRs of a folder told to stop by another
thread at random moments)."""

from __future__ import annotations

import json
import os
import resource
import sys
import traceback
from pathlib import Path

import numpy as np

from horus_desktop.media import decode_exr as exr_module
from horus_desktop.media.decode_image import decode_image
from horus_desktop.media.errors import MediaError
from horus_desktop.media.frames import Superseded

MEMORY_LIMIT = 3 * 1024**3  # a lying size must give an error, not eat the machine's memory


def _outcome(path: str) -> list:
    """How one plain decode ends: ["ok", digest] / ["clean", error, reason] / ["raw", error, where]."""
    try:
        frame = decode_image(path)
    except MediaError as exc:
        if exc.path and os.path.basename(exc.path) != os.path.basename(path):
            return ["raw", type(exc).__name__, f"error names another file: {exc.path}"]
        return ["clean", type(exc).__name__, exc.reason]
    except Superseded:
        return ["raw", "Superseded", "a decode nobody stopped says it was stopped"]
    except Exception as exc:  # the defect this run is here to find
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return ["raw", type(exc).__name__, f"{exc} (at {Path(where.filename).name}:{where.lineno})"]
    pixels = np.ascontiguousarray(frame.pixels)
    return ["ok", f"{pixels.shape}{pixels.dtype}:{hash(pixels.tobytes())}"]


def _stream(path: str) -> list:
    plain = _outcome(path)
    exr_module.STOP_CHECK = lambda: False
    try:
        streamed = _outcome(path)
    finally:
        exr_module.STOP_CHECK = None
    if plain[0] == "raw" or streamed[0] == "raw":
        return streamed if streamed[0] == "raw" else plain
    if plain[0] != streamed[0] or (plain[0] == "ok" and plain[1] != streamed[1]):
        return ["raw", "differs", f"plain read {plain[:2]}, read as a stream {streamed[:2]}"]
    return streamed


def _stop(path: str, after: int, good: str) -> list:
    calls = {"n": 0}

    def stop() -> bool:
        calls["n"] += 1
        return calls["n"] > after

    exr_module.STOP_CHECK = stop
    try:
        first = _outcome(path)
    finally:
        exr_module.STOP_CHECK = None
    if first[0] == "raw" and first[1] == "Superseded":
        first = ["stopped", "", ""]
    if first[0] == "raw":
        return first
    after_stop = _outcome(good)
    if after_stop[0] != "ok":
        return ["raw", "unusable", f"a good EXR after the stop: {after_stop}"]
    return first


def _async_stops(folder: str) -> list:
    """EXRs told to stop from another thread at a random moment (as the parent's stop message comes), many
    times: each read ends stopped or with the exact pixels (never a damaged-file error or other pixels), and
    the plain read after it is right."""
    import random
    import threading

    paths = sorted(Path(folder).glob("*.exr"))
    expected = {p: np.ascontiguousarray(decode_image(str(p)).pixels) for p in paths}
    rng = random.Random(2026)
    seen: dict[str, int] = {}
    for _ in range(40):
        path = rng.choice(paths)
        told = threading.Event()
        exr_module.STOP_CHECK = told.is_set
        timer = threading.Timer(rng.random() * 0.15, told.set)
        timer.start()
        try:
            kind = "ok" if np.array_equal(decode_image(str(path)).pixels, expected[path]) else "other pixels"
        except Superseded:
            kind = "stopped"
        except Exception as exc:  # noqa: BLE001 - named in the reply
            kind = f"{type(exc).__name__}: {exc}"
        finally:
            timer.cancel()
            exr_module.STOP_CHECK = None
        seen[kind] = seen.get(kind, 0) + 1
        if not np.array_equal(decode_image(str(path)).pixels, expected[path]):
            return ["raw", "unusable", f"{path.name} read wrong after a stop"]
    bad = {k: v for k, v in seen.items() if k not in ("ok", "stopped")}
    return ["raw", "async", str(bad)] if bad else ["ok", str(seen)]


def main() -> None:
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # C libraries print warnings on stdout: keep them off the reply pipe
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    for line in sys.stdin:
        mode, path, *extra = json.loads(line)
        replies.write(json.dumps(["start"]) + "\n")
        if mode == "decode":
            reply = _outcome(path)
        elif mode == "exr_stream":
            reply = _stream(path)
        elif mode == "exr_async_stops":
            reply = _async_stops(path)
        else:
            reply = _stop(path, int(mode.split(":")[1]), extra[0])
        replies.write(json.dumps(reply) + "\n")


if __name__ == "__main__":
    main()

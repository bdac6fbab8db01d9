"""The fuzz corpus child: `python -m tests.fuzz.child STORE THUMBS` reads file paths (JSON lines) on stdin
and runs each through probe, thumbnail, decode and ingest, telling the parent on its stdout which step it
starts before each step and how the step ended after it. A native crash kills only this process; the
parent sees which file and step it was on and starts a new child at the next file."""

from __future__ import annotations

import json
import os
import resource
import sys
import traceback
from pathlib import Path

from horus_desktop.media import decode_exr
from horus_desktop.media.errors import DecodeTimeoutError, MediaError
from horus_desktop.media.ingest import ingest_tree
from horus_desktop.media.open_source import open_frame_source
from horus_desktop.media.probe import probe_media
from horus_desktop.media.sequences import media_item_for
from horus_desktop.media.thumbnails import make_thumbnails
from horus_desktop.store import Store

STEPS = ("probe", "thumbnail", "decode", "ingest")
MEMORY_LIMIT = 3 * 1024**3  # a huge header field must give an error, not eat the machine's memory


def _decode(path: str) -> None:
    with open_frame_source(path, decode_timeout=None) as source:
        frames = source.frames()  # a range: a damaged header may claim billions of frames
        chosen = frames if len(frames) <= 4 else [frames[0], frames[1], frames[len(frames) // 2], frames[-1]]
        for frame in chosen:
            source.read(frame)
    if path.lower().endswith(".exr"):  # again as a scrub's decode, which may stop (OpenEXR's C path)
        decode_exr.STOP_CHECK = lambda: False
        try:
            decode_exr.decode_exr(path)
        finally:
            decode_exr.STOP_CHECK = None


def _run(step: str, path: str, store: Store, thumbs: Path, index: int) -> list[str]:
    try:
        if step == "probe":
            probe_media(media_item_for(path))
        elif step == "thumbnail":
            make_thumbnails(path, thumbs, f"t{index:06d}")
        elif step == "decode":
            _decode(path)
        else:
            ingest_tree(store, path, isolated=False, workers=1)
    except DecodeTimeoutError as exc:
        return ["hang", type(exc).__name__, exc.reason]
    except MediaError as exc:
        if exc.path and os.path.basename(exc.path) not in (os.path.basename(path), ""):
            return ["raw", type(exc).__name__, f"error names another file: {exc.path}"]
        return ["clean", type(exc).__name__, exc.reason]
    except Exception as exc:  # the defect this corpus is here to find
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return ["raw", type(exc).__name__, f"{exc} (at {Path(where.filename).name}:{where.lineno})"]
    return ["ok", "", ""]


def main() -> None:
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # C libraries print warnings on stdout: keep them off the reply pipe
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    store = Store.open(sys.argv[1], backup=False)
    thumbs = Path(sys.argv[2])
    for index, line in enumerate(sys.stdin):
        path = json.loads(line)
        for step in STEPS:
            replies.write(json.dumps(["start", step]) + "\n")
            replies.write(json.dumps(["end", step, *_run(step, path, store, thumbs, index)]) + "\n")
        replies.write(json.dumps(["done"]) + "\n")


if __name__ == "__main__":
    main()

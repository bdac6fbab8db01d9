"""`horus bench scrub MEDIA`: how long the viewer takes to show an uncached frame the user scrubs to.

Seeks to random frames through the viewer's PlaybackSession (paused, the GL path's conversion), each the
moment the last one is on screen, so the read-ahead of the last one is still running: the frame asked
for must go before it. Each frame's latency is set against one bare decode of the same frame in the same
run (measured before and after the scrubs and averaged; an EXR: OpenEXR reading the file; a movie: PyAV seeking to the keyframe and decoding forward to it).
"""

from __future__ import annotations

import math
import random
import statistics
import time
from pathlib import Path
from typing import Any

import av

from horus_desktop.media.bench import PLAYBACK_FPS, bare_image_decoder, media_for, print_result
from horus_desktop.media.decode_pool import shared_decode_pool
from horus_desktop.media.display import gpu_convert
from horus_desktop.media.open_source import open_frame_source
from horus_desktop.media.sequences import MediaItem, MediaKind
from horus_desktop.playback.session import PlaybackSession

#: Longest wait for the read-ahead started on open before the scrubs begin.
READ_AHEAD_WAIT_S = 20.0


def _bare_frame_seconds(item: MediaItem, frame: int, source_first: int) -> float:
    """One bare decode of `frame`, as a viewer without a cache would do it (a movie: seek + decode to it)."""
    started = time.perf_counter()
    if item.kind is MediaKind.MOVIE:
        with av.open(item.path) as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            rate = stream.average_rate or stream.guessed_rate
            index = frame - source_first
            start = stream.start_time or 0
            opened = time.perf_counter()
            target = start + int(index / rate / stream.time_base)
            container.seek(target, stream=stream, backward=True, any_frame=False)
            for video in container.decode(stream):
                if video.pts is not None and video.pts >= target:
                    video.to_ndarray(format="rgb24")
                    break
            return time.perf_counter() - opened  # the open is not part of a decode
    bare_image_decoder(item.extension)(item.file_for_frame(frame))
    return time.perf_counter() - started


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def bench_scrub(path: str | Path, seeks: int = 24, *, as_json: bool = False) -> dict[str, Any]:
    """Latency of scrubbing to uncached random frames through the viewer's PlaybackSession (paused, the
    next seek the moment a frame shows, so read-ahead of the last one is still running), against one
    bare decode of each frame, same run. Prints a table or JSON."""
    item = media_for(path)
    rng = random.Random(14)
    with open_frame_source(item) as source:
        first, last = source.frame_range
        frames = rng.sample(range(first, last + 1), min(seeks, last - first + 1))
        before = {f: _bare_frame_seconds(item, f, first) for f in frames}
        session = PlaybackSession(source, PLAYBACK_FPS, convert=gpu_convert)
        try:
            while not session.is_ready(first):  # opened paused on the first frame, as the viewer does
                time.sleep(0.001)
            shared_decode_pool().wait_ready()  # its start-up (~0.5 s, once per app) is not a scrub
            # Let the read-ahead the open started finish, then forget it: every frame scrubbed to is uncached.
            window = range(first, min(last, first + session.read_ahead) + 1)
            deadline = time.monotonic() + READ_AHEAD_WAIT_S
            while not all(session.is_ready(f) for f in window) and time.monotonic() < deadline:
                time.sleep(0.01)
            session.cache.clear()
            latencies: dict[int, float] = {}
            for frame in frames:
                if session.is_ready(frame):  # read ahead on open: not an uncached frame
                    continue
                started = time.perf_counter()
                session.seek(frame)
                session.cache.get(frame, timeout=60)  # wait without polling: a busy poll would take the GIL
                shown = session.tick()
                assert shown is not None and shown.frame == frame
                latencies[frame] = time.perf_counter() - started
        finally:
            session.cache.close()
    # Bare decodes before and after the scrubs, averaged: the machine's load drifts during a run.
    bare = {f: (before[f] + _bare_frame_seconds(item, f, first)) / 2 for f in frames}
    measured = [f for f in frames if f in latencies]
    ratios = [latencies[f] / bare[f] for f in measured]
    bare_ms = [1000 * bare[f] for f in measured]
    ours_ms = [1000 * latencies[f] for f in measured]
    result: dict[str, Any] = {
        "media": item.path, "seeks": len(measured), "skipped_cached": len(frames) - len(measured),
        "bare_decode_ms_p50": round(statistics.median(bare_ms), 1),
        "scrub_ms_p50": round(statistics.median(ours_ms), 1),
        "scrub_ms_p95": round(_percentile(ours_ms, 0.95), 1),
        "scrub_ms_max": round(max(ours_ms), 1),
        "scrub_vs_bare_p50": round(statistics.median(ratios), 2),
        "scrub_vs_bare_p95": round(_percentile(ratios, 0.95), 2),
        "movie_seeks": int(getattr(source, "seeks", 0)),
    }
    print_result(result, as_json)
    return result

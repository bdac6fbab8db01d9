"""`horus bench scrub MEDIA`: how long the viewer takes to show an uncached frame the user scrubs to.

Quick successive seeks, as a drag over the timeline makes them, through the viewer's PlaybackSession
(paused, the GL path's conversion). Each measured frame is the last of a burst: ``passes`` seeks to other
uncached random frames ``gap_s`` apart (a drag's mouse moves), then the seek to it, timed until the frame
is on screen. The frames passed over are never shown (the viewer shows the playhead's frame only), so they
have no latency of their own and are not counted, but their decodes are running when the measured seek
comes: that is the cost a user sees. Every other burst starts after a pause longer than the scrub's
settle time, so the read-ahead of the last frame shown is running too. Each frame's latency is set against
one bare decode of the same frame in the same run: an image's (an EXR: OpenEXR reading the file) taken as
soon as it has shown, so in the load the seek met (if it ends before the read-ahead may start, else as a
movie's); a movie's (PyAV seeking to the
keyframe and decoding forward to it) before and after the scrubs, averaged, as its decode outlasts the
settle time. ``bare_run_ms_p50``: the images' before-and-after figure, for comparison.
A movie's bare decode is the library's plain one: every frame from the keyframe decoded, as
``container.decode`` gives them. The viewer's reads let the codec drop the non-reference frames before the
frame read (media/movie_source.py); ``bare_skip_ms_p50`` is the bare decode doing the same, for comparison
(before the scrubs only), and ``movie_frames_decoded`` counts the frames the viewer's decoders gave.
``passes=0`` gives the plain figure: each seek the moment the last frame shows, none superseded.

On the CPU path the frame scrubbed to shows first as a half-size preview, then at full size (media/
frame_cache.py): ``scrub_ms_*`` time the first picture on screen, ``scrub_full_ms_*`` the full-resolution one
(the same on the GL path, which has no preview).

``colour``: "gpu" (the default) converts as the GL path does (upload-ready pixels: the view is the shader's,
so no CPU colour); "cpu" as the CPU path does (the baked OCIO view to uint8 on the CPU: ~20 ms a 2K frame
on one core here, about as much as its decode), the viewer's path with no OpenGL 4 or on a software
rasteriser (ui/app.choose_colour_path), e.g. on this machine.
"""

from __future__ import annotations

import math
import random
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av

from horus_desktop.media.bench import PLAYBACK_FPS, bare_image_decoder, media_for, print_result
from horus_desktop.media.colour import ViewSettings, default_colour_config
from horus_desktop.media.core_spread import core_count
from horus_desktop.media.decode_pool import shared_decode_pool
from horus_desktop.media.display import Conversion, cpu_convert, gpu_convert
from horus_desktop.media.frame_cache import SCRUB_SETTLE_S
from horus_desktop.media.open_source import open_frame_source
from horus_desktop.media.sequences import MediaItem, MediaKind
from horus_desktop.playback.session import PlaybackSession

#: Longest wait for the read-ahead started on open before the scrubs begin.
READ_AHEAD_WAIT_S = 20.0
#: Seeks passed over before each measured one, and the time between two seeks of a drag.
PASSES = 2
GAP_S = 0.02


def _use_every_core_for_exr() -> None:
    """Size OpenEXR's global thread pool to the cores, as the decode processes do (media/decode_pool.py):
    the bare decode's ``num_threads`` (every core, media/bench.py) runs on that pool, and with the pool
    left empty, as it was before December, the baseline decoded on one thread (43 against 26 ms a 2K PIZ
    frame here) while claiming every core."""
    import OpenEXR

    OpenEXR.set_global_thread_count(core_count())


def _bare_frame_seconds(item: MediaItem, frame: int, source_first: int, *, skip: bool = False) -> float:
    """One bare decode of `frame`, as a viewer without a cache would do it (a movie: seek + decode to it,
    ``skip``: dropping the non-reference frames before it; an EXR: OpenEXR reading it with every core's
    threads)."""
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
            for packet in container.demux(stream):
                if skip:
                    stream.codec_context.skip_frame = (
                        "NONREF" if packet.pts is not None and packet.pts < target else "DEFAULT")
                videos = [v for v in packet.decode() if v.pts is not None and v.pts >= target]
                if videos:
                    videos[0].to_ndarray(format="rgb24")
                    break
            return time.perf_counter() - opened  # the open is not part of a decode
    bare_image_decoder(item.extension)(item.file_for_frame(frame))
    return time.perf_counter() - started


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def _conversion(colour_path: str, source: Any, first: int) -> Conversion:
    """The viewer's conversion of the GL path, or of the CPU path in the default display and view."""
    if colour_path == "gpu":
        return gpu_convert
    if colour_path != "cpu":
        raise ValueError(f"unknown colour path {colour_path!r} (gpu or cpu)")
    colour = default_colour_config()
    probe = source.read(first)
    space = colour.resolve_colour_space(probe.colour_space, is_float=probe.pixels.dtype.kind == "f")
    display = colour.default_display()
    return cpu_convert(colour, ViewSettings(space, display, colour.default_view(display)))


@dataclass
class _Seek:
    """One measured seek: its frame, until its first picture and its full-resolution one showed (seconds),
    the frame's bare decode right after (an image's, when it ended within the settle time), a preview first."""

    frame: int
    latency: float
    full: float
    adjacent: float | None
    preview: bool


def _scrub_round(session: PlaybackSession, item: MediaItem, rng: random.Random, seeks: int, passes: int,
                 gap_s: float, before: dict[int, float], skipping: dict[int, float]) -> list[_Seek]:
    """One round of bursts over frames not cached (the cache is cleared first): ``seeks`` measured seeks, each
    after ``passes`` passed over; every frame's bare decode is added to ``before`` (and, for a movie, to
    ``skipping``) first, outside the timings."""
    first, last = session.media_range
    # Not the frame on screen (the last one a round before showed): seeking back to it changes nothing on screen,
    # so it has no latency to measure (with many rounds over short media it was picked now and then).
    population = [f for f in range(first, last + 1) if f != session.shown]
    chosen = rng.sample(population, min(len(population), seeks * (passes + 1)))
    frames, passed_over = chosen[:: passes + 1], [f for i, f in enumerate(chosen) if i % (passes + 1)]
    # Stand-ins for a frame the read-ahead reached during a pause: another uncached frame is measured
    # instead of one seek fewer (on short media the read-ahead covers much of it).
    unused = sorted(set(range(first, last + 1)) - set(chosen))
    reserve = rng.sample(unused, min(len(unused), 2 * seeks))
    for f in frames + reserve:
        if f not in before:
            before[f] = _bare_frame_seconds(item, f, first)
            if item.kind is MediaKind.MOVIE:
                skipping[f] = _bare_frame_seconds(item, f, first, skip=True)
    session.cache.clear()
    measured: list[_Seek] = []
    for burst, frame in enumerate(frames):
        if burst % 2:  # the user stops, then drags on: the read-ahead of the frame shown is running
            time.sleep(2 * SCRUB_SETTLE_S)
        if session.is_ready(frame):  # read ahead meanwhile: not an uncached frame
            frame = next((f for f in reserve if not session.is_ready(f)), None)
            if frame is None:
                continue
            reserve.remove(frame)
        for other in passed_over[burst * passes:(burst + 1) * passes]:
            session.seek(other)  # passed over: superseded before it can show
            session.tick()  # the viewer's timer: shows the frame only if it is ready
            time.sleep(gap_s)
        started = time.perf_counter()
        session.seek(frame)
        session.cache.get(frame, timeout=60)  # wait without polling: a busy poll would take the GIL
        shown = session.tick()
        assert shown is not None and shown.frame == frame
        latency = time.perf_counter() - started
        preview = shown.scale != 1
        while shown.scale != 1:  # a reduced preview first (the CPU path): then the full frame
            time.sleep(0.001)
            shown = session.tick() or shown
        full = time.perf_counter() - started
        # An image's bare decode at once, while the app is idle (the read-ahead waits until the
        # frame has shown for SCRUB_SETTLE_S: a decode that ends later is not used; stale EXR
        # decodes were stopped): in the load the seek met. Other jobs on this machine come and go within a run
        # (traced: the bare decode 13 ms in one stretch, 25 in the next), and set against decodes
        # a minute apart the ratio measured that drift as much as the scrub. Not a movie's: its
        # bare decode (~120 ms and an open) outlasts the settle, and the read-ahead it let start
        # cached frames picked for later bursts (tried in 8c46cd5, withdrawn in 800f37e).
        adjacent = None
        if item.kind is not MediaKind.MOVIE:
            seconds = _bare_frame_seconds(item, frame, first)
            if time.perf_counter() - started - latency < SCRUB_SETTLE_S:
                adjacent = seconds
        measured.append(_Seek(frame, latency, full, adjacent, preview))
    return measured


def bench_scrub(path: str | Path, seeks: int = 24, *, passes: int = PASSES, gap_s: float = GAP_S,
                colour: str = "gpu", rounds: int = 1, as_json: bool = False) -> dict[str, Any]:
    """Latency of scrubbing to uncached random frames through the viewer's PlaybackSession (paused; each
    measured seek the last of a quick burst, see the module), against one bare decode of each frame, same
    run. ``rounds``: the bursts again on frames picked anew, the cache cleared between: on short media a
    round measures few seeks (48 frames: 16 at most, two passed over each), and a 95th percentile of fewer
    than 20 is the slowest one. Prints a table or JSON."""
    item = media_for(path)
    _use_every_core_for_exr()
    rng = random.Random(14)
    with open_frame_source(item) as source:
        first, last = source.frame_range
        count = last - first + 1
        seeks = min(seeks, count)
        passes = max(0, min(passes, count // max(1, seeks) - 1))
        before: dict[int, float] = {}
        skipping: dict[int, float] = {}
        session = PlaybackSession(source, PLAYBACK_FPS, convert=_conversion(colour, source, first))
        asked = 0
        try:
            while not session.is_ready(first):  # opened paused on the first frame, as the viewer does
                time.sleep(0.001)
            shared_decode_pool().wait_ready()  # its start-up (~0.5 s, once per app) is not a scrub
            # Let the read-ahead the open started finish (the first round then clears it): every frame
            # scrubbed to is uncached.
            window = range(first, min(last, first + session.read_ahead) + 1)
            deadline = time.monotonic() + READ_AHEAD_WAIT_S
            while not all(session.is_ready(f) for f in window) and time.monotonic() < deadline:
                time.sleep(0.01)
            measured: list[_Seek] = []
            for _ in range(max(1, rounds)):
                asked += seeks
                measured += _scrub_round(session, item, rng, seeks, passes, gap_s, before, skipping)
        finally:
            session.cache.close()
    # Each image seek is set against its frame's bare decode right after it showed (bare_decode_ms_p50), a
    # movie's against the run's: its frame's bare decodes before and after all the scrubs, averaged (for an
    # image too, for comparison: bare_run_ms_p50).
    after = {s.frame: _bare_frame_seconds(item, s.frame, first) for s in measured}
    run_bare = [(before[s.frame] + after[s.frame]) / 2 for s in measured]
    bare = [s.adjacent if s.adjacent is not None else run for s, run in zip(measured, run_bare, strict=True)]
    ratios = [s.latency / b for s, b in zip(measured, bare, strict=True)]
    full_ratios = [s.full / b for s, b in zip(measured, bare, strict=True)]
    full_ms = [1000 * s.full for s in measured]
    bare_ms = [1000 * b for b in bare]
    ours_ms = [1000 * s.latency for s in measured]
    result: dict[str, Any] = {
        "media": item.path, "colour_path": colour, "rounds": max(1, rounds), "seeks": len(measured),
        "skipped_cached": asked - len(measured),
        "passed_over_per_seek": passes, "gap_ms": round(1000 * gap_s, 1),
        "bare_decode_ms_p50": round(statistics.median(bare_ms), 1),
        "bare_run_ms_p50": round(statistics.median(1000 * r for r in run_bare), 1),
        "scrub_ms_p50": round(statistics.median(ours_ms), 1),
        "scrub_ms_p95": round(_percentile(ours_ms, 0.95), 1),
        "scrub_ms_max": round(max(ours_ms), 1),
        "scrub_vs_bare_p50": round(statistics.median(ratios), 2),
        "scrub_vs_bare_p95": round(_percentile(ratios, 0.95), 2),
        "scrub_vs_bare_max": round(max(ratios), 2),
        "previews": sum(s.preview for s in measured),
        "scrub_full_ms_p50": round(statistics.median(full_ms), 1),
        "scrub_full_ms_p95": round(_percentile(full_ms, 0.95), 1),
        "scrub_full_vs_bare_p50": round(statistics.median(full_ratios), 2),
        "scrub_full_vs_bare_p95": round(_percentile(full_ratios, 0.95), 2),
        "movie_seeks": int(getattr(source, "seeks", 0)),
        "movie_frames_decoded": int(getattr(source, "frames_decoded", 0)),
    }
    if skipping:
        result["bare_skip_ms_p50"] = round(statistics.median(1000 * skipping[s.frame] for s in measured), 1)
    print_result(result, as_json)
    return result

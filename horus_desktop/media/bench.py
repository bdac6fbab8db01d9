"""Benchmarks that print figures (not timed tests): `bench_decode` and `bench_scrub` (ingest: `ingest_bench`)."""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import av
import numpy as np
import OpenEXR
import simplejpeg
from PIL import Image

from horus_desktop.media.colour import default_colour_config
from horus_desktop.media.decode_dpx import decode_dpx_pixels, read_dpx_header
from horus_desktop.media.decode_exr import EXR_THREADS_PER_FILE
from horus_desktop.media.decode_image import decode_image
from horus_desktop.media.decode_pool import DecodePool, threads_per_worker
from horus_desktop.media.display import at_view_size, cpu_convert, default_settings, gpu_convert
from horus_desktop.media.frame_cache import FrameCache
from horus_desktop.media.hashing import default_workers
from horus_desktop.media.open_source import open_frame_source
from horus_desktop.media.sequences import MediaItem, MediaKind, media_item_for, scan_media
from horus_desktop.media.view_size import view_factor

PLAYBACK_FPS = 24
#: Runs of each figure, interleaved; the best is kept (a burst of load on a shared machine falls on all alike).
ROUNDS = 2
#: The reduction the CPU colour path is also measured at: a 2K frame played in a view at most 1024 px wide.
VIEW_FACTOR = 2
#: ... and at the size a 2K frame is drawn in a viewer 1400 px wide (a 1920-px screen beside the panels): 1.375.
VIEWER_WIDTH = 1400
VIEWER_FACTOR = view_factor(VIEWER_WIDTH / 2048)
_EXR_THREADS = EXR_THREADS_PER_FILE  # in a bare decode process: what our decode processes use


def media_for(path: str | Path) -> MediaItem:
    if Path(path).is_dir():
        items = list(scan_media(path))
        if not items:
            raise FileNotFoundError(f"{path}: no media")
        return max(items, key=lambda i: len(i.files))
    return media_item_for(path)


def _bare_exr(path: str) -> None:
    # Same OpenEXR threading as our decoder, so the two figures compare like with like.
    OpenEXR.File(path, num_threads=_EXR_THREADS).parts[0].channels  # noqa: B018 (reads the pixels)


def _set_exr_threads(count: int) -> None:
    global _EXR_THREADS
    _EXR_THREADS = count


def _bare_jpeg(path: str) -> None:
    with open(path, "rb") as handle:
        simplejpeg.decode_jpeg(handle.read(), colorspace="RGB")


def _own_dpx_unpack(path: str) -> None:
    # Our own 10-bit unpack (media/dpx_kernel.py, what decode_dpx runs): the pipeline's decoder, measured beside
    # the library's (`own_unpack_fps_*`). Not the baseline: a compiled loop of ours (1.25 ms CPU a 2K frame,
    # libav 16.6 ms), against which the baseline would get harder the faster our decoder got (the numpy unpack
    # it replaced took 16 ms, and its ratios were measured against that).
    with open(path, "rb") as handle:
        data = handle.read()
    decode_dpx_pixels(data, read_dpx_header(data, path), path)


def _bare_libav(path: str) -> None:
    # libav's decode to an array in its own pixel format: TIFF (libav 42 ms a 2K deflate TIFF, Pillow 66 ms)
    # and 16-bit RGB (Pillow keeps 8 bits of it).
    with av.open(path) as container:
        next(container.decode(video=0)).to_ndarray()


def _bare_png(path: str) -> None:
    # Pillow's own decode to an array, nothing converted (8-bit: faster than libav's, 62 against 77 ms); a
    # 16-bit RGB PNG (its header says so) through libav.
    with Image.open(path) as image:
        args = image.tile[0].args if image.tile else None
        raw = args[0] if isinstance(args, tuple) else args
        if not (isinstance(raw, str) and ";16" in raw):
            np.asarray(image)
            return
    _bare_libav(path)


def _bare_other(path: str) -> None:
    decode_image(path)


def bare_image_decoder(extension: str) -> Callable[[str], None]:
    """The plain library decode of one frame of this format, the fastest measured here: OpenEXR, simplejpeg,
    libav for DPX (Pillow reads none), TIFF and 16-bit PNG, Pillow for 8-bit PNG; ``decode_image`` for the
    rest."""
    if extension == ".exr":
        return _bare_exr
    if extension in (".jpg", ".jpeg"):
        return _bare_jpeg
    if extension == ".dpx":
        return _bare_libav
    if extension in (".tif", ".tiff"):
        return _bare_libav
    if extension == ".png":
        return _bare_png
    return _bare_other


def _cpu_of(decode: Callable[[str], None], path: str) -> float:
    """CPU seconds this process (its OpenEXR threads too) spent decoding ``path``: run in a bare decode process."""
    started = time.process_time()
    decode(path)
    return time.process_time() - started


def _cpu_seconds(pids: list[int]) -> float:
    """CPU seconds used so far by this process (all its threads) and the processes ``pids`` (Linux's /proc;
    where there is none, this process alone)."""
    total = time.process_time()
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def _rate(count: int, seconds: float) -> float:
    return round(count / seconds, 2) if seconds > 0 else float("inf")


def _bare_movie_fps(item: MediaItem, count: int) -> float:
    started = time.perf_counter()
    with av.open(item.path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for index, video in enumerate(container.decode(stream)):
            video.to_ndarray(format="rgb24")
            if index + 1 >= count:
                break
    return _rate(count, time.perf_counter() - started)


def _bare_fps(item: MediaItem, frames: list[int], workers: int, *, processes: bool = False,
              cpu_ms: list[float] | None = None, decode: Callable[[str], None] | None = None) -> float | None:
    """The bare library's (or ``decode``'s) frames/s on `workers` threads (or worker processes, started before
    the clock); ``cpu_ms`` gets the CPU ms a frame the decodes took (the processes', or this process's threads)."""
    if item.kind is MediaKind.MOVIE:
        if workers > 1 or processes:
            return None  # one demuxer/decoder: the library's own threads are already in use
        cpu_started = time.process_time()
        fps = _bare_movie_fps(item, len(frames))
        if cpu_ms is not None:
            cpu_ms.append(1000.0 * (time.process_time() - cpu_started) / len(frames))
        return fps
    decode = decode or bare_image_decoder(item.extension)
    paths = [item.file_for_frame(f) for f in frames]
    if processes:  # with the OpenEXR threads our decode processes use
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=_set_exr_threads, initargs=(threads_per_worker(workers),)) as pool:
            list(pool.map(decode, paths[:workers]))  # started and imported outside the timing
            started = time.perf_counter()
            spent = list(pool.map(_cpu_of, [decode] * len(paths), paths))
            fps = _rate(len(paths), time.perf_counter() - started)
            if cpu_ms is not None:
                cpu_ms.append(1000.0 * sum(spent) / len(paths))
            return fps
    cpu_started = time.process_time()  # every thread of this process: the library's own ones too
    started = time.perf_counter()
    if workers == 1:
        for path in paths:
            decode(path)
    else:
        with ThreadPoolExecutor(workers) as threads:
            list(threads.map(decode, paths))
    fps = _rate(len(paths), time.perf_counter() - started)
    if cpu_ms is not None:
        cpu_ms.append(1000.0 * (time.process_time() - cpu_started) / len(paths))
    return fps


def _pipeline_fps(item: MediaItem, frames: list[int], workers: int, convert: Any = gpu_convert,
                  pool: DecodePool | None = None, reduction: float = 1,
                  cpu_ms: list[float] | None = None) -> tuple[float, int]:
    """The frame cache's frames/s reading `frames` ahead (decode + `convert`), and the movie seeks made.
    ``reduction``: as the viewer plays on the CPU path at the view's size (``convert`` at that size).
    ``cpu_ms`` gets the CPU ms a frame of this process and the pool's processes."""
    with open_frame_source(item) as source, FrameCache(
        source, convert=convert, workers=workers, read_ahead=len(frames), budget_bytes=8 * 1024**3, pool=pool,
        reduction=reduction,
    ) as cache:
        pids = pool.worker_pids() if pool is not None else []
        cpu_started = _cpu_seconds(pids)
        started = time.perf_counter()
        cache.set_playhead(frames[0])
        for frame in frames:
            entry = cache.get(frame, timeout=60)
            if entry.error is not None:
                raise entry.error
        fps = _rate(len(frames), time.perf_counter() - started)
        if cpu_ms is not None:
            cpu_ms.append(1000.0 * (_cpu_seconds(pids) - cpu_started) / len(frames))
        return fps, int(getattr(source, "seeks", 0))


def _playback_drops(item: MediaItem, frames: list[int], workers: int, convert: Any = gpu_convert,
                    pool: DecodePool | None = None) -> int:
    """Frames not decoded by their time when played at 24 fps right after opening (no pre-roll)."""
    dropped = 0
    with open_frame_source(item) as source, FrameCache(source, convert=convert, workers=workers, pool=pool) as cache:
        cache.set_playhead(frames[0])
        started = time.perf_counter()
        for index, frame in enumerate(frames):
            delay = started + (index + 1) / PLAYBACK_FPS - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            cache.set_playhead(frame)
            if cache.peek(frame) is None:
                dropped += 1
                cache.get(frame, timeout=60)
    return dropped


#: Rounds of the paired figures (`_paired_rounds`): an odd count, so one round is the median.
PAIRED_ROUNDS = 3
#: The pipelines paired with the bare decoder: decode only (what the GPU path uploads; its own rounds, see
#: `bench_decode`), then the CPU colour path at full size, at VIEW_FACTOR and at VIEWER_FACTOR (`_paired_rounds`).
COLOUR_PAIRED = ("full", "view", "viewer")
PAIRED = ("decode", *COLOUR_PAIRED)


def _paired_rounds(item: MediaItem, frames: list[int], workers: int, convert: Any, pool: DecodePool | None,
                   rounds: int = PAIRED_ROUNDS, cpu: dict[str, list[float]] | None = None) -> list[dict[str, float]]:
    """Each round, back to back: the bare decoder on all cores (images: the faster of threads and processes in
    this round; a movie: one decoder on the library's own threads) and each of COLOUR_PAIRED's CPU colour pipelines (on
    ``pool`` for images, as the app plays them). Returns each round's frames/s by name ("bare" and those); ``cpu``
    gets each one's CPU ms a frame per round (the bare one's from the processes, or this process's threads).

    Why pairs: this shared machine's speed drifts by a fifth over a minute (a 2K 16-bit TIFF's bare decode on
    two threads read 34.9 fps in one run and 22.9-28.7 fps in four others the same hour), so the best of each
    figure taken minutes apart set a fast moment's baseline against a slow moment's pipeline; a round's
    figures are taken within seconds of each other, and their ratio is the figure (`_paired_median`)."""
    movie = item.kind is MediaKind.MOVIE
    spent: dict[str, list[float] | None] = {k: (cpu.setdefault(k, []) if cpu is not None else None)
                                            for k in ("bare", *COLOUR_PAIRED)}
    out: list[dict[str, float]] = []
    for _ in range(rounds):
        figures: dict[str, float] = {}
        if movie:
            figures["bare"] = _bare_fps(item, frames, 1, cpu_ms=spent["bare"]) or 0.0
        else:
            threads = _bare_fps(item, frames, workers) or 0.0
            figures["bare"] = max(threads, _bare_fps(item, frames, workers, processes=pool is not None,
                                                      cpu_ms=spent["bare"]) or 0.0)
        figures["full"] = _pipeline_fps(item, frames, workers, convert, pool=pool, cpu_ms=spent["full"])[0]
        for name, factor in (("view", VIEW_FACTOR), ("viewer", VIEWER_FACTOR)):
            figures[name] = _pipeline_fps(item, frames, workers, at_view_size(convert, factor), pool=pool,
                                          reduction=factor, cpu_ms=spent[name])[0]
        out.append(figures)
    return out


def _paired_median(rounds: list[dict[str, float]], name: str) -> tuple[float, float, float | None]:
    """The round whose ``name`` pipeline against its own bare decoder is the median of the rounds: that
    pipeline's frames/s, the bare decoder's and the ratio."""
    ranked = sorted(rounds, key=lambda r: r[name] / r["bare"] if r["bare"] else 0.0)
    middle = ranked[(len(ranked) - 1) // 2]  # of an even count, the lower
    return middle[name], middle["bare"], _ratio(middle[name], middle["bare"])


def _ratio(ours: float | None, bare: float | None) -> float | None:
    return round(ours / bare, 3) if ours and bare else None


def bench_decode(
    path: str | Path, frames: int | None = 48, *, seconds: float | None = None, as_json: bool = False
) -> dict[str, Any]:
    """Frames/s of the bare library and of our pipeline (decode + what the viewer uploads; then with the CPU
    colour path) on 1 and all workers, threads and processes for images, all in one run; the movie seeks
    made while reading ahead, and 24 fps playback drops. Prints a table or JSON."""
    item = media_for(path)
    with open_frame_source(item) as source:
        all_frames = list(source.frames())
        sample = source.read(all_frames[0])
    count = len(all_frames) if frames is None else min(frames, len(all_frames))
    if seconds is not None:
        count = min(len(all_frames), max(count, int(seconds * PLAYBACK_FPS)))
    chosen = all_frames[:count]
    workers = default_workers()
    colour = default_colour_config()
    settings = default_settings(colour)
    convert = cpu_convert(colour, settings, per_frame=True)  # the viewer's CPU path
    convert(sample)  # bake the view outside the timings
    started = time.perf_counter()
    for _ in range(5):
        convert(sample)
    colour_fps = _rate(5, time.perf_counter() - started)
    convert_view = at_view_size(convert, VIEW_FACTOR)  # while playing: colour at the size the view draws
    started = time.perf_counter()
    for _ in range(5):
        convert_view(sample)
    colour_view_fps = _rate(5, time.perf_counter() - started)
    convert_viewer = at_view_size(convert, VIEWER_FACTOR)
    started = time.perf_counter()
    for _ in range(5):
        convert_viewer(sample)
    colour_viewer_fps = _rate(5, time.perf_counter() - started)
    result: dict[str, Any] = {
        "media": item.path, "frames": count, "resolution": f"{sample.width}x{sample.height}",
        "pixel_type": str(sample.pixels.dtype), "workers": workers, "view": settings.view,
        "cpu_colour_fps_1": colour_fps, f"cpu_colour_view{VIEW_FACTOR}_fps_1": colour_view_fps,
        "viewer_factor": VIEWER_FACTOR, "cpu_colour_viewer_fps_1": colour_viewer_fps,
    }
    # Best of ROUNDS, interleaved (the colour pipelines below are paired too): a single first run measured
    # one-off costs (a kernel's first load, the kernel making room for the cache's first pages) as the decode rate.
    seeks_1 = seeks_all = 0
    movie = item.kind is MediaKind.MOVIE
    # Decode only, the app's pipeline beside the bare decoder on all cores in the same round (`_paired_rounds`):
    # a movie's here (one decoder on the library's threads against the app's threads), an image sequence's on
    # the decode processes below. Apart from the colour rounds: their frames are other sizes than a decode-only
    # frame, so the freed frames' pages (media/frame_memory.py) a player of one path reuses would not fit.
    decode_rounds: list[dict[str, float]] = []
    for _ in range(PAIRED_ROUNDS if movie else ROUNDS):
        for key, workers_used in (("bare_fps_1", 1), ("bare_fps_all", workers)):
            fps = _bare_fps(item, chosen, workers_used)
            result[key] = None if fps is None else max(fps, result.get(key) or 0.0)
            if movie and workers_used == 1:
                decode_rounds.append({"bare": fps or 0.0})
        fps, seeks = _pipeline_fps(item, chosen, 1)
        result["pipeline_fps_1"], seeks_1 = max(fps, result.get("pipeline_fps_1", 0.0)), max(seeks_1, seeks)
        fps, seeks = _pipeline_fps(item, chosen, workers)
        result["pipeline_fps_all"], seeks_all = max(fps, result.get("pipeline_fps_all", 0.0)), max(seeks_all, seeks)
        if movie:
            decode_rounds[-1]["decode"] = fps
        if item.extension == ".dpx":  # the pipeline's own decoder, beside the library's
            for key, workers_used in (("own_unpack_fps_1", 1), ("own_unpack_fps_all", workers)):
                fps = _bare_fps(item, chosen, workers_used, decode=_own_dpx_unpack) or 0.0
                result[key] = max(fps, result.get(key, 0.0))
    best_pool: DecodePool | None = None
    cpu: dict[str, list[float]] = {}  # CPU ms a frame, which the load of other programs sways less
    if movie:
        # Re-seeks while reading ahead forward (the first positioning seek not counted): the goal is 0.
        result["movie_seeks"] = max(0, seeks_all - 1)
        result["movie_seeks_1"] = max(0, seeks_1 - 1)
        rounds = _paired_rounds(item, chosen, workers, convert, None, cpu=cpu)
        bare_best, ours_best = result["bare_fps_1"], result["pipeline_fps_all"]
        # A movie plays in the app's own threads (one decoder each): these are the app's figures.
        result["pipeline_app_fps_all"], result["pipeline_app_fps_1"] = ours_best, result["pipeline_fps_1"]
    else:
        # The decode-process pipeline beside the threads, at each worker count: the scaling.
        for n in sorted({1, workers}):
            pool = DecodePool(n)
            pool.wait_ready()
            for _ in range(PAIRED_ROUNDS if n == workers else ROUNDS):
                bare = _bare_fps(item, chosen, n, processes=True) or 0.0
                result[f"bare_processes_fps_{n}"] = max(bare, result.get(f"bare_processes_fps_{n}", 0.0))
                ours = _pipeline_fps(item, chosen, n, pool=pool)[0]
                result[f"pipeline_processes_fps_{n}"] = max(ours, result.get(f"pipeline_processes_fps_{n}", 0.0))
                if n == workers:  # the faster of threads and processes in this round
                    threads = _bare_fps(item, chosen, n) or 0.0
                    decode_rounds.append({"bare": max(bare, threads), "decode": ours})
            if n == workers:
                best_pool = pool
            else:
                pool.close()
        bare_best = max(result["bare_fps_all"] or 0, result[f"bare_processes_fps_{workers}"] or 0)
        # The app plays image sequences with the decode pool (a decoder that dies on a damaged file takes
        # only its process; OpenEXR's binding holds the GIL for much of a read: the UI thread waited up to
        # ~37 ms beside two decode threads here; a JPEG's frames, which the source gives no pool job,
        # decode in the cache's threads as in the app): the pool's are the pipeline's figures. The threads'
        # pipeline without the pool is measured beside them (``pipeline_fps_*``, and which was faster here).
        ours_best = result[f"pipeline_processes_fps_{workers}"]
        result["pipeline_app_fps_all"], result["pipeline_app_fps_1"] = ours_best, result["pipeline_processes_fps_1"]
        processes_win = ours_best >= result["pipeline_fps_all"]
        result["faster_backend"] = "processes" if processes_win else "threads"
        # On the decode processes whichever decode-only pipeline won: the app plays image sequences there, and
        # its CPU colour step runs in them (media/worker_colour.py).
        rounds = _paired_rounds(item, chosen, workers, convert, best_pool, cpu=cpu)
    # The CPU colour pipeline at full size and at the view's sizes, beside the bare decoder in the same rounds:
    # each figure's best round (as the figures above), then each pipeline in pairs with its round's bare decoder.
    keys = {"decode": "pipeline_decode_only", "full": "pipeline_cpu_colour",
            "view": f"pipeline_cpu_colour_view{VIEW_FACTOR}", "viewer": "pipeline_cpu_colour_viewer"}
    bare_beside = max(r["bare"] for r in rounds)
    for name in COLOUR_PAIRED:
        result[f"{keys[name]}_fps_all"] = max(r[name] for r in rounds)
    result["bare_beside_colour_fps_all"] = bare_beside
    result["paired_rounds"] = len(rounds)
    for name in PAIRED:
        # The table's figures: the median round's pipeline against that round's own bare decoder.
        ours, bare, ratio = _paired_median(decode_rounds if name == "decode" else rounds, name)
        result[f"{keys[name]}_paired_fps_all"] = ours
        result[f"{keys[name]}_paired_bare_fps_all"] = bare
        result[f"{keys[name]}_paired_vs_bare_all"] = ratio
    result["bare_best_all"] = bare_best
    result["pipeline_vs_bare_1"] = _ratio(result["pipeline_app_fps_1"], result["bare_fps_1"])
    result["pipeline_vs_bare_all"] = _ratio(ours_best, bare_best)
    bare_colour = max(bare_best or 0.0, bare_beside) or None
    result["pipeline_cpu_colour_vs_bare_all"] = _ratio(result["pipeline_cpu_colour_fps_all"], bare_colour)
    result[f"pipeline_cpu_colour_view{VIEW_FACTOR}_vs_bare_all"] = _ratio(
        result[f"pipeline_cpu_colour_view{VIEW_FACTOR}_fps_all"], bare_colour)
    result["pipeline_cpu_colour_viewer_vs_bare_all"] = _ratio(result["pipeline_cpu_colour_viewer_fps_all"], bare_colour)
    if cpu.get("bare"):
        # On a machine whose cores the pipeline keeps busy, its frames/s against the bare decoder's is the bare
        # decode's CPU a frame against the pipeline's (decode + colour + cache, app and processes): this ratio
        # is that bound, measured in CPU time, which the load of other programs sways less than the wall clock.
        bare_cpu = min(cpu["bare"])
        result["bare_cpu_ms_per_frame"] = round(bare_cpu, 2)
        for name in COLOUR_PAIRED:
            key, ours = keys[name], min(cpu[name])
            result[f"{key}_cpu_ms_per_frame"] = round(ours, 2)
            result[f"{key}_cpu_vs_bare_cpu"] = round(bare_cpu / ours, 3) if ours > 0 else None
    result["playback_24fps_dropped"] = _playback_drops(item, chosen, workers, pool=best_pool)
    if best_pool is not None:
        best_pool.close()
    print_result(result, as_json)
    return result


def print_result(result: dict[str, Any], as_json: bool) -> None:
    """A bench's figures: JSON alone on stdout with --json, else one aligned "name  value" line each."""
    if as_json:
        print(json.dumps(result, default=str))
        return
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")

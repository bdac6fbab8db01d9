"""`horus bench playback MEDIA`: play a media headless through the viewer's playback code and print figures.

Plays once from the first frame (no loop, so no frame is served twice from the cache) for at most
``seconds``, through the same PlaybackSession and FrameCache as the viewer, on the CPU colour path (there is
no display here), then decodes the same frames bare on all cores in the same run for comparison.

MEDIA may be a folder holding one media, or any frame file of a sequence: the sequence is played (as
``horus PATH`` opens it). Damaged frames play as placeholders, as in the viewer, and are reported
(``damaged_frames``, with the first reasons); only when no frame at all can be read does the run fail.

As in the viewer, the media is opened paused and the frame cache reads ahead of the playhead (its read-ahead
window) before play is pressed; ``cold=True`` presses play the moment the first frame is on screen instead.
While the cache fills, the run measures the pipeline's sustained rate (decode + colour on every worker,
``pipeline_fps``): the rate playback can keep up once the read-ahead is spent.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path
from typing import Any

from horus_desktop.media.bench import print_result
from horus_desktop.media.colour import ViewSettings, default_colour_config, passes_through
from horus_desktop.media.core_spread import core_count
from horus_desktop.media.display import cpu_convert
from horus_desktop.media.errors import MediaError, UnreadableFileError
from horus_desktop.media.frames import Frame
from horus_desktop.media.open_source import open_frame_source
from horus_desktop.media.sequences import MediaItem, group_files, media_item_for, scan_media
from horus_desktop.playback.clock import LoopMode, SlowPolicy
from horus_desktop.playback.session import PlaybackSession

#: Longest wait for the read-ahead window before play is pressed (a user looks at the first frame for about
#: as long before pressing Space).
PREROLL_LIMIT_S = 10.0


def _resolve(media: str | os.PathLike[str], store: Any,
             locate: Callable[[str], str] | None = None) -> tuple[str, Fraction | None]:
    text = str(media)
    if store is not None:
        try:
            media_id = uuid.UUID(text)
        except ValueError:
            media_id = None
        if media_id is not None:
            record = store.media.get(media_id)
            from horus_desktop.domain.timecode import exact_rate

            rate = exact_rate(record.frame_rate, record.frame_rate_rational)
            return (locate(record.file_path) if locate else record.file_path), rate
    return text, None


def playable_item(path: str) -> MediaItem:
    """The media to play for ``path``: a folder's one media, the sequence a frame file belongs to, or the path.

    A folder holding several media is refused with their names (say which one to play).
    """
    target = Path(path)
    if target.is_dir():
        items = list(scan_media(target))
        if len(items) != 1:
            names = ", ".join(Path(i.path).name for i in items[:5]) + (", ..." if len(items) > 5 else "")
            raise UnreadableFileError(path, f"holds {len(items)} media{f' ({names})' if items else ''}: "
                                            "give the one to play")
        return items[0]
    if target.is_file():
        siblings = group_files(str(target.parent / name) for name in os.listdir(target.parent))
        resolved = str(target)
        for item in siblings:
            if resolved in item.files:
                return item
    return media_item_for(path)


def _first_readable(source: Any, first: int, last: int, damaged: dict[int, str]) -> Frame:
    """The first frame that decodes (damaged ones before it noted); the media's error when none does."""
    error: MediaError | None = None
    for frame in range(first, last + 1):
        try:
            return source.read(frame)
        except MediaError as exc:
            error = error or exc
            damaged[frame] = exc.reason
    assert error is not None
    raise error


def _source_rate(source: Any, probe: Frame) -> Fraction:
    rate = getattr(source, "rate", None)
    if rate:
        return Fraction(rate)
    fps = probe.metadata.get("fps") or probe.metadata.get("framesPerSecond")
    try:
        return Fraction(fps) if fps else Fraction(24)
    except (TypeError, ValueError):
        return Fraction(24)


def bench_playback(
    media: str | os.PathLike[str],
    seconds: float = 10.0,
    as_json: bool = False,
    *,
    store: Any = None,
    locate: Callable[[str], str] | None = None,
    fps: float | None = None,
    policy: SlowPolicy = SlowPolicy.DROP,
    display: str | None = None,
    view: str | None = None,
    workers: int | None = None,
    quiet: bool = False,
    cold: bool = False,
    preroll_limit: float = PREROLL_LIMIT_S,
) -> dict[str, Any]:
    """Play ``media`` (a path, a sequence pattern or, with ``store``, a media id) and return/print figures.

    ``locate`` turns a record's studio path into this machine's path (the CLI passes the path mappings).

    Keys: target_fps, achieved_fps, dropped, decode_fps, colour_path, plus pipeline_fps, preroll_frames,
    preroll_s, frames_shown, frames_due, seconds, first_frame_ms, resolution, media.
    """
    path, stored_rate = _resolve(media, store, locate)
    item = playable_item(path)
    path = item.path
    colour = default_colour_config()
    source = open_frame_source(item)
    first, last = source.frame_range
    t_open = time.perf_counter()
    damaged: dict[int, str] = {}
    probe = _first_readable(source, first, last, damaged)
    is_float = probe.pixels.dtype.kind == "f"
    space = colour.resolve_colour_space(probe.colour_space, is_float=is_float)
    display = display or colour.default_display()
    settings = ViewSettings(space, display, view or colour.default_view(display))
    rate = Fraction(fps).limit_denominator(1001) if fps else (stored_rate or _source_rate(source, probe))
    if passes_through(probe.pixels, settings):
        colour_path = "cpu-passthrough (8-bit sRGB source on an sRGB display)"
    else:
        baked = colour.baked_view(settings, probe.pixels.dtype)
        colour_path = f"cpu-{'baked-lut3d' if baked.method == 'lut3d' else 'exact'} ({settings.view})"
    session = PlaybackSession(source, rate, convert=cpu_convert(colour, settings), policy=policy,
                              mode=LoopMode.ONCE, workers=workers)
    try:
        while not session.is_ready(first):
            time.sleep(0.001)
        first_frame_ms = (time.perf_counter() - t_open) * 1000.0
        session.tick()
        preroll_frames, preroll_s, pipeline_fps = _fill_read_ahead(session, first, 0.0 if cold else preroll_limit)
        session.play()
        started = time.monotonic()
        deadline = started + seconds
        shown_frames: list[int] = []
        shown_at: list[float] = []
        while session.playing and time.monotonic() < deadline:
            shown = session.tick()
            if shown is not None:
                shown_at.append(time.monotonic())
            if shown is not None and shown.error:  # a placeholder, as the viewer shows: play on
                damaged.setdefault(shown.frame, shown.error)
            elif shown is not None:
                shown_frames.append(shown.frame)
            # Sleep to the next due frame; poll briefly while a due frame is late.
            late = session.clock.is_late(time.monotonic())
            time.sleep(0.002 if late else min(0.01, max(0.0005, session.next_tick_in())))
        elapsed = time.monotonic() - started
        dropped = session.meter.dropped
        shown_count = session.meter.shown
        due = shown_count + dropped
    finally:
        session.cache.close()
    played = sorted(set(shown_frames)) or [first]
    decode_fps = _bare_decode_fps(source, played, workers or max(2, core_count()))
    source.close()
    result: dict[str, Any] = {
        "media": path,
        "resolution": f"{probe.width}x{probe.height}",
        "pixel_type": str(probe.pixels.dtype),
        "target_fps": round(float(rate), 3),
        "achieved_fps": presented_fps(started, shown_at),
        "dropped": dropped,
        "decode_fps": round(decode_fps, 2),
        "colour_path": colour_path,
        "frames_shown": shown_count,
        "frames_due": due,
        "seconds": round(elapsed, 2),
        "first_frame_ms": round(first_frame_ms, 1),
        "policy": policy.value,
        "pipeline_fps": round(pipeline_fps, 2),
        "preroll_frames": preroll_frames,
        "preroll_s": round(preroll_s, 2),
        "damaged_frames": sorted(damaged),
        "damaged_reasons": [f"frame {f}: {damaged[f]}" for f in sorted(damaged)[:5]],
    }
    if not quiet:
        print_result(result, as_json)
    return result


def presented_fps(started: float, shown_at: list[float]) -> float:
    """Frames shown after play was pressed at ``started`` over the time to the last of them (``shown_at``):
    the n frames after the first fall due at 1/fps ... n/fps, so a clip played on time reads its rate, and a
    dropped frame or one waited for lowers it. Frames shown over the time from play to the session's end read
    23.4 fps for a 48-frame clip played on time (47 frames over 48 frame periods: the first is shown paused)."""
    span = shown_at[-1] - started if shown_at else 0.0
    return round(len(shown_at) / span, 2) if span > 0 else 0.0


def _fill_read_ahead(session: PlaybackSession, first: int, limit: float) -> tuple[int, float, float]:
    """Wait (at most ``limit`` s) while the paused viewer's cache reads ahead from ``first``.

    Returns (frames cached ahead, seconds waited, frames/s the cache filled at: the pipeline's sustained
    rate, 0 when nothing was waited for).
    """
    window = session.clock.walk.ahead(first, 1, session.read_ahead)

    def ready() -> int:
        return sum(1 for frame in window if session.is_ready(frame))

    started = time.perf_counter()
    deadline = started + limit
    already = count = ready()
    while count < len(window) and time.perf_counter() < deadline:
        time.sleep(0.005)
        count = ready()
    waited = time.perf_counter() - started
    return count, waited, ((count - already) / waited if waited > 0 else 0.0)


def _bare_decode_fps(source: Any, frames: list[int], workers: int) -> float:
    """Frames/s of decoding ``frames`` alone (no colour, no cache) on ``workers`` threads."""
    frames = frames[:96]
    started = time.perf_counter()
    if Path(str(source.path)).suffix.lower() in {".mov", ".mp4", ".mxf", ".mkv", ".avi", ".webm", ".m4v"}:
        for frame in frames:  # a movie decodes in order on one decoder
            source.read(frame)
    else:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(source.read, frames))
    elapsed = time.perf_counter() - started
    return len(frames) / elapsed if elapsed > 0 else 0.0

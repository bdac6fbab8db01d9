"""One media being played: source, the media engine's frame cache and the clock, driven by ticks.

The Qt viewer calls ``tick()`` from a precise timer; the headless benchmark calls it from a plain loop.
Both go through this code, so the figures the benchmark prints are the viewer's.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import TYPE_CHECKING

from horus_desktop.media.display import Conversion, at_view_size, gpu_convert
from horus_desktop.media.frame_cache import DEFAULT_READ_AHEAD, CachedFrame, FrameCache
from horus_desktop.media.frames import FrameSource
from horus_desktop.media.view_size import view_reduction
from horus_desktop.playback.clock import LoopMode, PlaybackClock, SlowPolicy
from horus_desktop.playback.stats import FpsMeter

if TYPE_CHECKING:  # numpy and the decode pool load on first use, not before the window shows
    import numpy as np

    from horus_desktop.media.decode_pool import DecodePool

#: Seconds of frames the cache decodes ahead of the playhead (within its byte budget). A shot that fits plays
#: in real time once read ahead, even where decoding alone cannot keep up (2K half EXR on the CPU path).
READ_AHEAD_SECONDS = 4.0


def read_ahead_for(fps: Fraction | float) -> int:
    """Frames to read ahead at ``fps``: READ_AHEAD_SECONDS of them, at least DEFAULT_READ_AHEAD."""
    return max(DEFAULT_READ_AHEAD, math.ceil(READ_AHEAD_SECONDS * float(fps)))


@dataclass(frozen=True, slots=True)
class ShownFrame:
    """A frame for the screen: its pixels (as converted for the colour path), or why it cannot be shown."""

    frame: int
    pixels: np.ndarray | None
    error: str | None = None
    colour_space: str = ""
    dropped: int = 0
    #: Reduced for the view while playing: image pixels per pixel held (1: full resolution; 1.375, ...).
    scale: float = 1
    #: The full image's width and height the pixels stand for (None: the pixels' own).
    full_size: tuple[int, int] | None = None

    @property
    def width(self) -> int:
        """Width in pixels (0 for an error)."""
        return 0 if self.pixels is None else int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        """Height in pixels (0 for an error)."""
        return 0 if self.pixels is None else int(self.pixels.shape[0])

    @property
    def image_size(self) -> tuple[int, int]:
        """Width and height of the image in image pixels (the full frame's, also when reduced)."""
        return self.full_size if self.full_size is not None else (self.width, self.height)


class PlaybackSession:
    """Plays a FrameSource: ``tick()`` returns the frame to show and keeps the cache ahead of the playhead."""

    def __init__(
        self,
        source: FrameSource,
        fps: Fraction | float,
        *,
        convert: Conversion = gpu_convert,
        policy: SlowPolicy = SlowPolicy.DROP,
        mode: LoopMode = LoopMode.LOOP,
        read_ahead: int | None = None,
        budget_bytes: int | None = None,
        workers: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        processes: bool = True,
    ) -> None:
        """``processes``: decode image frames in the app's decode processes (media/decode_pool), one per
        core; the source's frames are then only converted in this process. Movies decode in-process."""
        first, last = source.frame_range
        self.source = source
        self.media_range = (first, last)
        self.clock = PlaybackClock(fps, first, last, mode=mode, policy=policy)
        self.read_ahead = read_ahead if read_ahead is not None else read_ahead_for(fps)
        self._budget, self._workers = budget_bytes, workers
        self._pool: DecodePool | None = None
        if processes and type(source).decode_job is not FrameSource.decode_job:
            from horus_desktop.media.decode_pool import shared_decode_pool

            self._pool = shared_decode_pool()
        self.frame_cost = 0.0
        self._last_aim: tuple[int, int, bool, int] | None = None
        self._convert = convert
        self._view_reduction = 1  # asked for while playing (the CPU path's view size)
        self.reduction = 1  # what the cache's frames are reduced by
        self.cache = self._new_cache(convert)
        self.meter = FpsMeter()
        self._now = clock
        self.shown: int | None = None
        self._shown_preview = False  # the frame on screen is the cache's preview of the frame scrubbed to
        self.aim()

    def _new_cache(self, convert: Conversion, seed: dict[int, CachedFrame] | None = None) -> FrameCache:
        return FrameCache(self.source, convert=at_view_size(convert, self.reduction), budget_bytes=self._budget,
                          workers=self._workers, read_ahead=self.read_ahead, pool=self._pool,
                          reduction=self.reduction, seed=seed)

    def _note_cost(self, entry: CachedFrame) -> None:
        # Seconds one worker spent on a frame (read + convert), smoothed over the frames shown.
        if entry.cost > 0:
            self.frame_cost = 0.8 * self.frame_cost + 0.2 * entry.cost if self.frame_cost else entry.cost

    def lead_frames(self) -> int:
        """How far ahead of the due frame decoding must start to be ready in time."""
        if not self.clock.playing or not self.frame_cost:
            return 0
        return min(self.read_ahead // 2, int(self.frame_cost * self.clock.rate))

    # --- state -----------------------------------------------------------------------------------
    @property
    def current(self) -> int:
        """The playhead frame."""
        return self.clock.current

    @property
    def playing(self) -> bool:
        """True while playing."""
        return self.clock.playing

    @property
    def in_out(self) -> tuple[int, int]:
        """The in and out points (the range playback loops over)."""
        return (self.clock.walk.first, self.clock.walk.last)

    def is_ready(self, frame: int) -> bool:
        """True when ``frame`` is decoded (or known to fail)."""
        return self.cache.peek(frame) is not None

    def entry(self, frame: int) -> ShownFrame | None:
        """The frame as the viewer shows it, if cached."""
        cached = self.cache.peek(frame)
        if cached is None:
            return None
        self._note_cost(cached)
        if cached.frame is None:
            reason = cached.error.reason if cached.error is not None else "could not be decoded"
            return ShownFrame(frame, None, f"Frame {frame}: {reason}")
        factor, size = view_reduction(cached.frame)
        return ShownFrame(frame, cached.frame.pixels, None, cached.frame.colour_space,
                          scale=factor, full_size=size if factor > 1 else None)

    # --- control ---------------------------------------------------------------------------------
    def play(self, direction: int | None = None, speed: float | None = None) -> None:
        """Start playing (or change direction/speed)."""
        self.meter.reset()
        self.clock.play(self._now(), direction=direction, speed=speed)
        self.aim()

    def pause(self) -> None:
        """Stop on the current frame."""
        self.clock.stop()
        self.aim()

    def seek(self, frame: int) -> int:
        """Move the playhead to ``frame`` (clamped to in/out); playback continues from there."""
        result = self.clock.seek(frame, self._now())
        self.aim()
        return result

    def step(self, n: int) -> int:
        """Step ``n`` frames and pause."""
        result = self.clock.step(n)
        self.aim()
        return result

    def set_in_out(self, first: int | None, last: int | None) -> tuple[int, int]:
        """Set the in/out points (None: the media's own ends)."""
        lo = self.media_range[0] if first is None else max(self.media_range[0], first)
        hi = self.media_range[1] if last is None else min(self.media_range[1], last)
        if hi < lo:
            lo, hi = hi, lo
        self.clock.set_range(lo, hi)
        self.aim()
        return (lo, hi)

    def set_convert(self, convert: Conversion) -> FrameCache:
        """New colour settings (CPU path): a fresh cache; returns the old one for the caller to close."""
        old = self.cache
        self._convert = convert
        self.cache = self._new_cache(convert)
        self.shown = None
        self.aim()
        return old

    def set_view_reduction(self, factor: float) -> None:
        """Frames played are reduced by ``factor`` before the colour step (the CPU path at the view's size:
        media/display.at_view_size); paused, stepping or scrubbing, frames are full resolution. A change of
        the factor in force re-aims a fresh cache, as a colour change does."""
        factor = max(1, factor)
        if factor != self._view_reduction:
            self._view_reduction = factor
            self.aim()

    def _follow_reduction(self) -> None:
        wanted = self._view_reduction if self.clock.playing else 1
        if wanted == self.reduction:
            return
        self.reduction = wanted
        old = self.cache
        seed = None
        if wanted > 1:  # play pressed: the paused read-ahead is reduced, not decoded again
            ahead = range(self.read_ahead + 1)
            at, direction = self.clock.current, self.clock.direction
            seed = {n: e for n, e in old.entries().items() if (n - at) * direction in ahead}
        self.cache = self._new_cache(self._convert, seed)
        self.shown = None
        # Closing waits for its running decodes: not on the caller's (the UI) thread.
        threading.Thread(target=old.close, name="horus-cache-retire", daemon=True).start()

    def aim(self) -> None:
        """Point the read-ahead at the frame due now, in the play direction."""
        self._follow_reduction()
        clock = self.clock
        start = clock.current
        if clock.playing:
            due = clock.due_steps(self._now()) + self.lead_frames()
            start = clock.frame_after(due)
        aim = (start, clock.direction, clock.playing, id(self.cache))
        if aim == self._last_aim:
            return
        self._last_aim = aim
        # Paused: the user scrubs; the frame asked for next must not wait behind read-ahead.
        self.cache.set_playhead(start, clock.direction, scrubbing=not clock.playing)
        if clock.playing:
            upcoming = clock.walk.ahead(start, clock.direction, self.read_ahead)
            # Near the out point of a loop the cache's window stops at the media's end: ask for the frames
            # after the wrap explicitly so the loop point does not stall.
            wrapped = [f for f in upcoming[: self.read_ahead // 4] if (f - start) * clock.direction < 0]
            if wrapped:
                self.cache.prefetch(wrapped)

    def tick(self) -> ShownFrame | None:
        """Called by the timer: the frame to put on screen now, or None to keep the current one."""
        now = self._now()
        clock = self.clock
        if not clock.playing:
            if self.shown != clock.current or self._shown_preview:
                entry = self.entry(clock.current)
                # A frame scrubbed to may come as a reduced preview first (media/frame_cache.py): the full
                # one replaces it when it comes.
                if entry is not None and (self.shown != clock.current or entry.scale == 1):
                    self.shown = clock.current
                    self._shown_preview = entry.scale != 1
                    return entry
            return None
        result = clock.tick(now, self.is_ready)
        self.aim()
        if result.frame is None:
            return None
        entry = self.entry(result.frame)
        if entry is None:  # evicted between the check and now: try again next tick
            return None
        self.meter.frame_shown(now, result.dropped)
        self.shown = result.frame
        return replace(entry, dropped=result.dropped)

    def next_tick_in(self) -> float:
        """Seconds until the next frame falls due."""
        now = self._now()
        return max(0.0, self.clock.next_due_time(now) - now)

    def actual_fps(self) -> float:
        """Frames shown per second over the last second."""
        return self.meter.fps(self._now())

    def close(self) -> None:
        """Stop decoding and release the source."""
        self.cache.close()
        self.source.close()

"""A memory-bounded cache of decoded frames with read-ahead in the play direction.

Scheduling: the cache's worker threads take the most wanted frame each time one is free, never a queue
made earlier. First the frames a caller waits for (`get`, newest first), then the read-ahead window from
the playhead in the play direction (its first frame, the one on screen, as urgent as a waited-for one),
then frames asked ahead of time (`prefetch`: after a loop's wrap). Every `set_playhead` replaces the
window, so read-ahead aimed at an old playhead is dropped at once (only the decodes already running
finish). While scrubbing (paused), read-ahead waits until the frame scrubbed to has been ready for
SCRUB_SETTLE_S, then leaves one worker free so the next frame the user asks for starts at once. A source
that must be read in order (a movie) is decoded on one lane in play order (one seek, then the decoder runs
forward); its frames are converted on the other workers. While scrubbing, the frame asked for does not take
the lane: the movie source decodes it on a decoder of its own, so it never waits for read-ahead.

Given a `DecodePool`, image frames are decoded in worker processes (all cores, no GIL, and a decoder crash
on a damaged file is the worker's, not the app's); on the CPU path the workers also convert them once this
cache has converted a frame of the colour setting and shipped its bake (media/worker_colour.py). While
scrubbing, the frame asked for goes to the next free worker before any read-ahead, decodes on every core
and is converted here (in bands on every core).

Superseded decodes: while scrubbing, a decode already running for a frame nobody wants any more (the user
moved on before it was shown) gives the newest frame the cores and nothing is cached for it: a decode
process is paused while the frame asked for decodes and finishes after it (media/decode_pool.py: no
process killed and forked again), a movie stops between frames (`FrameSource.read_unless`). The frame
scrubbed to is converted in bands of rows on every core when its conversion costs (the CPU path's colour
step: media/banded.py).

The "pipeline" is decode + a conversion from media/display.py to what the viewer uploads: for the GPU path
the raw half/uint8 pixels, upload-ready (`gpu_convert`); for the CPU path the baked-view uint8 display
pixels (`cpu_convert`). Each entry carries what it cost (read and convert seconds) so playback can aim its
read-ahead. Errors are cached as error entries: the viewer draws a placeholder naming the problem and
playback goes on.
"""

from __future__ import annotations

import itertools
import math
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from horus_desktop.media.display import Conversion, gpu_convert, shows_unreduced
from horus_desktop.media.errors import DamagedFrameError, MediaError
from horus_desktop.media.frames import Frame, FrameSource, Superseded
from horus_desktop.media.hashing import default_workers
from horus_desktop.media.view_size import reduce_for_view, view_reduction

if TYPE_CHECKING:  # numpy, the decode pool and the banded conversion load on first use: after the window shows
    from horus_desktop.media.decode_pool import DecodePool

MAX_DEFAULT_BUDGET = 8 * 1024**3
DEFAULT_READ_AHEAD = 48
#: Seconds the frame scrubbed to must have been ready while paused before read-ahead starts: while the user
#: scrubs, every core works on the frames asked for (read-ahead beside them made each wait or share cores).
SCRUB_SETTLE_S = 0.15
_ERROR_ENTRY_BYTES = 1024
#: A conversion that took longer than this (seconds) runs in bands on every core for the frame scrubbed to
#: (media/banded.py): the CPU path's colour step, ~20 ms a 2K frame; not the GL path's (~0).
BANDED_CONVERT_S = 0.002
#: A conversion that took longer than this gives the frame scrubbed to a preview at 1/PREVIEW_REDUCTION
#: size first (its colour step a quarter), shown while the full frame is converted, as a professional
#: player shows a proxy while the user drags; the full frame replaces it ~10 ms later.
PREVIEW_CONVERT_S = 0.006
PREVIEW_REDUCTION = 2


def default_budget_bytes() -> int:
    """A quarter of physical RAM, at most 8 GiB."""
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        ram = 8 * 1024**3
    return int(min(ram // 4, MAX_DEFAULT_BUDGET))


@dataclass(frozen=True, eq=False)
class CachedFrame:
    """A cache entry: the converted frame, or the error that stopped it."""

    number: int
    frame: Frame | None
    error: MediaError | None
    #: Seconds a worker spent reading (decoding) and converting it: what the next frames will likely cost.
    cost: float = 0.0

    @property
    def nbytes(self) -> int:
        """Bytes held."""
        return self.frame.pixels.nbytes if self.frame is not None else _ERROR_ENTRY_BYTES


class FrameCache:
    """Decoded frames of one source under a byte budget, read ahead of the playhead on worker threads."""

    def __init__(
        self,
        source: FrameSource,
        *,
        convert: Conversion = gpu_convert,
        budget_bytes: int | None = None,
        workers: int | None = None,
        read_ahead: int = DEFAULT_READ_AHEAD,
        pool: DecodePool | None = None,
        reduction: int = 1,
        seed: Mapping[int, CachedFrame] | None = None,
    ) -> None:
        """``reduction``: the decode processes reduce frames by this factor before sharing them (the CPU path
        playing at the view's size: media/view_size.py); ``convert`` must then expect reduced frames.
        ``seed``: full-size entries already converted (the paused cache's read-ahead when play is pressed):
        a reducing cache takes those frames by striding their display pixels (the colour is per pixel, so
        that is the frame it would make) instead of decoding them again. Frames ``convert`` passes through
        (display.shows_unreduced) are kept at full size: the viewer scales them when it paints them."""
        self.source = source
        self.reduction = max(1, reduction)
        self._seed = dict(seed or {}) if self.reduction > 1 else {}
        # What the decode processes are asked to reduce by: 1 once a frame shows that ``convert`` passes this
        # source's frames through (8-bit sRGB): reducing those spares no colour step and costs a gather.
        self._pool_reduction = self.reduction
        self.convert = convert
        # The CPU path's colour step goes to the decode processes once the first frame has been converted
        # here (its bake shipped once: media/worker_colour.py); the GL path's has nothing to do.
        self._worker_colour = None
        from horus_desktop.media.frame_memory import shared_memory
        from horus_desktop.media.worker_colour import WorkerColour, cpu_conversion_of

        cpu = cpu_conversion_of(convert)
        if pool is not None:
            self._worker_colour = WorkerColour(cpu) if cpu is not None else None
        # Where frames decoded in this process go: with a pool, its frame memory; else, on the GPU path (frames
        # kept as decoded), the process's (a movie's, copied in: media/movie_source.py). The CPU path keeps its
        # colour step's output (numpy's, on huge pages: few faults), so a decoded frame there is freed at once;
        # one it passes through (8-bit Rec.709 on a Rec.709 display) stays where PyAV put it: copying those too
        # measured 0.80x -> 0.83x, within this machine's spread, so it was not taken.
        self._memory = pool.memory if pool is not None else (shared_memory() if cpu is None else None)
        self.budget_bytes = budget_bytes if budget_bytes is not None else default_budget_bytes()
        self.read_ahead = read_ahead
        self.first, self.last = source.frame_range
        self.workers = max(1, workers or default_workers())
        self._pool = pool
        # Frames decoded at once: the pool's processes, else the worker threads. With a pool there are
        # twice as many threads as processes, so a process decodes the next frame while its last one is
        # converted here.
        self._decode_slots = min(self.workers, pool.workers) if pool is not None else self.workers
        threads = self.workers if pool is None else max(self.workers, 2 * self._decode_slots)
        if pool is not None:
            # While scrubbing, decodes passed over wait paused in the pool, each holding its thread here: one
            # thread per process beyond those, so the frame asked for is picked at once (a trace showed it
            # waiting 85-117 ms for a thread behind three paused decodes).
            threads += pool.spare + 1
        if source.ordered_decode:
            # One more for the frame scrubbed to: a movie decode passed over stops only at its next decoded
            # frame (after a seek, tens of ms), and the frame asked for must not wait for its thread.
            threads += 1
        self._cond = threading.Condition()
        self._entries: OrderedDict[int, CachedFrame] = OrderedDict()
        self._asked: list[int] = []  # frames callers wait for, newest first
        self._window_frames: list[int] = []  # read-ahead from the playhead, in play order
        self._prefetched: list[int] = []
        self._running: set[int] = set()
        self._waiters: dict[int, Future[CachedFrame]] = {}
        self._bytes = 0
        self._playhead = self.first
        self._direction = 1
        self._scrubbing = False
        self._prepared = False  # the source told the user may scrub (`set_playhead`)
        self._settled_at = 0.0
        self._closed = False
        self._convert_s = 0.0  # CPU seconds of the last conversion on its thread (a banded one: its first band)
        # One decode at a time, in play order, for sources that decode forward (movies): the lane.
        self._ordered = source.ordered_decode
        self._lane_busy = False
        self._threads = [threading.Thread(target=self._work, name=f"horus-frames-{i}", daemon=True)
                         for i in range(threads)]
        for thread in self._threads:
            thread.start()

    @property
    def bytes_used(self) -> int:
        """Bytes held by cached entries."""
        return self._bytes

    def cached_frames(self) -> list[int]:
        """Frame numbers held (frames and errors), sorted, for the cache bar."""
        with self._cond:
            return sorted(self._entries)

    # --- workers -----------------------------------------------------------------------------------
    def _pick(self) -> tuple[int, bool, bool] | None:
        """The most wanted frame neither cached nor being decoded, whether someone waits for it now, and
        whether it takes the lane (call with the condition held)."""
        playhead = self._window_frames[:1]  # the frame on screen goes first, like a frame waited for
        for number in itertools.chain(self._asked, playhead):
            if number not in self._entries and number not in self._running:
                # Playing, a movie's frames all go down the lane in order (no re-seek); a frame scrubbed to
                # is decoded beside it, on the source's other decoder.
                laned = self._ordered and not self._scrubbing
                if laned and self._lane_busy:
                    return None
                return number, True, laned
        if self._scrubbing:
            if time.monotonic() < self._settled_at:
                return None  # the user is still moving the playhead: every core for the frames asked
            if self._decode_slots > 1 and len(self._running) >= self._decode_slots - 1:
                return None  # keep a worker for the frame the user scrubs to next
        if self._ordered and self._lane_busy:
            return None
        for number in itertools.chain(self._window_frames, self._prefetched):
            if number not in self._entries and number not in self._running:
                return number, False, self._ordered
        return None

    def _take(self) -> tuple[int, bool, bool] | None:
        with self._cond:
            while not self._closed:
                picked = self._pick()
                if picked is not None:
                    self._running.add(picked[0])
                    self._lane_busy = self._lane_busy or picked[2]
                    return picked
                settling = self._settled_at - time.monotonic() if self._scrubbing else 0.0
                self._cond.wait(settling if 0 < settling < math.inf else None)
            return None

    def _work(self) -> None:
        from horus_desktop.media.decode_pool import CONVERTED_KEY
        while True:
            picked = self._take()
            if picked is None:
                return
            number, urgent, laned = picked
            started = time.perf_counter()
            try:
                decoded = self._read(number, started, urgent)
            finally:
                if laned:  # decoded: the lane's next frame may start while this one is converted
                    with self._cond:
                        self._lane_busy = False
                        self._cond.notify_all()
            if decoded is None:
                self._drop(number)
                continue
            if isinstance(decoded, CachedFrame):
                entry = decoded
            elif decoded.metadata.get(CONVERTED_KEY):  # its decode process converted it
                metadata = {k: v for k, v in decoded.metadata.items() if k != CONVERTED_KEY}
                entry = CachedFrame(number, replace(decoded, metadata=metadata), None, time.perf_counter() - started)
            else:  # the frame scrubbed to is the only one wanted: its colour on every core
                scrubbed_to = urgent and self._scrubbing
                if scrubbed_to and self.reduction == 1 and self._convert_s > PREVIEW_CONVERT_S:
                    if not self._preview(number, decoded, started):
                        continue  # the user moved on meanwhile: not converted at full size
                entry = self._converted(number, decoded, started, banded=scrubbed_to)
            self._finish(entry)

    def _preview(self, number: int, frame: Frame, started: float) -> bool:
        """The frame scrubbed to shown at half size first (a quarter of the colour step), the full frame
        after it; False (the preview dropped) when the user moved on before the full one."""
        from horus_desktop.media.banded import convert_in_bands
        preview = CachedFrame(number, convert_in_bands(self.convert, reduce_for_view(frame, PREVIEW_REDUCTION)),
                              None, time.perf_counter() - started)
        self._finish(preview, final=False)
        if not self._superseded(number):
            return True
        with self._cond:
            if self._entries.get(number) is preview:  # a later visit decodes it anew, at full size
                self._bytes -= self._entries.pop(number).nbytes
            self._running.discard(number)
            self._cond.notify_all()
        return False

    def _superseded(self, number: int) -> bool:
        """True while scrubbing once nobody wants `number`: not waited for, not the playhead, and not read
        ahead (until the scrub settles there is no read-ahead: a frame passed over is not kept for it)."""
        with self._cond:
            if self._closed or not self._scrubbing or number in self._asked or number == self._playhead:
                return False
            if time.monotonic() < self._settled_at:
                return True
            return number not in self._window_frames and number not in self._prefetched

    def _drop(self, number: int) -> None:
        """A superseded decode stopped: nothing to cache; a caller who asked again meanwhile gets it anew."""
        with self._cond:
            self._running.discard(number)
            self._cond.notify_all()

    def _error(self, number: int, exc: Exception, started: float) -> CachedFrame:
        if not isinstance(exc, MediaError):  # a decoder bug must not stop playback: report a damaged frame
            exc = DamagedFrameError(self.source.path, f"frame {number}: {exc}")
        return CachedFrame(number, None, exc, time.perf_counter() - started)

    def _seeded(self, number: int) -> CachedFrame | None:
        """The seed's entry of ``number`` reduced to this cache's size (an error entry as it is), or None."""
        import numpy as np
        with self._cond:
            entry = self._seed.pop(number, None)
        if entry is None or entry.frame is None:
            return entry
        if view_reduction(entry.frame)[0] != 1:
            return None
        if shows_unreduced(self.convert, entry.frame):  # its colour passed through: nothing to reduce for
            return entry
        reduced = reduce_for_view(entry.frame, self.reduction)
        return CachedFrame(number, replace(reduced, pixels=np.ascontiguousarray(reduced.pixels)), None, entry.cost)

    def _read(self, number: int, started: float, urgent: bool) -> Frame | CachedFrame | None:
        """The decoded frame, a ready entry (seeded, or the error), or None when it was superseded."""
        from horus_desktop.media.decode_pool import CONVERTED_KEY
        seeded = self._seeded(number) if self._seed else None
        if seeded is not None:
            return seeded

        def superseded() -> bool:
            return self._superseded(number)

        try:
            if self._pool is not None:
                job = self.source.decode_job(number)
                if job is not None:
                    # The frame scrubbed to never waits for a worker: with none free (stale decodes
                    # being stopped and replaced) it decodes here at once.
                    scrubbing = self._scrubbing
                    scrubbed_to = urgent and scrubbing
                    # While scrubbing, a decode the user moves past is given up part-way where it can be
                    # (an EXR's), not paused to finish later for nothing.
                    # The frame scrubbed to is converted here, in bands on every core (quicker than one worker).
                    frame = self._pool.decode(job, self.source.decode_timeout, reduction=self._pool_reduction,
                                              urgent=scrubbed_to, wait=not scrubbed_to, cancelled=superseded,
                                              stoppable=scrubbing,
                                              colour=None if scrubbed_to else self._worker_colour)
                    if frame is not None:
                        if (self._pool_reduction > 1 and not frame.metadata.get(CONVERTED_KEY)
                                and shows_unreduced(self.convert, frame)):
                            self._pool_reduction = 1  # the next frames come whole (this one is shown reduced)
                        return frame
            if self._pool is None and self._pool_reduction > 1:
                # Here, not at the top: decode_image imports libav and Pillow, which start-up defers.
                from horus_desktop.media.decode_image import decodes_at_view_size

                job = self.source.decode_job(number)
                if job is not None and decodes_at_view_size(job.decode):  # a DPX: only the kept pixels
                    return replace(job.decode(job.path, reduction=self._pool_reduction, **job.options), frame=number)
            # Into a freed frame's pages where the source can put them there (`self._memory`).
            return self.source.read_unless(number, superseded, self._memory)
        except Superseded:
            return None
        except Exception as exc:
            return self._error(number, exc, started)

    def _converted(self, number: int, frame: Frame, started: float, *, banded: bool = False) -> CachedFrame:
        from horus_desktop.media.banded import convert_in_bands
        try:
            # This thread's CPU time, not the wall clock: a conversion that waited for the GIL or a core under
            # load is not a costly one (a GL path frame got a preview once at load 6).
            began = time.thread_time()
            if banded and self.reduction == 1 and self._convert_s > BANDED_CONVERT_S:
                converted = convert_in_bands(self.convert, frame)
            else:
                converted = self.convert(frame)
            self._convert_s = time.thread_time() - began
            if self._worker_colour is not None:
                self._worker_colour.learn(frame)  # the next frames of these settings convert in their workers
            return CachedFrame(number, converted, None, time.perf_counter() - started)
        except Exception as exc:
            return self._error(number, exc, started)

    def _finish(self, entry: CachedFrame, *, final: bool = True) -> None:
        """Cache ``entry`` and hand it to whoever waits for it; ``final`` False: a preview, the frame goes on
        decoding (it stays running, not picked again)."""
        with self._cond:
            if final:
                self._running.discard(entry.number)
            if entry.number in self._asked:
                self._asked.remove(entry.number)
            if not self._closed:
                self._insert(entry)
            if entry.number == self._playhead and self._settled_at == math.inf:
                self._settled_at = time.monotonic() + SCRUB_SETTLE_S
            waiter = self._waiters.pop(entry.number, None)
            self._cond.notify_all()
        if waiter is not None and not waiter.done():
            waiter.set_result(entry)

    # --- entries -----------------------------------------------------------------------------------
    def _insert(self, entry: CachedFrame) -> None:
        old = self._entries.pop(entry.number, None)
        if old is not None:
            self._bytes -= old.nbytes
        self._entries[entry.number] = entry
        self._bytes += entry.nbytes
        self._evict(keep=entry.number)

    def _eviction_order(self) -> list[int]:
        """Frames behind the playhead first (least recently used first), then the farthest ahead."""
        behind, ahead = [], []
        for number in self._entries:  # LRU order
            offset = (number - self._playhead) * self._direction
            (behind if offset < 0 else ahead).append((offset, number))
        ahead.sort(reverse=True)
        return [n for _, n in behind] + [n for _, n in ahead]

    def _evict(self, keep: int) -> None:
        if self._bytes <= self.budget_bytes:
            return
        for number in self._eviction_order():
            if self._bytes <= self.budget_bytes:
                break
            if number in (keep, self._playhead):
                continue
            self._bytes -= self._entries.pop(number).nbytes

    def _window(self) -> list[int]:
        frame_bytes = max((e.nbytes for e in self._entries.values() if e.frame is not None), default=0)
        count = self.read_ahead
        if frame_bytes:
            count = max(1, min(count, self.budget_bytes // frame_bytes - 1))
        numbers = (self._playhead + i * self._direction for i in range(count + 1))
        return [n for n in numbers if self.first <= n <= self.last]

    # --- requests ----------------------------------------------------------------------------------
    def set_playhead(self, frame: int, direction: int = 1, *, scrubbing: bool = False) -> None:
        """Aim read-ahead at `frame` going `direction` (+1 forward, -1 backward); read-ahead aimed elsewhere
        that has not started is dropped. `scrubbing` (paused): read-ahead leaves a worker free."""
        if scrubbing and not self._prepared:
            # Paused (a viewer opened the media): a movie opens its spare decoders before the user drags.
            self._prepared = True
            self.source.prepare_for_scrub()
        with self._cond:
            if self._closed:
                return
            if scrubbing and frame != self._playhead:  # the rest counts from when the frame is shown
                self._settled_at = time.monotonic() + SCRUB_SETTLE_S if frame in self._entries else math.inf
            self._playhead, self._direction = frame, 1 if direction >= 0 else -1
            self._scrubbing = scrubbing
            self._window_frames = self._window()
            self._prefetched = []
            for number in self._window_frames:
                if number in self._entries:
                    self._entries.move_to_end(number)
            if scrubbing and self._settled_at == math.inf:
                # Nothing but the frame scrubbed to can be taken until it shows: one thread woken. (A settle
                # time set here is news to every thread: each waits until then for read-ahead.)
                self._cond.notify()
            else:
                self._cond.notify_all()

    def prefetch(self, frames: list[int]) -> None:
        """Also decode `frames` (after the read-ahead window), e.g. the first frames after a loop's wrap."""
        with self._cond:
            if self._closed:
                return
            self._prefetched = [f for f in frames if self.first <= f <= self.last]
            self._cond.notify_all()

    def entries(self) -> dict[int, CachedFrame]:
        """The entries held now, by frame number (e.g. to seed a cache that replaces this one)."""
        with self._cond:
            return dict(self._entries)

    def peek(self, frame: int) -> CachedFrame | None:
        """The entry if cached, without waiting or scheduling."""
        with self._cond:
            entry = self._entries.get(frame)
            if entry is not None:
                self._entries.move_to_end(frame)
            return entry

    def get(self, frame: int, timeout: float | None = None) -> CachedFrame:
        """The entry of `frame`, decoded before any read-ahead if needed; raises TimeoutError past `timeout`."""
        with self._cond:
            entry = self._entries.get(frame)
            if entry is not None:
                self._entries.move_to_end(frame)
                return entry
            if self._closed:
                raise RuntimeError("frame cache is closed")
            future = self._waiters.get(frame)
            if future is None:
                future = self._waiters[frame] = Future()
            if frame in self._asked:
                self._asked.remove(frame)
            self._asked.insert(0, frame)
            # One frame more to take: one thread woken, not all (each of ~10 woken threads takes the lock and
            # the GIL in turn before the one that takes the frame: ~2 ms of a scrub's seek, traced).
            self._cond.notify()
        try:
            return future.result(timeout=timeout)
        except TimeoutError:
            with self._cond:  # no longer urgent: an old ask must not go before the next one
                if frame in self._asked:
                    self._asked.remove(frame)
            raise

    def clear(self) -> None:
        """Drop every entry (e.g. when the view settings of the CPU path change)."""
        with self._cond:
            self._entries.clear()
            self._bytes = 0

    def close(self) -> None:
        """Drop queued work, wait for running decodes and drop the entries."""
        with self._cond:
            self._closed = True
            self._asked, self._window_frames, self._prefetched = [], [], []
            waiters, self._waiters = list(self._waiters.values()), {}
            self._cond.notify_all()
        for future in waiters:
            future.cancel()
        current = threading.current_thread()
        for thread in self._threads:
            if thread is not current:
                thread.join()
        self.clear()

    def __enter__(self) -> FrameCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""A memory-bounded cache of decoded frames with read-ahead in the play direction.

The "pipeline" is decode + a conversion from media/display.py to what the viewer uploads: for the GPU path
the raw half/uint8 pixels, upload-ready (`gpu_convert`); for the CPU path the baked-view uint8 display
pixels (`cpu_convert`). Each entry carries what it cost (read and convert seconds) so playback can aim its
read-ahead. Errors are cached as error entries: the viewer draws a placeholder naming the problem and
playback goes on.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from horus_desktop.media.display import Conversion, gpu_convert
from horus_desktop.media.errors import DamagedFrameError, MediaError
from horus_desktop.media.frames import Frame, FrameSource
from horus_desktop.media.hashing import default_workers

MAX_DEFAULT_BUDGET = 8 * 1024**3
DEFAULT_READ_AHEAD = 48
_ERROR_ENTRY_BYTES = 1024


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
    """Decoded frames of one source under a byte budget, read ahead of the playhead on a thread pool."""

    def __init__(
        self,
        source: FrameSource,
        *,
        convert: Conversion = gpu_convert,
        budget_bytes: int | None = None,
        workers: int | None = None,
        read_ahead: int = DEFAULT_READ_AHEAD,
    ) -> None:
        self.source = source
        self.convert = convert
        self.budget_bytes = budget_bytes if budget_bytes is not None else default_budget_bytes()
        self.read_ahead = read_ahead
        self.first, self.last = source.frame_range
        self._pool = ThreadPoolExecutor(max_workers=workers or default_workers(), thread_name_prefix="horus-frames")
        self._lock = threading.Lock()
        self._entries: OrderedDict[int, CachedFrame] = OrderedDict()
        self._pending: dict[int, Future[CachedFrame]] = {}
        self._bytes = 0
        self._playhead = self.first
        self._direction = 1
        self._closed = False

    @property
    def bytes_used(self) -> int:
        """Bytes held by cached entries."""
        return self._bytes

    def cached_frames(self) -> list[int]:
        """Frame numbers held (frames and errors), sorted, for the cache bar."""
        with self._lock:
            return sorted(self._entries)

    def _load(self, number: int) -> CachedFrame:
        started = time.perf_counter()
        try:
            converted = self.convert(self.source.read(number))
            entry = CachedFrame(number, converted, None, time.perf_counter() - started)
        except MediaError as exc:
            entry = CachedFrame(number, None, exc, time.perf_counter() - started)
        except Exception as exc:  # a decoder bug must not stop playback: report it as a damaged frame
            error = DamagedFrameError(self.source.path, f"frame {number}: {exc}")
            entry = CachedFrame(number, None, error, time.perf_counter() - started)
        with self._lock:
            self._pending.pop(number, None)
            if not self._closed:
                self._insert(entry)
        return entry

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

    def _submit(self, number: int) -> Future[CachedFrame]:
        future = self._pending.get(number)
        if future is None:
            future = self._pool.submit(self._load, number)
            self._pending[number] = future
        return future

    def _window(self) -> list[int]:
        frame_bytes = max((e.nbytes for e in self._entries.values() if e.frame is not None), default=0)
        count = self.read_ahead
        if frame_bytes:
            count = max(1, min(count, self.budget_bytes // frame_bytes - 1))
        numbers = (self._playhead + i * self._direction for i in range(count + 1))
        return [n for n in numbers if self.first <= n <= self.last]

    def set_playhead(self, frame: int, direction: int = 1) -> None:
        """Aim read-ahead at `frame` going `direction` (+1 forward, -1 backward); cancel what is now off."""
        with self._lock:
            if self._closed:
                return
            self._playhead, self._direction = frame, 1 if direction >= 0 else -1
            wanted = self._window()
            wanted_set = set(wanted)
            for number, future in list(self._pending.items()):
                if number not in wanted_set and future.cancel():
                    del self._pending[number]
            for number in wanted:
                if number in self._entries:
                    self._entries.move_to_end(number)
                else:
                    self._submit(number)

    def peek(self, frame: int) -> CachedFrame | None:
        """The entry if cached, without waiting or scheduling."""
        with self._lock:
            entry = self._entries.get(frame)
            if entry is not None:
                self._entries.move_to_end(frame)
            return entry

    def get(self, frame: int, timeout: float | None = None) -> CachedFrame:
        """The entry of `frame`, decoding it now if needed; raises TimeoutError past `timeout` seconds."""
        with self._lock:
            entry = self._entries.get(frame)
            if entry is not None:
                self._entries.move_to_end(frame)
                return entry
            if self._closed:
                raise RuntimeError("frame cache is closed")
            future = self._submit(frame)
        return future.result(timeout=timeout)

    def clear(self) -> None:
        """Drop every entry (e.g. when the view settings of the CPU path change)."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def close(self) -> None:
        """Cancel queued work, wait for running decodes and drop the entries."""
        with self._lock:
            self._closed = True
            pending = list(self._pending.values())
            self._pending.clear()
        for future in pending:
            future.cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self.clear()

    def __enter__(self) -> FrameCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""Memory for the frames read out of the decode processes (media/remote_read.py), and for the frames the app's
own threads decode and keep as they are (a movie's on the GPU path: `shared_memory`): the pages of frames the
app has let go of, kept a while for the next frames of the same size, else new private pages.

Why: a frame cache keeps every frame it plays, so each decoded frame needs memory no frame used before,
and new pages are the kernel's work (allocated, zeroed and mapped one 4 KiB page at a time: ~5 ms CPU a
2K half frame's 14 MB here, about a sixth of its decode), which a bare decoder reusing one buffer never
pays. A review plays shot after shot: the frames of the shot left, or those the cache's budget pushes
out, are freed while the next ones come in, and their pages serve those as they are (the frame read
into them overwrites every byte). Not numpy's allocation: it asks the kernel for huge pages, and where
memory is fragmented the kernel compacts it first in the thread that allocates (12-42 ms a 2K half frame
at times here, against 3-6 when huge pages were at hand).

Bounded: at most ``keep_bytes`` of freed frames' pages are kept, those freed last (the ones kept longest are
given back to make room for them), and those unused for IDLE_S are given back (`drop_idle`: at each frame,
by the decode pool's idle wake-up, media/shm_frames.py, and in `shared_memory` by a timer of its own while any
are kept, so pages kept when playback stops do not stay).
"""

from __future__ import annotations

import mmap
import threading
import time
import weakref

import numpy as np

#: Bytes of freed frames' pages a pool keeps for reuse (~36 2K half frames).
KEEP_BYTES = 512 * 1024 * 1024
#: Seconds a kept page set waits for a frame of its size before it is given back to the system.
IDLE_S = 10.0
#: ... in the memory of the app's own threads (`shared_memory`), whose timer gives them back: shorter, as a
#: frame cache of the next shot asks for its first frames at once, and the timer's thread lives while any wait.
SHARED_IDLE_S = 3.0


class FrameMemory:
    """Frames' memory for one decode pool (or the app's threads): freed frames' pages by size, reused for new
    frames; thread-safe."""

    def __init__(self, keep_bytes: int = KEEP_BYTES, idle_s: float = IDLE_S, *, timer: bool = False) -> None:
        """``timer``: give idle pages back on a timer of its own while any are kept (a decode pool's memory is
        swept by the pool's idle wake-up instead)."""
        self.keep_bytes = keep_bytes
        self.idle_s = idle_s
        self._timed = timer
        self._lock = threading.Lock()
        self._kept: dict[int, list[tuple[mmap.mmap, float]]] = {}  # by size: (pages, when freed)
        self._bytes = 0
        self._closed = False
        self._timer: threading.Timer | None = None  # gives idle pages back while any are kept

    def new_array(self, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        """A C-contiguous array of ``shape`` for a frame to be written into whole: a freed frame's pages of
        the same size if any are kept, else new ones. Its contents are whatever was there."""
        count = int(np.prod(shape))
        size = count * dtype.itemsize
        if size == 0:
            return np.empty(shape, dtype)
        self.drop_idle()
        mapped = self._take(size)
        if mapped is None:
            mapped = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | getattr(mmap, "MAP_ANONYMOUS", 0x20))
        flat = np.frombuffer(mapped, dtype=dtype, count=count)
        # When the array (every view holds it) is gone, its pages are kept for the next frame.
        weakref.finalize(flat, self._give_back, mapped).atexit = False
        return flat.reshape(shape)

    def kept_bytes(self) -> int:
        """Bytes of freed frames' pages kept for reuse now."""
        with self._lock:
            return self._bytes

    def has_kept(self, size: int) -> bool:
        """True when a freed frame's pages of ``size`` bytes are kept (a frame that size needs no new ones)."""
        with self._lock:
            return bool(self._kept.get(size))

    def drop_idle(self, idle_s: float | None = None) -> None:
        """Give back the pages kept unused for ``idle_s`` seconds (this memory's ``idle_s``)."""
        idle_s = self.idle_s if idle_s is None else idle_s
        now = time.monotonic()
        with self._lock:
            dropped: list[mmap.mmap] = []
            for size, kept in list(self._kept.items()):
                fresh = [(m, t) for m, t in kept if now - t < idle_s]
                dropped += [m for m, t in kept if now - t >= idle_s]
                self._bytes -= size * (len(kept) - len(fresh))
                if fresh:
                    self._kept[size] = fresh
                else:
                    del self._kept[size]
        _close_all(dropped)

    def close(self) -> None:
        """Give back every kept page set; frames freed from now on give theirs back as they go."""
        with self._lock:
            self._closed = True
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        self.drop_idle(0.0)

    def _arm(self) -> None:
        """(With the lock held) the timer that gives idle pages back, unless one is waiting."""
        if self._timed and self._timer is None and not self._closed:
            timer = threading.Timer(self.idle_s, self._on_timer)
            timer.daemon = True
            timer.name = "horus-frame-memory-idle"
            try:
                timer.start()
            except RuntimeError:  # frames freed as the interpreter shuts down (3.12+ refuses new threads then)
                return
            self._timer = timer

    def _on_timer(self) -> None:
        # Pages freed less than idle_s ago are kept: the timer comes again for them, and its thread ends
        # once none are left.
        self.drop_idle()
        with self._lock:
            self._timer = None
            if self._kept:
                self._arm()

    def _take(self, size: int) -> mmap.mmap | None:
        with self._lock:
            kept = self._kept.get(size)
            if not kept:
                return None
            mapped, _ = kept.pop()
            self._bytes -= size
            return mapped

    def _give_back(self, mapped: mmap.mmap) -> None:
        size = len(mapped)
        dropped: list[mmap.mmap] = []
        with self._lock:
            if self._closed or size > self.keep_bytes:
                return  # not closed here: the array going still exports it (its mapping goes with it)
            # The frames freed last are of the size the next ones will be (the shot, view size and colour path
            # now playing): room is made for them by giving back the pages kept longest, whatever their size.
            # Keeping the first ones instead left the bound full of a size no longer asked for (a GPU-path
            # half frame's 14 MB after a switch to the CPU path's 7 MB display frames, or a zoom's) for IDLE_S,
            # and every frame meanwhile took new pages.
            while self._bytes + size > self.keep_bytes:
                oldest = min(self._kept, key=lambda kept_size: self._kept[kept_size][0][1])
                kept = self._kept[oldest]
                dropped.append(kept.pop(0)[0])  # each size's list is in the order freed
                self._bytes -= oldest
                if not kept:
                    del self._kept[oldest]
            self._kept.setdefault(size, []).append((mapped, time.monotonic()))
            self._bytes += size
            self._arm()
        _close_all(dropped)


_shared: FrameMemory | None = None
_shared_lock = threading.Lock()


def shared_memory() -> FrameMemory:
    """The memory for frames the app's own threads decode and keep as decoded (a movie's, PyAV's array copied in;
    a JPEG's, decoded in): one for the process, as a review plays shot after shot through new frame caches."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = FrameMemory(idle_s=SHARED_IDLE_S, timer=True)
        return _shared


def _close_all(mappings: list[mmap.mmap]) -> None:
    for mapped in mappings:
        try:
            mapped.close()
        except BufferError:
            pass  # still exported by an array being freed: its mapping goes with it

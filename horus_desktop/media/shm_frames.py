"""Shared-memory files for decoded frames, made ready before they are needed and reused (Linux).

A decode process writes a frame's pixels into a shared-memory file the app maps (media/decode_pool.py). A
new tmpfs file costs the kernel a page allocation and a zeroing per 4 KiB while the worker writes: 7.5 ms
of a 2K half frame's 14 MB on a quiet core here, against 2 ms to write over pages the file already has (the
copy alone), and that cost sits between the decode and the frame on screen. So the app hands each worker an
open file (passed over the worker's pipe, never a name: an unlinked file cannot outlive the app) that is
either one a frame no longer uses (its mapping was freed) or one a low-priority thread sized ahead of time
while the cores were idle. A file a frame still maps is never handed out: it comes back only when the last
array over it is gone.

A file keeps its mapping in the app while it is reused: mapping a 2K half frame's 14 MB afresh (its page
tables filled) cost ~1.1-1.7 ms before the frame could be handed on, and unmapping it ~0.5 ms more when it
was freed; a reused file's mapping already points at the pages the worker writes over. A ready file is
mapped too as it is made ready (see `_fill`), so a frame scrubbed to (the cache holds its frames: each
takes a ready file, none is reused) is handed on without a mapping made between the worker's reply and
the screen (1.7 ms a 2K half frame here).

Held while a frame a user waits for decodes (`hold`): making a file ready (~6 ms CPU writing and mapping a
2K half frame's pages) beside that decode shares the 2 cores and the memory bandwidth with it; it waits for
the decode to end, and one already under way waits at its next chunk (of 1 MiB; the mapping, ~1.6 ms, at
the end).

Bounded: at most ``keep`` idle files (dropped after IDLE_S without use) and HELD_MAX live frames keep their
file for reuse (each holds a descriptor; the others are freed as before).
"""

from __future__ import annotations

import mmap
import os
import sys
import threading
import weakref
from collections.abc import Callable

import numpy as np

_FOLDER = "/dev/shm"
# Map with the page tables filled in one call rather than a page fault per 4 KiB of a frame.
_MAP_FLAGS = mmap.MAP_SHARED | getattr(mmap, "MAP_POPULATE", 0)
#: Live frames whose file comes back for reuse when they are freed (each keeps one open descriptor).
HELD_MAX = 32
#: Seconds without a decode after which the idle files are given back to the system.
IDLE_S = 10.0
#: Bytes a ready file is sized by at a time: between two, the low-priority thread yields to a held decode.
_CHUNK = 1 << 20
_ZEROS = bytes(_CHUNK)  # what a ready file's pages are written with (shared, read-only: no copy per file)


def available() -> bool:
    """True where files can be made ready and passed to a worker: Linux, with a tmpfs /dev/shm."""
    return sys.platform == "linux" and os.path.isdir(_FOLDER)


def _new_file() -> int:
    """An open, already unlinked file in shared memory (nothing is left behind if the app dies)."""
    if hasattr(os, "O_TMPFILE"):
        try:
            return os.open(_FOLDER, os.O_TMPFILE | os.O_RDWR, 0o600)
        except OSError:
            pass  # a file system without unnamed files: make one and unlink it
    name = os.path.join(_FOLDER, f"horus-frame-{os.getpid()}-{threading.get_native_id()}")
    fd = os.open(name, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    os.unlink(name)
    return fd


def write_pixels(fd: int, pixels: np.ndarray) -> None:
    """The pixels into the file ``fd`` from its start, the file cut to their size (the worker's one copy)."""
    data = memoryview(np.ascontiguousarray(pixels)).cast("B")
    written = 0
    while written < len(data):
        written += os.pwrite(fd, data[written:], written)
    os.ftruncate(fd, max(1, len(data)))  # an empty mapping is not allowed


class FramePages:
    """Files for the frames a pool's workers write: ready ones first, then reused ones, else new ones."""

    def __init__(self, keep: int, on_idle: Callable[[], None] | None = None) -> None:
        """``keep`` ready files; ``on_idle`` is called when no decode came for IDLE_S (the idle files are given
        back then, and the pool's other idle memory with them)."""
        self.keep = max(1, keep)
        self._on_idle = on_idle
        self._lock = threading.Condition()
        self._free: list[tuple[int, int, mmap.mmap | None]] = []  # (fd, bytes, its mapping), last freed last
        self._mapped: dict[int, mmap.mmap] = {}  # files taken, by descriptor: the mapping they came with
        self._held = 0
        self._size = 0  # the last frame's bytes: what ready files are sized to
        self._used = 0  # files taken, to tell an idle pool
        self._wanted = False  # decodes since the idle files were last given back
        self._closed = False
        self._holds = 0  # decodes a user waits for, running: no file is made ready meanwhile
        self.made_ready = 0
        #: Frames that came in a file not mapped yet (a new one, or one cut to another size): mapped then.
        self.mapped_as_adopted = 0
        self._filler = threading.Thread(target=self._fill, name="horus-frame-pages", daemon=True)
        self._filler.start()

    def take(self) -> int:
        """An open file for one frame: a ready or freed one if there is one (the largest), else a new one."""
        with self._lock:
            self._used += 1
            self._wanted = True
            self._lock.notify_all()
            if self._free:
                best = max(range(len(self._free)), key=lambda i: self._free[i][1])
                fd, _, mapped = self._free.pop(best)
                if mapped is not None:
                    self._mapped[fd] = mapped
                return fd
        return _new_file()

    def hold(self) -> None:
        """No file is made ready until `release` (a decode a user waits for runs): it would share the cores."""
        with self._lock:
            self._holds += 1

    def release(self) -> None:
        """The end of a `hold`: files are made ready again once no hold is left."""
        with self._lock:
            self._holds -= 1
            self._lock.notify_all()

    def give_back(self, fd: int) -> None:
        """A file no frame maps (its decode failed or was stopped): kept for the next one, or closed."""
        with self._lock:
            mapped = self._mapped.pop(fd, None)
        self._keep_or_close(fd, os.fstat(fd).st_size, mapped)

    def adopt(self, fd: int, shape: tuple[int, ...], dtype: str) -> np.ndarray:
        """The frame the worker wrote into ``fd``, mapped (no copy); the file comes back when it is freed."""
        size = os.fstat(fd).st_size
        with self._lock:
            mapped = self._mapped.pop(fd, None)
            self._size = size
            keep = self._held < HELD_MAX and not self._closed
            self._held += keep
        if mapped is None or len(mapped) != size:  # a new file, or cut to another frame's size
            _unmap(mapped)
            mapped = mmap.mmap(fd, size, flags=_MAP_FLAGS)
            self.mapped_as_adopted += 1
        count = int(np.prod(shape))
        pixels = np.frombuffer(mapped, dtype=np.dtype(dtype), count=count)
        if keep:
            # When the array (every view of it holds it) is gone, the file and its mapping are free again.
            weakref.finalize(pixels, self._freed, fd, size, mapped).atexit = False
        else:
            os.close(fd)  # the mapping keeps the memory until the array is freed
        return pixels.reshape(shape)

    def _freed(self, fd: int, size: int, mapped: mmap.mmap) -> None:
        with self._lock:
            self._held -= 1
        self._keep_or_close(fd, size, mapped)

    def _keep_or_close(self, fd: int, size: int, mapped: mmap.mmap | None = None) -> None:
        with self._lock:
            if not self._closed and len(self._free) < self.keep:
                self._free.append((fd, size, mapped))
                return
        _unmap(mapped)
        os.close(fd)

    def _fill(self) -> None:
        """Keep ``keep`` files sized for the last frame, at the lowest priority (only idle cores zero pages);
        give them back to the system after IDLE_S without a decode."""
        if sys.platform == "linux":  # a thread's own nice value (elsewhere it would be the whole app's)
            try:
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
            except OSError:
                pass
        while True:
            with self._lock:
                used = self._used
                while not self._closed and (
                    self._holds or not self._wanted or not self._size or self._ready_enough()
                ):
                    if not self._lock.wait(IDLE_S) and used == self._used:
                        dropped, self._free, self._wanted = self._free, [], False
                        _close_all(dropped)
                        if self._on_idle is not None:
                            self._on_idle()
                    used = self._used
                if self._closed:
                    return
                size = self._size
            fd = _new_file()
            try:
                # Written with zeros, then mapped with its page tables filled, here on an idle core: a 2K half
                # frame's 14 MB cost 6.1 ms CPU this way against 3.2 ms fallocated and not mapped, and then
                # the worker's write 2.0 against 2.2 ms and no mapping in `adopt` against 1.7 ms, both
                # between the decode and the screen. (Mapping fallocated pages zeroes them one fault at a
                # time: 8.7 ms CPU, and the worker's write over them 2.7 ms.)
                if not self._allocate(fd, size):
                    os.close(fd)
                    return  # closed meanwhile
                mapped = mmap.mmap(fd, size, flags=_MAP_FLAGS)
            except OSError:
                os.close(fd)
                return  # no room in shared memory: the workers make their files as they go
            self.made_ready += 1
            with self._lock:
                if len(self._free) >= self.keep:  # a file too small for the frames now decoded makes way
                    small = min(range(len(self._free)), key=lambda i: self._free[i][1])
                    _close_all([self._free.pop(small)])
            self._keep_or_close(fd, size, mapped)

    def _allocate(self, fd: int, size: int) -> bool:
        """``size`` bytes of zeros written into ``fd`` a chunk at a time, waiting between two while a decode is
        held (the chunks done are kept); False once the pages are closed."""
        for start in range(0, size, _CHUNK):
            if self._holds or self._closed:  # a plain read first: at worst one chunk more before it waits
                with self._lock:
                    while self._holds and not self._closed:
                        self._lock.wait()
                    if self._closed:
                        return False
            chunk = min(_CHUNK, size - start)
            if os.pwrite(fd, memoryview(_ZEROS)[:chunk], start) != chunk:
                raise OSError("short write to a shared-memory file")
        return True

    def _ready_enough(self) -> bool:
        return sum(1 for _, size, _ in self._free if size >= self._size) >= self.keep

    def close(self) -> None:
        """Close the idle files; frames still mapped keep their memory until they are freed."""
        with self._lock:
            self._closed = True
            dropped, self._free = self._free, []
            self._lock.notify_all()
        _close_all(dropped)


def _unmap(mapped: mmap.mmap | None) -> None:
    """Unmap a file's mapping no array uses (one still used stays until that array goes)."""
    if mapped is not None:
        try:
            mapped.close()
        except BufferError:
            pass


def _close_all(files: list[tuple[int, int, mmap.mmap | None]]) -> None:
    for fd, _, mapped in files:
        _unmap(mapped)
        os.close(fd)

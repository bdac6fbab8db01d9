"""Image decodes in worker processes that write the pixels into shared memory.

Why processes: the Python bindings of OpenEXR, Pillow and our DPX unpacker hold the GIL for much of a read,
so decode threads in one process scale poorly (measured on this 2-core machine: 2 threads 20-27 frames/s
of 2K half PIZ EXR, 2 processes 48 frames/s, one thread 24). One worker process per core decodes a frame
each; the parent never gets pixels through a pipe:

- the parent names a shared-memory file (``/dev/shm`` on Linux: POSIX shared memory; elsewhere the temp
  folder) for each request; the worker decodes, sizes the file, maps it and copies the pixels in (its one
  copy, on its own core) and replies with the frame's small fields (shape, dtype, windows, channels);
- the parent maps the same file, unlinks it at once (the mapping lives on until the array goes) and wraps
  it as the frame's pixel array: no pickled pixel copy, no copy in the parent.

Plain files in the shared-memory folder are used instead of ``multiprocessing.shared_memory`` because on
Python 3.11 a ``SharedMemory`` cannot be closed while a NumPy array uses its buffer and its resource
tracker warns about segments another process unlinks; a mapped file is the same kernel object, no tracker.

A worker that dies (a decoder crash on a damaged file, ``kill -9``) or overruns the time bound (then it is
killed) is replaced by a new process; its frame becomes an error entry the viewer shows as a placeholder
and later frames decode on the other workers and the replacement. Until the workers have started (spawning
costs ~0.5 s) and whenever a job cannot go to a process, the caller decodes in its own thread.
"""

from __future__ import annotations

import itertools
import mmap
import multiprocessing
import os
import queue
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from horus_desktop.media import decode_exr, errors
from horus_desktop.media.errors import DamagedFrameError, DecodeTimeoutError, MediaError
from horus_desktop.media.frames import DecodeJob, Frame
from horus_desktop.media.view_size import reduced_pixels, with_reduction

# Map with the page tables filled in one call (Linux) rather than a page fault per 4 KiB of a frame.
_MAP_FLAGS = mmap.MAP_SHARED | getattr(mmap, "MAP_POPULATE", 0)
#: Seconds a new worker may take to import the decoders before it is given up.
START_TIMEOUT_S = 60.0
_SHM_FOLDER = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
_ERRORS = {cls.__name__: cls for cls in (errors.MissingFrameError, errors.DamagedFrameError,
                                         errors.UnreadableFileError, errors.DecodeTimeoutError)}


def _write_shared(name: str, pixels: np.ndarray) -> None:
    """The pixels into a new shared-memory file: one copy by the kernel (a plain write is cheaper than
    mapping the file, faulting its pages in and copying)."""
    data = memoryview(np.ascontiguousarray(pixels)).cast("B")
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        written = 0
        while written < len(data):
            written += os.write(fd, data[written:])
        if not written:
            os.write(fd, b"\0")  # an empty mapping is not allowed
    finally:
        os.close(fd)


def _read_shared(name: str, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    fd = os.open(name, os.O_RDWR)
    try:
        os.unlink(name)  # the mapping keeps the memory until the array is freed
        size = os.fstat(fd).st_size
        mapped = mmap.mmap(fd, size, flags=_MAP_FLAGS)
    finally:
        os.close(fd)
    count = int(np.prod(shape))
    return np.frombuffer(mapped, dtype=np.dtype(dtype), count=count).reshape(shape)


def threads_per_worker(workers: int) -> int:
    """OpenEXR threads each of `workers` processes uses: the cores shared out (one each when every core
    has its process, so 16 processes on 16 cores do not run 256 threads)."""
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def _worker_main(conn: Connection, exr_threads: int) -> None:
    """A worker process: decode jobs until the pipe closes."""
    decode_exr.EXR_THREADS_PER_FILE = exr_threads
    conn.send("ready")  # the decoders are imported (this module's imports): the parent may send work
    while True:
        try:
            job, name, reduction = conn.recv()
        except (EOFError, OSError):
            return
        try:
            frame = job.decode(job.path, **job.options)
            # Reduced for the view here, on this core: a quarter of the bytes to share at factor 2.
            pixels = reduced_pixels(frame.pixels, reduction)
            _write_shared(name, pixels)
            fields = (frame.colour_space, frame.display_window, frame.data_window, frame.channels,
                      dict(frame.metadata), (frame.width, frame.height))
            reply: tuple[Any, ...] = ("ok", pixels.shape, pixels.dtype.str, fields)
        except MediaError as exc:
            reply = ("error", type(exc).__name__, exc.path, exc.reason)
        except MemoryError:
            reply = ("error", "DamagedFrameError", job.path, "too large to decode (damaged size in its header?)")
        except Exception as exc:  # a decoder bug is the frame's problem, not the worker's
            reply = ("error", "DamagedFrameError", job.path, f"cannot decode: {exc}")
        conn.send(reply)


class _Worker:
    def __init__(self, context: Any, exr_threads: int) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, exr_threads), daemon=True,
                                       name="horus-decode")
        self.process.start()
        child.close()

    def ready(self) -> bool:
        """Wait until the worker has imported its decoders; False if it died or took too long."""
        try:
            return bool(self.conn.poll(START_TIMEOUT_S)) and self.conn.recv() == "ready"
        except (EOFError, OSError):
            return False

    def stop(self, kill: bool = False) -> None:
        if kill and self.process.is_alive():
            self.process.kill()
        self.conn.close()
        self.process.join(timeout=2)


class DecodePool:
    """``workers`` decode processes shared by every frame cache that is given the pool."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._context = multiprocessing.get_context("spawn")  # forking a process with threads is unsafe
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._all: list[_Worker] = []
        self._names = itertools.count()
        self._closed = False
        self.replaced = 0
        self._restarts: list[threading.Thread] = []
        self._starter = threading.Thread(target=self._start_all, name="horus-decode-start", daemon=True)
        self._starter.start()

    def _start_all(self) -> None:
        self._start(self.workers)

    def _start(self, count: int) -> None:
        with self._lock:
            if self._closed:
                return
        started = [_Worker(self._context, threads_per_worker(self.workers)) for _ in range(count)]  # they import their decoders in parallel
        for worker in started:
            if not worker.ready():
                worker.stop(kill=True)
                continue
            with self._lock:
                if self._closed:
                    worker.stop(kill=True)
                    continue
                self._all.append(worker)
            self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        worker.stop(kill=True)
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
            self.replaced += 1
        restart = threading.Thread(target=self._start, args=(1,), name="horus-decode-restart", daemon=True)
        with self._lock:
            self._restarts = [t for t in self._restarts if t.is_alive()] + [restart]
        restart.start()

    def _has_workers(self) -> bool:
        """True while a worker is alive or one is being started."""
        with self._lock:
            return bool(self._all) or any(t.is_alive() for t in self._restarts) or self._starter.is_alive()

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (started ones only)."""
        with self._lock:
            return [w.process.pid for w in self._all if w.process.pid is not None]

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> bool:
        """Wait until the workers have started and imported their decoders; True if they have."""
        deadline = time.monotonic() + timeout
        self._starter.join(timeout)
        with self._lock:
            restarts = list(self._restarts)
        for thread in restarts:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not self._starter.is_alive() and not any(t.is_alive() for t in restarts)

    def decode(self, job: DecodeJob, timeout: float | None = None, *, wait: bool = True,
               reduction: int = 1) -> Frame | None:
        """The frame of ``job`` decoded by a worker, or None when no worker was free (decode it yourself).

        ``reduction``: the worker keeps every n-th pixel of every n-th row (media/view_size.py) before sharing.

        ``wait``: wait for a busy worker (all started) rather than return None. Raises the decoder's
        MediaError; DamagedFrameError when the worker died, DecodeTimeoutError past ``timeout`` seconds.
        """
        worker = self._take(wait)
        if worker is None:
            return None
        name = os.path.join(_SHM_FOLDER, f"horus-frame-{os.getpid()}-{next(self._names)}")
        try:
            try:
                worker.conn.send((job, name, max(1, reduction)))
                if not worker.conn.poll(timeout):
                    self._replace(worker)
                    worker = None
                    raise DecodeTimeoutError(job.path, f"decode ran past {timeout:g} s; its worker was stopped")
                reply = worker.conn.recv()
            except (EOFError, OSError, BrokenPipeError):
                code = None
                if worker is not None:
                    worker.process.join(timeout=2)  # its exit code says how it died
                    code = worker.process.exitcode
                if worker is not None:
                    self._replace(worker)
                    worker = None
                how = f" (signal {-code})" if code is not None and code < 0 else ""
                raise DamagedFrameError(job.path, f"the decoder process died on this file{how}") from None
            if reply[0] == "error":
                raise _ERRORS.get(reply[1], DamagedFrameError)(reply[2], reply[3])
            _, shape, dtype, (colour_space, display, data, channels, metadata, full_size) = reply
            pixels = _read_shared(name, shape, dtype)
            frame = Frame(pixels, job.frame, colour_space, display, data, channels, metadata)
            return with_reduction(frame, reduction, full_size)
        finally:
            if worker is not None:
                self._idle.put(worker)
            if os.path.exists(name):  # a worker that died or overran may have left its file
                os.unlink(name)

    def _take(self, wait: bool) -> _Worker | None:
        while not self._closed:
            block = wait and not self._starter.is_alive()
            try:
                worker = self._idle.get(block=block, timeout=0.5 if block else None)
            except queue.Empty:
                if not block or not self._has_workers():
                    return None  # none could start (a broken install?): the caller decodes in its thread
                continue
            if worker.process.is_alive():
                return worker
            self._replace(worker)  # died while idle
        return None

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers, self._all = self._all, []
        for worker in workers:
            worker.stop(kill=True)


_SHARED: DecodePool | None = None
_SHARED_LOCK = threading.Lock()


def shared_decode_pool() -> DecodePool:
    """The app's one decode pool, one worker process per core, started on first use."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = DecodePool(os.cpu_count() or 1)
        return _SHARED

"""Image decodes in worker processes that write the pixels into shared memory.

Why processes: the Python bindings of OpenEXR, Pillow and our DPX unpacker hold the GIL for much of a read,
so decode threads in one process scale poorly (measured on this 2-core machine: 2 threads 20-27 frames/s
of 2K half PIZ EXR, 2 processes 48 frames/s, one thread 24). One worker process per core decodes a frame
each; the parent never gets pixels through a pipe:

- the parent hands the worker an open, unlinked shared-memory file over its pipe (Linux, media/
  shm_frames.py; elsewhere it names a new file in the temp folder); the worker decodes, writes the pixels
  in (its one copy, on its own core) and replies with the frame's small fields (shape, dtype, windows,
  channels);
- the parent maps the same file (a named one it unlinks at once: the mapping lives on until the array
  goes) and wraps it as the frame's pixel array: no pickled pixel copy, no copy in the parent;
- given a job's ``colour`` (the CPU path, media/worker_colour.py), the worker converts the frame to display
  pixels before it writes them: the bake comes once per colour setting (the last COLOUR_KEPT kept, the
  parent mirroring which), never per frame.

Plain files in the shared-memory folder are used instead of ``multiprocessing.shared_memory`` because on
Python 3.11 a ``SharedMemory`` cannot be closed while a NumPy array uses its buffer and its resource
tracker warns about segments another process unlinks; a mapped file is the same kernel object, no tracker.

A worker that dies (a decoder crash on a damaged file, ``kill -9``) or overruns the time bound (then it is
killed) is replaced by a new process; its frame becomes an error entry the viewer shows as a placeholder
and later frames decode on the other workers and the replacement. Until the workers have started (spawning
costs ~0.5 s) and whenever a job cannot go to a process, the caller decodes in its own thread.

Scrubbing: an ``urgent`` decode (the frame the user asked for) takes the next free worker before any
read-ahead waiting for one and decodes with every core's OpenEXR threads; the ``spare`` workers beyond one
per core are for urgent decodes only, so one is free even while read-ahead has every core's worker. As it
starts, every other running decode whose ``cancelled`` check is true (the user has moved past its frame)
is paused (SIGSTOP: it stops using the cores at once, at no cost) until no urgent decode runs, then goes
on (paused ones one at a time) until the next urgent decode pauses it again, and its frame is dropped.
Stopping those decodes by killing their workers cost a fork each (the replacement), which took 0.2-0.8 s
to be ready on this loaded 2-core machine (0.27-0.55 s again in December) and emptied the pool during a
drag, so frames scrubbed to fell back to decodes in the app's threads that could not be stopped. With
every worker busy or paused, a frame scrubbed to resumes the longest paused one (never paused again) and
takes it when it is free; a frame the user moves past while it waits for a worker is given up. Where
processes cannot be paused (Windows) a stale decode finishes beside the new one.
Shared-memory files come from media/shm_frames.py (Linux): made ready or reused, so the worker's write
is a copy, not a page allocation and zeroing of every 4 KiB (2 against 7.5 ms a 2K half frame here).
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import itertools
import math
import mmap
import os
import select
import signal
import sys
import tempfile
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

# OpenEXR (decode_exr) and Pillow (its integrity checks) load in the workers and the fork server, and
# multiprocessing with the first pool, not when the window's modules import this one (~26 ms before it shows).
from horus_desktop.media import errors, frame_memory, remote_read, shm_frames
from horus_desktop.media.core_spread import core_count
from horus_desktop.media.errors import DamagedFrameError, DecodeTimeoutError, MediaError
from horus_desktop.media.frames import DecodeJob, Frame, Superseded
from horus_desktop.media.view_size import VIEW_REDUCTION_KEY, reduced_pixels, view_reduction, with_reduction

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from horus_desktop.media.worker_colour import WorkerColour

#: Metadata key of a frame its worker converted (the colour step of media/worker_colour.py); the frame cache
#: removes it.
CONVERTED_KEY = "horus.converted_in_worker"

# Map with the page tables filled in one call (Linux) rather than a page fault per 4 KiB of a frame.
_MAP_FLAGS = mmap.MAP_SHARED | getattr(mmap, "MAP_POPULATE", 0)
#: Seconds a new worker may take to import the decoders before it is given up.
START_TIMEOUT_S = 60.0
#: How often a running decode checks whether it is still wanted (a select() on its pipe in between). A
#: frame a user waits for pauses the stale decodes itself as it starts: this check is for the rest.
CANCEL_POLL_S = 0.02
#: How often a decode's wait wakes while no frame a user waits for decodes and none is paused (nothing to check
#: then): each wake-up costs the app's CPU, and waking every CANCEL_POLL_S cost ~1 ms a 2K EXR frame of the
#: playback pipeline (a read-ahead decode waits 50-300 ms) on this loaded 2-core machine.
QUIET_POLL_S = 0.25
#: Longest a stale decode stays paused (then it finishes whatever else runs).
PAUSE_MAX_S = 2.0
#: Seconds after a frame a user waits for has decoded before a paused stale decode goes on: the app still
#: maps, converts and shows that frame (the CPU path's colour step on every core), and a stale decode
#: resumed at once took the cores from it (traced: 10-40 ms between the worker's reply and the frame shown,
#: against 3-10 ms otherwise).
RESUME_AFTER_S = 0.05
#: The parent's message to a worker whose decode nobody wants any more (only a decode that can stop part-way:
#: an EXR's, see media/decode_exr.STOP_CHECK).
_STOP = "stop"
#: The parent's word that it has read the last frame out of the worker's memory (media/remote_read.py).
_READ = "read"
#: Colour steps (one per colour setting: media/worker_colour.py) a worker keeps: two caches of different settings
#: sharing the pool (A/B compare) must not ship their bakes back and forth; each holds ~20 MB a bake in every
#: worker (16 workers x 2 x 20 MB on a 16-core machine), so not more.
COLOUR_KEPT = 2
#: Decoders that stop part-way when told, by (module, name): the job's function is compared, not imported
#: (OpenEXR loads in the workers, not in the app).
_STOPPABLE_DECODERS = frozenset({("horus_desktop.media.decode_exr", "decode_exr")})
_SHM_FOLDER = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
_ERRORS = {
    cls.__name__: cls
    for cls in (
        errors.MissingFrameError,
        errors.DamagedFrameError,
        errors.UnreadableFileError,
        errors.DecodeTimeoutError,
    )
}


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
    return max(1, core_count() // max(1, workers))


def _die_with_parent() -> bool:
    """Have the kernel kill this process when its parent (the fork server) ends; False when its parent has
    ended already. A worker paused (SIGSTOP) when the app is killed would otherwise stay stopped for ever:
    it never reads the closed pipe, and the kernel resumes stopped orphans only when their process group
    becomes orphaned by that death (not when the app leads its own session, as a desktop launcher starts
    it). The fork server ends with the app, and SIGKILL ends a stopped process too."""
    parent = os.getppid()
    try:
        from multiprocessing import forkserver

        # Each fork server child inherits the app's end of the server's "alive" pipe, and the server ends
        # only once every holder has closed it: a stopped worker would keep it (and itself) alive. A worker
        # starts no process, so it needs none.
        alive = getattr(forkserver._forkserver, "_forkserver_alive_fd", None)  # noqa: SLF001
        if alive is not None:
            os.close(alive)
            forkserver._forkserver._forkserver_alive_fd = None  # noqa: SLF001
    except (ImportError, AttributeError, OSError):
        pass
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return True
    return os.getppid() == parent  # else it ended before the call: the signal will not come


def _worker_main(conn: Connection, exr_threads: int, forked_by_server: bool = False) -> None:
    """A worker process: decode jobs until the pipe closes."""
    # Only a fork server's child: the kernel tells of the death of the parent *thread*, and a spawned
    # worker's is the app's pool thread that started it, which ends at once.
    if forked_by_server and sys.platform == "linux" and not _die_with_parent():
        return
    from multiprocessing.reduction import recv_handle

    from horus_desktop.media import decode_exr  # the decoders load before "ready", not with the first job
    from horus_desktop.media.decode_image import decodes_at_view_size

    # OpenEXR's per-file threads run on its global pool, which is empty until sized: without this every
    # decode ran on one thread whatever ``num_threads`` asked (2K PIZ here: 43 ms of wall time on one core,
    # 26 ms on two). Sized here, after the fork: the fork server must not hold threads.
    decode_exr.OpenEXR.set_global_thread_count(core_count())
    # What the fork server had imported lives as long as this process: out of the collector's way, so its
    # collections neither walk it nor write to its pages (each a copy-on-write fault in a forked child).
    gc.freeze()
    # The decoders are imported (this module's imports): the parent may send work. With the word, bytes it
    # tries to read out of this process (media/remote_read.py): where it can, frames stay here for it to read.
    probe = np.frombuffer(os.urandom(16), np.uint8).copy()
    conn.send(("ready", probe.ctypes.data, probe.tobytes()))
    # The CPU path's colour steps the app has shipped (media/worker_colour.py), by token, as the app's mirror.
    converters = HeldColours()
    told_to_stop = _stop_check(conn)
    held: np.ndarray | None = None  # the last frame, until the app has read it out of this process
    while True:
        try:
            message = conn.recv()
            if message == _STOP:
                continue  # came after its decode had ended: nothing to stop
            held = None  # read (_READ), or a new job: either way the app is through with the last frame
            if message == _READ:
                continue
            job, name, reduction, threads, stoppable, colour, keep = message
            # A file the app made ready (shm_frames), unless the frame is to be read out of this process.
            fd = recv_handle(conn) if name is None and not keep else None
        except (EOFError, OSError):
            return
        # Taken in before the decode, whatever becomes of it: the app's mirror counts it as held.
        converter = None
        if colour is not None:
            token, payload = colour
            if payload is not None:
                converters.add(token, _converter(payload))
            converter = converters.use(token)
        # A scrubbed-to frame gets every core's threads; read-ahead shares the cores out between workers.
        decode_exr.EXR_THREADS_PER_FILE = threads or exr_threads
        # The only message that can come while a job runs is the parent's stop for it.
        decode_exr.STOP_CHECK = told_to_stop if stoppable else None
        try:
            with _quiet() if stoppable else contextlib.nullcontext():
                if reduction > 1 and decodes_at_view_size(job.decode):  # e.g. DPX: only the kept pixels
                    frame = job.decode(job.path, reduction=reduction, **job.options)
                else:
                    frame = job.decode(job.path, **job.options)
            # Reduced for the view here, on this core: a quarter of the bytes to share at factor 2.
            reduced = VIEW_REDUCTION_KEY in frame.metadata
            # Coloured in the same pass as it is reduced (the kept pixels read where they are), else reduced.
            shown = None if converter is None else converter.convert(frame, 1 if reduced else reduction)
            converted = shown is not None  # else the app converts it
            if converted:
                pixels = shown.pixels
            else:
                pixels = frame.pixels if reduced else reduced_pixels(frame.pixels, reduction)
            address = None
            if keep:  # the app reads it from here (media/remote_read.py): nothing written
                held = np.ascontiguousarray(pixels)
                pixels, address = held, held.ctypes.data
            elif fd is not None:
                shm_frames.write_pixels(fd, pixels)
            else:
                _write_shared(name, pixels)
            fields = (
                frame.colour_space,
                frame.display_window,
                frame.data_window,
                frame.channels,
                dict(frame.metadata),
                view_reduction(frame)[1],
            )
            reply: tuple[Any, ...] = ("ok", pixels.shape, pixels.dtype.str, fields, converted, address)
        except Superseded:
            reply = ("stopped",)  # the stop message is read (and skipped) before the next job
        except MediaError as exc:
            reply = ("error", type(exc).__name__, exc.path, exc.reason)
        except MemoryError:
            reply = (
                "error",
                "DamagedFrameError",
                job.path,
                "too large to decode (damaged size in its header?)",
            )
        except Exception as exc:  # a decoder bug is the frame's problem, not the worker's
            reply = ("error", "DamagedFrameError", job.path, f"cannot decode: {exc}")
        finally:
            decode_exr.STOP_CHECK = None
            if fd is not None:
                os.close(fd)
        conn.send(reply)


class HeldColours:
    """The colour steps a worker holds, by token (media/worker_colour.py), kept alike in the worker and in the
    app's mirror of it (the app then ships a payload only to a worker without it): the last COLOUR_KEPT used."""

    def __init__(self) -> None:
        self._held: OrderedDict[int, Any] = OrderedDict()

    def __contains__(self, token: object) -> bool:
        return token in self._held

    def add(self, token: int, value: Any) -> None:
        """A payload came: its colour step (the worker's converter; True in the mirror) is held."""
        self._held[token] = value
        while len(self._held) > COLOUR_KEPT:
            self._held.popitem(last=False)

    def use(self, token: int) -> Any:
        """The colour step of ``token`` (None: not held, the app converts), now the last one used."""
        if token not in self._held:
            return None
        self._held.move_to_end(token)
        return self._held[token]


def _converter(payload: bytes) -> Any:
    from horus_desktop.media.worker_colour import WorkerConverter  # OCIO loads with the first colour job

    try:
        return WorkerConverter(payload)
    except Exception:  # noqa: BLE001 (the app converts the frames instead)
        return None


def _told_to_stop(conn: Connection) -> bool:
    """True once the parent has sent a stop for the running decode (a poll of the pipe, ~4.6 us a block)."""
    try:
        return bool(conn.poll(0))
    except (EOFError, OSError):
        return True  # the app is gone: nobody wants the frame


def _stop_check(conn: Connection) -> Callable[[], bool]:
    """`_told_to_stop` for ``conn`` as one poll object made once (~0.8 us a block against 4.6 us for
    ``conn.poll``, which makes a selector each call: 0.5 ms CPU less a 2K PIZ frame of 36 blocks, median of
    64 decodes here); a closed pipe (the app gone) counts as told. ``conn.poll`` where there is no poll()."""
    if not hasattr(select, "poll"):
        return functools.partial(_told_to_stop, conn)
    poller = select.poll()
    poller.register(conn.fileno(), select.POLLIN)

    def told() -> bool:
        return bool(poller.poll(0))  # POLLIN, or POLLHUP/POLLERR once the app's end is closed

    return told


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """This process's stdout and stderr silenced: OpenEXR prints a warning for a read given up part-way
    (on stdout, from C++), which here is no problem; the decode's real errors come back in the reply."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:  # None in a process started without them
            stream.flush()
    saved = [os.dup(1), os.dup(2)]
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, null):
            os.close(fd)


def stops_part_way(job: DecodeJob) -> bool:
    """True when a worker can give up ``job``'s decode part-way when told (an EXR's: between two blocks)."""
    return (
        getattr(job.decode, "__module__", None),
        getattr(job.decode, "__name__", None),
    ) in _STOPPABLE_DECODERS


class _RemoteReadFailed(Exception):
    """A worker's frame could not be read out of its memory: it is decoded again through a file."""


class _Worker:
    def __init__(self, context: Any, exr_threads: int) -> None:
        self.conn, child = context.Pipe()
        # What the worker runs now, read by other threads to stop it: a job is sent (with its file) and a
        # stop sent to it under ``send_lock``, so the two never interleave on the pipe.
        self.send_lock = threading.Lock()
        #: The job it was taken for stops part-way when told (set with the pool's ``_free`` held, as it is
        #: taken: a stale decode is then never paused, even before its job is sent).
        self.stoppable = False
        self.job_sent = False
        self.stop_sent = False
        #: The colour steps (media/worker_colour.py tokens) this worker holds, as it keeps them.
        self.colour_tokens = HeldColours()
        #: True once `ready` found this process's memory readable from here (media/remote_read.py).
        self.remote_read = False
        forked_by_server = context.get_start_method() == "forkserver"
        self.process = context.Process(
            target=_worker_main, args=(child, exr_threads, forked_by_server), daemon=True, name="horus-decode"
        )
        self.process.start()
        child.close()
        # The reply's wait, made once: ``conn.poll`` builds a selector each call (~0.5 ms of the app's CPU a 2K
        # EXR frame whose wait wakes every CANCEL_POLL_S, measured under load).
        self._poller: Any = None
        if hasattr(select, "poll"):
            self._poller = select.poll()
            self._poller.register(self.conn.fileno(), select.POLLIN)

    def ready(self) -> bool:
        """Wait until the worker has imported its decoders (and try reading its memory from here); False if
        it died or took too long."""
        try:
            if not self.conn.poll(START_TIMEOUT_S):
                return False
            word, address, expected = self.conn.recv()
        except (EOFError, OSError, TypeError, ValueError):
            return False
        self.remote_read = word == "ready" and remote_read.probe(self.process.pid, address, expected)
        return word == "ready"

    def tell_read(self) -> None:
        """Tell the worker its last frame has been read out of its memory (it lets go of it)."""
        with self.send_lock:
            try:
                self.conn.send(_READ)
            except OSError:
                pass  # it died: the next job finds out

    def replied(self, timeout: float | None) -> bool:
        """True once the worker's reply (or its end: the pipe closed) is there, waiting up to ``timeout``
        seconds (None: for ever)."""
        if self._poller is None or self.conn.closed:  # closed (the pool closing): raises as a read would
            return bool(self.conn.poll(timeout))
        return bool(self._poller.poll(None if timeout is None else max(0, math.ceil(timeout * 1000))))

    def send_job(self, message: tuple[Any, ...], fd: int | None) -> None:
        with self.send_lock:
            self.conn.send(message)
            if fd is not None:
                from multiprocessing.reduction import send_handle

                send_handle(self.conn, fd, self.process.pid)
            self.job_sent = True

    def stop_job(self) -> None:
        """Tell the worker to give up its decode (once); its reply comes within a block's read."""
        with self.send_lock:
            if self.job_sent and self.stoppable and not self.stop_sent:
                try:
                    self.conn.send(_STOP)
                except OSError:
                    return  # it died: its reply's wait finds out
                self.stop_sent = True

    def job_done(self) -> None:
        with self.send_lock:
            self.job_sent = self.stoppable = False

    def stop(self, kill: bool = False) -> None:
        if kill and self.process.is_alive():
            self.process.kill()
        self.conn.close()
        self.process.join(timeout=2)


class DecodePool:
    """``workers`` decode processes shared by every frame cache that is given the pool."""

    def __init__(self, workers: int, spare: int = 0, *, remote_reads: bool = True) -> None:
        """``workers`` processes for any decode (one per core), plus ``spare`` ones for urgent decodes only.
        ``remote_reads``: frames are read out of the worker's memory where it can be (media/remote_read.py;
        the frame a user waits for only into a freed frame's pages), else they come through shared-memory
        files."""
        self.workers = max(1, workers)
        self._remote_reads = remote_reads
        self.spare = max(0, spare)
        self._context = _context()
        #: True where a worker can be paused: a stale decode then waits while a frame a user waits for
        #: decodes, and finishes after it (its result dropped), rather than take cores from it. Only where a
        #: worker dies with its parent (a fork server's child on Linux: PR_SET_PDEATHSIG): elsewhere (macOS,
        #: the frozen app's spawned workers) a worker paused when the app is killed would stay stopped for
        #: ever, so there stale decodes simply finish.
        self.pauses = (
            hasattr(signal, "SIGSTOP")
            and sys.platform == "linux"
            and self._context.get_start_method() == "forkserver"
        )
        self._running: dict[_Worker, tuple[bool, Callable[[], bool] | None]] = {}  # decoding: urgent, check
        self._paused: dict[_Worker, float] = {}  # paused (SIGSTOP) since
        self._finishing: set[_Worker] = set()  # resumed to free a worker: they finish, not paused again
        self._resumed: set[_Worker] = set()  # resumed while nothing urgent ran: paused again by the next one
        self._idle: list[_Worker] = []
        self._free = threading.Condition()
        self._urgent_waiting = 0
        self._urgent_done_at = -math.inf  # when the last decode a user waited for ended
        self._busy = 0  # workers taken by callers
        #: Shared-memory files made ready for the frames (Linux), else each worker makes a named file.
        #: Memory for the frames read out of the workers: freed frames' pages reused (media/frame_memory.py).
        self._memory = frame_memory.FrameMemory()
        self._frame_bytes = 0  # the last frame's size: what the next one most likely needs
        self._pages = (shm_frames.FramePages(self.workers + self.spare, on_idle=self._memory.drop_idle)
                       if shm_frames.available() else None)
        self._lock = threading.Lock()
        self._all: list[_Worker] = []
        self._names = itertools.count()
        self._closed = False
        self.replaced = 0
        self._restarts: list[threading.Thread] = []
        self._starter = threading.Thread(target=self._start_all, name="horus-decode-start", daemon=True)
        self._starter.start()
        _POOLS.add(self)

    def _start_all(self) -> None:
        self._start(self.workers + self.spare)

    def _start(self, count: int) -> None:
        with self._lock:
            if self._closed:
                return
        # They import their decoders in parallel.
        started = [_Worker(self._context, threads_per_worker(self.workers)) for _ in range(count)]
        for worker in started:
            if not worker.ready():
                worker.stop(kill=True)
                continue
            with self._lock:
                if self._closed:
                    worker.stop(kill=True)
                    continue
                self._all.append(worker)
            self._give_back(worker)

    def _replace(self, worker: _Worker) -> None:
        worker.stop(kill=True)  # a paused worker too (SIGKILL needs no resume)
        with self._free:
            self._paused.pop(worker, None)  # never signalled again: its pid may be another process's
            self._finishing.discard(worker)
            self._resumed.discard(worker)
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

    @property
    def memory(self) -> frame_memory.FrameMemory:
        """The memory the pool's frames go into (freed frames' pages reused), for decodes made beside it."""
        return self._memory

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (started ones only)."""
        with self._lock:
            return [w.process.pid for w in self._all if w.process.pid is not None]

    def busy(self) -> int:
        """Decodes under way (paused ones included)."""
        with self._free:
            return len(self._running)

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> bool:
        """Wait until the workers have started and imported their decoders; True if they have."""
        deadline = time.monotonic() + timeout
        self._starter.join(timeout)
        with self._lock:
            restarts = list(self._restarts)
        for thread in restarts:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not self._starter.is_alive() and not any(t.is_alive() for t in restarts)

    def decode(
        self,
        job: DecodeJob,
        timeout: float | None = None,
        *,
        wait: bool = True,
        reduction: int = 1,
        urgent: bool = False,
        cancelled: Callable[[], bool] | None = None,
        stoppable: bool = False,
        colour: WorkerColour | None = None,
    ) -> Frame | None:
        """The frame of ``job`` decoded by a worker, or None when no worker was free (decode it yourself).

        ``reduction``: the worker keeps every n-th pixel of every n-th row (media/view_size.py) before sharing.

        ``wait``: wait for a busy worker (all started) rather than return None. ``urgent``: the frame a user
        waits for: the next free worker goes to it before other callers, and it decodes on every core.
        ``cancelled``: checked while the decode runs; once true while a frame a user waits for decodes, the
        worker is paused until none does (``pauses``), and Superseded is raised when its reply comes.
        ``stoppable`` (a scrub's decodes): once ``cancelled``, a decode that can stop part-way
        (`stops_part_way`: an EXR's) is given up at once instead of paused, so it holds neither the cores
        nor its worker (its reading a stream costs ~5% more CPU than OpenEXR reading the file itself, so
        playback's decodes are not stoppable).
        ``colour``: the CPU path's colour step, run by the worker after the decode (media/worker_colour.py); a
        frame it converted carries ``CONVERTED_KEY`` in its metadata, any other comes back as decoded.
        Raises the decoder's MediaError; DamagedFrameError when the worker died, DecodeTimeoutError past
        ``timeout`` seconds of decoding (paused time not counted).
        """
        options = dict(timeout=timeout, wait=wait, reduction=reduction, urgent=urgent, cancelled=cancelled,
                       stoppable=stoppable, colour=colour)
        try:
            return self._decode(job, remote_ok=self._remote_reads, **options)
        except _RemoteReadFailed:
            # Its memory could not be read after all (the probe said it could): that worker's frames come
            # through files from now on, and this one is decoded again that way.
            return self._decode(job, remote_ok=False, **options)

    def _decode(
        self,
        job: DecodeJob,
        timeout: float | None,
        *,
        remote_ok: bool,
        wait: bool,
        reduction: int,
        urgent: bool,
        cancelled: Callable[[], bool] | None,
        stoppable: bool,
        colour: WorkerColour | None,
    ) -> Frame | None:
        """`decode`; ``remote_ok``: the frame may be read out of the worker's memory."""
        stoppable = stoppable and cancelled is not None and stops_part_way(job)
        try:
            worker = self._take(wait, urgent, cancelled, stoppable, colour.token if colour is not None else 0)
        except Superseded:
            raise Superseded(job.path) from None
        if worker is None:
            return None
        taken = worker
        # Read out of the worker's memory (the frame a user waits for only into a freed frame's pages: new
        # ones would cost ~5 ms before it shows, where a file made ready while the cores were idle costs the
        # worker's write, ~3.7 ms a 2K half frame here, against ~1.5 ms for the read).
        remote = remote_ok and worker.remote_read and (not urgent or self._memory.has_kept(self._frame_bytes))
        # A frame a user waits for: no shared-memory file is made ready beside its decode (it took ~3 ms
        # CPU of the 2 cores then); released in the finally below.
        held = self._pages if urgent else None
        if held is not None:
            held.hold()
        fd: int | None = None
        name: str | None = None
        threads = core_count() if urgent else 0
        try:
            # Inside the try: a file that cannot be made (/dev/shm full, no descriptors left) must still give
            # the worker back, or the pool is one worker short for good.
            fd = self._pages.take() if self._pages is not None and not remote else None
            if fd is None and not remote:
                name = os.path.join(_SHM_FOLDER, f"horus-frame-{os.getpid()}-{next(self._names)}")
            if urgent:
                # At once: a stale decode would share the cores until its next check.
                self._pause_stale(worker)
            if stoppable and cancelled is not None and cancelled():
                raise Superseded(job.path)  # moved past meanwhile (another frame asked for): not started
            try:
                shipped = colour.message(worker.colour_tokens) if colour is not None else None
                worker.send_job((job, name, max(1, reduction), threads, stoppable, shipped, remote), fd)
                if shipped is not None:
                    if shipped[1] is not None:
                        worker.colour_tokens.add(shipped[0], True)
                    worker.colour_tokens.use(shipped[0])
                if not self._reply_ready(worker, timeout, cancelled):
                    self._replace(worker)
                    worker = None
                    raise DecodeTimeoutError(
                        job.path, f"decode ran past {timeout:g} s; its worker was stopped"
                    )
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
            if reply[0] == "stopped":
                raise Superseded(job.path)
            if reply[0] == "error":
                raise _ERRORS.get(reply[1], DamagedFrameError)(reply[2], reply[3])
            if cancelled is not None and (self.pauses or worker.stop_sent) and cancelled():
                if reply[5] is not None:  # the frame it kept for us: let go of it now
                    worker.tell_read()
                raise Superseded(job.path)  # nobody wants it: no conversion, nothing cached
            _, shape, dtype, (colour_space, display, data, channels, metadata, full_size), converted, address = reply
            if converted:
                metadata[CONVERTED_KEY] = True
            self._frame_bytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
            if address is not None:
                pixels = self._memory.new_array(tuple(shape), np.dtype(dtype))
                try:
                    # The frame a user waits for on every core (stale decodes are paused or stopped).
                    remote_read.read_into(worker.process.pid, address, pixels, threads=threads or 1)
                except OSError as exc:
                    worker.remote_read = False
                    raise _RemoteReadFailed(str(exc)) from exc
                finally:
                    worker.tell_read()
            elif fd is not None and self._pages is not None:
                pixels = self._pages.adopt(fd, shape, dtype)
                fd = None  # the frame's now: it comes back to the pages when the frame is freed
            else:
                pixels = _read_shared(str(name), shape, dtype)
            frame = Frame(pixels, job.frame, colour_space, display, data, channels, metadata)
            return with_reduction(frame, reduction, full_size)
        finally:
            taken.job_done()
            with self._free:
                self._busy -= 1
                self._running.pop(taken, None)
                if taken in self._paused:  # paused as its reply came: never give back a stopped worker
                    self._resume([taken])
                self._finishing.discard(taken)
                self._resumed.discard(taken)
                if urgent:
                    self._urgent_done_at = time.monotonic()
                self._resume_unless_urgent()
                self._free.notify_all()
            if worker is not None:
                self._give_back(worker)
            if fd is not None and self._pages is not None:
                self._pages.give_back(fd)  # no frame maps it: the next decode writes over it
            if held is not None:
                held.release()
            if name is not None and os.path.exists(name):  # a worker that died or overran may have left it
                os.unlink(name)

    # --- pausing stale decodes (call with ``_free`` held unless said otherwise) ------------------------
    def _urgent_active(self, other_than: _Worker | None = None) -> bool:
        """A frame a user waits for is decoding (not paused) or waiting for a worker."""
        return bool(self._urgent_waiting) or any(
            urgent and w is not other_than and w not in self._paused
            for w, (urgent, _) in self._running.items()
        )

    def _pause(self, worker: _Worker) -> None:
        if worker in self._paused or worker in self._finishing or not self.pauses or worker.stoppable:
            return
        if not self._idle and self._paused:
            # Paused with no worker left free, stale decodes would hold every worker and the next frame asked
            # for would wait for one to finish (traced: 6 of 6 held, 100-200 ms waits): this one finishes.
            # Stale decodes come faster than the moments with no frame asked for let them finish (each burst
            # of a drag adds its frames passed over), so without this they filled any number of workers.
            self._resumed.discard(worker)
            self._finishing.add(worker)
            return
        try:
            os.kill(worker.process.pid or 0, signal.SIGSTOP)
        except (OSError, AttributeError):
            return
        self._resumed.discard(worker)
        self._paused[worker] = time.monotonic()

    def _resume(self, workers: list[_Worker], *, finish: bool = True) -> None:
        """Let paused decodes go on. ``finish``: to free their worker for a frame waiting for one, so never
        paused again (paused again by that frame, stale decodes would hold every worker, traced); else (no
        frame asked for decodes) the next frame asked for pauses them again: a stale decode resumed between
        two seeks took half the cores of the next frame asked for (traced: 2-3x its bare decode)."""
        for worker in workers:
            self._paused.pop(worker, None)
            (self._finishing if finish else self._resumed).add(worker)
            try:
                os.kill(worker.process.pid or 0, signal.SIGCONT)
            except (OSError, AttributeError):
                pass

    def _resume_unless_urgent(self) -> None:
        """With no frame a user waits for decoding (for RESUME_AFTER_S), the longest paused decode goes on
        (one at a time) until the next frame asked for pauses it again; the paused decodes' own waits call
        this again every CANCEL_POLL_S."""
        if (
            self._paused
            and not self._urgent_active()
            and not self._finishing
            and not self._resumed
            and time.monotonic() - self._urgent_done_at >= RESUME_AFTER_S
        ):
            self._resume([min(self._paused, key=self._paused.__getitem__)], finish=False)

    def _pause_stale(self, urgent_worker: _Worker) -> None:
        """Pause every other running decode nobody wants any more (called without ``_free`` held: a
        ``cancelled`` check takes its cache's lock)."""
        with self._free:
            others = [
                (w, c)
                for w, (_, c) in self._running.items()
                if w is not urgent_worker and c is not None and w not in self._paused
            ]
        stale = [(w, cancelled) for w, cancelled in others if cancelled()]
        for worker, _ in stale:
            worker.stop_job()  # one that stops part-way gives up its decode; the others are paused
        with self._free:
            for worker, cancelled in stale:
                if self._running.get(worker, (False, None))[1] is cancelled:  # still that decode
                    self._pause(worker)

    def _reply_ready(
        self, worker: _Worker, timeout: float | None, cancelled: Callable[[], bool] | None
    ) -> bool:
        """Wait for the worker's reply: True when it is there, False past ``timeout`` seconds of decoding.
        Meanwhile, once ``cancelled``, the worker is paused while a frame a user waits for decodes (or its
        decode given up at once, when it can stop part-way)."""
        if cancelled is not None and worker.stoppable:
            return self._reply_or_stop(worker, timeout, cancelled)
        if cancelled is None or not self.pauses:
            return worker.replied(timeout)
        left = math.inf if timeout is None else timeout
        wait = CANCEL_POLL_S
        while True:
            began = time.monotonic()
            if worker.replied(min(wait, left)):
                return True
            with self._free:
                paused_at = self._paused.get(worker)
                urgent = self._urgent_active(worker)
                check = paused_at is None and worker not in self._finishing and urgent
                # Nothing to check while no frame a user waits for decodes and none is paused: a frame asked
                # for pauses the stale decodes itself as it starts (`_pause_stale`).
                wait = CANCEL_POLL_S if urgent or self._paused else QUIET_POLL_S
            if paused_at is None:
                left -= time.monotonic() - began
                if left <= 0:
                    return False
                if check and cancelled():
                    with self._free:
                        if self._urgent_active(worker):
                            self._pause(worker)
            elif time.monotonic() - paused_at > PAUSE_MAX_S:
                with self._free:
                    self._resume([worker])
            else:
                with self._free:
                    self._resume_unless_urgent()  # RESUME_AFTER_S after the last frame asked for

    @staticmethod
    def _reply_or_stop(worker: _Worker, timeout: float | None, cancelled: Callable[[], bool]) -> bool:
        """`_reply_ready` for a decode that stops part-way: told to stop as soon as ``cancelled``."""
        deadline = math.inf if timeout is None else time.monotonic() + timeout
        while True:
            if not worker.stop_sent and cancelled():
                worker.stop_job()
            if worker.replied(max(0.0, min(CANCEL_POLL_S, deadline - time.monotonic()))):
                return True
            if time.monotonic() >= deadline:
                return False

    def _give_back(self, worker: _Worker) -> None:
        with self._free:
            self._idle.append(worker)
            self._free.notify_all()

    def _take(
        self,
        wait: bool,
        urgent: bool = False,
        cancelled: Callable[[], bool] | None = None,
        stoppable: bool = False,
        colour_token: int = 0,
    ) -> _Worker | None:
        """A free worker (None: decode in the caller's thread); raises Superseded once ``cancelled`` while
        it waits (a frame scrubbed past must not take the worker the next one needs)."""
        while not self._closed:
            # A frame a user waits for with every worker busy: stale decodes are resumed and it takes the
            # first worker free, rather than decode in the caller's thread (where it could not be stopped).
            block = (
                wait or (urgent and bool(self._paused or self._finishing or self._resumed))
            ) and not self._starter.is_alive()
            worker = None
            with self._free:
                self._urgent_waiting += urgent
                try:
                    while not self._may_take(urgent) and block and not self._closed:
                        if urgent and not self._finishing:
                            if self._resumed:  # already going on: the nearest to done, it finishes
                                self._finishing |= self._resumed
                                self._resumed.clear()
                            elif self._paused:  # else the longest paused
                                self._resume([min(self._paused, key=self._paused.__getitem__)])
                        # A frame asked for checks whether it is still wanted every CANCEL_POLL_S, read-ahead
                        # every 0.5 s (waking that often, its threads would wake each other: every exit
                        # below notifies them all).
                        if not self._free.wait(CANCEL_POLL_S if urgent else 0.5):
                            if cancelled is not None:
                                break  # checked below, without the lock (the check takes its cache's)
                            if not self._idle and not self._has_workers():
                                break
                    if self._may_take(urgent):
                        worker = self._idle.pop(self._idle_index(colour_token))
                        self._busy += 1
                        # Running from here, under the lock it was taken with: a frame asked for is then
                        # urgent at once, so the check below does not resume a paused decode beside it
                        # (traced: resumed and paused again in the same millisecond).
                        self._running[worker] = (urgent, cancelled)
                        worker.stoppable, worker.stop_sent = stoppable, False
                finally:
                    self._urgent_waiting -= urgent
                    if not self._urgent_waiting:
                        self._resume_unless_urgent()
                    self._free.notify_all()
            if worker is None:
                if not block or not self._has_workers():
                    return None  # none free or none could start: the caller decodes in its thread
                if cancelled is not None and cancelled():
                    raise Superseded("")  # moved past while it waited for a worker: nothing to decode
                continue
            if worker.process.is_alive():
                return worker
            with self._free:
                self._busy -= 1
                self._running.pop(worker, None)
            self._replace(worker)  # died while idle
        return None

    def _idle_index(self, colour_token: int) -> int:
        """The idle worker to take: the last freed one holding the colour step ``colour_token`` if any, else the
        last freed. A worker's first colour job costs it ~0.3 s CPU (the bake's ~20 MB, numba, the kernel):
        read-ahead spread over every idle worker (spares too) paid that in each at the start of playback
        (traced: 6 workers, decode rate 16-19 -> 12 fps in a cold start). Call with ``_free`` held."""
        if colour_token:
            for index in range(len(self._idle) - 1, -1, -1):
                if colour_token in self._idle[index].colour_tokens:
                    return index
        return -1

    def _may_take(self, urgent: bool) -> bool:
        """A worker is idle for this caller: read-ahead leaves the spares, and a free worker to a frame
        the user waits for (call with ``_free`` held)."""
        if not self._idle:
            return False
        return urgent or (not self._urgent_waiting and self._busy < self.workers)

    def close(self) -> None:
        """Stop every worker."""
        with self._free:
            self._resume(list(self._paused))
        with self._lock:
            self._closed = True
            workers, self._all = self._all, []
        for worker in workers:
            worker.stop(kill=True)
        if self._pages is not None:
            self._pages.close()
        self._memory.close()


_POOLS: weakref.WeakSet[DecodePool] = weakref.WeakSet()


def _resume_paused() -> None:
    """No worker is left paused when the app exits (registered by _context after multiprocessing's own exit
    handler, so it runs before that one stops the workers)."""
    for pool in list(_POOLS):
        with pool._free:
            pool._resume(list(pool._paused))


def _context() -> Any:
    """Fork server where there is one (Unix: a replacement worker is a fork of a process that has imported
    the decoders), else spawn; spawn in the frozen app too (its entry runs spawned workers through
    freeze_support, tested; a fork server there is not). Never a plain fork of this process: forking a
    process with threads is unsafe."""
    import multiprocessing
    import multiprocessing.util  # registers multiprocessing's exit handler (atexit runs the last registered first)

    atexit.unregister(_resume_paused)  # once, and after that handler
    atexit.register(_resume_paused)
    if "forkserver" in multiprocessing.get_all_start_methods() and not getattr(sys, "frozen", False):
        context = multiprocessing.get_context("forkserver")
        # The app's main module too: a worker would import it again otherwise, as spawn does (0.3 s). And every
        # module a worker imports before it says it is ready: decode_image (PyAV, Pillow, simplejpeg) cost each
        # worker ~35 ms CPU as it started (6 at the app's start, and each replacement), now the server's once.
        context.set_forkserver_preload(
            ["__main__", __name__, "horus_desktop.media.decode_exr", "horus_desktop.media.decode_image",
             "horus_desktop.media.kernel_preload"]
        )
        return context
    return multiprocessing.get_context("spawn")


#: Workers beyond one per core, for the frames scrubbed to only (~20-50 MB each, forked): quick successive
#: seeks leave stale decodes paused, each holding its worker until no frame asked for decodes. Two bursts
#: of three seeks (two passed over each) and the read-ahead decode they passed left every worker of 2 + 2
#: paused, and the third frame of the second burst waited for one to finish (traced: 56-115 ms of a
#: 110-220 ms seek); a longer drag still fills them, then the frame asked for waits for the longest paused.
SCRUB_SPARES = 4
_SHARED: DecodePool | None = None
_SHARED_LOCK = threading.Lock()


def shared_decode_pool() -> DecodePool:
    """The app's one decode pool, one worker process per core and a spare for the frame scrubbed to,
    started on first use."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = DecodePool(core_count(), spare=SCRUB_SPARES)
        return _SHARED

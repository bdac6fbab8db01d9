"""Crash-isolated probing: ingest reads untrusted files in worker processes, so that a decoder that dies
in native code (a segmentation fault in a C library) or hangs takes down a worker, not the app.

A worker is a long-lived ``python -m horus_desktop.media.probe_worker`` child that runs one task at a
time: a module-level function and its arguments, pickled by reference. When it dies, the file it was on
is reported as damaged (DamagedFrameError naming the signal) and a fresh worker takes the next file; when
it overruns its time bound it is killed and the file is reported with DecodeTimeoutError. Workers are
shared by every ingest of the process (starting one costs about a second of imports) and stopped at exit.
"""

from __future__ import annotations

import atexit
import gc
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from horus_desktop.media import errors
from horus_desktop.media.errors import DamagedFrameError, DecodeTimeoutError, MediaError
from horus_desktop.media.hashing import default_workers
from horus_desktop.media.probe import Known, ProbeResult, probe_and_hash, probe_media
from horus_desktop.media.sequences import MediaItem
from horus_desktop.media.thumbnails import ThumbnailFile, make_thumbnails

PROBE_TIMEOUT = 120.0  # a long sequence's integrity check reads every frame's header
THUMBNAIL_TIMEOUT = 120.0
T = TypeVar("T")


class WorkerError(MediaError):
    """A task raised something other than a MediaError in the worker (a decoder bug): reported, not fatal."""


def _signal_name(code: int) -> str:
    if code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return f"exit status {code}"


class _Worker:
    """One child process and the two pipes to it (requests on its stdin, replies on its stdout)."""

    def __init__(self) -> None:
        env = dict(os.environ)
        # The child resolves task functions by module name: give it the parent's import path.
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p and os.path.isdir(p))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "horus_desktop.media.probe_worker"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, env=env, close_fds=True, start_new_session=True,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._requests = Connection(os.dup(self.process.stdin.fileno()), readable=False)
        self._replies = Connection(os.dup(self.process.stdout.fileno()), writable=False)
        self.process.stdin.close()
        self.process.stdout.close()

    def alive(self) -> bool:
        return self.process.poll() is None

    def call(self, path: str, timeout: float, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` in the child; MediaError for a crash, a hang or an error of the task."""
        try:
            self._requests.send((fn, args))
        except OSError:
            self.stop()
            raise DamagedFrameError(path, f"the reader process died ({_signal_name(self.process.wait())})") from None
        if not self._replies.poll(timeout):
            self.stop()
            raise DecodeTimeoutError(path, f"reading did not finish within {timeout:g} s; the reader was stopped")
        try:
            reply = self._replies.recv()
        except (EOFError, OSError, pickle.UnpicklingError):
            code = self.process.wait()
            self.stop()
            raise DamagedFrameError(
                path, f"the decoder crashed reading this file ({_signal_name(code)}); skipped as damaged"
            ) from None
        kind = reply[0]
        if kind == "ok":
            return reply[1]
        if kind == "media":
            error_type = getattr(errors, reply[1], MediaError)
            raise error_type(reply[2], reply[3])
        raise WorkerError(path, f"unexpected {reply[1]}: {reply[2]}")

    def stop(self) -> None:
        """Kill the child (if still running) and close the pipes."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._requests.close()
        self._replies.close()


class ProbePool:
    """Up to ``size`` worker processes, lent to one calling thread at a time; dead ones are replaced."""

    def __init__(self, size: int | None = None) -> None:
        self.size = size or default_workers()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._started = 0
        self._workers: list[_Worker] = []

    def _borrow(self) -> _Worker:
        while True:
            with self._lock:
                if self._idle.empty() and self._started < self.size:
                    self._started += 1
                    try:
                        worker = _Worker()
                    except BaseException:
                        self._started -= 1
                        raise
                    self._workers.append(worker)
                    return worker
            try:  # woken by a worker given back; re-checked now and then in case a dead one left a free place
                return self._idle.get(timeout=0.5)
            except queue.Empty:
                continue

    def _give_back(self, worker: _Worker) -> None:
        if worker.alive():
            self._idle.put(worker)
            return
        worker.stop()  # dead (crash, hang): its place is free, the next borrower starts a new one
        with self._lock:
            if worker in self._workers:
                self._workers.remove(worker)
                self._started -= 1

    def call(self, path: str, timeout: float, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` in a worker (``fn`` must be a module-level function)."""
        worker = self._borrow()
        try:
            return worker.call(path, timeout, fn, *args)
        finally:
            self._give_back(worker)

    def probe(self, item: MediaItem) -> ProbeResult:
        """`probe_media(item)` in a worker."""
        return self.call(item.path, PROBE_TIMEOUT, probe_task, item)

    def thumbnails(self, item: MediaItem, folder: Path, key: str) -> list[ThumbnailFile]:
        """`make_thumbnails(item, folder, key)` in a worker."""
        return self.call(item.path, THUMBNAIL_TIMEOUT, thumbnail_task, item, folder, key)

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            workers, self._workers = self._workers, []
            self._started = 0
        for worker in workers:
            worker.stop()
        while not self._idle.empty():
            self._idle.get_nowait()


def probe_task(item: MediaItem) -> ProbeResult:
    """What a worker runs to probe (module-level so it pickles by reference)."""
    return probe_media(item)


def probe_hash_task(item: MediaItem, known: Known | None) -> tuple[ProbeResult, str | None]:
    """What a worker runs to probe a media of an ingest and hash it when it reads it whole
    (`probe.probe_and_hash`)."""
    return probe_and_hash(item, known)


def thumbnail_task(item: MediaItem, folder: Path, key: str) -> list[ThumbnailFile]:
    """What a worker runs to make thumbnails."""
    return make_thumbnails(item, folder, key)


_shared: ProbePool | None = None
_shared_lock = threading.Lock()


def shared_pool() -> ProbePool:
    """The process-wide pool every ingest uses (its workers outlive one ingest; stopped at exit)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ProbePool()
            atexit.register(_shared.close)
        return _shared


def _serve() -> None:
    """The worker's loop: read a task, run it, send the outcome; exit when the parent closes the pipe."""
    replies = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # C libraries print warnings on stdout: keep them off the reply pipe
    requests = Connection(os.dup(0), writable=False)
    modules = 0
    while True:
        if len(sys.modules) != modules:
            # What the imports made (the decoders' modules, and the store's for an ingest's maker of rows) lives
            # as long as the worker: frozen, a full collection walks only what tasks made since, not ~90,000
            # objects (60-70 ms each time, about once every two or three ingests of 10,000 small files).
            gc.freeze()
            modules = len(sys.modules)
        try:
            fn, args = requests.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[Any, ...] = ("ok", fn(*args))
        except MediaError as exc:
            reply = ("media", type(exc).__name__, exc.path, exc.reason)
        except Exception as exc:  # a decoder bug: told to the parent, which reports the file
            reply = ("bug", type(exc).__name__, str(exc))
        try:
            replies.send(reply)
        except (OSError, pickle.PicklingError):  # the parent is gone (or the result cannot travel): stop
            return


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle (it cancels)
    _serve()

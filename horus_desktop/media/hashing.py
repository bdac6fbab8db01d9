"""SHA-256 of files and of frame sequences, streamed in blocks on threads (hashlib frees the GIL).

Each thread reads into one buffer it keeps for its life (``readinto`` a preallocated ``bytearray``, hashed
through a ``memoryview``): a new zeroed 4 MiB buffer per file cost more than hashing a small file. A
sequence's frames are hashed by the calling thread together with helpers lent by the caller's pool (the
ingest's one pool); the caller never waits on a helper that has not started, so a pool whose every thread
hashes a sequence cannot deadlock.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path

from horus_desktop.media.core_spread import core_count
from horus_desktop.media.errors import UnreadableFileError

BLOCK_SIZE = 4 * 1024 * 1024

_local = threading.local()


def default_workers() -> int:
    """Threads for hashing and decoding: one per core."""
    return core_count()


def _thread_buffer(block_size: int) -> tuple[bytearray, memoryview]:
    """This thread's read buffer of ``block_size`` bytes (made once per thread and size)."""
    buffers: dict[int, tuple[bytearray, memoryview]] | None = getattr(_local, "buffers", None)
    if buffers is None:
        buffers = _local.buffers = {}
    found = buffers.get(block_size)
    if found is None:
        buffer = bytearray(block_size)
        found = buffers[block_size] = (buffer, memoryview(buffer))
    return found


def sha256_file(path: str | Path, block_size: int = BLOCK_SIZE) -> str:
    """Hex SHA-256 of one file, read in `block_size` blocks into this thread's reused buffer."""
    digest = hashlib.sha256()
    buffer, view = _thread_buffer(block_size)
    try:
        with open(path, "rb", buffering=0) as handle:
            while True:
                count = handle.readinto(buffer)
                if not count:
                    break
                digest.update(view[:count])
    except OSError as exc:
        raise UnreadableFileError(path, exc.strerror or str(exc)) from exc
    return digest.hexdigest()


def combine_digests(digests: Sequence[str]) -> str:
    """Hex SHA-256 of the ordered per-frame hex digests (the hash of a sequence)."""
    digest = hashlib.sha256()
    for hex_digest in digests:
        digest.update(hex_digest.encode("ascii"))
    return digest.hexdigest()


class _SharedWork:
    """Files handed out one at a time to whichever thread asks next (the caller and its helpers)."""

    def __init__(self, paths: Sequence[str | Path]) -> None:
        self.paths = paths
        self.digests: list[str | None] = [None] * len(paths)
        self.error: BaseException | None = None
        self._next = 0
        self._lock = threading.Lock()

    def run(self) -> None:
        """Hash files until none is left (or another thread failed)."""
        while True:
            with self._lock:
                index = self._next
                if index >= len(self.paths) or self.error is not None:
                    return
                self._next += 1
            try:
                self.digests[index] = sha256_file(self.paths[index])
            except BaseException as exc:
                with self._lock:
                    self.error = self.error or exc
                return


def sha256_files(
    paths: Sequence[str | Path],
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
    *,
    helpers: int | None = None,
) -> list[str]:
    """Hex SHA-256 of each path, in order, on this thread and up to ``helpers`` threads of ``executor``
    (default: one less than the cores; a pool sized to the cores is made when no executor is given).

    `progress(nbytes)` is called after the files are hashed, once per file with its size.
    """
    paths = list(paths)
    own = executor is None and len(paths) > 1
    pool = ThreadPoolExecutor(max_workers=default_workers(), thread_name_prefix="horus-hash") if own else executor
    work = _SharedWork(paths)
    wanted = default_workers() - 1 if helpers is None else helpers
    lent: list[Future[None]] = []
    try:
        if pool is not None:
            lent = [pool.submit(work.run) for _ in range(max(0, min(wanted, len(paths) - 1)))]
        work.run()
        # Helpers still queued are not needed any more; those running finish their one file.
        for future in lent:
            if not future.cancel():
                future.result()
    finally:
        if own and pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    if work.error is not None:
        raise work.error
    digests = [d for d in work.digests if d is not None]
    if progress is not None:
        for path in paths:
            progress(os.path.getsize(path))
    return digests


def sha256_media(files: Sequence[str | Path], executor: Executor | None = None) -> str:
    """`file_hash` of a media: the file's SHA-256, or for several frames the hash of their digests
    (hashed with helpers from `executor` when given)."""
    if len(files) == 1:
        return sha256_file(files[0])
    return combine_digests(sha256_files(files, executor))

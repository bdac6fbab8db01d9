"""SHA-256 of files and of frame sequences, streamed in blocks on a thread pool (hashlib frees the GIL)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path

from horus_desktop.media.errors import UnreadableFileError

BLOCK_SIZE = 4 * 1024 * 1024


def default_workers() -> int:
    """Threads for hashing and decoding: one per core."""
    return max(1, os.cpu_count() or 1)


def sha256_file(path: str | Path, block_size: int = BLOCK_SIZE) -> str:
    """Hex SHA-256 of one file, read in `block_size` blocks into a reused buffer."""
    digest = hashlib.sha256()
    buffer = bytearray(block_size)
    view = memoryview(buffer)
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


def sha256_files(
    paths: Sequence[str | Path],
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Hex SHA-256 of each path, in order, computed on `executor` (or a pool sized to the cores).

    `progress(nbytes)` is called after each file with its size.
    """
    own = executor is None
    pool = executor or ThreadPoolExecutor(max_workers=default_workers(), thread_name_prefix="horus-hash")
    try:
        futures = [pool.submit(sha256_file, p) for p in paths]
        digests = []
        for path, future in zip(paths, futures, strict=True):
            digests.append(future.result())
            if progress is not None:
                progress(os.path.getsize(path))
        return digests
    finally:
        if own:
            pool.shutdown(wait=True, cancel_futures=True)


def sha256_media(files: Sequence[str | Path], executor: Executor | None = None) -> str:
    """`file_hash` of a media: the file's SHA-256, or for several frames the hash of their digests."""
    if len(files) == 1:
        return sha256_file(files[0])
    return combine_digests(sha256_files(files, executor))

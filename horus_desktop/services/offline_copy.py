"""Copying one file of a media to this machine: resumable, durable, hashed while it is written.

A file is written under a temporary name beside its destination (``.NAME.horus-partial``), flushed to disk
(``fsync``) and only then renamed to its own name, so a destination file is always whole. A copy cut short
(a crash, ``kill -9``, a full disk) leaves the partial file: the next run hashes what it holds and copies only
the rest. Whether the bytes are the right ones is decided by the caller, against the hash the store holds.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from horus_desktop.media.hashing import BLOCK_SIZE

Progress = Callable[[int], None]
Cancel = Callable[[], bool]


class CopyCancelled(Exception):
    """The user stopped the copy; the partial file is kept for the next run."""


def partial_path(destination: Path) -> Path:
    """Where a copy to ``destination`` is written until it is whole."""
    return destination.with_name(f".{destination.name}.horus-partial")


def sha256_of(path: Path, progress: Progress | None = None, cancel: Cancel | None = None) -> str:
    """Hex SHA-256 of a local file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(BLOCK_SIZE):
            if cancel is not None and cancel():
                raise CopyCancelled(str(path))
            digest.update(block)
            if progress is not None:
                progress(len(block))
    return digest.hexdigest()


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX: the directory entry is data too)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def copy_file(source: Path, destination: Path, *, progress: Progress | None = None,
              cancel: Cancel | None = None) -> str:
    """Copy ``source`` to ``destination`` (resuming a partial copy); returns the hex SHA-256 of what was written.

    ``progress(n)`` is told of every block read (from the partial file or the source); ``cancel()`` is asked
    between blocks and stops the copy with :class:`CopyCancelled`, keeping the partial file."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = partial_path(destination)
    digest = hashlib.sha256()
    size = os.path.getsize(source)
    done = 0
    if partial.exists() and partial.stat().st_size <= size:
        with open(partial, "rb") as held:  # resume: what the partial file holds is hashed, not copied again
            while block := held.read(BLOCK_SIZE):
                digest.update(block)
                done += len(block)
                if progress is not None:
                    progress(len(block))
    mode = "ab" if done else "wb"
    with open(source, "rb") as reader, open(partial, mode) as writer:
        reader.seek(done)
        while block := reader.read(BLOCK_SIZE):
            if cancel is not None and cancel():
                writer.flush()
                raise CopyCancelled(str(source))
            digest.update(block)
            writer.write(block)
            if progress is not None:
                progress(len(block))
        writer.flush()
        os.fsync(writer.fileno())
    os.replace(partial, destination)
    _fsync_folder(destination.parent)
    return digest.hexdigest()


def discard(destination: Path) -> None:
    """Remove a copy and its partial file (bytes that do not match the store are not kept)."""
    destination.unlink(missing_ok=True)
    partial_path(destination).unlink(missing_ok=True)

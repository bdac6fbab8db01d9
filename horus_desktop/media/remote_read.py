"""Reading a decode process's frame straight out of its memory (Linux ``process_vm_readv``), into new memory
of the app's.

Why: a frame the cache keeps needs new pages either way, and a shared-memory file's cost more than the
app's own private ones. A 2K half frame's 14 MB went through a new tmpfs file (the worker's write
allocating its pages, the app's mapping, the file torn down when the frame went) at ~12 ms CPU under load
here, against ~9 ms read straight into private pages of the app's (the worker writes nothing), and less
into the pages of a frame let go of (media/frame_memory.py). The frame a user waits for comes this way only
when such pages are kept; else through a shared-memory file made ready beforehand (media/shm_frames.py),
whose pages were allocated while the cores were idle, not between the decode and the screen.

Allowed where the app may read its own descendants' memory (Yama's ptrace_scope 0 or 1, the default
on most desktops; a decode process is the app's child or its fork server's): `probe` tells, once per
worker, and where it cannot the frames come through the files as before.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from functools import cache, partial

import numpy as np

from horus_desktop.media.core_spread import core_count, run_parts


class _IoVec(ctypes.Structure):
    _fields_ = [("iov_base", ctypes.c_void_p), ("iov_len", ctypes.c_size_t)]


@cache
def _readv() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]  # ctypes' own private base
    """libc's process_vm_readv, or None where there is none (not Linux, an old libc)."""
    if sys.platform != "linux":
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        call = libc.process_vm_readv
    except (OSError, AttributeError):
        return None
    call.argtypes = [ctypes.c_int, ctypes.POINTER(_IoVec), ctypes.c_ulong, ctypes.POINTER(_IoVec),
                     ctypes.c_ulong, ctypes.c_ulong]
    call.restype = ctypes.c_ssize_t
    return call


#: The least a split read gives a thread (smaller, a thread's hand-off costs more than it saves).
PART_MIN_BYTES = 2 << 20
_PAGE = 4096


def read_into(pid: int, address: int, out: np.ndarray, *, threads: int = 1) -> None:
    """``out.nbytes`` bytes of process ``pid`` from ``address`` into C-contiguous ``out``; OSError if they
    cannot be read (the process has gone, no right to read it). ctypes lets go of the GIL meanwhile.

    ``threads`` > 1: a large read is split in page-aligned parts read at once on that many threads (this one
    and threads started for it: media/core_spread.py), for a frame a user waits for while the cores
    are otherwise idle: a 2K half frame's 13 MB took ~2.4 ms on one thread between the decode and the screen
    (traced scrubbing), the kernel's copy running at ~5 GB/s; two threads read it in ~60% of one's time.
    The same CPU either way."""
    size = out.nbytes
    parts = min(threads, core_count(), size // PART_MIN_BYTES)
    if parts <= 1:
        _read_range(pid, address, out.ctypes.data, size)
        return
    step = -(-size // parts // _PAGE) * _PAGE
    base = out.ctypes.data
    ranges = [(start, min(step, size - start)) for start in range(0, size, step)]
    # Every part has ended before ``out`` may be used or freed, a part's OSError raised then; one core each
    # (media/core_spread.py).
    run_parts([partial(_read_range, pid, address + start, base + start, length) for start, length in ranges],
              "horus-read")


def _read_range(pid: int, address: int, base: int, size: int) -> None:
    """``size`` bytes of process ``pid`` from ``address`` to our memory at ``base``."""
    call = _readv()
    if call is None:
        raise OSError(38, "process_vm_readv is not available here")  # ENOSYS
    done = 0
    while done < size:  # the kernel may stop short of the whole (at a page it could not read)
        local, remote = _IoVec(base + done, size - done), _IoVec(address + done, size - done)
        got = call(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
        if got <= 0:
            errno = ctypes.get_errno() or 5  # EIO when nothing was read and nothing said why
            raise OSError(errno, f"reading process {pid}'s frame: {os.strerror(errno)}")
        done += got


def probe(pid: int, address: int, expected: bytes) -> bool:
    """True when process ``pid``'s ``expected`` bytes at ``address`` can be read from here."""
    out = np.empty(len(expected), np.uint8)
    try:
        read_into(pid, address, out)
    except OSError:
        return False
    return out.tobytes() == expected

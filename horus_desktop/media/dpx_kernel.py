"""10-bit DPX words to 16-bit samples in one compiled pass (numba), for media/decode_dpx.py.

A 10-bit DPX holds three samples in each 32-bit word (method A: bits 22, 12 and 2; method B: 20, 10 and 0).
Each is widened to 16 bits as (v << 6) | (v >> 4), so 1023 is 65535 and the colour kernel's 16-bit tables read
it. numpy did this in ~12 passes over the frame (shifts, masks, a stack, a widening and the expansion: ~16 ms
CPU a 2K frame, most of the decode); this loop does it in one (~0.5 ms: the compiler vectorizes it).

Compiled once (~1 s) or loaded from numba's on-disk cache with the first 10-bit frame of a process, as the
colour kernel is (media/kernel_cache.py; media/kernel_warmup.py fills the cache). This module is imported
only then: the viewer's start and the other decoders do not import numba.
"""

from __future__ import annotations

import sys

import numba
import numpy as np

from horus_desktop.media.kernel_cache import cached

#: The shifts of the three samples in a word: method A (packing 1), method B (packing 2).
_SHIFTS = {1: (22, 12, 2), 2: (20, 10, 0)}


@cached  # numba's on-disk cache, beside this file or (frozen app) in the user's cache folder
@numba.njit(nogil=True)
def _unpack(words, swap, first, second, third, out):  # noqa: ANN001, ANN202 (numba's types)
    """`words` (flat uint32, native order; `swap`: byte-swap each first) to `out` (flat uint16, three
    samples a word, at the bit offsets `first`, `second`, `third`), each 10-bit sample widened to 16 bits."""
    mask = numba.uint32(0x3FF)
    six, four = numba.uint32(6), numba.uint32(4)
    for j in range(words.size):
        w = words[j]
        if swap:  # LLVM makes this one bswap
            w = (((w & numba.uint32(0xFF)) << numba.uint32(24)) | ((w & numba.uint32(0xFF00)) << numba.uint32(8))
                 | ((w >> numba.uint32(8)) & numba.uint32(0xFF00)) | (w >> numba.uint32(24)))
        a = (w >> first) & mask
        b = (w >> second) & mask
        c = (w >> third) & mask
        out[3 * j] = numba.uint16((a << six) | (a >> four))
        out[3 * j + 1] = numba.uint16((b << six) | (b >> four))
        out[3 * j + 2] = numba.uint16((c << six) | (c >> four))


def unpack_10bit(words: np.ndarray, packing: int) -> np.ndarray:
    """HxN 32-bit words (any byte order: the file's) of a 10-bit DPX packed by `packing` (1: method A, 2:
    method B) as Hx3N uint16 samples widened to 16 bits (1023 -> 65535)."""
    first, second, third = (numba.uint32(s) for s in _SHIFTS[packing])
    swap = words.dtype.byteorder not in ("=", "|", "<" if sys.byteorder == "little" else ">")
    # One signature for the compiled loop (numba compiles read-only and writable arrays apart): the words as
    # read-only native uint32, a view when they already are (the frame's bytes).
    native = np.ascontiguousarray(words).view(np.uint32).reshape(-1)
    if native.flags.writeable:
        native = native.view()
        native.flags.writeable = False
    out = np.empty(words.shape[:-1] + (3 * words.shape[-1],), dtype=np.uint16)
    _unpack(native, swap, first, second, third, out.reshape(-1))
    return out


def cache_counts() -> tuple[int, int]:
    """How many compiled versions of the loop this process loaded from numba's on-disk cache, and how many it
    compiled (media/kernel_warmup.py reports them)."""
    stats = _unpack.stats
    return sum(stats.cache_hits.values()), sum(stats.cache_misses.values())

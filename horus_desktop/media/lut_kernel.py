"""The CPU colour step's kernel: shaper table, tetrahedral 3D LUT, 8-bit rounding and the crease check of
each pixel in one pass, compiled by numba (media/colour.py's BakedView runs it for 8-bit, 16-bit and half
pixels; float32 pixels go through OCIO's own processor).

Why our own kernel: OCIO's optimized CPU processor runs the same steps as three passes over a scanline
buffer (the 16-bit shaper table to float RGBA, the LUT, float to 8 bits), and the crease check was two more
numpy passes; this does it all while the pixel is in registers, ~2x cheaper a frame (`horus bench colour`).

Per pixel: each channel's 16 (or 8) bits index tables made once a view (`KernelTables`): the LUT cell's
offset (pre-multiplied by its axis' stride) and the position within the cell, as OCIO's Lut1D + Lut3D
would compute them from the shaper's value. The tetrahedron is chosen without branches; its four corners
are loaded as 4-float vectors (the LUT is stored RGB + a pad lane, 16 bytes a node) and weighted in SSE
lanes (`_tetra_codes`, an LLVM intrinsic: numba's vectorizers leave the per-channel form scalar), then
scaled, rounded, clamped (NaN to 0) and narrowed to 8 bits. The same tables hold the lowest creased-cell
look-up of colour.py's `_cell_table` (cell index pre-multiplied, and whether the value lies within the margin
of a cell's side): a pixel whose cells touch a creased cell is written to `flagged` for the exact processor,
the same pixels `BakedView.fallback_pixels` finds.

Compiled (or loaded from numba's on-disk cache beside this file, ~0.5 s) with the first frame coloured, in
the thread that colours it, as the view's bake (~1.5 s): the frame cache's workers, not the UI thread. A
frozen app has no source file to cache beside, and compiles it once a process (~2-4 s a pixel type).
numba is imported only here, when the first frame is coloured.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numba
import numpy as np
from llvmlite import ir
from numba.core import types
from numba.extending import intrinsic

#: LUT nodes are stored as 4 float32 (RGB and a pad lane) so a node is one vector load.
LANES = 4
#: Bit set in a crease-check table entry whose value lies within the margin of a LUT cell's side.
_WIDE_BIT = 1 << 24
_INDEX_MASK = _WIDE_BIT - 1
#: numba caches compiled code beside its source file; a frozen app has no source file (numba would refuse to
#: decorate), so there the kernel is compiled once a process instead.
_CACHE = os.path.isfile(__file__)


@dataclass(frozen=True, eq=False)
class KernelTables:
    """What the kernel reads for one view and pixel type (made once; arrays indexed by a channel's bits).

    `offsets[c]`: the cell's first node of channel c, times that axis' stride in `lut4` (uint32);
    `fractions`: the position within the cell (float32, 0..1); `lut4`: the size^3 nodes, 4 float32 each;
    `checks[c]`: the lowest cell the crease check looks at, times the creased array's stride for that axis,
    plus `_WIDE_BIT` when the value is within the margin of a side (then the next cell is checked too);
    `creased`: the creased cells, (size-1)^3 flags flattened."""

    size: int
    offsets: tuple[np.ndarray, np.ndarray, np.ndarray]
    fractions: np.ndarray
    lut4: np.ndarray
    checks: tuple[np.ndarray, np.ndarray, np.ndarray] | None
    creased: np.ndarray


def padded_lut(values: np.ndarray) -> np.ndarray:
    """Nx3 LUT node values (red slowest, blue fastest, as Lut3DTransform's data) as the kernel's flat
    N*4 float32 array."""
    nodes = np.zeros((len(values), LANES), dtype=np.float32)
    nodes[:, :3] = values.reshape(-1, 3)
    return nodes.reshape(-1)


def make_tables(size: int, positions: np.ndarray, lut4: np.ndarray, creased: np.ndarray | None,
                cell_low: np.ndarray | None, cell_high: np.ndarray | None) -> KernelTables:
    """The tables for a LUT of `size`^3 nodes: `positions` is, for every bit pattern of the pixel type, the
    LUT position 0..1 OCIO's Lut3D would take (after the shaper and clamp); `cell_low`/`cell_high` the crease
    check's lowest and highest cell per bit pattern (colour.py's `_cell_table`), None when nothing is creased."""
    cells = size - 1
    scaled = np.clip(np.nan_to_num(positions.astype(np.float32), nan=0.0), 0.0, 1.0) * np.float32(cells)
    cell = np.minimum(scaled.astype(np.int64), cells - 1)  # position 1.0: the last cell, at its far side
    fractions = np.ascontiguousarray(scaled - cell.astype(np.float32), dtype=np.float32)
    strides = (LANES * size * size, LANES * size, LANES)
    offsets = tuple(np.ascontiguousarray(cell * stride, dtype=np.uint32) for stride in strides)
    checks = None
    flat = np.zeros(1, dtype=np.uint8)
    if creased is not None and cell_low is not None and cell_high is not None:
        wide = (cell_high.astype(np.int64) - cell_low) * _WIDE_BIT  # 0 or 1 cell apart (the margin is tiny)
        checks = tuple(np.ascontiguousarray(cell_low.astype(np.int64) * stride + wide, dtype=np.uint32)
                       for stride in (cells * cells, cells, 1))
        flat = np.ascontiguousarray(creased.reshape(-1), dtype=np.uint8)
    return KernelTables(size, offsets, fractions, np.ascontiguousarray(lut4, dtype=np.float32), checks, flat)


@intrinsic
def _tetra_codes(typingctx, lut, i0, i1, i2, i3, w0, w1, w2, w3):  # noqa: ANN001, ANN202 (numba's signature)
    """sum of w_k * lut[i_k : i_k + 4] as 4-float vectors, * 255 + 0.5, clamped to 0..255 (NaN: 0), truncated
    to 4 bytes packed in a uint32 (red lowest)."""
    sig = types.uint32(lut, i0, i1, i2, i3, w0, w1, w2, w3)

    def codegen(context, builder, signature, args):  # noqa: ANN001, ANN202
        data = context.make_array(signature.args[0])(context, builder, args[0]).data
        vector = ir.VectorType(ir.FloatType(), LANES)

        def node(index):  # noqa: ANN001, ANN202
            pointer = builder.bitcast(builder.gep(data, [index], inbounds=True), vector.as_pointer())
            return builder.load(pointer, align=4)

        def splat(value):  # noqa: ANN001, ANN202
            lanes = ir.Constant(vector, ir.Undefined)
            for lane in range(LANES):
                lanes = builder.insert_element(lanes, value, ir.Constant(ir.IntType(32), lane))
            return lanes

        total = builder.fmul(node(args[1]), splat(args[5]))
        for corner in range(1, 4):
            total = builder.fadd(total, builder.fmul(node(args[1 + corner]), splat(args[5 + corner])))
        total = builder.fmul(total, ir.Constant(vector, [255.0] * LANES))
        total = builder.fadd(total, ir.Constant(vector, [0.5] * LANES))
        zero, top = ir.Constant(vector, [0.0] * LANES), ir.Constant(vector, [255.0] * LANES)
        total = builder.select(builder.fcmp_ordered(">", total, zero), total, zero)  # NaN fails: 0
        total = builder.select(builder.fcmp_ordered("<", total, top), total, top)
        codes = builder.trunc(builder.fptosi(total, ir.VectorType(ir.IntType(32), LANES)),
                              ir.VectorType(ir.IntType(8), LANES))
        return builder.bitcast(codes, ir.IntType(32))

    return sig, codegen


@numba.njit(nogil=True, cache=_CACHE, inline="always")
def _pixel_codes(a0, a1, a2, offr, offg, offb, frac, lut4, s1, s2, s3):  # noqa: ANN001, ANN202
    """One pixel's packed 8-bit codes from its three channels' bits: tetrahedral interpolation in the cell."""
    fr = frac[a0]
    fg = frac[a1]
    fb = frac[a2]
    base = numba.uint64(offr[a0]) + numba.uint64(offg[a1]) + numba.uint64(offb[a2])
    # The tetrahedron: corners along the largest fraction's axis, then the middle one's (OCIO's six cases;
    # on ties the weight between the two candidate corners is 0, so either is the same value).
    r_top = (fr >= fg) & (fr >= fb)
    g_top = (~r_top) & (fg >= fb)
    b_low = (fb <= fr) & (fb <= fg)
    g_low = (~b_low) & (fg <= fr)
    high = max(fr, max(fg, fb))
    low = min(fr, min(fg, fb))
    middle = fr + fg + fb - high - low
    first = s3 if r_top else (s2 if g_top else s1)
    last = s1 if b_low else (s2 if g_low else s3)
    far = s1 + s2 + s3
    return _tetra_codes(lut4, base, base + first, base + far - last, base + far,
                        np.float32(1.0) - high, high - middle, middle - low, low)


@numba.njit(nogil=True, cache=_CACHE)
def _apply(src, channels, offr, offg, offb, frac, lut4, size, check, chkr, chkg, chkb, creased, alpha,
           out, flagged):  # noqa: ANN001, ANN202
    """`src` (flat pixel bits, `channels` 3 or 4 a pixel) to `out` (flat uint8, same layout; alpha through the
    `alpha` table); returns how many pixels it wrote to `flagged` (their indices) when `check`."""
    s1 = numba.uint64(LANES)
    s2 = s1 * numba.uint64(size)
    s3 = s2 * numba.uint64(size)
    c2 = numba.uint64(size - 1)  # the creased array's strides
    c3 = c2 * c2
    step = numba.uint64(channels)
    count = 0
    for p in range(src.size // channels):
        k = numba.uint64(p) * step
        a0 = src[k]
        a1 = src[k + numba.uint64(1)]
        a2 = src[k + numba.uint64(2)]
        codes = _pixel_codes(a0, a1, a2, offr, offg, offb, frac, lut4, s1, s2, s3)
        out[k] = numba.uint8(codes & numba.uint32(255))
        out[k + numba.uint64(1)] = numba.uint8((codes >> numba.uint32(8)) & numba.uint32(255))
        out[k + numba.uint64(2)] = numba.uint8((codes >> numba.uint32(16)) & numba.uint32(255))
        if channels == 4:
            out[k + numba.uint64(3)] = alpha[src[k + numba.uint64(3)]]
        if not check:
            continue
        # The crease check, written out here: a helper taking the arrays costs reference counting a pixel.
        key = numba.uint64(chkr[a0]) + numba.uint64(chkg[a1]) + numba.uint64(chkb[a2])
        index = key & numba.uint64(_INDEX_MASK)
        hit = creased[index] != 0
        if not hit and key >= numba.uint64(_WIDE_BIT):
            # A value within the margin of a cell's side: its cell and the next one along that axis.
            dr = c3 if chkr[a0] >= numba.uint32(_WIDE_BIT) else numba.uint64(0)
            dg = c2 if chkg[a1] >= numba.uint32(_WIDE_BIT) else numba.uint64(0)
            db = numba.uint64(1) if chkb[a2] >= numba.uint32(_WIDE_BIT) else numba.uint64(0)
            hit = (creased[index + db] | creased[index + dg] | creased[index + dg + db] | creased[index + dr]
                   | creased[index + dr + db] | creased[index + dr + dg] | creased[index + dr + dg + db]) != 0
        if hit:
            flagged[count] = p
            count += 1
    return count


_NO_ALPHA = np.zeros(1, dtype=np.uint8)


def apply_tables(tables: KernelTables, bits: np.ndarray, out: np.ndarray, *, check: bool,
                 alpha: np.ndarray | None = None) -> np.ndarray:
    """Colour C-contiguous HxWxC (C = 3 or 4) `bits` (uint8, or uint16: 16-bit values or half bit patterns)
    into `out` (HxWxC uint8, C-contiguous; alpha from the `alpha` table by its bits); returns the flat indices
    of the pixels a creased cell touches (none unless `check` and the view has creases)."""
    channels = bits.shape[-1]
    pixels = bits.size // channels
    check = check and tables.checks is not None
    checks = tables.checks or (tables.offsets[0],) * 3  # unread when not checking
    flagged = np.empty(pixels if check else 0, dtype=np.intp)
    count = _apply(bits.reshape(-1), channels, *tables.offsets, tables.fractions, tables.lut4, tables.size,
                   check, *checks, tables.creased, _NO_ALPHA if alpha is None else alpha, out.reshape(-1), flagged)
    return flagged[:count].copy() if count else np.empty(0, dtype=np.intp)

"""The CPU colour step's kernel: shaper table, tetrahedral 3D LUT, 8-bit rounding and the crease check of
each pixel in one pass, compiled by numba (media/colour.py's BakedView runs it for 8-bit, 16-bit and half
pixels; float32 pixels go through OCIO's own processor).

Why our own kernel: OCIO's optimized CPU processor runs the same steps as three passes over a scanline
buffer (the 16-bit shaper table to float RGBA, the LUT, float to 8 bits), and the crease check was two more
numpy passes; this does it all while the pixel is in registers, ~2x cheaper a frame (`horus bench colour`).

Per pixel: each channel's 16 (or 8) bits index one row of a table made once a view (`KernelTables.rows`,
32 bytes: one cache line serves all a channel's look-ups): the LUT cell's offset along each axis
(pre-multiplied by the axis' stride) and the position within the cell, as OCIO's Lut1D + Lut3D would compute
them from the shaper's value, and the crease check's cell (below). The tetrahedron comes from the three
comparisons of the positions as an index into a table of its corners (no branches); its four corners are
loaded as 4-float vectors (the LUT is stored RGB + a pad lane, 16 bytes a node), weighted in SSE lanes,
scaled, rounded, clamped (NaN to 0), narrowed to 8 bits and stored as one 4-byte word (`_tetra_store`, an
LLVM intrinsic: numba's vectorizers leave the per-channel form scalar; the word's 4th byte is overwritten by
the next pixel, or alpha, and the output has a spare byte at its end). The crease check is colour.py's
`_cell_table` look-up (the lowest cell pre-multiplied by the creased array's stride, and whether the value
lies within the margin of a cell's side, then the next cell counts too): a pixel whose cells touch a creased
cell is written to `flagged` for the exact processor, the same pixels `BakedView.fallback_pixels` finds.

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


#: Columns of a row of `KernelTables.rows`: cell offsets along red, green, blue; the position within the
#: cell (float32 bits); the crease check's cell along red, green, blue; a pad to 32 bytes.
_ROW = 8
_FRACTION = 3
_CHECK = 4


@dataclass(frozen=True, eq=False)
class KernelTables:
    """What the kernel reads for one view and pixel type (made once).

    `rows`: per bit pattern of a channel, _ROW uint32: the LUT cell's first node along red, green and blue,
    times that axis' stride in `lut4`; the position within the cell (float32 0..1, as its bits); the crease
    check's lowest cell along red, green and blue, times the creased array's stride for that axis, plus
    `_WIDE_BIT` when the value is within the margin of a cell's side. `corners`: by the comparison case
    (`_apply`), the offsets of the tetrahedron's 2nd and 3rd corners, then the far corner's. `lut4`: the
    size^3 nodes, 4 float32 each. `creased`: the (size-1)^3 creased cells' flags (None: nothing creased)."""

    size: int
    rows: np.ndarray
    corners: np.ndarray
    lut4: np.ndarray
    creased: np.ndarray | None


def padded_lut(values: np.ndarray) -> np.ndarray:
    """Nx3 LUT node values (red slowest, blue fastest, as Lut3DTransform's data) as the kernel's flat
    N*4 float32 array."""
    nodes = np.zeros((len(values), LANES), dtype=np.float32)
    nodes[:, :3] = values.reshape(-1, 3)
    return nodes.reshape(-1)


def _corner_table(size: int) -> np.ndarray:
    """The tetrahedra's corners by case = (fr >= fg) * 4 + (fg >= fb) * 2 + (fr >= fb): the offsets of the
    corner one step along the largest fraction's axis and of the one a step along the middle one's too
    (OCIO's six cases; on ties the weight between the candidates is 0); entry 16, the far corner (1, 1, 1).
    Cases 1 and 6 cannot happen (the comparisons would contradict each other); they get case 7's."""
    red, green, blue = LANES * size * size, LANES * size, LANES
    cases = {0b111: (red, green), 0b110: (red, green), 0b101: (red, blue), 0b100: (blue, red),
             0b000: (blue, green), 0b010: (green, blue), 0b011: (green, red), 0b001: (red, green)}
    table = np.zeros(17, dtype=np.uint64)
    for case, (first, second) in cases.items():
        table[2 * case], table[2 * case + 1] = first, first + second
    table[16] = red + green + blue
    return table


def make_tables(size: int, positions: np.ndarray, lut4: np.ndarray, creased: np.ndarray | None,
                cell_low: np.ndarray | None, cell_high: np.ndarray | None) -> KernelTables:
    """The tables for a LUT of `size`^3 nodes: `positions` is, for every bit pattern of the pixel type, the
    LUT position 0..1 OCIO's Lut3D would take (after the shaper and clamp); `cell_low`/`cell_high` the crease
    check's lowest and highest cell per bit pattern (colour.py's `_cell_table`), None when nothing is creased."""
    cells = size - 1
    scaled = np.clip(np.nan_to_num(positions.astype(np.float32), nan=0.0), 0.0, 1.0) * np.float32(cells)
    cell = np.minimum(scaled.astype(np.int64), cells - 1)  # position 1.0: the last cell, at its far side
    rows = np.zeros((len(positions), _ROW), dtype=np.uint32)
    for axis, stride in enumerate((LANES * size * size, LANES * size, LANES)):
        rows[:, axis] = cell * stride
    rows[:, _FRACTION] = (scaled - cell.astype(np.float32)).astype(np.float32).view(np.uint32)
    flags = None
    if creased is not None and cell_low is not None and cell_high is not None:
        wide = (cell_high.astype(np.int64) - cell_low) * _WIDE_BIT  # 0 or 1 cell apart (the margin is tiny)
        for axis, stride in enumerate((cells * cells, cells, 1)):
            rows[:, _CHECK + axis] = cell_low.astype(np.int64) * stride + wide
        flags = np.ascontiguousarray(creased.reshape(-1), dtype=np.uint8)
    return KernelTables(size, rows.reshape(-1), _corner_table(size), np.ascontiguousarray(lut4, np.float32), flags)


@intrinsic
def _tetra_store(typingctx, lut, i0, i1, i2, i3, w0, w1, w2, w3, out, at):  # noqa: ANN001, ANN202 (numba's)
    """out[at:at + 4] = the bytes of sum(w_k * lut[i_k : i_k + 4]) * 255 + 0.5 (4-float vectors), clamped to
    0..255 (NaN: 0) and truncated: red, green, blue and the pad lane's 0."""
    sig = types.void(lut, i0, i1, i2, i3, w0, w1, w2, w3, out, at)

    def codegen(context, builder, signature, args):  # noqa: ANN001, ANN202
        data = context.make_array(signature.args[0])(context, builder, args[0]).data
        dest = context.make_array(signature.args[9])(context, builder, args[9]).data
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
        pointer = builder.bitcast(builder.gep(dest, [args[10]], inbounds=True), ir.IntType(32).as_pointer())
        builder.store(builder.bitcast(codes, ir.IntType(32)), pointer, align=1)
        return context.get_dummy_value()

    return sig, codegen


@numba.njit(nogil=True, cache=_CACHE)
def _apply(src, channels, rows, fractions, corners, lut4, check, creased, cells, alpha, out,
           flagged):  # noqa: ANN001, ANN202
    """`src` (flat pixel bits, `channels` 3 or 4 a pixel) to `out` (flat uint8, same layout plus a spare byte;
    alpha through the `alpha` table); returns how many pixels it wrote to `flagged` (their indices) when
    `check`. `fractions` is `rows` seen as float32."""
    u = numba.uint64
    step = u(channels)
    row = u(_ROW)
    c2 = u(cells)  # the creased array's strides along green and red
    c3 = c2 * c2
    count = 0
    for p in range(src.size // channels):
        k = u(p) * step
        a0 = u(src[k]) * row
        a1 = u(src[k + u(1)]) * row
        a2 = u(src[k + u(2)]) * row
        fr = fractions[a0 + u(_FRACTION)]
        fg = fractions[a1 + u(_FRACTION)]
        fb = fractions[a2 + u(_FRACTION)]
        base = u(rows[a0]) + u(rows[a1 + u(1)]) + u(rows[a2 + u(2)])
        case = ((u(fr >= fg) << u(2)) | (u(fg >= fb) << u(1)) | u(fr >= fb)) << u(1)
        high = max(fr, max(fg, fb))
        low = min(fr, min(fg, fb))
        middle = fr + fg + fb - high - low
        _tetra_store(lut4, base, base + corners[case], base + corners[case + u(1)], base + corners[16],
                     np.float32(1.0) - high, high - middle, middle - low, low, out, k)
        if channels == 4:
            out[k + u(3)] = alpha[src[k + u(3)]]
        if not check:
            continue
        key = u(rows[a0 + u(_CHECK)]) + u(rows[a1 + u(_CHECK + 1)]) + u(rows[a2 + u(_CHECK + 2)])
        index = key & u(_INDEX_MASK)
        hit = creased[index] != 0
        if not hit and key >= u(_WIDE_BIT):
            # A value within the margin of a cell's side: its cell and the next one along that axis.
            dr = c3 if rows[a0 + u(_CHECK)] >= numba.uint32(_WIDE_BIT) else u(0)
            dg = c2 if rows[a1 + u(_CHECK + 1)] >= numba.uint32(_WIDE_BIT) else u(0)
            db = u(1) if rows[a2 + u(_CHECK + 2)] >= numba.uint32(_WIDE_BIT) else u(0)
            hit = (creased[index + db] | creased[index + dg] | creased[index + dg + db] | creased[index + dr]
                   | creased[index + dr + db] | creased[index + dr + dg] | creased[index + dr + dg + db]) != 0
        if hit:
            flagged[count] = p
            count += 1
    return count


_NO_ALPHA = np.zeros(1, dtype=np.uint8)
_NO_CREASES = np.zeros(1, dtype=np.uint8)


def apply_tables(tables: KernelTables, bits: np.ndarray, *, check: bool,
                 alpha: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Colour C-contiguous HxWxC (C = 3 or 4) `bits` (uint8, or uint16: 16-bit values or half bit patterns):
    returns the HxWxC uint8 result (alpha from the `alpha` table by its bits) and the flat indices of the
    pixels a creased cell touches (none unless `check` and the view has creases)."""
    channels = bits.shape[-1]
    pixels = bits.size // channels
    check = check and tables.creased is not None
    flagged = np.empty(pixels if check else 0, dtype=np.intp)
    buffer = np.empty(bits.size + 1, dtype=np.uint8)  # the last pixel's 4-byte store writes one past it
    count = _apply(bits.reshape(-1), channels, tables.rows, tables.rows.view(np.float32), tables.corners,
                   tables.lut4, check, _NO_CREASES if tables.creased is None else tables.creased,
                   tables.size - 1, _NO_ALPHA if alpha is None else alpha, buffer, flagged)
    out = buffer[:-1].reshape(bits.shape)
    return out, (flagged[:count].copy() if count else np.empty(0, dtype=np.intp))

"""The CPU colour step's kernel: shaper table, tetrahedral 3D LUT, 8-bit rounding and the crease check of
each pixel in one pass, compiled by numba (media/colour_baked.py's BakedView runs it for 8-bit, 16-bit and half
pixels; float32 pixels go through OCIO's own processor).

Why our own kernel: OCIO's optimized CPU processor runs the same steps as three passes over a scanline
buffer (the 16-bit shaper table to float RGBA, the LUT, float to 8 bits), and the crease check was two more
numpy passes; this does it all while the pixel is in registers, ~2x cheaper a frame (`horus bench colour`).

Per pixel: each channel's 16 (or 8) bits index one row of a table made once a view (`KernelTables.rows`,
16 bytes): the LUT cell's offset along that axis (pre-multiplied by the axis' stride) and the position within
the cell, as OCIO's Lut1D + Lut3D would compute them from the shaper's value. The tetrahedron comes from the
three comparisons of the positions as an index into a table of its corners (no branches); its four corners
are loaded as 4-float vectors (the LUT is stored RGB + a 4th lane, 16 bytes a node, its RGB as 8-bit codes
+ 0.5: `make_tables`), weighted in SSE lanes by fused multiply-adds, clamped (NaN to 0), truncated, narrowed
to 8 bits and stored as one 4-byte word (`_tetra_store`, an LLVM intrinsic: numba's vectorizers leave the
per-channel form scalar; the word's 4th byte is overwritten by the next pixel, or alpha, and the output has a
spare byte at its end). The crease check is the 4th lane of
the cell's first node: 1 when that cell is creased (`padded_lut`). It is the cell the pixel was interpolated
in, so no margin is needed (the numpy look-up of the OCIO path widens each position by a margin because
OCIO's positions and numpy's may differ): a flagged pixel's index goes to `flagged` for the exact processor.

Compiled (~2-4 s a pixel type) or loaded from numba's on-disk cache (~0.5 s) with the first frame coloured,
in the thread that colours it, as the view's bake (~1.5 s): the frame cache's workers, not the UI thread.
The cache (media/kernel_cache.py) is beside this file in a source tree (`./dev setup` fills it:
media/kernel_warmup.py) and in the user's cache folder in the frozen app; a damaged or read-only one means
compiling. numba is imported only here (and there), when the first frame is coloured.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
from llvmlite import ir
from numba.core import types
from numba.extending import intrinsic, overload

from horus_desktop.media.kernel_cache import cached

#: LUT nodes are stored as 4 float32 (RGB and a pad lane) so a node is one vector load.
LANES = 4


#: Columns of a row of `KernelTables.rows`: cell offsets along red, green, blue; the position within the
#: cell (float32 bits).
_ROW = 4
_FRACTION = 3


@dataclass(frozen=True, eq=False)
class KernelTables:
    """What the kernel reads for one view and pixel type (made once).

    `rows`: per bit pattern of a channel, _ROW uint32: the LUT cell's first node along red, green and blue,
    times that axis' stride in `lut4`; the position within the cell (float32 0..1, as its bits).
    `corners`: by the comparison case (`_apply`), the offsets of the tetrahedron's 2nd and 3rd corners, then
    the far corner's. `lut4`: `padded_lut`'s nodes, their RGB as 8-bit codes + 0.5 (`make_tables`)."""

    size: int
    rows: np.ndarray
    corners: np.ndarray
    lut4: np.ndarray


def padded_lut(values: np.ndarray, size: int, creased: np.ndarray | None) -> np.ndarray:
    """size^3 x 3 LUT node values (red slowest, blue fastest, as Lut3DTransform's data) as the kernel's flat
    size^3 x 4 float32 array: the 4th lane is 1 at the first node (lowest on every axis) of a creased cell
    (`creased`: (size-1)^3 flags, None for none), 0 elsewhere."""
    nodes = np.zeros((size, size, size, LANES), dtype=np.float32)
    nodes[..., :3] = values.reshape(size, size, size, 3)
    if creased is not None:
        nodes[: size - 1, : size - 1, : size - 1, 3] = creased
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


def make_tables(size: int, positions: np.ndarray, lut4: np.ndarray) -> KernelTables:
    """The tables for a LUT of `size`^3 nodes (`lut4`, `padded_lut`'s): `positions` is, for every bit pattern
    of the pixel type, the LUT position 0..1 OCIO's Lut3D would take (after the shaper and clamp)."""
    cells = size - 1
    scaled = np.clip(np.nan_to_num(positions.astype(np.float32), nan=0.0), 0.0, 1.0) * np.float32(cells)
    cell = np.minimum(scaled.astype(np.int64), cells - 1)  # position 1.0: the last cell, at its far side
    rows = np.zeros((len(positions), _ROW), dtype=np.uint32)
    for axis, stride in enumerate((LANES * size * size, LANES * size, LANES)):
        rows[:, axis] = cell * stride
    rows[:, _FRACTION] = (scaled - cell.astype(np.float32)).astype(np.float32).view(np.uint32)
    # The nodes' RGB scaled to 8-bit codes and the rounding's 0.5 added once here, not per pixel (the weights sum
    # to 1): with the fused multiply-adds, ~10% of a frame (2K half: 9.6 -> 8.6 ms; at a 1400-px viewer's
    # size 6.0 -> 5.3 ms). Codes on a rounding edge may land 1 apart from OCIO's sums (as AVX-512 OCIO's
    # do); the 4th lane (the crease flag) is left as it is.
    nodes = np.array(lut4, dtype=np.float32).reshape(-1, LANES)
    nodes[:, :3] = nodes[:, :3] * np.float32(255.0) + np.float32(0.5)
    return KernelTables(size, rows.reshape(-1), _corner_table(size), nodes.reshape(-1))


@intrinsic
def _tetra_store(typingctx, lut, i0, i1, i2, i3, w0, w1, w2, w3, out, at):  # noqa: ANN001, ANN202 (numba's)
    """out[at:at + 4] = the bytes of sum(w_k * lut[i_k : i_k + 4]) (4-float vectors: codes + 0.5, so the
    truncation rounds), clamped to 0..255 (NaN: 0) and truncated: red, green, blue and a 4th byte to be
    overwritten. Returns the bits of lut[i0 + 3], the first corner's 4th lane (non-zero: the cell is
    creased)."""
    sig = types.uint32(lut, i0, i1, i2, i3, w0, w1, w2, w3, out, at)

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

        first = node(args[1])
        flag = builder.bitcast(builder.extract_element(first, ir.Constant(ir.IntType(32), LANES - 1)),
                               ir.IntType(32))
        fuse = ("contract",)  # a multiply and its add as one FMA where the CPU has it
        total = builder.fmul(first, splat(args[5]), flags=fuse)
        for corner in range(1, 4):
            total = builder.fadd(total, builder.fmul(node(args[1 + corner]), splat(args[5 + corner]), flags=fuse),
                                 flags=fuse)
        zero, top = ir.Constant(vector, [0.0] * LANES), ir.Constant(vector, [255.0] * LANES)
        total = builder.select(builder.fcmp_ordered(">", total, zero), total, zero)  # NaN fails: 0
        total = builder.select(builder.fcmp_ordered("<", total, top), total, top)
        codes = builder.trunc(builder.fptosi(total, ir.VectorType(ir.IntType(32), LANES)),
                              ir.VectorType(ir.IntType(8), LANES))
        pointer = builder.bitcast(builder.gep(dest, [args[10]], inbounds=True), ir.IntType(32).as_pointer())
        builder.store(builder.bitcast(codes, ir.IntType(32)), pointer, align=1)
        return flag

    return sig, codegen


@intrinsic
def _half_bits(typingctx, value):  # noqa: ANN001, ANN202 (numba's signature)
    """A float32 as the bits of the nearest half float (round to nearest even, as numpy's astype; out of
    range: infinity; NaN stays NaN): one F16C instruction."""
    sig = types.uint16(value)

    def codegen(context, builder, signature, args):  # noqa: ANN001, ANN202
        return builder.bitcast(builder.fptrunc(args[0], ir.HalfType()), ir.IntType(16))

    return sig, codegen


def _bits(value):  # noqa: ANN001, ANN202
    """A channel value as the index of the kernel's tables: its bits; a float32 through the half it rounds to
    (numba compiles `_bits_for`'s choice for the source type)."""
    raise NotImplementedError("only called from compiled code")


@overload(_bits, inline="always")
def _bits_for(value):  # noqa: ANN001, ANN202
    if isinstance(value, types.Float):
        return lambda value: _half_bits(value)
    return lambda value: value


def _alpha(table, value):  # noqa: ANN001, ANN202
    """An alpha value as 8 bits: from `table` by its bits; a float32 computed as colour_baked.alpha_to_uint8 does
    (* 255 + 0.5 in float32, NaN 0, clamped, truncated)."""
    raise NotImplementedError("only called from compiled code")


@overload(_alpha, inline="always")
def _alpha_for(table, value):  # noqa: ANN001, ANN202
    if isinstance(value, types.Float):
        def computed(table, value):  # noqa: ANN001, ANN202
            scaled = value * np.float32(255.0) + np.float32(0.5)
            if not scaled > np.float32(0.0):  # NaN too
                return numba.uint8(0)
            return numba.uint8(np.int32(min(scaled, np.float32(255.0))))
        return computed
    return lambda table, value: table[value]


@cached  # numba's on-disk cache, beside this file or (frozen app) in the user's cache folder
@numba.njit(nogil=True)
def _apply(src, width, channels, kept_rows, kept_columns, columns, rows, fractions, corners, lut4, check, alpha,
           out, flagged):  # noqa: ANN001, ANN202
    """The pixels of `src` (flat pixel bits, `width` pixels a row, `channels` 3 or 4 a pixel) at the rows
    `kept_rows` and the `columns` columns whose first values are at `kept_columns` within a row (column x
    `channels`; None: the first `columns` columns, in order) to `out` (flat
    uint8, those pixels in order, plus a spare byte; alpha through the `alpha` table); returns how many pixels
    it wrote to `flagged` (their indices in `out`: those interpolated in a creased cell) when `check`.
    `fractions` is `rows` seen as float32. The whole frame is one row of all its pixels (one loop, as fast as
    the kernel was before it took samples); a sample is the frame reduced for the view in the same pass."""
    u = numba.uint64
    step = u(channels)
    row = u(_ROW)
    far = corners[16]  # read once: numba cannot tell the writes to `out` leave it alone
    count = 0
    p = u(0)
    for r in range(kept_rows.size):
        first = u(kept_rows[r]) * u(width) * step
        for c in range(u(columns)):
            o = p * step
            # None (the whole frame) is compiled as its own version, without this test or an index load a
            # pixel: either cost 10% of a frame.
            if kept_columns is None:
                k = first + c * step
            else:
                k = first + u(kept_columns[c])
            a0 = u(_bits(src[k])) * row
            a1 = u(_bits(src[k + u(1)])) * row
            a2 = u(_bits(src[k + u(2)])) * row
            fr = fractions[a0 + u(_FRACTION)]
            fg = fractions[a1 + u(_FRACTION)]
            fb = fractions[a2 + u(_FRACTION)]
            base = u(rows[a0]) + u(rows[a1 + u(1)]) + u(rows[a2 + u(2)])
            case = ((u(fr >= fg) << u(2)) | (u(fg >= fb) << u(1)) | u(fr >= fb)) << u(1)
            high = max(fr, max(fg, fb))
            low = min(fr, min(fg, fb))
            middle = fr + fg + fb - high - low
            creased = _tetra_store(lut4, base, base + corners[case], base + corners[case + u(1)], base + far,
                                   np.float32(1.0) - high, high - middle, middle - low, low, out, o)
            if channels == 4:
                out[o + u(3)] = _alpha(alpha, src[k + u(3)])
            if check and creased != 0:
                flagged[count] = p
                count += 1
            p += u(1)
    return count


_NO_ALPHA = np.zeros(1, dtype=np.uint8)
_FIRST_ROW = np.zeros(1, dtype=np.intp)


def apply_tables(tables: KernelTables, bits: np.ndarray, *, check: bool, alpha: np.ndarray | None = None,
                 sample: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Colour C-contiguous HxWxC (C = 3 or 4) `bits` (uint8, or uint16: 16-bit values or half bit patterns; or
    float32, looked up as the half it rounds to), or only the pixels at `sample`'s (rows, columns) (the frame
    reduced for the view, media/view_size.py, in the same pass):
    returns the uint8 result (h x w x C, alpha from the `alpha` table by its bits) and, when `check`, the flat
    indices in it of the pixels interpolated in a creased cell."""
    height, width, channels = bits.shape
    if sample is None:  # one row of every pixel
        kept_rows, kept_columns, columns, width = _FIRST_ROW, None, height * width, height * width
        shape = bits.shape
    else:
        kept_rows = np.ascontiguousarray(sample[0], np.intp)
        # Each kept column's first value (column x channels), worked out once a frame rather than a pixel: a
        # sample's loop was ~8% slower without (interleaved, a 2K half frame at 1.375: 5.6 -> 5.1 ms).
        kept_columns = np.ascontiguousarray(sample[1], np.uint64) * np.uint64(channels)
        columns = len(kept_columns)
        shape = (len(kept_rows), columns, channels)
    pixels = shape[0] * shape[1]
    # int32: a frame has fewer than 2^31 pixels, and the array (as long as the frame, only its start written)
    # takes half the address space of intp's.
    flagged = np.empty(pixels if check else 0, dtype=np.int32)
    buffer = np.empty(pixels * channels + 1, dtype=np.uint8)  # the last pixel's 4-byte store writes one past it
    count = _apply(bits.reshape(-1), width, channels, kept_rows, kept_columns, columns, tables.rows,
                   tables.rows.view(np.float32), tables.corners, tables.lut4, check,
                   _NO_ALPHA if alpha is None else alpha, buffer, flagged)
    out = buffer[:-1].reshape(shape)
    return out, (flagged[:count].astype(np.intp) if count else np.empty(0, dtype=np.intp))


def cache_counts() -> tuple[int, int]:
    """How many of the kernel's compiled versions (one a pixel type) this process loaded from numba's on-disk
    cache, and how many it had to compile (media/kernel_warmup.py reports them)."""
    stats = _apply.stats
    return sum(stats.cache_hits.values()), sum(stats.cache_misses.values())


def preload() -> None:
    """Load the half/16-bit versions of the kernel (numba's cache, else compiled) by colouring one pixel, whole
    and as a view's sample: the versions a half or 16-bit frame's first colouring would load (the same
    argument types)."""
    size = 2
    lut4 = padded_lut(np.zeros(size**3 * 3, np.float32), size, None)
    tables = make_tables(size, np.zeros(1 << 16, np.float32), lut4)
    pixel = np.zeros((1, 1, 3), np.uint16)
    apply_tables(tables, pixel, check=True)
    apply_tables(tables, pixel, check=True, sample=(np.zeros(1, np.intp), np.zeros(1, np.intp)))

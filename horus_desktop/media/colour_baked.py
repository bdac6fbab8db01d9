"""The CPU path of media/colour.py: the baked view (`BakedView`), its shaper, crease look-ups and alpha, with
numpy. Imported on the first bake or CPU conversion (media/colour.py finds these names here), not while the
window starts: numpy costs ~0.15 s of it. media/colour.py's docstring says what the path does."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import PyOpenColorIO as ocio

from horus_desktop.media.colour import (
    _ACESCCT_BREAK,
    _ACESCCT_LINEAR,
    _ACESCCT_LOG_OFFSET,
    _ACESCCT_LOG_SLOPE,
    _CELL_MARGIN,
    BLACK_RISE,
    EXACT_BUDGET_MS,
    FLAG_SECOND_DIFFERENCE,
    LUT_SIZE,
    ColourConfig,
    ViewSettings,
)
from horus_desktop.media.core_spread import core_count, run_parts
from horus_desktop.media.native_loading import load

#: Pixel types the fused kernel (media/lut_kernel.py) takes: by their bits, float32 by the half it rounds to.
_KERNEL_TYPES = frozenset(np.dtype(t) for t in (np.float16, np.float32, np.uint16, np.uint8))

_BIT_DEPTHS = {
    np.dtype(np.float16): ocio.BIT_DEPTH_F16,
    np.dtype(np.float32): ocio.BIT_DEPTH_F32,
    np.dtype(np.uint8): ocio.BIT_DEPTH_UINT8,
    np.dtype(np.uint16): ocio.BIT_DEPTH_UINT16,
}


def _lut_kernel() -> Any:
    """media/lut_kernel.py (numba), loaded on first use under native_loading's lock: it is not imported at
    start (numba costs ~0.3 s) and its first load must not run beside Qt's audio set-up."""
    return load("horus_desktop.media.lut_kernel")


def acescct_shaper(direction: int = ocio.TRANSFORM_DIR_FORWARD) -> ocio.LogCameraTransform:
    """Scene-linear -> ACEScct curve (per channel, no gamut change): maps [-0.0069, 222.9] to [0, 1]."""
    return ocio.LogCameraTransform(
        linSideBreak=[_ACESCCT_BREAK] * 3, base=2.0, logSideSlope=[_ACESCCT_LOG_SLOPE] * 3,
        logSideOffset=[_ACESCCT_LOG_OFFSET] * 3, linSideSlope=[1.0] * 3, linSideOffset=[0.0] * 3,
        direction=direction,
    )


def acescct(values: np.ndarray) -> np.ndarray:
    """The shaper's curve in numpy (float32 in, float32 out): what `acescct_shaper` maps scene-linear values to."""
    slope, offset = (np.float32(v) for v in _ACESCCT_LINEAR)
    safe = np.maximum(values, np.float32(_ACESCCT_BREAK))
    return np.where(values <= np.float32(_ACESCCT_BREAK), slope * values + offset,
                    np.float32(_ACESCCT_LOG_SLOPE) * np.log2(safe) + np.float32(_ACESCCT_LOG_OFFSET))


def half_shaper(scale: float = 1.0) -> ocio.Lut1DTransform:
    """The shaper (after a scale: exposure) as a table over every float16 bit pattern, for half pixels handed
    to OCIO as their raw 16 bits (UINT16): OCIO then indexes the table by the integer, where for half input it
    converts each value to a half code first (the CPU colour step ~6% cheaper a 2K frame, the same codes).
    NaN gives 0 (black, as before), +inf 1 and -inf 0 (the LUT clamps its input to [0, 1] either way)."""
    halves = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(np.float16).astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        values = acescct(halves * scale)  # float64: the curve exactly, not OCIO's fast log
    values = np.nan_to_num(values, nan=0.0, posinf=1.0, neginf=0.0).astype(np.float32)
    table = ocio.Lut1DTransform(length=1 << 16)
    table.setData(np.ascontiguousarray(np.repeat(values[:, None], 3, axis=1)).ravel())
    return table


def _lut_grid(size: int) -> np.ndarray:
    """Grid points in the order Lut3DTransform's data uses: blue varies fastest, red slowest."""
    axis = np.linspace(0.0, 1.0, size, dtype=np.float32)
    r, g, b = np.meshgrid(axis, axis, axis, indexing="ij")
    return np.ascontiguousarray(np.stack([r, g, b], axis=-1).reshape(-1, 3))


def _cores() -> int:
    return min(core_count(), 8)


def _apply_on_all_cores(cpu: Any, values: np.ndarray) -> None:
    """`cpu.applyRGB` in place on Nx3 float32 `values`, in one slice per core (OCIO releases the GIL): a bake
    samples the exact view a million times, and the first frame of a media waits for it."""
    parts = [part for part in np.array_split(values, _cores()) if len(part)]
    if len(parts) == 1:
        cpu.applyRGB(values)
        return
    run_parts([functools.partial(cpu.applyRGB, part) for part in parts], "horus-bake")  # media/core_spread.py


def _is_unit_clamp(transform: Any) -> bool:
    return isinstance(transform, ocio.RangeTransform) and (
        transform.getMinInValue(), transform.getMaxInValue(), transform.getMinOutValue(), transform.getMaxOutValue()
    ) == (0.0, 1.0, 0.0, 1.0)


def smooth_processor(config: ocio.Config, exact: ocio.Processor) -> ocio.Processor:
    """The exact processor without its display clamp when leaving it to the final 8-bit clamp changes nothing.

    A view ends in a [0, 1] clamp followed by the display encoding; sampled into a LUT, the clamp is a crease
    that interpolation rounds off (tens of codes on saturated colours). When what follows the clamp is
    per-channel, non-decreasing, 0 -> 0 and 1 -> 1, clamping at the very end gives the same codes."""
    steps = list(exact.createGroupTransform())
    clamps = [i for i, t in enumerate(steps) if _is_unit_clamp(t)]
    if not clamps:
        return exact
    after = config.getProcessor(ocio.GroupTransform(steps[clamps[-1] + 1:]))
    if after.hasChannelCrosstalk():
        return exact
    probe = np.repeat(np.linspace(-1.0, 2.0, 3001, dtype=np.float32)[:, None], 3, axis=1)  # 0 at 1000, 1 at 2000
    after.getDefaultCPUProcessor().applyRGB(probe)
    if not (np.all(np.diff(probe, axis=0) >= -1e-6) and np.allclose(probe[1000], 0.0, atol=1e-6)
            and np.allclose(probe[2000], 1.0, atol=1e-5)):
        return exact
    return config.getProcessor(ocio.GroupTransform(steps[: clamps[-1]] + steps[clamps[-1] + 1:]))


def rises_steeply_from_black(config: ocio.Config, exact: ocio.Processor) -> bool:
    """True when the view's display encoding (its trailing per-channel steps) leaves black with a slope over
    20, as a pure power curve does (gamma 2.2/2.4 displays, a display gamma setting); sRGB's straight start
    has 12.92."""
    steps = list(exact.createGroupTransform())
    start = len(steps)
    while start > 0 and not config.getProcessor(ocio.GroupTransform(steps[start - 1:])).hasChannelCrosstalk():
        start -= 1
    if start == len(steps):
        return False
    probe = np.array([[0.0, 0.0, 0.0], [1e-5, 1e-5, 1e-5]], dtype=np.float32)
    config.getProcessor(ocio.GroupTransform(steps[start:])).getDefaultCPUProcessor().applyRGB(probe)
    return bool(((probe[1] - probe[0]) / 1e-5 > 20.0).any())


# The bins the exact fallback is looked up by: the top 7 bits of each channel's value (for half floats sign,
# exponent and one mantissa bit: half an octave), 21 bits a pixel.
_BIN_BITS = 7
_BIN_SHIFT = {np.dtype(np.float16): 9, np.dtype(np.uint16): 9, np.dtype(np.uint8): 1}


def _bin_bounds(dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """The smallest and largest value of each bin (per channel), as float32 input values."""
    q = np.arange(1 << _BIN_BITS, dtype=np.uint32)
    shift = _BIN_SHIFT[dtype]
    lo_bits, hi_bits = q << shift, (q << shift) | ((1 << shift) - 1)
    if dtype == np.float16:
        lo = lo_bits.astype(np.uint16).view(np.float16).astype(np.float32)
        hi = hi_bits.astype(np.uint16).view(np.float16).astype(np.float32)
        lo, hi = np.nan_to_num(lo, nan=65504.0, posinf=65504.0, neginf=-65504.0), np.nan_to_num(
            hi, nan=65504.0, posinf=65504.0, neginf=-65504.0)
        return np.minimum(lo, hi), np.maximum(lo, hi)
    scale = float(np.iinfo(dtype).max)
    return lo_bits.astype(np.float32) / scale, np.minimum(hi_bits, np.iinfo(dtype).max).astype(np.float32) / scale


def pixel_bins(rgb: np.ndarray) -> np.ndarray:
    """Each pixel's bin number (see _BIN_BITS) from the raw bits of its RGB values (float32 goes as half).

    Shifted to one byte a channel first: numpy widens three byte columns much faster than 16-bit ones."""
    if rgb.dtype == np.float32:
        rgb = rgb.astype(np.float16)
    bits = rgb.view(np.uint16) if rgb.dtype == np.float16 else rgb
    q = (bits.reshape(-1, 3) >> _BIN_SHIFT[rgb.dtype]).astype(np.uint8)
    ids = q[:, 0].astype(np.uint32)
    ids <<= 2 * _BIN_BITS
    ids |= q[:, 1].astype(np.uint32) << _BIN_BITS
    ids |= q[:, 2]
    return ids


def _creased_cells(values: np.ndarray, size: int, steep_black: bool = False) -> np.ndarray:
    """LUT cells where tetrahedral interpolation may miss the exact view by more than about half a code.

    Second differences of the sampled codes along the axes and the diagonals the tetrahedra use bound the
    interpolation error of a smooth function (an eighth of them); a crease shows up as a large one. Values
    beyond the 8-bit range on all three nodes are clamped either way and do not count. With `steep_black`
    (a power-curve display encoding or gamma: out = in^(1/g) rises from black with an infinite slope, which
    second differences underrate) a cell whose nodes go from black to over BLACK_RISE codes counts as well."""
    codes = np.ascontiguousarray(np.moveaxis(values.reshape(size, size, size, 3), -1, 0)) * np.float32(255.0)
    worst = np.zeros((size, size, size), dtype=np.float32)
    for step in ((1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0), (1, 0, 1), (0, 1, 1), (1, 1, 1)):
        before = (slice(None), *(slice(0, size - 2 * k) for k in step))
        centre = (slice(None), *(slice(k, size - k) for k in step))
        after = (slice(None), *(slice(2 * k, size) for k in step))
        a, b, c = codes[before], codes[centre], codes[after]
        second = a + c
        second -= b
        second -= b
        np.abs(second, out=second)
        clamped = np.maximum(a, b)
        np.maximum(clamped, c, out=clamped)
        beyond = clamped <= 0.0
        np.minimum(a, b, out=clamped)
        np.minimum(clamped, c, out=clamped)
        beyond |= clamped >= 255.0
        second[beyond] = 0.0
        np.maximum(second[0], second[1], out=second[0])
        np.maximum(second[0], second[2], out=second[0])
        np.maximum(worst[centre[1:]], second[0], out=worst[centre[1:]])
    nodes = worst > FLAG_SECOND_DIFFERENCE
    cells = np.zeros((size - 1,) * 3, dtype=bool)
    low = np.full((3,) + cells.shape, np.inf, dtype=np.float32)
    high = np.full((3,) + cells.shape, -np.inf, dtype=np.float32)
    for dr in (0, 1):
        for dg in (0, 1):
            for db in (0, 1):
                corner = (slice(dr, size - 1 + dr), slice(dg, size - 1 + dg), slice(db, size - 1 + db))
                cells |= nodes[corner]
                if steep_black:
                    np.minimum(low, codes[(slice(None), *corner)], out=low)
                    np.maximum(high, codes[(slice(None), *corner)], out=high)
    if steep_black:
        cells |= ((low <= 0.5) & (high > BLACK_RISE)).any(axis=0)
    return cells


def _fallback_table(
    config: ocio.Config, cells: np.ndarray, dtype: np.dtype, shaper: bool, scale: float = 1.0
) -> np.ndarray | None:
    """Per pixel bin: True when the bin touches a creased LUT cell (None when no cell is creased); `scale`
    multiplies the values before the shaper (exposure)."""
    if not cells.any():
        return None
    lo, hi = _bin_bounds(dtype)
    coords = np.ascontiguousarray(np.stack([lo, hi, lo], axis=1) * np.float32(scale))
    if shaper:
        config.getProcessor(acescct_shaper()).getDefaultCPUProcessor().applyRGB(coords)
    coords = np.clip(np.nan_to_num(coords[:, :2], nan=1.0), 0.0, 1.0)
    n = cells.shape[0]
    first = np.clip(np.floor(coords.min(axis=1) * n).astype(int) - 1, 0, n - 1)
    last = np.clip(np.floor(coords.max(axis=1) * n).astype(int) + 1, 0, n - 1)
    cell = np.arange(n)
    touches = ((cell[None, :] >= first[:, None]) & (cell[None, :] <= last[:, None])).astype(np.float32)
    hits = np.tensordot(touches, cells.astype(np.float32), axes=(1, 0))  # red bins x green cells x blue cells
    hits = np.tensordot(hits, touches, axes=(1, 1))  # red bins x blue cells x green bins
    hits = np.tensordot(hits, touches, axes=(1, 1))  # red x green x blue bins
    return np.ascontiguousarray(hits.reshape(-1) > 0.0)


# The pre-filter on the LUT's own 8-bit output: tiles of TILE pixels (rows, columns), output codes in bins of
# _OUTPUT_BIN codes a channel. Tetrahedral interpolation keeps each output channel within its cell's corner
# values, so a tile whose output box meets no creased cell's box (widened by a code) holds no creased pixel.
TILE = (32, 16)
_OUTPUT_SHIFT = 2
_OUTPUT_BIN = 1 << _OUTPUT_SHIFT
_PREFILTER_MAX_SHARE = 0.5  # of the tiles: past this, every pixel goes to the full look-up at once


def _creased_output_counts(
    values: np.ndarray, size: int, cells: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """The output bins (`_OUTPUT_BIN` codes a channel) that the output box of some creased cell touches: as a
    summed-area table (entry [r, g, b] counts the touched bins below (r, g, b)) and as a flat table of flags
    by bin (r * 64 + g) * 64 + b. None: nothing creased."""
    where = np.argwhere(cells)
    if not len(where):
        return None
    codes = values.reshape(size, size, size, 3)
    low = np.full((len(where), 3), np.inf, dtype=np.float32)
    high = np.full((len(where), 3), -np.inf, dtype=np.float32)
    for corner in np.ndindex(2, 2, 2):
        nodes = codes[where[:, 0] + corner[0], where[:, 1] + corner[1], where[:, 2] + corner[2]]
        np.minimum(low, nodes, out=low)
        np.maximum(high, nodes, out=high)
    low = np.nan_to_num(low * np.float32(255.0), nan=0.0, posinf=255.0, neginf=0.0)
    high = np.nan_to_num(high * np.float32(255.0), nan=255.0, posinf=255.0, neginf=0.0)
    # A code's margin each side: OCIO rounds its float32 result to 8 bits, and a pixel on a cell's side may be
    # placed in the neighbour (whose values on that side are the same).
    first = np.clip(np.floor(low - 1.0), 0, 255).astype(np.intp) // _OUTPUT_BIN
    last = np.clip(np.ceil(high + 1.0), 0, 255).astype(np.intp) // _OUTPUT_BIN
    bins = 256 // _OUTPUT_BIN
    marks = np.zeros((bins + 1,) * 3, dtype=np.int32)
    for corner in np.ndindex(2, 2, 2):
        index = tuple(np.where(corner[c], last[:, c] + 1, first[:, c]) for c in range(3))
        np.add.at(marks, index, (-1) ** sum(corner))
    touched = (marks.cumsum(0).cumsum(1).cumsum(2)[:bins, :bins, :bins] > 0).astype(np.int32)
    counts = np.zeros((bins + 1,) * 3, dtype=np.int32)
    counts[1:, 1:, 1:] = touched.cumsum(0).cumsum(1).cumsum(2)
    return counts, touched.reshape(-1) > 0


def _tile_extreme(out: np.ndarray, op: Any) -> np.ndarray:
    """Per whole tile of HxWxC uint8 `out` (C = 3, or 4: RGBA, alpha left out), the colour channels' `op`
    (np.minimum/np.maximum): (H//th, W//tw, 3)."""
    th, tw = TILE
    rows, cols, c = out.shape[0] // th, out.shape[1] // tw, out.shape[2]
    extreme = op.reduce(out[: rows * th, : cols * tw].reshape(rows, th, cols * tw * c), axis=1)
    extreme = extreme.reshape(rows, cols, tw * c)
    while extreme.shape[2] > c:  # halve the tile's columns: contiguous element-wise ops, no small-axis reduce
        half = extreme.shape[2] // 2
        extreme = op(extreme[:, :, :half], extreme[:, :, half:])
    return extreme[:, :, :3]


def _touched(counts: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """How many output bins touched by a creased cell lie in each box from bins `first` to `last` (inclusive,
    ...x3 uint8 arrays of bin numbers), from the summed-area table `counts` (8 look-ups a box)."""
    side = counts.shape[0]
    flat = counts.reshape(-1)
    # Each corner's flat index in `counts`, built from per-channel parts: (lower, upper) ends of r, g and b.
    ends = []
    for channel, stride in enumerate((side * side, side, 1)):
        low = first[..., channel].astype(np.intp) * stride
        ends.append((low, low + (last[..., channel].astype(np.intp) - first[..., channel] + 1) * stride))
    inside = np.zeros(first.shape[:-1], dtype=np.int64)
    for corner in np.ndindex(2, 2, 2):
        term = flat[ends[0][corner[0]] + ends[1][corner[1]] + ends[2][corner[2]]]
        if sum(corner) % 2:  # the sign is (-1) ** (the number of lower ends)
            inside += term
        else:
            inside -= term
    return inside


def prefilter_tiles(
    out: np.ndarray, counts: np.ndarray, max_share: float = _PREFILTER_MAX_SHARE
) -> tuple[np.ndarray, np.ndarray] | None:
    """The whole tiles (`TILE`) of the LUT's HxWx3 (or RGBA) uint8 output `out` whose output box touches a creased cell's
    (`_creased_output_counts`), as (tile rows, tile columns); None when more than `max_share` of the tiles do,
    or the image has no whole tile (the caller then looks up every pixel). The ragged edge right of and below
    the whole tiles is not covered: the caller looks it up."""
    th, tw = TILE
    rows, cols = out.shape[0] // th, out.shape[1] // tw
    if not rows or not cols:
        return None
    first = _tile_extreme(out, np.minimum) // np.uint8(_OUTPUT_BIN)
    last = _tile_extreme(out, np.maximum) // np.uint8(_OUTPUT_BIN)
    inside = _touched(counts, first, last)
    hit_rows, hit_cols = np.nonzero(inside)
    if hit_rows.size > max_share * rows * cols:
        return None
    return hit_rows, hit_cols


@dataclass(frozen=True, eq=False)
class BakedView:
    """A view baked into shaper + 3D LUT, with optimized CPU processors per channel count.

    `creased` marks the LUT cells that straddle a crease of the view (ACES 2.0's gamut-compression cusps): the
    pixels in them go through `exact` instead. They are found in three steps: `crease_outputs`, the output
    codes a creased cell can give, on tiles of the LUT's own 8-bit output (`prefilter_pixels`); in the tiles
    it lets through, `fallback`, a table of the bins of `pixel_bins` that touch a creased cell; then, for the
    few pixels that lets through, their cell."""

    settings: ViewSettings
    source_dtype: np.dtype
    processor: ocio.Processor
    method: str
    exact: ocio.Processor | None = None
    fallback: np.ndarray | None = field(default=None, repr=False)
    creased: np.ndarray | None = field(default=None, repr=False)
    crease_outputs: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)
    shaper: bool = False
    lut: Any = None
    scale: float = 1.0
    #: Half pixels go to OCIO as their 16 bits (UINT16) through `half_shaper`'s table (scene-linear half only).
    half_bits: bool = False
    #: The LUT's nodes as media/lut_kernel.py reads them (4 float32 a node), for 8-bit, 16-bit and half sources.
    lut4: np.ndarray | None = field(default=None, repr=False)
    _cpu: dict[int, Any] = field(default_factory=dict)
    _cell_tables: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _kernels: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def bake(
        cls, colour: ColourConfig, settings: ViewSettings, source_dtype: np.dtype, shaper: bool,
        method: str = "auto", size: int = LUT_SIZE,
    ) -> BakedView:
        """Sample the view on a size^3 grid (LUT_SIZE) (through the inverse shaper when `shaper`).

        `method` "lut" always bakes; "exact" keeps OCIO's own optimized processor; "auto" keeps the
        exact one when sampling the grid shows it would take under EXACT_BUDGET_MS per 2K frame, and bakes
        otherwise (ACES 2.0 always; "Video (colorimetric)" measured ~70 ms exact here, so it is baked).
        """
        config = colour.config
        exact = colour.exact_processor(settings)
        smooth = smooth_processor(config, exact)
        grid = _lut_grid(size)
        if shaper:
            config.getProcessor(acescct_shaper(ocio.TRANSFORM_DIR_INVERSE)).getDefaultCPUProcessor().applyRGB(grid)
        cpu = smooth.getOptimizedCPUProcessor(ocio.OPTIMIZATION_DEFAULT)
        timed = grid[: len(grid) // 8]  # timed on one core: what a frame would cost a decode worker
        started = time.perf_counter()
        cpu.applyRGB(timed)
        per_2k_frame_ms = (time.perf_counter() - started) * 1000.0 * (2048 * 1152) / len(timed)
        _apply_on_all_cores(cpu, grid[len(timed):])
        if method == "exact" or (method == "auto" and per_2k_frame_ms <= EXACT_BUDGET_MS):
            return cls(settings, source_dtype, exact, "exact")
        lut = ocio.Lut3DTransform(gridSize=size)
        lut.setInterpolation(ocio.INTERP_TETRAHEDRAL)
        lut.setData(np.ascontiguousarray(grid, dtype=np.float32).ravel())
        half_bits = shaper and np.dtype(source_dtype) == np.float16
        group = ocio.GroupTransform([half_shaper() if half_bits else acescct_shaper(), lut] if shaper else [lut])
        fallback = creased = crease_outputs = None
        if np.dtype(source_dtype) in _BIN_SHIFT or np.dtype(source_dtype) == np.float32:
            binned = np.dtype(np.float16) if np.dtype(source_dtype) == np.float32 else np.dtype(source_dtype)
            creased = _creased_cells(grid, size, steep_black=rises_steeply_from_black(config, exact))
            fallback = _fallback_table(config, creased, binned, shaper)
            crease_outputs = _creased_output_counts(grid, size, creased)
        processor = ocio.Config.CreateRaw().getProcessor(group)
        lut4 = None
        if np.dtype(source_dtype) in _KERNEL_TYPES:
            lut4 = _lut_kernel().padded_lut(grid, size, creased)
        return cls(settings, source_dtype, processor, "lut3d", exact, fallback, creased, crease_outputs, shaper, lut,
                   half_bits=half_bits, lut4=lut4)

    def exposed(self, colour: ColourConfig, settings: ViewSettings) -> BakedView:
        """This bake (a scene-linear view at exposure 0) for `settings`' exposure: the input scaled by
        2^exposure before the shaper, the same LUT and creased cells, the exact processor with the exposure."""
        scale = 2.0 ** settings.exposure
        if self.half_bits:
            group = ocio.GroupTransform([half_shaper(scale), self.lut])
        else:
            matrix = ocio.MatrixTransform(matrix=[scale, 0, 0, 0, 0, scale, 0, 0, 0, 0, scale, 0, 0, 0, 0, 1])
            group = ocio.GroupTransform([matrix, acescct_shaper(), self.lut])
        fallback = None
        if self.creased is not None:
            binned = np.dtype(np.float16) if self.source_dtype == np.float32 else self.source_dtype
            fallback = _fallback_table(colour.config, self.creased, binned, True, scale)
        return BakedView(settings, self.source_dtype, ocio.Config.CreateRaw().getProcessor(group), "lut3d",
                         colour.exact_processor(settings), fallback, self.creased, self.crease_outputs, True,
                         self.lut, scale, self.half_bits, self.lut4)

    def _cpu_for(self, channels: int) -> Any:
        cpu = self._cpu.get(channels)
        if cpu is None:
            depth = ocio.BIT_DEPTH_UINT16 if self.half_bits else _BIT_DEPTHS[self.source_dtype]
            cpu = self.processor.getOptimizedCPUProcessor(depth, ocio.BIT_DEPTH_UINT8, ocio.OPTIMIZATION_DEFAULT)
            self._cpu[channels] = cpu
        return cpu

    def kernel_tables(self, dtype: np.dtype) -> Any:
        """media/lut_kernel.py's tables for pixels of `dtype` (made once a view): per bit pattern, where the
        shaper (with this view's exposure scale) puts the value in the LUT (float32: the half's tables)."""
        if dtype == np.float32:
            dtype = np.dtype(np.float16)
        key = np.dtype(dtype).str
        tables = self._kernels.get(key)
        if tables is None:
            bits = np.arange(1 << (8 * np.dtype(dtype).itemsize), dtype=np.uint32)
            if dtype == np.float16:
                values = bits.astype(np.uint16).view(np.float16).astype(np.float64)
            else:
                values = bits / float(np.iinfo(dtype).max)
            if self.shaper:  # float64: the curve exactly, as half_shaper's table
                with np.errstate(invalid="ignore", over="ignore"):
                    values = acescct(values * self.scale)
            # NaN black, +inf white, as the OCIO path's shaper table (the LUT clamps to [0, 1] either way).
            values = np.nan_to_num(values, nan=0.0, posinf=1.0, neginf=0.0)
            tables = self._kernels[key] = _lut_kernel().make_tables(self.lut.getGridSize(), values, self.lut4)
        return tables

    def _exact_cpu(self) -> Any:
        cpu = self._cpu.get(0)
        if cpu is None:
            cpu = self._cpu[0] = self.exact.getOptimizedCPUProcessor(ocio.OPTIMIZATION_DEFAULT)
        return cpu

    def fallback_pixels(self, rgb: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Flat indices of the pixels of HxWx3 `rgb` (or contiguous RGBA: alpha left out) that go through the
        exact processor; `out`, this view's LUT output for `rgb` (HxWx3 or RGBA uint8, C-contiguous), lets the
        pre-filter skip the tiles that cannot hold one."""
        if self.fallback is None or self.creased is None:
            return np.empty(0, dtype=np.intp)
        tiles = None
        if out is not None and self.crease_outputs is not None:
            tiles = prefilter_tiles(out, self.crease_outputs[0])
        if tiles is None:
            colours = np.ascontiguousarray(rgb[:, :, :3]) if rgb.ndim == 3 else rgb
            candidates = np.flatnonzero(self.fallback[pixel_bins(colours)])
            values = colours.reshape(-1, 3)[candidates]
        else:  # the kept tiles' pixels whose own output code a creased cell can give, then their bins
            candidates = self._tile_candidates(out, *tiles)
            values = rgb.reshape(-1, rgb.shape[-1])[candidates, :3]
            kept = np.flatnonzero(self.fallback[pixel_bins(values)])
            candidates, values = candidates[kept], values[kept]
        if not candidates.size:
            return candidates
        if values.dtype.itemsize <= 2:  # half, 16- or 8-bit: each channel's cells from a table by its bits
            low, high = self._cell_table(values.dtype)
            keys = values.view(np.uint16) if values.dtype == np.float16 else values
            return candidates[self._creased_between(low[keys], high[keys])]
        low, high = self._cells_of(values.astype(np.float32), values.dtype)
        return candidates[self._creased_between(low, high)]

    def _cells_of(self, values: np.ndarray, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
        """For float32 input values of pixel type `dtype`: per value, the lowest and highest LUT cell index
        (uint8) its position lies in, within _CELL_MARGIN of a cell's side (equal away from the sides)."""
        assert self.creased is not None
        values[np.isnan(values)] = 0.0  # as np.nan_to_num, whose per-call set-up costs more than this look-up
        np.clip(values, -1e9, 1e9, out=values)
        if np.dtype(dtype).kind == "u":
            values /= np.float32(np.iinfo(dtype).max)
        cells = self.creased.shape[0]
        if self.shaper:
            values *= np.float32(self.scale)
            values = acescct(values)
        position = np.clip(values * np.float32(cells), 0.0, cells - 1e-3).astype(np.float32)
        low = np.clip(np.floor(position - np.float32(_CELL_MARGIN)), 0, cells - 1).astype(np.uint8)
        high = np.clip(np.floor(position + np.float32(_CELL_MARGIN)), 0, cells - 1).astype(np.uint8)
        return low, high

    def _cell_table(self, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
        """`_cells_of` for every value of a 16- or 8-bit pixel type, indexed by its bits (made once a view):
        the look-up then gathers from two small tables instead of running the shaper on each candidate."""
        key = np.dtype(dtype).str
        table = self._cell_tables.get(key)
        if table is None:
            bits = np.arange(1 << (8 * np.dtype(dtype).itemsize), dtype=np.uint32)
            domain = bits.astype(np.uint16).view(np.float16) if dtype == np.float16 else bits.astype(dtype)
            table = self._cell_tables[key] = np.stack(self._cells_of(domain.astype(np.float32), dtype))
        return table[0], table[1]

    def _creased_between(self, low: np.ndarray, high: np.ndarray) -> np.ndarray:
        """For Nx3 lowest and highest cell indices: True where any cell between them (per channel) is creased.
        A position within the margin of a cell's side is looked up in the cells on both sides."""
        assert self.creased is not None
        cells = self.creased.shape[0]
        flat = self.creased.reshape(-1)

        def index(r: np.ndarray, g: np.ndarray, b: np.ndarray) -> np.ndarray:
            at = r.astype(np.intp)
            at *= cells
            at += g
            at *= cells
            at += b
            return at

        hit = flat[index(low[:, 0], low[:, 1], low[:, 2])]
        edge = np.flatnonzero((low != high).any(axis=1))
        if edge.size:
            low, high = low[edge], high[edge]
            for r in (low[:, 0], high[:, 0]):
                for g in (low[:, 1], high[:, 1]):
                    for b in (low[:, 2], high[:, 2]):
                        hit[edge] |= flat[index(r, g, b)]
        return hit

    def _output_flagged(self, codes: np.ndarray) -> np.ndarray:
        """For Nx3 uint8 LUT output codes: True where the code's output bin is one a creased cell can give."""
        assert self.crease_outputs is not None
        q = codes >> np.uint8(_OUTPUT_SHIFT)
        bits = 8 - _OUTPUT_SHIFT
        index = q[:, 0].astype(np.intp)  # intp: numpy would convert a narrower index before gathering
        index <<= 2 * bits
        index |= q[:, 1].astype(np.intp) << bits
        index |= q[:, 2]
        return self.crease_outputs[1][index]

    def _tile_candidates(self, out: np.ndarray, hit_rows: np.ndarray, hit_cols: np.ndarray) -> np.ndarray:
        """The flat indices of the pixels in the given tiles of the LUT output `out` and in its ragged edge whose
        own output code is one a creased cell can give. Tiles are copied whole (runs of a row), not pixel by
        pixel."""
        h, w, c = out.shape
        th, tw = TILE
        rows, cols = h // th, w // tw
        codes = out[: rows * th, : cols * tw].reshape(rows, th, cols, tw, c)[hit_rows, :, hit_cols, :, :3]
        codes = codes.reshape(-1, 3)
        hits = np.flatnonzero(self._output_flagged(codes))
        tile, within = np.divmod(hits, th * tw)
        index = [(hit_rows[tile] * th + within // tw) * w + hit_cols[tile] * tw + within % tw]
        edge = []
        if cols * tw < w:  # the columns right of the last whole tile
            edge.append((np.arange(rows * th)[:, None] * w + np.arange(cols * tw, w)[None, :]).reshape(-1))
        if rows * th < h:  # the rows below the last whole tile
            edge.append(np.arange(rows * th * w, h * w))
        if edge:
            edges = np.concatenate(edge)
            index.append(edges[self._output_flagged(out.reshape(-1, c)[edges, :3])])
        return np.concatenate(index)

    def _exact_codes(self, picked: np.ndarray) -> np.ndarray:
        """Nx3 pixels of the source type through the exact processor, as 8-bit codes (NaN black).

        The exact ACES 2.0 view costs ~0.5 us a pixel, and the pixels sent to it are saturated colours, which
        a picture often repeats (a flat light, a graphic, clipped channels; the 8-bit-made test frame 5x): when
        a sample of them repeats, each distinct colour goes through it once (the same codes either way)."""
        if len(picked) >= _DEDUPE_MIN and picked.dtype.itemsize <= 2:
            keys = picked.astype(np.uint64) if picked.dtype != np.float16 else picked.view(np.uint16).astype(np.uint64)
            keys = (keys[:, 0] << np.uint64(32)) | (keys[:, 1] << np.uint64(16)) | keys[:, 2]
            sample = keys[:_DEDUPE_SAMPLE]  # neighbours in the picture: where repeats show (a spread-out sample
            if len(np.unique(sample)) <= _DEDUPE_SHARE * len(sample):  # of a 5x-repeating set looked distinct)
                _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
                return self._exact_codes_of(picked[first])[inverse.reshape(-1)]
        return self._exact_codes_of(picked)

    def _samples_in_kernel(self, pixels: np.ndarray) -> bool:
        """True when `apply` colours ``pixels`` by the fused kernel as they are (it then reads a sample's pixels
        in place); else a sample is gathered first."""
        return (self.lut4 is not None and pixels.dtype in _KERNEL_TYPES and pixels.ndim == 3
                and pixels.shape[2] in (3, 4) and pixels.flags.c_contiguous)

    def _exact_codes_of(self, picked: np.ndarray) -> np.ndarray:
        values = np.ascontiguousarray(picked, dtype=np.float32)
        if picked.dtype.kind == "u":
            values /= float(np.iinfo(picked.dtype).max)
        self._exact_cpu().applyRGB(values)
        values[np.isnan(values)] = 0.0  # the exact view can give NaN for huge inputs: black, as the LUT does
        return np.clip(np.rint(values * 255.0), 0, 255).astype(np.uint8)

    def apply(self, pixels: np.ndarray, sample: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
        """HxWxC (C = 3 or 4) pixels of the baked source type -> new uint8 HxWxC array (alpha rescaled); with
        ``sample`` (rows, columns: media/view_size.py's positions), only those pixels, as if ``pixels`` had
        been reduced to them first (the fused kernel reads them where they are: no reduced copy is made)."""
        if sample is not None and not self._samples_in_kernel(pixels):
            pixels, sample = np.ascontiguousarray(pixels[np.ix_(*sample)]), None
        h, w, c = pixels.shape
        # RGBA goes through OCIO as it is (its packed RGBA path is ~15% cheaper than RGB, and no RGB copy is
        # made), described by channel count: PyOpenColorIO 2.6 rejects RGBA descs given a channel ordering with
        # explicit strides (it sizes them as 0 entries). Alpha is then written as alpha_to_uint8 makes it.
        if c == 4 and pixels.flags.c_contiguous:
            rgb = pixels
        else:
            rgb, c = np.ascontiguousarray(pixels[:, :, :3]), 3
        if self.method == "exact" and rgb.dtype.kind == "f" and not np.isfinite(rgb).all():
            # OCIO's exact view may turn +inf into NaN (black); the LUT path's shaper clamps it to white.
            big = float(np.finfo(rgb.dtype).max)
            rgb = np.nan_to_num(rgb, nan=0.0, posinf=big, neginf=-big)
        fused = self.lut4 is not None and rgb.dtype in _KERNEL_TYPES
        if fused:
            # One fused pass (media/lut_kernel.py): shaper, LUT, 8 bits, alpha and the crease check.
            apply_tables = _lut_kernel().apply_tables
            bits = rgb.view(np.uint16) if rgb.dtype == np.float16 else rgb
            out, creased = apply_tables(self.kernel_tables(rgb.dtype), bits,
                                        check=self.fallback is not None and self.creased is not None,
                                        alpha=_alpha_table(rgb.dtype) if c == 4 and rgb.itemsize <= 2 else None,
                                        sample=sample)
        else:
            out = np.empty((h, w, c), dtype=np.uint8)
            size = rgb.itemsize
            source = rgb.view(np.uint16) if self.half_bits else rgb  # the table is indexed by the half's bits
            self._cpu_for(c).apply(
                ocio.PackedImageDesc(source, w, h, c, _BIT_DEPTHS[source.dtype], size, c * size, c * size * w),
                ocio.PackedImageDesc(out, w, h, c, ocio.BIT_DEPTH_UINT8, 1, c, c * w),
            )
            creased = self.fallback_pixels(rgb, out)
        if creased.size:  # the exact view of the flagged pixels (indices in ``out``: a sample's, if one)
            if sample is None:
                flagged = rgb.reshape(-1, c)[creased, :3]
            else:
                kept_columns = len(sample[1])
                flagged = rgb[sample[0][creased // kept_columns], sample[1][creased % kept_columns], :3]
            out.reshape(-1, c)[creased, :3] = self._exact_codes(flagged)
        if pixels.shape[2] == 3:
            return out
        if c == 4:  # OCIO's own alpha is not alpha_to_uint8's (NaN, rounding): written over it
            if not fused:  # the kernel wrote alpha_to_uint8's from its table
                out[:, :, 3] = alpha_to_uint8(pixels[:, :, 3])
            return out
        return np.concatenate([out, alpha_to_uint8(pixels[:, :, 3:4])], axis=2)


#: The exact fallback goes colour by colour (`BakedView._exact_codes`) when it has at least _DEDUPE_MIN pixels
#: and its first _DEDUPE_SAMPLE have at most _DEDUPE_SHARE distinct colours per pixel: sorting them out costs
#: ~0.12 us a pixel, a quarter of the exact view's cost, so it pays from ~25% repeats; the test is ~0.3 ms.
_DEDUPE_MIN = 16384
_DEDUPE_SAMPLE = 4096
_DEDUPE_SHARE = 0.6

_half_alpha: np.ndarray | None = None
_alpha_tables: dict[str, np.ndarray] = {}


def _alpha_table(dtype: np.dtype) -> np.ndarray:
    """alpha_to_uint8 of every value of an 8-bit, 16-bit or half pixel type, indexed by its bits."""
    key = np.dtype(dtype).str
    table = _alpha_tables.get(key)
    if table is None:
        bits = np.arange(1 << (8 * np.dtype(dtype).itemsize), dtype=np.uint32)
        values = bits.astype(np.uint16).view(np.float16) if dtype == np.float16 else bits.astype(dtype)
        with np.errstate(invalid="ignore"):
            table = _alpha_tables[key] = np.ascontiguousarray(alpha_to_uint8(values))
    return table


def _half_alpha_table() -> np.ndarray:
    """alpha_to_uint8 of every float16 value, indexed by its bits (one gather a frame, not four float passes)."""
    global _half_alpha
    if _half_alpha is None:
        halves = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(np.float16)
        with np.errstate(invalid="ignore"):
            _half_alpha = _float_alpha_to_uint8(halves)
    return _half_alpha


def alpha_to_uint8(alpha: np.ndarray) -> np.ndarray:
    """An alpha channel of any pixel type as uint8 0-255."""
    if alpha.dtype == np.uint8:
        return alpha
    if alpha.dtype == np.uint16:
        return ((alpha.astype(np.uint32) + 128) // 257).astype(np.uint8)
    if alpha.dtype == np.float16:
        return _half_alpha_table()[alpha.view(np.uint16)]
    return _float_alpha_to_uint8(alpha)


def _float_alpha_to_uint8(alpha: np.ndarray) -> np.ndarray:
    scaled = alpha.astype(np.float32) * np.float32(255.0)
    scaled += np.float32(0.5)
    np.fmax(scaled, np.float32(0.0), out=scaled)  # fmax, not clip: a NaN alpha becomes 0 (a NaN cast is undefined)
    np.minimum(scaled, np.float32(255.0), out=scaled)
    return scaled.astype(np.uint8)



"""Fill numba's cache of the colour kernel: a tiny frame of each pixel type through the public CPU colour
path (`ColourConfig.baked_view(...).apply`), so the first real frame of a later process loads the kernel
(~0.5 s) instead of compiling it (~2-4 s a pixel type); and of the 10-bit DPX unpack (media/dpx_kernel.py),
by decoding a tiny 10-bit DPX (its line: "DPX 10-bit unpack").

`./dev setup` runs it (``python -m horus_desktop.media.kernel_warmup``) as it compiles the bytecode, and the
frozen app's test runs it in the app (``horus -m horus_desktop.media.kernel_warmup``). It prints one line a
pixel type: whether the kernel was loaded from the cache or compiled, and the first frame's seconds.
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import dataclass

import numpy as np

#: The pixel types media/colour_baked.py's BakedView hands the kernel (half and 16-bit share its uint16 version).
PIXEL_TYPES = (np.float16, np.uint16, np.uint8, np.float32)


@dataclass(frozen=True)
class Warmed:
    """One pixel type's first coloured frame: loaded from numba's cache (else compiled), its times."""

    pixel_type: str
    loaded: bool
    compiled: bool
    seconds: float
    cpu_seconds: float


def _tiny_frame(dtype: type, channels: int) -> np.ndarray:
    """A 4x4 ramp of `dtype` (floats 0..1.5 so the shaper's upper range is read, integers over their range)."""
    ramp = np.linspace(0.0, 1.0, 4 * 4 * channels).reshape(4, 4, channels)
    if np.dtype(dtype).kind == "f":
        return (ramp * 1.5).astype(dtype)
    return (ramp * np.iinfo(dtype).max).astype(dtype)


def warm() -> list[Warmed]:
    """Colour a tiny RGB and RGBA frame of each pixel type by the baked view (the built-in config's default
    view, always baked to the LUT the kernel reads); returns what each first frame cost."""
    from horus_desktop.media import lut_kernel
    from horus_desktop.media.colour import BUILTIN_CONFIG, ColourConfig

    colour = ColourConfig(BUILTIN_CONFIG)
    results = []
    for dtype in PIXEL_TYPES:
        is_float = np.dtype(dtype).kind == "f"
        settings = colour.default_settings("scene_linear" if is_float else "sRGB - Texture", is_float=is_float)
        view = colour.baked_view(settings, np.dtype(dtype), method="lut")
        hits, misses = lut_kernel.cache_counts()
        started, cpu_started = time.perf_counter(), time.process_time()
        for channels in (3, 4):
            out = view.apply(_tiny_frame(dtype, channels))
            if out.shape != (4, 4, channels) or out.dtype != np.uint8:
                raise RuntimeError(f"the colour kernel gave {out.dtype} {out.shape} for a 4x4x{channels} frame")
            # The version that colours a frame reduced for the view in the same pass (while playing).
            every_other = np.arange(0, 4, 2)
            reduced = view.apply(_tiny_frame(dtype, channels), (every_other, every_other))
            if not np.array_equal(reduced, out[::2, ::2]):
                raise RuntimeError(f"the colour kernel's view-size pass differs for a 4x4x{channels} frame")
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        now_hits, now_misses = lut_kernel.cache_counts()
        results.append(Warmed(np.dtype(dtype).name, now_hits > hits, now_misses > misses, seconds, cpu_seconds))
    return results


def warm_dpx() -> Warmed:
    """Decode a tiny 10-bit DPX (media/dpx_kernel.py's loop, which every 10-bit DPX frame takes); returns what
    the first decode cost."""
    from horus_desktop.media import dpx_kernel
    from horus_desktop.media.decode_dpx import decode_dpx, write_dpx

    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/tiny.dpx"
        write_dpx(path, (np.arange(4 * 4 * 3) * 21).reshape(4, 4, 3), bit_depth=10)
        hits, misses = dpx_kernel.cache_counts()
        started, cpu_started = time.perf_counter(), time.process_time()
        pixels = decode_dpx(path).pixels
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    if pixels.shape != (4, 4, 3) or int(pixels[0, 0, 1]) != (21 << 6 | 21 >> 4):
        raise RuntimeError(f"the DPX unpack gave {pixels.dtype} {pixels.shape} {pixels[0, 0].tolist()}")
    now_hits, now_misses = dpx_kernel.cache_counts()
    return Warmed("dpx10", now_hits > hits, now_misses > misses, seconds, cpu_seconds)


def _how(item: Warmed) -> str:
    return "compiled" if item.compiled else "loaded from numba's cache" if item.loaded else "already in memory"


def main() -> int:
    for item in warm():
        print(f"colour kernel {item.pixel_type}: {_how(item)}, first frame {item.seconds:.2f} s "
              f"({item.cpu_seconds:.2f} s CPU)")
    dpx = warm_dpx()
    print(f"DPX 10-bit unpack: {_how(dpx)}, first frame {dpx.seconds:.2f} s ({dpx.cpu_seconds:.2f} s CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

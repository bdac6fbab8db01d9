"""The CPU colour step measured: its accuracy against OCIO's exact processor on a generated ACEScg chart, and
its cost per 2K frame against the exact processor, the same bake run by OCIO's optimized processor with the
numpy crease look-up (the step before media/lut_kernel.py) and the EXR decode in the same run
(`horus bench colour`); and the same for the integer inputs (`bench_integer_colour`): a 10-bit log DPX frame
(its unpack beside its colour) and 16-bit sRGB and linear frames, with their worst error on `integer_chart`."""

from __future__ import annotations

import tempfile
import time
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import OpenEXR

from horus_desktop.media.colour import ColourConfig, ViewSettings
from horus_desktop.media.decode_dpx import decode_dpx_pixels, read_dpx_header
from horus_desktop.media.decode_exr import EXR_THREADS_PER_FILE
from horus_desktop.media.synthetic import (
    SIZE_2K,
    cineon_log_10bit,
    dpx_bytes_10bit,
    draw_test_frame,
    draw_test_frame_16,
    srgb_to_linear_half,
    write_exr,
)
from horus_desktop.media.view_size import reduced_pixels

#: The reduction a 2K frame plays at in a 1400-px-wide viewer (media/bench.py's VIEWER_FACTOR).
VIEWER_FACTOR = 1.375

CHART_MAX = 16.0
_CCT_BREAK, _CCT_SLOPE, _CCT_OFFSET = 0.0078125, 10.5402377416545, 0.0729055341958355


def _acescct(x: np.ndarray) -> np.ndarray:
    safe = np.maximum(x, _CCT_BREAK)
    return np.where(x <= _CCT_BREAK, _CCT_SLOPE * x + _CCT_OFFSET, (np.log2(safe) + 9.72) / 17.52)


def _from_acescct(y: np.ndarray) -> np.ndarray:
    return np.where(y <= _acescct(np.float64(_CCT_BREAK)), (y - _CCT_OFFSET) / _CCT_SLOPE, np.exp2(y * 17.52 - 9.72))


def acescg_chart(steps: int = 48, line: int = 1024) -> np.ndarray:
    """ACEScg colours 0..CHART_MAX as an Nx3 float16 array: a steps^3 grid of the AP1 cube evenly spaced in
    ACEScct (so darks are as dense as highlights), and its 12 edges (the saturated primaries and secondaries
    from black and towards white) and the neutral axis, `line` values each."""
    axis = _from_acescct(np.linspace(_acescct(np.float64(0.0)), _acescct(np.float64(CHART_MAX)), steps))
    axis[0], axis[-1] = 0.0, CHART_MAX
    r, g, b = np.meshgrid(axis, axis, axis, indexing="ij")
    parts = [np.stack([r, g, b], axis=-1).reshape(-1, 3)]
    ramp = _from_acescct(np.linspace(_acescct(np.float64(0.0)), _acescct(np.float64(CHART_MAX)), line))
    ramp[0] = 0.0
    zero, full = np.zeros_like(ramp), np.full_like(ramp, CHART_MAX)
    parts.append(np.stack([ramp, ramp, ramp], axis=-1))
    for fixed in ((zero, full), (full, zero), (zero, zero), (full, full)):
        for moving in range(3):
            others = iter(fixed)
            parts.append(np.stack([ramp if c == moving else next(others) for c in range(3)], axis=-1))
    return np.concatenate(parts).astype(np.float16)


def integer_chart(bits: int) -> np.ndarray:
    """Nx3 codes of a `bits`-bit source (10 or 16) as the decoders hand them on (uint16; 10-bit widened to 16
    bits as DPX's are): every code on the neutral axis, random colours, and random colours with one channel in
    the darkest 1/32 (where a view rises most steeply). Seeded: the same codes every run."""
    rng = np.random.default_rng(bits)
    top = (1 << bits) - 1
    grey = np.repeat(np.arange(top + 1)[:, None], 3, axis=1)
    spread = rng.integers(0, top + 1, (60_000, 3))
    dark = rng.integers(0, top + 1, (60_000, 3))
    dark[np.arange(len(dark)), rng.integers(0, 3, len(dark))] //= 32
    codes = np.concatenate([grey, spread, dark]).astype(np.uint16)
    return (codes << 6) | (codes >> 4) if bits == 10 else codes


def exact_codes(colour: ColourConfig, settings: ViewSettings, pixels: np.ndarray) -> np.ndarray:
    """OCIO's exact processor (no optimisation) on `pixels`, as 8-bit display codes (int16)."""
    import PyOpenColorIO as ocio

    values = np.array(pixels.reshape(-1, 3), dtype=np.float32)  # a copy: float32 pixels are not coloured in place
    if pixels.dtype.kind == "u":
        values /= float(np.iinfo(pixels.dtype).max)
    colour.exact_processor(settings).getOptimizedCPUProcessor(ocio.OPTIMIZATION_NONE).applyRGB(values)
    return np.clip(np.rint(values * 255.0), 0, 255).astype(np.int16).reshape(pixels.shape[:-1] + (3,))


def code_errors(colour: ColourConfig, settings: ViewSettings, pixels: np.ndarray, method: str = "lut") -> np.ndarray:
    """Per pixel, the largest channel difference (8-bit codes) of the baked CPU path from the exact processor."""
    image = pixels.reshape(1, -1, 3) if pixels.ndim == 2 else pixels
    baked = colour.baked_view(settings, image.dtype, method).apply(image)
    return np.abs(baked.astype(np.int16) - exact_codes(colour, settings, image)).max(axis=-1).reshape(-1)


def _best_ms(run: Any, repeats: int, clock: Any = time.thread_time) -> float:
    """The least CPU time of `repeats` runs: the colour steps run on the calling thread (OCIO's CPU processor
    does not start threads), so other work on a loaded machine does not count, as it does in wall time."""
    times = []
    for _ in range(repeats):
        started = clock()
        run()
        times.append(clock() - started)
    return min(times) * 1000.0


def bench_colour(*, view: str | None = None, repeats: int = 3, colour: ColourConfig | None = None) -> dict[str, Any]:
    """CPU ms per 2K half-float ACEScg frame: the baked CPU colour step (the fused kernel: LUT alone and with
    its crease check and exact fallback), the same bake through OCIO's optimized processor and the numpy
    look-up (the path before the kernel, which float32 pixels still take), OCIO's exact processor and the bare
    OpenEXR decode of the same frame as half PIZ, measured in one run; and the baked path's worst error on
    the ACEScg chart and on the frame."""
    colour = colour or ColourConfig()
    display = colour.default_display()
    settings = ViewSettings("ACEScg", display, view or colour.default_view(display))
    frame = np.ascontiguousarray(srgb_to_linear_half(draw_test_frame(1, SIZE_2K))[:, :, :3])
    started = time.perf_counter()
    baked = colour.baked_view(settings, frame.dtype, method="lut")
    bake_ms = (time.perf_counter() - started) * 1000.0
    lut_only = replace(baked, fallback=None, _cpu={})
    ocio_path = replace(baked, lut4=None, _cpu={})  # OCIO's processor + the numpy crease look-up
    exact = colour.baked_view(settings, frame.dtype, method="exact")
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "frame.exr")
        write_exr(path, frame)
        # OpenEXR decodes on threads of its own: the process's CPU time counts them.
        decode_ms = _best_ms(lambda: OpenEXR.File(path, num_threads=EXR_THREADS_PER_FILE).parts[0].channels, repeats,
                             time.process_time)
    # Interleaved, so a burst of load from other work falls on each of them alike.
    colour_ms, lut_ms, ocio_ms, ocio_viewer_ms, viewer_ms, rgba_ms = [], [], [], [], [], []
    viewer = reduced_pixels(frame, VIEWER_FACTOR)  # as the decode processes hand it on while playing
    rgba = np.concatenate([frame, np.full(frame.shape[:2] + (1,), 0.75, frame.dtype)], axis=2)
    for _ in range(repeats):
        colour_ms.append(_best_ms(lambda: baked.apply(frame), 1))
        viewer_ms.append(_best_ms(lambda: baked.apply(viewer), 1))
        rgba_ms.append(_best_ms(lambda: baked.apply(rgba), 1))
        lut_ms.append(_best_ms(lambda: lut_only.apply(frame), 1))
        ocio_ms.append(_best_ms(lambda: ocio_path.apply(frame), 1))
        ocio_viewer_ms.append(_best_ms(lambda: ocio_path.apply(viewer), 1))
    colour_ms, lut_ms, ocio_ms, ocio_viewer_ms, viewer_ms, rgba_ms = (
        min(times) for times in (colour_ms, lut_ms, ocio_ms, ocio_viewer_ms, viewer_ms, rgba_ms))
    brighter = colour.baked_view(replace(settings, exposure=1.5), frame.dtype, method="lut")
    bright_ms = _best_ms(lambda: brighter.apply(frame), repeats)
    chart = acescg_chart()
    tiled = np.resize(chart, (frame.shape[0] * frame.shape[1], 3)).reshape(frame.shape)  # worst case: all chart
    chart_frame_ms = _best_ms(lambda: baked.apply(tiled), 1)
    exact_strip = frame[:128]  # the exact processor is slow: timed on a strip, scaled to the frame
    exact_ms = _best_ms(lambda: exact.apply(exact_strip), 1) * frame.shape[0] / exact_strip.shape[0]
    chart_errors = code_errors(colour, settings, chart)
    lut_chart_errors = np.abs(lut_only.apply(chart.reshape(1, -1, 3)).astype(np.int16).reshape(-1, 3)
                              - exact_codes(colour, settings, chart)).max(axis=-1)
    frame_errors = code_errors(colour, settings, frame)
    result = {
        "view": settings.view, "size": list(SIZE_2K),
        "exr_decode_ms": round(decode_ms, 2), "colour_ms": round(colour_ms, 2), "lut_only_ms": round(lut_ms, 2),
        "ocio_path_ms": round(ocio_ms, 2), "ocio_path_viewer_ms": round(ocio_viewer_ms, 2),
        "exact_ms": round(exact_ms, 1), "bake_ms": round(bake_ms, 1),
        "colour_vs_decode": round(colour_ms / decode_ms, 3), "lut_only_vs_decode": round(lut_ms / decode_ms, 3),
        "colour_vs_ocio_path": round(colour_ms / ocio_ms, 3),
        "viewer_factor": VIEWER_FACTOR, "colour_viewer_ms": round(viewer_ms, 2),
        "colour_viewer_vs_decode": round(viewer_ms / decode_ms, 3),
        "colour_viewer_vs_ocio_path": round(viewer_ms / ocio_viewer_ms, 3), "colour_rgba_ms": round(rgba_ms, 2),
        "colour_vs_exact": round(colour_ms / exact_ms, 4),
        "colour_plus_1_5_stops_ms": round(bright_ms, 2), "colour_chart_frame_ms": round(chart_frame_ms, 1),
        "fallback_share_plus_1_5_stops": round(brighter.fallback_pixels(frame).size / (frame.shape[0] * frame.shape[1]), 4),
        "fallback_share_frame": round(baked.fallback_pixels(frame).size / (frame.shape[0] * frame.shape[1]), 4),
        "fallback_share_chart": round(baked.fallback_pixels(chart.reshape(1, -1, 3)).size / len(chart), 4),
        "chart_colours": len(chart), "chart_max_codes": int(chart_errors.max()),
        "chart_over_2_codes": round(float((chart_errors > 2).mean()), 5),
        "lut_only_chart_max_codes": int(lut_chart_errors.max()),
        "lut_only_chart_over_2_codes": round(float((lut_chart_errors > 2).mean()), 5),
        "frame_max_codes": int(frame_errors.max()),
        "integer": bench_integer_colour(colour, display, settings.view, repeats),
    }
    return result


def bench_integer_colour(colour: ColourConfig, display: str, view: str, repeats: int = 3) -> list[dict[str, Any]]:
    """CPU ms of the colour step a 2K frame for the integer inputs, as the viewer's CPU path colours them (the
    colour space their decoder guesses): a 10-bit log DPX (ADX10, printing density; with its unpack), a 16-bit
    sRGB TIFF/PNG, and a 16-bit scene-linear one (ACEScg); with each one's worst error on `integer_chart`."""
    data = dpx_bytes_10bit(cineon_log_10bit(draw_test_frame(1, SIZE_2K)))
    header = read_dpx_header(data)
    dpx = decode_dpx_pixels(data, header)  # compiles or loads the unpack outside the timing
    sixteen = np.ascontiguousarray(draw_test_frame_16(1, SIZE_2K))
    inputs = [("2K 10-bit log DPX", "ADX10", dpx, 10, lambda: decode_dpx_pixels(data, header)),
              ("2K 16-bit sRGB TIFF/PNG", "sRGB Encoded Rec.709 (sRGB)", sixteen, 16, None),
              ("2K 16-bit linear (ACEScg)", "ACEScg", sixteen, 16, None)]
    rows = []
    for name, space, pixels, bits, unpack in inputs:
        settings = ViewSettings(space, display, view)
        baked = colour.baked_view(settings, pixels.dtype, method="lut")
        run = partial(baked.apply, pixels)
        run()  # the kernel's tables for this type, outside the timing
        errors = code_errors(colour, settings, integer_chart(bits))
        rows.append({"input": name, "colour_space": space, "colour_ms": round(_best_ms(run, repeats), 2),
                     "unpack_ms": round(_best_ms(unpack, repeats), 2) if unpack else None,
                     "fallback_share": round(baked.fallback_pixels(pixels).size / (pixels.size // 3), 4),
                     "chart_max_codes": int(errors.max()), "chart_colours": len(errors)})
    return rows


def print_colour(result: dict[str, Any]) -> None:
    """The figures as a short table (stderr-free: the caller picks the stream)."""
    print(f"colour step, 2K half ACEScg frame, {result['view']} (CPU time, least of the runs)")
    rows = [
        ("EXR decode (bare OpenEXR, half PIZ)", result["exr_decode_ms"], "1.00"),
        ("baked CPU colour (kernel + exact fallback)", result["colour_ms"], f"{result['colour_vs_decode']:.2f}"),
        ("  the kernel without the crease check", result["lut_only_ms"], f"{result['lut_only_vs_decode']:.2f}"),
        (f"colour at a 1400-px viewer's size (/{result['viewer_factor']})", result["colour_viewer_ms"],
         f"{result['colour_viewer_vs_decode']:.2f}"),
        ("colour, the frame as RGBA", result["colour_rgba_ms"],
         f"{result['colour_rgba_ms'] / result['exr_decode_ms']:.2f}"),
        ("colour, the frame +1.5 stops", result["colour_plus_1_5_stops_ms"],
         f"{result['colour_plus_1_5_stops_ms'] / result['exr_decode_ms']:.2f}"),
        ("colour, a frame of chart colours (worst)", result["colour_chart_frame_ms"],
         f"{result['colour_chart_frame_ms'] / result['exr_decode_ms']:.2f}"),
        ("OCIO processor + numpy look-up (before)", result["ocio_path_ms"],
         f"{result['ocio_path_ms'] / result['exr_decode_ms']:.2f}"),
        ("  the same at the viewer's size", result["ocio_path_viewer_ms"],
         f"{result['ocio_path_viewer_ms'] / result['exr_decode_ms']:.2f}"),
        ("OCIO exact processor", result["exact_ms"], f"{result['exact_ms'] / result['exr_decode_ms']:.2f}"),
    ]
    print(f"{'step':<42}{'CPU ms':>10}{'x decode':>10}")
    for name, ms, ratio in rows:
        print(f"{name:<42}{ms:>10.1f}{ratio:>10}")
    print(f"colour step / the OCIO path before: {result['colour_vs_ocio_path']:.2f} a 2K frame, "
          f"{result['colour_viewer_vs_ocio_path']:.2f} at the viewer's size")
    print(f"exact fallback share: frame {result['fallback_share_frame']:.2%}, +1.5 stops "
          f"{result['fallback_share_plus_1_5_stops']:.2%}, chart {result['fallback_share_chart']:.2%}; "
          f"bake {result['bake_ms']:.0f} ms")
    print(f"max error vs exact (8-bit codes): chart of {result['chart_colours']} ACEScg colours 0..16 "
          f"{result['chart_max_codes']} (LUT alone {result['lut_only_chart_max_codes']}, "
          f"{result['lut_only_chart_over_2_codes']:.2%} > 2), frame {result['frame_max_codes']}")
    for row in result.get("integer", []):
        unpack = f", its unpack {row['unpack_ms']:.1f} ms" if row["unpack_ms"] is not None else ""
        print(f"{row['input']} ({row['colour_space']}): colour {row['colour_ms']:.1f} ms{unpack}, exact fallback "
              f"{row['fallback_share']:.2%}; max error {row['chart_max_codes']} codes on {row['chart_colours']} "
              f"{row['input'].split()[1]} colours")

"""The CPU path's colour step run in the decode processes, right after the decode (media/decode_pool.py).

Why: converted in the app, a frame's colour ran on the app's threads beside the decode processes, after
the decoded half pixels (twice the display bytes) came through shared memory; converted in its decode
process it needs no app thread and no GIL, and half the bytes are shared (uint8 display pixels).

The bake stays the app's: the frame cache converts the first frame of a colour setting itself (as
before), then ships that frame's baked view to the workers once per setting (`WorkerColour`: a few tens
of MB pickled once, each worker gets it with its first job of that setting, never per frame); a later frame
cache of the same config and settings starts with what the last one shipped (`_carried`). A worker
rebuilds only the OCIO exact processor (for the few pixels on a crease of the view; ~0.2 ms) and runs the
app's own conversion (display.cpu_convert) over a config that answers with the shipped bakes, so the
pixels are the app's. A frame whose settings were not shipped (another colour space in a playlist), a
frame the view passes through unchanged and any failure come back unconverted: the app converts them.
"""

from __future__ import annotations

import dataclasses
import itertools
import pickle
import threading
import weakref
from collections.abc import Container
from typing import Any

import numpy as np

from horus_desktop.media.colour import ColourConfig, ViewSettings
from horus_desktop.media.colour_baked import BakedView
from horus_desktop.media.display import (
    Conversion,
    CpuConversion,
    ViewSizeConversion,
    frame_settings,
    upload_ready,
)
from horus_desktop.media.frames import Frame

#: Bakes one WorkerColour ships at most (a playlist's colour spaces): the oldest makes way.
MAX_BAKES = 4
#: BakedView fields that hold OCIO objects: rebuilt (the exact processor) or not needed by the fused kernel.
_OCIO_FIELDS = frozenset({"processor", "exact", "lut", "_cpu"})
_tokens = itertools.count(1)
#: Tokens by what a payload holds: a new frame cache of the same settings (play pressed, paused again) ships
#: nothing new to workers that already hold it.
_known: dict[tuple[Any, ...], int] = {}
_KNOWN_MAX = 256
#: What the last WorkerColour of a conversion's settings had learnt, by its config (the object: a config read
#: again bakes anew) then (settings, channel, per frame): the next one (a new frame cache: play pressed, a
#: seek) starts with it, so its first frames convert in the workers too. Without it the first frames of each
#: cache (those decoding before the app had converted one) were converted by the app: ~2-3 a cache, a full
#: frame's colour each on the app's threads (~6% of the app's CPU a 48-frame run).
_carried: weakref.WeakKeyDictionary[ColourConfig, dict[tuple[Any, ...], tuple[dict, dict, int]]] = \
    weakref.WeakKeyDictionary()
#: Settings kept a config: the last few (a new cache mostly plays the settings just used). Their arrays are
#: the config's own bakes' (kept 16 there), so only one it has let go of costs memory here (~20 MB each).
_CARRIED_MAX = 4
_carried_lock = threading.Lock()


def _carried_key(cpu: CpuConversion) -> tuple[Any, ...]:
    return (cpu.settings, cpu.channel, cpu.per_frame)


def cpu_conversion_of(convert: Conversion) -> CpuConversion | None:
    """The CPU colour conversion ``convert`` runs (itself, or the one a view-size conversion wraps), else None."""
    if isinstance(convert, ViewSizeConversion):
        convert = convert.convert
    return convert if isinstance(convert, CpuConversion) else None


def _key(cpu: CpuConversion, frame: Frame) -> tuple[ViewSettings, str]:
    """The bake ``cpu`` takes for ``frame``: its settings and the pixel type it converts (as CpuConversion does)."""
    dtype = upload_ready(frame.pixels[:1, :1]).dtype
    if dtype == np.float32 and frame.pixels.dtype != np.float32:
        dtype = np.dtype(np.float16)
    settings = frame_settings(cpu.colour, cpu.settings, frame.colour_space, frame.pixels.dtype) if cpu.per_frame \
        else cpu.settings
    return settings, np.dtype(dtype).str


def _portable(baked: BakedView, dtype: np.dtype) -> dict[str, Any] | None:
    """A baked view's state without its OCIO objects, or None when it is not one the fused kernel runs."""
    if baked.method != "lut3d" or baked.lut4 is None:
        return None
    baked.kernel_tables(dtype)  # made here once, not in every worker
    return {f.name: getattr(baked, f.name) for f in dataclasses.fields(baked) if f.name not in _OCIO_FIELDS}


class WorkerColour:
    """What the decode processes need to convert a frame cache's frames (app side); thread-safe."""

    def __init__(self, cpu: CpuConversion) -> None:
        self.cpu = cpu
        self._lock = threading.Lock()
        self._states: dict[tuple[ViewSettings, str], dict[str, Any]] = {}
        self._bakes: dict[tuple[ViewSettings, str], int] = {}  # id() of each shipped BakedView
        self._refused: set[tuple[ViewSettings, str]] = set()
        self.token = 0  # 0: nothing to ship yet
        self._payload: bytes | None = None
        with _carried_lock:
            carried = _carried.get(cpu.colour, {}).get(_carried_key(cpu))
        if carried is not None:  # a frame this setting's bakes do not cover still comes back: learnt then
            self._states, self._bakes, self.token = dict(carried[0]), dict(carried[1]), carried[2]

    def learn(self, frame: Frame) -> None:
        """Ship the bake the app just used for ``frame`` (decoded, not converted) from the next jobs on; never
        raises (a frame the app converted is not made an error by this)."""
        try:
            self._learn(frame)
        except Exception:  # noqa: BLE001 (the app goes on converting these frames itself)
            return

    def _learn(self, frame: Frame) -> None:
        if self.cpu.passes_through(frame):
            return
        key = _key(self.cpu, frame)
        with self._lock:
            if key in self._states or key in self._refused:
                return
        baked = self.cpu.colour.baked_view(key[0], np.dtype(key[1]))
        state = _portable(baked, np.dtype(key[1]))
        with self._lock:
            if state is None:
                self._refused.add(key)
                return
            self._states[key], self._bakes[key] = state, id(baked)
            while len(self._states) > MAX_BAKES:
                oldest = next(iter(self._states))
                del self._states[oldest], self._bakes[oldest]
            cpu = self.cpu
            content = (cpu.colour.path, cpu.settings, cpu.channel, cpu.per_frame, tuple(self._bakes.items()))
            token = _known.get(content)
            if token is None:
                token = _known[content] = next(_tokens)
                while len(_known) > _KNOWN_MAX:
                    _known.pop(next(iter(_known)))
            self.token, self._payload = token, None
            states, bakes = dict(self._states), dict(self._bakes)
        with _carried_lock:
            by_settings = _carried.setdefault(cpu.colour, {})
            by_settings.pop(_carried_key(cpu), None)  # last learnt last: the first is the one to go
            by_settings[_carried_key(cpu)] = (states, bakes, token)
            while len(by_settings) > _CARRIED_MAX:
                by_settings.pop(next(iter(by_settings)))


    def message(self, held: Container[int]) -> tuple[int, bytes | None] | None:
        """What goes with a job to a worker holding the tokens ``held``: (token, the payload when it lacks it)."""
        with self._lock:
            if not self.token:
                return None
            if self.token in held:
                return self.token, None
            if self._payload is None:
                cpu = self.cpu
                self._payload = pickle.dumps((cpu.colour.path, cpu.settings, cpu.channel, cpu.per_frame,
                                              list(self._states.values())), protocol=pickle.HIGHEST_PROTOCOL)
            return self.token, self._payload


class _NotShipped(LookupError):
    """The frame needs a bake the app did not ship."""


class _ShippedConfig(ColourConfig):
    """The app's config in a worker, answering with the app's bakes (a bake missing is not made here)."""

    def __init__(self, path: str, bakes: dict[tuple[ViewSettings, str], BakedView]) -> None:
        super().__init__(path)
        self._shipped = bakes

    def baked_view(self, settings: ViewSettings, source_dtype: np.dtype, method: str = "auto") -> BakedView:
        baked = self._shipped.get((settings, np.dtype(source_dtype).str))
        if baked is None or method != "auto":
            raise _NotShipped
        return baked


_configs: dict[str, ColourConfig] = {}


class WorkerConverter:
    """A worker's side: the app's CPU conversion over the shipped bakes."""

    def __init__(self, payload: bytes) -> None:
        path, settings, channel, per_frame, states = pickle.loads(payload)  # noqa: S301 (from the app itself)
        plain = _configs.get(path) or _configs.setdefault(path, ColourConfig(path))
        bakes = {}
        for state in states:
            exact = plain.exact_processor(state["settings"])
            processor = exact if state["method"] == "exact" else None
            baked = BakedView(processor=processor, exact=exact, lut=None, **state)
            bakes[(state["settings"], np.dtype(state["source_dtype"]).str)] = baked
        self._convert = CpuConversion(_ShippedConfig(path, bakes), settings, channel, per_frame)

    def convert(self, frame: Frame, reduction: float = 1) -> Frame | None:
        """``frame`` converted as the app would (reduced by ``reduction`` for the view in the same pass), or
        None (the app converts it)."""
        try:
            if self._convert.passes_through(frame):
                return None
            return self._convert.reduced(frame, reduction) if reduction > 1 else self._convert(frame)
        except Exception:  # noqa: BLE001 (not shipped, or anything else: the app converts it and reports)
            return None

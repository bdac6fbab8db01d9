"""The `Frame` a decoder returns and the `FrameSource` interface every media type implements."""

from __future__ import annotations

import queue
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from horus_desktop.media.errors import DamagedFrameError, DecodeTimeoutError

if TYPE_CHECKING:
    import numpy as np

    from horus_desktop.media.frame_memory import FrameMemory

Window = tuple[int, int, int, int]
"""(xmin, ymin, xmax, ymax), inclusive, as in OpenEXR."""

DEFAULT_DECODE_TIMEOUT = 20.0
#: Seconds a time-bound runner thread waits for more work before it ends.
RUNNER_IDLE_S = 0.5

T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class Frame:
    """One decoded image, HxWxC covering the display window.

    `pixels` is float16 for float sources, uint8 for 8-bit and uint16 for 10/12/16-bit ones; pixels of
    the display window outside the data window are 0.
    """

    pixels: np.ndarray
    frame: int
    colour_space: str
    display_window: Window
    data_window: Window
    channels: tuple[str, ...]
    metadata: Mapping[str, Any] = field(default_factory=dict)

    @property
    def width(self) -> int:
        """Width in pixels."""
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        """Height in pixels."""
        return int(self.pixels.shape[0])


@dataclass(frozen=True)
class DecodeJob:
    """How to decode one frame in another process (media/decode_pool): ``decode(path, **options)``, a
    module-level function (picklable), gives the Frame, numbered ``frame`` by the caller."""

    path: str
    frame: int
    decode: Callable[..., Frame]
    options: Mapping[str, Any] = field(default_factory=dict)


class Superseded(Exception):  # noqa: N818 (not an error: nobody wants the frame any more)
    """A decode stopped because the user moved on (a scrub passed its frame): nothing to show or cache."""


def full_window(width: int, height: int) -> Window:
    """The window of a whole width x height image."""
    return (0, 0, width - 1, height - 1)


class _BoundedRunner:
    """Daemon threads, reused, that run time-bounded work: a caller waits on a future with a timeout.

    Each call is handed to a free thread (a new one starts only when all are busy), so a decode costs a
    queue hop, not a thread start; a thread idle for RUNNER_IDLE_S ends. A thread whose work overran is abandoned (not killed: it may be stuck in
    C code) and rejoins the free threads if its work ever ends. Daemon threads never hold up the exit.
    """

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._free = 0  # threads waiting for work, not yet promised to a caller
        self.started = 0

    def submit(self, fn: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        with self._lock:
            if self._free:
                self._free -= 1
            else:
                self.started += 1
                threading.Thread(target=self._work, name="horus-decode-bounded", daemon=True).start()
        self._queue.put((fn, future))
        return future

    def _work(self) -> None:
        while True:
            try:
                fn, future = self._queue.get(timeout=RUNNER_IDLE_S)
            except queue.Empty:
                with self._lock:
                    if self._free:  # idle and promised to nobody: end (a paused viewer holds no threads)
                        self._free -= 1
                        return
                continue
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn())
                except BaseException as exc:  # handed to the caller
                    future.set_exception(exc)
            del fn, future
            with self._lock:
                self._free += 1


_RUNNER = _BoundedRunner()


def call_with_time_bound(fn: Callable[[], T], bound: float | None, path: str) -> T:
    """Run `fn` and return its result, or raise DecodeTimeoutError after `bound` seconds.

    The work runs on one of the bounded runner's reused daemon threads, abandoned (not killed) when it
    overruns, so the caller never hangs on a decoder stuck in C code.
    """
    if bound is None:
        return fn()
    future = _RUNNER.submit(fn)
    try:
        return future.result(timeout=bound)
    except FutureTimeout:
        raise DecodeTimeoutError(path, f"decode ran past {bound:g} s and was abandoned") from None


def bounded_threads_started() -> int:
    """How many runner threads time-bounded calls have started so far (they are reused)."""
    return _RUNNER.started


class FrameSource(ABC):
    """Random access to the frames of one media: `read(n)` for n in `frame_range`."""

    path: str
    decode_timeout: float | None = DEFAULT_DECODE_TIMEOUT
    #: True when frames must be decoded one at a time in play order to be cheap (a movie: each read
    #: continues the decoder; reads out of order seek back to a keyframe). The frame cache then decodes
    #: on one lane in order and converts the decoded frames on its other workers.
    ordered_decode: bool = False

    @property
    @abstractmethod
    def frame_range(self) -> tuple[int, int]:
        """(first, last) frame numbers, inclusive."""

    @abstractmethod
    def _decode(self, frame: int) -> Frame:
        """Decode one frame; raise a MediaError subclass on failure."""

    def read(self, frame: int) -> Frame:
        """Decode frame `frame`, abandoning it with DecodeTimeoutError past `decode_timeout` seconds."""
        return self.read_with(frame, lambda: self._decode(frame))

    def read_with(self, frame: int, decode: Callable[[], Frame]) -> Frame:
        """``decode()`` (frame `frame`, decoded some way of the source's) as `read` runs its decode: abandoned
        past `decode_timeout` seconds, a size no machine could hold explained."""
        try:
            return call_with_time_bound(decode, self.decode_timeout, self.path)
        except MemoryError as exc:  # a damaged header can claim a size no machine could hold
            raise DamagedFrameError(self.path, f"frame {frame} is too large to decode (damaged size in its "
                                    "header?)") from exc

    def read_unless(self, frame: int, cancelled: Callable[[], bool], memory: FrameMemory | None = None) -> Frame:
        """`read`, for a source that can stop a long decode (a movie decoding forward from a keyframe)
        raising Superseded once ``cancelled()`` is true; the base source just reads. ``memory``: where a
        source's decoder can write its pixels into given memory (a JPEG's), a freed frame's pages from it
        (media/frame_memory.py)."""
        return self.read(frame)

    def prepare_for_scrub(self) -> None:
        """Get ready for quick jumps (a viewer shows the source paused: the user may drag over it next); a
        movie opens its spare decoders, the base source has nothing to prepare."""
        return None  # a hook with a default, not an abstract method

    def decode_job(self, frame: int) -> DecodeJob | None:
        """How a worker process can decode `frame`, or None (decode it here with `read`). Raises the
        MediaError `read` would raise for a frame known missing without decoding."""
        return None

    def frames(self) -> range:
        """All frame numbers of the range."""
        first, last = self.frame_range
        return range(first, last + 1)

    def close(self) -> None:
        """Release open files; the base source holds none."""
        return None

    def __enter__(self) -> FrameSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

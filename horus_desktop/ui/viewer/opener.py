"""Runs the viewer's open requests and recipe builds off the UI thread (directory listing, container probe,
first decode, shader build), closes the sessions and frame caches the viewer lets go of off it too (a close
waits for the decodes running), and makes sure none it handed out outlives the viewer.

The closes run on a thread of their own, not the opener's: a media switched to must not wait behind the close
of the one it replaces (a movie's GOP decode finishing), nor a close behind an open."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from horus_desktop.media.colour import ColourConfig
from horus_desktop.playback.clock import LoopMode, SlowPolicy
from horus_desktop.playback.media_slot import RecipeRequest
from horus_desktop.playback.opening import (
    DisplayChoice,
    FileOpener,
    InputResolver,
    Opened,
    OpenFailed,
    OpenRequest,
    RecipeBuilt,
    build_recipe,
    open_slot,
)
from horus_desktop.playback.session import PlaybackSession

Result = Opened | OpenFailed | RecipeBuilt


class Closable(Protocol):
    """A playback session or a frame cache: what `Opener.retire` closes."""

    def close(self) -> None: ...


class Opener(QObject):
    """One worker thread; each result (Opened, OpenFailed, RecipeBuilt) comes back through ``sig_done``."""

    sig_done = Signal(object)

    def __init__(self, colour: ColourConfig, open_file: FileOpener, parent: QObject | None = None) -> None:
        """``open_file`` opens a media's file (the viewer passes services.media_paths.open_media: this
        machine's copy through the path mappings)."""
        super().__init__(parent)
        self.colour, self._open_file = colour, open_file
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="horus-open")
        self._closer = ThreadPoolExecutor(1, thread_name_prefix="horus-viewer-close")
        self.closed = False
        self._lock = threading.Lock()
        # Sessions handed to the UI thread and not yet taken, and sessions or frame caches being closed here:
        # the viewer closes what is left of both when it shuts down, so no decode pool outlives it.
        self._unclaimed: dict[int, PlaybackSession] = {}  # by id() of the Opened result emitted
        self._retiring: list[Closable] = []

    def open(self, request: OpenRequest, choice: DisplayChoice, *, resolve: InputResolver, policy: SlowPolicy,
             mode: LoopMode) -> None:
        """Open ``request`` into a MediaSlot (media/display.py picks the conversion for ``choice``)."""
        colour, open_file = self.colour, self._open_file

        def work() -> Result:
            try:
                return Opened(request, open_slot(request, colour, choice, resolve=resolve, policy=policy, mode=mode,
                                                 open_media=open_file))
            except Exception as exc:  # shown as a placeholder naming the problem
                return OpenFailed(request, exc)

        self._submit(work)

    def build(self, request: RecipeRequest) -> None:
        """Build a GL recipe."""
        colour = self.colour

        def work() -> Result:
            try:
                return RecipeBuilt(request, build_recipe(request, colour))
            except Exception as exc:
                return OpenFailed(request, exc)

        self._submit(work)

    def _submit(self, work: Callable[[], Result]) -> None:
        def run() -> None:
            result = work()
            with self._lock:
                closed = self.closed
                if not closed and isinstance(result, Opened):
                    self._unclaimed[id(result)] = result.slot.session
            if closed:  # the viewer shut down while this opened: nobody will take the session
                if isinstance(result, Opened):
                    result.slot.session.close()
                return
            self.sig_done.emit(result)

        self._schedule(run)

    def _schedule(self, task: Callable[[], None]) -> bool:
        """Queue ``task`` on the opener's thread; False once the viewer has shut down (a playlist that ends
        loading as the window closes still asks for its first clip: nothing is opened then, no error)."""
        try:
            self.executor.submit(task)
        except RuntimeError:  # the executor was shut down (checked by it, not by us: no race)
            return False
        return True

    def claim(self, result: Result) -> None:
        """The UI thread has taken (or closed) an opened slot."""
        with self._lock:
            self._unclaimed.pop(id(result), None)

    def wait(self, timeout: float) -> None:
        """Block until the work queued so far has run (its results may not be delivered yet); at once after
        `shutdown`, which waited for it."""
        try:
            done = self.executor.submit(lambda: None)
        except RuntimeError:
            return
        done.result(timeout=timeout)

    def retire(self, done: Closable) -> None:
        """Close a session or frame cache the viewer no longer uses, off the UI thread (its running decodes
        finish first); returns at once."""
        with self._lock:
            self._retiring.append(done)

        def close() -> None:
            done.close()
            with self._lock:
                if done in self._retiring:
                    self._retiring.remove(done)

        try:
            self._closer.submit(close)
        except RuntimeError:  # shut down: its close runs here (`shutdown` has collected the rest)
            close()

    def shutdown(self) -> None:
        """Stop the thread; close the sessions nobody took and the caches whose close never ran."""
        with self._lock:
            self.closed = True
        self.executor.shutdown(wait=True, cancel_futures=True)
        self._closer.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            left = list(self._unclaimed.values())
            retiring = list(self._retiring)
            self._unclaimed.clear()
            self._retiring.clear()
        for session in left:
            session.close()
        for done in retiring:
            done.close()

"""Opens media off the UI thread, and makes sure no session or frame cache it handed out outlives the viewer."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal

from horus_desktop.media.frame_cache import FrameCache
from horus_desktop.playback.session import PlaybackSession
from horus_desktop.ui.viewer.slot_colour import MediaSlot


class Opener(QObject):
    """Opens media off the UI thread (directory listing, container probe, first decode, shader build)."""

    sig_opened = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="horus-open")
        self.closed = False
        self._lock = threading.Lock()
        # Sessions handed to the UI thread and not yet taken, and frame caches being closed here: the
        # viewer closes what is left of both when it shuts down, so no decode pool outlives it.
        self._unclaimed: dict[int, PlaybackSession] = {}  # by id() of the MediaSlot emitted
        self._retiring: list[FrameCache] = []

    def submit(self, fn: Callable[[], Any], token: object) -> None:
        def run() -> None:
            try:
                result: Any = fn()
            except Exception as exc:  # reported as a placeholder in the viewer
                result = exc
            with self._lock:
                if not self.closed and isinstance(result, MediaSlot):
                    self._unclaimed[id(result)] = result.session
                closed = self.closed
            if closed:  # the viewer shut down while this opened: nobody will take the session
                if isinstance(result, MediaSlot):
                    result.session.close()
                return
            self.sig_opened.emit((token, result))

        self.executor.submit(run)

    def claim(self, result: object) -> None:
        """The UI thread has taken (or closed) an opened slot."""
        with self._lock:
            self._unclaimed.pop(id(result), None)

    def retire(self, cache: FrameCache) -> None:
        """Close a replaced frame cache off the UI thread (its running decodes finish first)."""
        with self._lock:
            self._retiring.append(cache)

        def close() -> None:
            cache.close()
            with self._lock:
                if cache in self._retiring:
                    self._retiring.remove(cache)

        self.executor.submit(close)

    def shutdown(self) -> None:
        """Stop the thread; close the sessions nobody took and the caches whose close never ran."""
        with self._lock:
            self.closed = True
        self.executor.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            left = list(self._unclaimed.values())
            retiring = list(self._retiring)
            self._unclaimed.clear()
            self._retiring.clear()
        for session in left:
            session.close()
        for cache in retiring:
            cache.close()

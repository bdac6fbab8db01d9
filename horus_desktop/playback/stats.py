"""Honest playback figures: frames shown per second over a sliding window, frames dropped."""

from __future__ import annotations

from collections import deque


class FpsMeter:
    """Counts frames shown; ``fps`` is measured over the last ``window`` seconds."""

    def __init__(self, window: float = 1.0) -> None:
        self.window = window
        self._times: deque[float] = deque()
        self.shown = 0
        self.dropped = 0

    def reset(self) -> None:
        """Forget everything (new media or playback restarted)."""
        self._times.clear()
        self.shown = 0
        self.dropped = 0

    def frame_shown(self, now: float, dropped: int = 0) -> None:
        """Record one frame put on screen and how many were skipped before it."""
        self._times.append(now)
        self.shown += 1
        self.dropped += dropped
        while self._times and now - self._times[0] > self.window:
            self._times.popleft()

    def fps(self, now: float) -> float:
        """Frames shown per second over the window ending at ``now`` (0 when idle)."""
        while self._times and now - self._times[0] > self.window:
            self._times.popleft()
        if len(self._times) < 2:
            return 0.0
        span = self._times[-1] - self._times[0]
        return (len(self._times) - 1) / span if span > 0 else 0.0

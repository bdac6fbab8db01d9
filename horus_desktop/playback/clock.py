"""The playback clock: which frame is due on screen at a given moment (no Qt, no I/O).

Time is anchored: the frame due at ``now`` is computed from (anchor time, anchor frame) and the rate, never
by adding up timer intervals, so a late timer tick does not make playback drift. When decoding cannot keep
up, the ``DROP`` policy skips to the frame due now (staying real-time) and counts the frames skipped; the
``EVERY_FRAME`` policy shows every frame and re-anchors, playing slower than real time.

While sound plays at 1x, the audio output is the master: ``follow(master)`` makes every ``now`` the clock is
given be replaced by the master's time (seconds of sound played since the anchor), so the frame due is the
frame whose sound is being heard (the standard A/V sync approach: the picture follows the sound).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction


class LoopMode(StrEnum):
    """What happens at the out point."""

    LOOP = "loop"
    PING_PONG = "ping-pong"
    ONCE = "once"


class SlowPolicy(StrEnum):
    """What to do when frames are not decoded in time."""

    DROP = "drop"
    EVERY_FRAME = "every-frame"


SHUTTLE_SPEEDS = (1.0, 2.0, 4.0, 8.0)
#: How many steps back from the due frame a tick looks for a decoded frame (DROP policy).
LATE_SEARCH = 24


@dataclass(frozen=True, slots=True)
class TickResult:
    """What a tick decided: the frame to show now (None: keep what is shown) and frames skipped."""

    frame: int | None
    dropped: int = 0
    finished: bool = False


class FrameWalk:
    """Frame number after ``n`` steps from a frame in a direction, in a range, with a loop mode."""

    def __init__(self, first: int, last: int, mode: LoopMode) -> None:
        if last < first:
            raise ValueError(f"empty range {first}-{last}")
        self.first, self.last, self.mode = first, last, mode

    @property
    def length(self) -> int:
        """Number of frames in the range."""
        return self.last - self.first + 1

    def step(self, frame: int, direction: int, n: int) -> tuple[int, int, bool]:
        """(frame, direction, hit_end) after ``n`` steps; ``hit_end`` only in ONCE mode."""
        length = self.length
        p = min(max(frame, self.first), self.last) - self.first
        if self.mode is LoopMode.LOOP:
            return self.first + (p + direction * n) % length, direction, False
        if self.mode is LoopMode.ONCE:
            q = p + direction * n
            if q < 0:
                return self.first, direction, True
            if q > length - 1:
                return self.last, direction, True
            return self.first + q, direction, False
        if length == 1:
            return self.first, direction, False
        period = 2 * (length - 1)
        u0 = p if direction > 0 else (period - p) % period
        u = (u0 + n) % period
        if u < length - 1:
            return self.first + u, 1, False
        return self.first + (period - u), -1, False

    def ahead(self, frame: int, direction: int, count: int) -> list[int]:
        """The next ``count`` distinct frames in play order after ``frame`` (for read-ahead)."""
        out: list[int] = []
        seen = {frame}
        f, d = frame, direction
        for _ in range(min(count, 4 * self.length)):
            f, d, end = self.step(f, d, 1)
            if end or len(out) >= count:
                break
            if f not in seen:
                seen.add(f)
                out.append(f)
        return out


class PlaybackClock:
    """Decides, tick by tick, which frame is due; knows nothing of decoding or drawing."""

    def __init__(
        self,
        fps: Fraction | float,
        first: int,
        last: int,
        *,
        mode: LoopMode = LoopMode.LOOP,
        policy: SlowPolicy = SlowPolicy.DROP,
    ) -> None:
        self.fps = Fraction(fps).limit_denominator(100000) if not isinstance(fps, Fraction) else fps
        self.walk = FrameWalk(first, last, mode)
        self.policy = policy
        self.speed = 1.0
        self.direction = 1
        self.playing = False
        self.current = first
        self._anchor_time = 0.0
        self._anchor_frame = first
        self._anchor_dir = 1
        self._steps_shown = 0
        self._master: Callable[[], float] | None = None

    # --- the time source -----------------------------------------------------------------------
    def follow(self, master: Callable[[], float] | None, now: float = 0.0) -> None:
        """Take time from ``master`` (the audio clock; None: the ``now`` callers pass) from the current frame."""
        self._master = master
        self._reanchor_at(self.current, master() if master is not None else now)

    @property
    def following(self) -> bool:
        """True while an audio clock drives the picture."""
        return self._master is not None

    def _time(self, now: float) -> float:
        return self._master() if self._master is not None else now

    # --- configuration -------------------------------------------------------------------------
    def set_range(self, first: int, last: int) -> None:
        """Change the in/out range, keeping the playhead inside it."""
        self.walk = FrameWalk(first, last, self.walk.mode)
        self.current = min(max(self.current, first), last)
        self._reanchor_at(self.current, self._anchor_time)

    def set_mode(self, mode: LoopMode) -> None:
        """Loop, ping-pong or play once."""
        self.walk = FrameWalk(self.walk.first, self.walk.last, mode)

    @property
    def rate(self) -> float:
        """Frames per second of wall time, speed included."""
        return float(self.fps) * self.speed

    @property
    def interval(self) -> float:
        """Seconds between two frames at the current speed."""
        return 1.0 / self.rate

    # --- control -------------------------------------------------------------------------------
    def play(self, now: float, *, direction: int | None = None, speed: float | None = None) -> None:
        """Start (or change direction/speed) from the current frame."""
        if direction is not None:
            self.direction = 1 if direction >= 0 else -1
        if speed is not None:
            self.speed = max(0.01, float(speed))
        if self.walk.mode is LoopMode.ONCE and not self.playing:
            at_end = self.current == (self.walk.last if self.direction > 0 else self.walk.first)
            if at_end:
                self.current = self.walk.first if self.direction > 0 else self.walk.last
        self.playing = True
        self._reanchor_at(self.current, self._time(now))

    def stop(self) -> None:
        """Pause on the current frame."""
        self.playing = False

    def seek(self, frame: int, now: float = 0.0) -> int:
        """Move the playhead (clamped to the range); playback, if on, continues from there."""
        self.current = min(max(int(frame), self.walk.first), self.walk.last)
        self._reanchor_at(self.current, self._time(now))
        return self.current

    def step(self, n: int) -> int:
        """Step ``n`` frames (negative: back), wrapping as in LOOP mode; pauses playback."""
        self.playing = False
        first, last = self.walk.first, self.walk.last
        self.current = first + (self.current - first + n) % (last - first + 1)
        return self.current

    def upcoming(self, count: int) -> list[int]:
        """Frames that will be wanted next, in order (what the cache should decode)."""
        return self.walk.ahead(self.current, self.direction, count)

    def _reanchor_at(self, frame: int, now: float) -> None:
        self._anchor_time = now
        self._anchor_frame = frame
        self._anchor_dir = self.direction
        self._steps_shown = 0

    def due_steps(self, now: float) -> int:
        """Whole frame steps due since the anchor."""
        now = self._time(now)
        return max(0, math.floor((now - self._anchor_time) * self.rate + 1e-9))

    def is_late(self, now: float) -> bool:
        """True while playing when a frame fell due that is not on screen yet."""
        return self.playing and self.due_steps(now) > self._steps_shown

    def frame_after(self, steps: int) -> int:
        """The frame ``steps`` play steps after the last anchor (where read-ahead should aim)."""
        return self.walk.step(self._anchor_frame, self._anchor_dir, steps)[0]

    def _steps_to_out(self) -> int:
        """Play steps from the anchor to the out point (the last frame in the play direction)."""
        if self._anchor_dir > 0:
            return max(0, self.walk.last - self._anchor_frame)
        return max(0, self._anchor_frame - self.walk.first)

    def next_due_time(self, now: float) -> float:
        """Wall time at which the next step falls due (for the timer to sleep until)."""
        if not self.playing:
            return now + 0.01
        if self._master is not None:  # audio time runs at wall speed: the next step, less the audio done
            return now + max(0.0, (self.due_steps(now) + 1) / self.rate - (self._master() - self._anchor_time))
        n = self._steps_shown + 1 if self.policy is SlowPolicy.EVERY_FRAME else self.due_steps(now) + 1
        return self._anchor_time + n / self.rate

    # --- the decision --------------------------------------------------------------------------
    def tick(self, now: float, is_ready: Callable[[int], bool]) -> TickResult:
        """The frame to show at ``now`` given which frames are decoded."""
        if not self.playing:
            return TickResult(None)
        now = self._time(now)
        due = self.due_steps(now)
        if due <= self._steps_shown:
            return TickResult(None)
        if self.walk.mode is LoopMode.ONCE:
            # Steps past the out point are no frames: neither dropped (a tick late at the end counted them,
            # 26 frames due of a 24-frame clip) nor the last frame shown a second time.
            left = self._steps_to_out()
            if self._steps_shown >= left:
                self.playing = False
                return TickResult(None, 0, True)
            due = min(due, left)
        # Sound playing is never held back for the picture: with a master clock late frames drop.
        if self.policy is SlowPolicy.EVERY_FRAME and self._master is None:
            target = self._steps_shown + 1
            frame, direction, end = self.walk.step(self._anchor_frame, self._anchor_dir, target)
            if not is_ready(frame):
                return TickResult(None)
            if due > target:  # late: play this frame now and measure the next from here
                self.direction = direction
                self.current = frame
                self._reanchor_at(frame, now)
            else:
                self._steps_shown = target
                self.current, self.direction = frame, direction
            if end:
                self.playing = False
            return TickResult(frame, 0, end)
        # Show the frame due now or, when it is not decoded yet, the latest decoded one since the last
        # shown (late frames are shown rather than none at all); every step passed over is dropped.
        for n in range(due, max(self._steps_shown, due - LATE_SEARCH), -1):
            frame, direction, end = self.walk.step(self._anchor_frame, self._anchor_dir, n)
            if is_ready(frame):
                dropped = n - self._steps_shown - 1
                self._steps_shown = n
                self.current, self.direction = frame, direction
                if end:
                    self.playing = False
                return TickResult(frame, max(0, dropped), end)
        return TickResult(None)

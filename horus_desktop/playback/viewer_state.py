"""What the viewer plays, without Qt: slots A and B, the compare mode, in/out, loop mode, slow-decode policy
and the transport verbs. The Qt panel turns keys and buttons into these verbs and shows what they return.

Slot A drives the transport; B (a version to compare with) follows A's playhead at the same offset from its
first frame. Opening is asynchronous: a slot remembers the request in flight, and only that request's
result is taken (a slower, older one is closed).

A session the viewer no longer shows (replaced, or an answer nobody waits for) goes to ``retire``, which
closes it: its close waits for the decodes it has running (a movie's GOP, an EXR: tens of ms, more on a
loaded machine), so the Qt viewer closes it off the UI thread (ui/viewer/opener.py). Closed on the UI thread,
a media switch held the window still for that long (up to 85 ms traced by `horus --smoke-test`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from horus_desktop.playback.clock import SHUTTLE_SPEEDS, LoopMode, SlowPolicy
from horus_desktop.playback.media_slot import MediaSlot
from horus_desktop.playback.opening import Opened, OpenFailed, OpenRequest
from horus_desktop.playback.session import PlaybackSession, ShownFrame

SLOTS = ("A", "B")
#: off, A/B toggle, wipe, side by side, difference, onion skin.
COMPARE_KEYS = ("off", "ab", "wipe", "side", "diff", "onion")


@dataclass(frozen=True)
class Tick:
    """What a tick puts on screen: a new frame for A and/or B (None: keep what is shown)."""

    a: ShownFrame | None = None
    b: ShownFrame | None = None


class ViewerState:
    """Slots A/B, compare mode and transport state; every verb works on slot A's playback session."""

    def __init__(self, *, policy: SlowPolicy = SlowPolicy.DROP, loop_mode: LoopMode = LoopMode.LOOP,
                 retire: Callable[[PlaybackSession], None] = PlaybackSession.close) -> None:
        """``retire`` closes a session no slot shows any more (default: at once, on the calling thread)."""
        self._retire = retire
        self.slots: dict[str, MediaSlot | None] = dict.fromkeys(SLOTS)
        self._opening: dict[str, OpenRequest | None] = dict.fromkeys(SLOTS)
        self.compare_mode = "off"
        self.shown_slot = "A"
        self.policy = policy
        self.loop_mode = loop_mode
        self._b_frame_of: Callable[[int], int | None] | None = None

    # --- queries ---------------------------------------------------------------------------------
    @property
    def session(self) -> PlaybackSession | None:
        """Slot A's playback session (what the transport drives)."""
        slot = self.slots["A"]
        return slot.session if slot else None

    def current_frame(self) -> int | None:
        """Slot A's playhead."""
        return self.session.current if self.session else None

    @property
    def playing(self) -> bool:
        """True while A plays."""
        return bool(self.session and self.session.playing)

    def in_out_marks(self) -> tuple[int, int] | None:
        """A's in/out points, or None when they are the media's own ends (nothing to mark)."""
        session = self.session
        if session is None or session.in_out == session.media_range:
            return None
        return session.in_out

    # --- opening ---------------------------------------------------------------------------------
    def begin_open(self, request: OpenRequest) -> OpenRequest:
        """``request`` is now the one whose result the slot waits for (earlier ones are dropped)."""
        self._opening[request.slot] = request
        return request

    def accept(self, result: Opened | OpenFailed) -> bool:
        """Take an open result if it answers the request the slot waits for; close what is not taken.

        An opened media replaces what the slot showed (its session goes to ``retire``)."""
        request = result.request
        assert isinstance(request, OpenRequest)
        if self._opening.get(request.slot) is not request:
            if isinstance(result, Opened):
                self._retire(result.slot.session)
            return False
        if isinstance(result, Opened):
            old = self.slots[request.slot]
            if old is not None:
                self._retire(old.session)
            self.slots[request.slot] = result.slot
            self.follow_a()
        return True

    # --- compare ---------------------------------------------------------------------------------
    def view_mode(self) -> tuple[str, str]:
        """(how the view draws, the slot shown alone): single A/B, wipe, side, diff or onion."""
        if self.slots["B"] is None or self.compare_mode == "off":
            return ("single", "A")
        if self.compare_mode == "ab":
            return ("single", self.shown_slot)
        return (self.compare_mode, "A")

    def set_compare_mode(self, mode: str) -> bool:
        """Compare in ``mode``; True when a B is needed (none is open or opening)."""
        if mode not in COMPARE_KEYS:
            raise ValueError(f"unknown compare mode {mode!r}")
        self.compare_mode = mode
        if mode != "ab":
            self.shown_slot = "A"
        self.follow_a()
        return mode != "off" and self.slots["B"] is None and self._opening["B"] is None

    def toggle_ab(self) -> bool:
        """Flip between A and B (turns A/B compare on); True when a B is needed."""
        if self.compare_mode != "ab":
            needs_b = self.set_compare_mode("ab")
            if self.slots["B"] is None:
                return needs_b
        self.shown_slot = "B" if self.shown_slot == "A" else "A"
        self.follow_a()
        return False

    def follow_b_by(self, b_frame_of: Callable[[int], int | None] | None) -> None:
        """B follows A through ``b_frame_of`` (A's frame -> B's: a playlist clip's source frame) instead of the
        same offset from the first frame; None: back to the offset."""
        self._b_frame_of = b_frame_of

    def b_frame_for(self, a_frame: int) -> int | None:
        """B's frame matching A's ``a_frame`` (same offset from the first frame, or ``follow_b_by``'s mapping;
        kept within B's range)."""
        a, b = self.slots["A"], self.slots["B"]
        if a is None or b is None:
            return None
        first, last = b.session.media_range
        mapped = self._b_frame_of(a_frame) if self._b_frame_of is not None else None
        if mapped is not None:
            return max(first, min(mapped, last))
        return min(first + a_frame - a.session.media_range[0], last)

    def follow_a(self) -> None:
        """Keep B on the frame matching A's, and B's read-ahead on the frames A will play."""
        a, b = self.slots["A"], self.slots["B"]
        if a is None or b is None or self.compare_mode == "off":
            return
        target = self.b_frame_for(a.session.current)
        if target is not None and b.session.current != target:
            b.session.seek(target)
        if a.session.playing and target is not None:  # B reads ahead the way A plays
            b.session.cache.set_playhead(target, a.session.clock.direction)

    # --- transport -------------------------------------------------------------------------------
    def play(self, direction: int = 1, speed: float = 1.0) -> bool:
        """Start playing A; False when nothing is open."""
        if self.session is None:
            return False
        self.session.play(direction=direction, speed=speed)
        return True

    def pause(self) -> int | None:
        """Stop A on its current frame (returned)."""
        if self.session is None:
            return None
        self.session.pause()
        return self.session.current

    def shuttle(self, direction: int) -> float | None:
        """J/L: play in a direction, one speed faster on each press in the same direction; the speed."""
        session = self.session
        if session is None:
            return None
        clock = session.clock
        speed = 1.0
        if session.playing and clock.direction == direction:
            index = SHUTTLE_SPEEDS.index(clock.speed) if clock.speed in SHUTTLE_SPEEDS else 0
            speed = SHUTTLE_SPEEDS[min(index + 1, len(SHUTTLE_SPEEDS) - 1)]
        self.play(direction, speed)
        return speed

    def step(self, n: int) -> int | None:
        """Step ``n`` frames (pauses); the new frame (B follows)."""
        frame = self.session.step(n) if self.session is not None else None
        self.follow_a()
        return frame

    def seek(self, frame: int) -> int | None:
        """Move A's playhead (clamped to in/out); the frame it is on (B follows)."""
        at = self.session.seek(frame) if self.session is not None else None
        self.follow_a()
        return at

    def go_start(self) -> int | None:
        """Home: the in point."""
        return self.seek(self.session.in_out[0]) if self.session is not None else None

    def go_end(self) -> int | None:
        """End: the out point."""
        return self.seek(self.session.in_out[1]) if self.session is not None else None

    def set_in(self) -> None:
        """[: in point at the playhead."""
        if self.session is not None:
            self.session.set_in_out(self.session.current, self.session.in_out[1])

    def set_out(self) -> None:
        """]: out point at the playhead."""
        if self.session is not None:
            self.session.set_in_out(self.session.in_out[0], self.session.current)

    def clear_in_out(self) -> None:
        """Play the whole media again."""
        if self.session is not None:
            self.session.set_in_out(None, None)

    def set_loop_mode(self, mode: LoopMode | str) -> None:
        """Loop, ping-pong or once, for every slot."""
        self.loop_mode = LoopMode(mode)
        for slot in self.slots.values():
            if slot is not None:
                slot.session.clock.set_mode(self.loop_mode)

    def set_policy(self, policy: SlowPolicy) -> None:
        """Drop frames (default) or play every frame slower when decoding cannot keep up."""
        self.policy = policy
        for slot in self.slots.values():
            if slot is not None:
                slot.session.clock.policy = policy

    # --- the tick --------------------------------------------------------------------------------
    def tick(self) -> Tick:
        """What to show now: A's frame due, and B's matching one while comparing."""
        a = self.slots["A"]
        if a is None:
            return Tick()
        shown_a = a.session.tick()
        b = self.slots["B"]
        shown_b = None
        if b is not None and self.compare_mode != "off":
            self.follow_a()
            shown_b = b.session.tick()
        return Tick(shown_a, shown_b)

    def close(self) -> None:
        """Stop playback and release every slot's decoders."""
        for name, slot in self.slots.items():
            if slot is not None:
                slot.session.close()
            self.slots[name] = None

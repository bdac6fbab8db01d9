"""The viewer's state without Qt: opening (one typed path), compare modes, B following A, transport verbs,
and the GL recipe each playlist frame is drawn with."""

from __future__ import annotations

import threading
import time
from fractions import Fraction

import numpy as np
import pytest

from horus_desktop.media.colour import default_colour_config
from horus_desktop.media.errors import DamagedFrameError
from horus_desktop.media.frames import Frame, FrameSource, full_window
from horus_desktop.playback.opening import (
    FALLBACK_SIZE,
    DisplayChoice,
    Opened,
    OpenFailed,
    OpenRequest,
    build_recipe,
    open_slot,
)
from horus_desktop.playback.viewer_state import ViewerState

SRGB = "sRGB Encoded Rec.709 (sRGB)"


class NumberedSource(FrameSource):
    """Frames whose pixels hold their number; ``linear_until``: frames before it are scene-linear half floats
    (an EXR clip), the rest 8-bit sRGB (a JPEG clip); ``broken``: frames that fail."""

    def __init__(self, first: int, last: int, *, linear_until: int | None = None, broken: frozenset[int] = frozenset()):
        self.path = f"memory://{first}-{last}"
        self.first, self.last, self.linear_until, self.broken = first, last, linear_until, broken
        self.closed = threading.Event()

    @property
    def frame_range(self) -> tuple[int, int]:
        return (self.first, self.last)

    def _decode(self, frame: int) -> Frame:
        if frame in self.broken:
            raise DamagedFrameError(self.path, f"frame {frame} is damaged")
        if self.linear_until is not None and frame < self.linear_until:
            pixels, space = np.full((4, 6, 3), 0.18, np.float16), ""
        else:
            pixels, space = np.full((4, 6, 3), frame % 256, np.uint8), SRGB
        return Frame(pixels, frame, space, full_window(6, 4), full_window(6, 4), ("R", "G", "B"))

    def close(self) -> None:
        self.closed.set()


@pytest.fixture(scope="module")
def colour():  # noqa: ANN201
    return default_colour_config()


def _choice(colour, *, use_gl: bool = False) -> DisplayChoice:  # noqa: ANN001
    display = colour.default_display()
    return DisplayChoice(use_gl, display, colour.default_view(display))


def _open(state: ViewerState, colour, source: NumberedSource, slot: str = "A", **request) -> Opened:  # noqa: ANN001, ANN003
    req = state.begin_open(OpenRequest(slot, source.path, Fraction(24), make_source=lambda: source, **request))
    opened = Opened(req, open_slot(req, colour, _choice(colour), resolve=None, policy=state.policy,
                                   mode=state.loop_mode))
    assert state.accept(opened)
    return opened


def _until(predicate, timeout: float = 30.0) -> None:  # noqa: ANN001 - a deadline, not a timing
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_compare_modes_need_b_and_show_what_the_view_draws(colour) -> None:  # noqa: ANN001
    state = ViewerState()
    try:
        _open(state, colour, NumberedSource(1001, 1010))
        assert state.set_compare_mode("wipe") is True, "no B yet: the user is asked for one"
        assert state.view_mode() == ("single", "A")
        _open(state, colour, NumberedSource(1, 5), "B")
        assert state.view_mode() == ("wipe", "A")
        assert state.set_compare_mode("diff") is False and state.view_mode() == ("diff", "A")
        state.toggle_ab()  # from another mode: A/B, flipped to B at once
        assert (state.compare_mode, state.view_mode()) == ("ab", ("single", "B"))
        state.toggle_ab()
        assert state.view_mode() == ("single", "A")
        state.set_compare_mode("off")
        assert state.view_mode() == ("single", "A") and state.shown_slot == "A"
        with pytest.raises(ValueError, match="unknown compare mode"):
            state.set_compare_mode("sideways")
    finally:
        state.close()


def test_b_follows_a_while_playing(colour) -> None:  # noqa: ANN001
    state = ViewerState()
    try:
        _open(state, colour, NumberedSource(1001, 1040))
        _open(state, colour, NumberedSource(1, 40), "B")
        state.set_compare_mode("wipe")
        state.seek(1004)
        assert state.slots["B"].session.current == 4  # same offset from the first frame
        state.play()
        shown_b: list[int] = []
        deadline = time.monotonic() + 30.0  # a deadline, not a timing: B's frames come slower under load
        while time.monotonic() < deadline and len(set(shown_b)) < 3:
            tick = state.tick()
            if tick.b is not None:
                shown_b.append(tick.b.frame)
                assert tick.b.pixels is not None and int(tick.b.pixels[0, 0, 0]) == tick.b.frame
            time.sleep(0.002)
        assert len(set(shown_b)) >= 3, f"B stood still while A played: {shown_b}"
        a_frame = state.pause()
        assert state.slots["B"].session.current == a_frame - 1000
    finally:
        state.close()


def test_b_shorter_than_a_holds_its_last_frame(colour) -> None:  # noqa: ANN001
    state = ViewerState()
    try:
        _open(state, colour, NumberedSource(1001, 1020))
        _open(state, colour, NumberedSource(1, 5), "B")
        state.set_compare_mode("side")
        state.seek(1015)
        assert state.b_frame_for(1015) == 5 and state.slots["B"].session.current == 5
    finally:
        state.close()


def test_transport_verbs_in_out_loop_and_shuttle(colour) -> None:  # noqa: ANN001
    state = ViewerState()
    assert state.play() is False and state.seek(3) is None  # nothing open: the verbs do nothing
    try:
        _open(state, colour, NumberedSource(1001, 1012))
        assert state.step(2) == 1003 and state.in_out_marks() is None
        state.set_in()
        state.seek(1008)
        state.set_out()
        assert state.in_out_marks() == (1003, 1008)
        assert state.go_end() == 1008 and state.go_start() == 1003
        assert state.seek(1011) == 1008, "seeking stays inside in/out"
        state.clear_in_out()
        assert state.in_out_marks() is None
        assert [state.shuttle(1) for _ in range(5)] == [1.0, 2.0, 4.0, 8.0, 8.0]
        assert state.shuttle(-1) == 1.0 and state.session.clock.direction == -1
        assert state.pause() is not None and not state.playing
        state.set_loop_mode("ping-pong")
        assert state.slots["A"].session.clock.walk.mode.value == "ping-pong"
    finally:
        state.close()


def test_only_the_latest_open_request_is_taken(colour) -> None:  # noqa: ANN001
    state = ViewerState()
    try:
        old_source, new_source = NumberedSource(1, 5), NumberedSource(11, 15)
        old = state.begin_open(OpenRequest("A", "old", Fraction(24), make_source=lambda: old_source))
        new = state.begin_open(OpenRequest("A", "new", Fraction(24), make_source=lambda: new_source))
        slow = Opened(old, open_slot(old, colour, _choice(colour), resolve=None, policy=state.policy,
                                     mode=state.loop_mode))
        assert state.accept(slow) is False and state.slots["A"] is None
        assert old_source.closed.is_set(), "a result nobody waits for is closed"
        assert state.accept(OpenFailed(new, RuntimeError("gone"))) is True and state.slots["A"] is None
    finally:
        state.close()


def test_a_session_no_slot_shows_goes_to_retire(colour) -> None:  # noqa: ANN001
    # The Qt viewer closes replaced sessions off the UI thread: the state hands them over, it does not close them.
    retired: list = []
    state = ViewerState(retire=retired.append)
    try:
        first, second = NumberedSource(1, 5), NumberedSource(11, 15)
        _open(state, colour, first)
        replaced = state.session
        _open(state, colour, second)
        assert retired == [replaced] and not first.closed.is_set(), "the replaced session was closed here"
        stale_source = NumberedSource(21, 25)
        stale = state.begin_open(OpenRequest("A", "stale", Fraction(24), make_source=lambda: stale_source))
        state.begin_open(OpenRequest("A", "newer", Fraction(24), make_source=lambda: NumberedSource(31, 35)))
        unwanted = Opened(stale, open_slot(stale, colour, _choice(colour), resolve=None, policy=state.policy,
                                           mode=state.loop_mode))
        assert state.accept(unwanted) is False
        assert retired[-1] is unwanted.slot.session and not stale_source.closed.is_set()
        assert state.session.current == 11, "the media shown is untouched"
    finally:
        for session in retired:
            session.close()
        state.close()
    assert first.closed.is_set() and stale_source.closed.is_set()


def test_a_playlist_opens_on_a_gap_at_the_fallback_size(colour) -> None:  # noqa: ANN001
    gap = NumberedSource(0, 9, broken=frozenset({0}))
    request = OpenRequest("A", "Dailies", Fraction(24), make_source=lambda: gap)
    slot = open_slot(request, colour, _choice(colour), resolve=None, policy=ViewerState().policy,
                     mode=ViewerState().loop_mode)
    try:
        assert slot.size == FALLBACK_SIZE and slot.per_frame
    finally:
        slot.session.close()


def test_each_playlist_frame_gets_the_recipe_of_its_own_colour_space(colour) -> None:  # noqa: ANN001
    # A scene-linear EXR clip then a display-sRGB JPEG clip: the GL path draws the JPEG frames with a shader
    # of their own (built off the UI thread; until then the slot's), "Raw" as the CPU path passes them through.
    source = NumberedSource(0, 9, linear_until=5)
    request = OpenRequest("A", "Mixed", Fraction(24), make_source=lambda: source)
    slot = open_slot(request, colour, _choice(colour, use_gl=True), resolve=None, policy=ViewerState().policy,
                     mode=ViewerState().loop_mode)
    try:
        assert slot.recipe is not None and colour.is_scene_linear(slot.recipe.colour_space)
        slot.session.seek(7)
        _until(lambda: slot.session.is_ready(7))
        jpeg_frame = slot.session.tick()
        drawn, missing = slot.recipe_for("A", colour, jpeg_frame)
        assert drawn is slot.recipe and missing is not None
        assert slot.recipe_for("A", colour, jpeg_frame) == (slot.recipe, None), "asked to build once"
        slot.take_recipe(missing, build_recipe(missing, colour))
        drawn, missing = slot.recipe_for("A", colour, jpeg_frame)
        assert missing is None and (drawn.colour_space, drawn.view) == (SRGB, "Raw")
    finally:
        slot.session.close()

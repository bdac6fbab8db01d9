"""Scrubbing on a costly colour step (the CPU path): the frame scrubbed to shows first at half size, then
the full frame replaces it on the paused viewer; a cheap conversion (the GL path) shows the full frame only."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np

from horus_desktop.media.display import gpu_convert
from horus_desktop.media.frames import Frame
from horus_desktop.media.open_source import open_frame_source
from horus_desktop.media.synthetic import write_exr
from horus_desktop.playback.session import PlaybackSession, ShownFrame

H, W = 36, 64


def _sequence(folder: Path, count: int) -> str:
    for f in range(1, count + 1):
        write_exr(folder / f"s.{f:04d}.exr", np.full((H, W, 3), f / 100, "f2"), compression="zip")
    return str(folder / "s.%04d.exr")


def _costly(frame: Frame) -> Frame:
    end = time.thread_time() + 0.03  # as much CPU as the CPU path's colour step of a large frame
    while time.thread_time() < end:
        pass
    return gpu_convert(frame)


class _HeldCostly:
    """`_costly`, whose full-size conversion of the frame whose pixels are ``value`` waits until the test saw
    that frame's preview: on a loaded machine the test's thread can miss a preview replaced 30 ms later."""

    def __init__(self, value: float) -> None:
        self.value = np.float16(value)
        self.preview_seen = threading.Event()

    def __call__(self, frame: Frame) -> Frame:
        if frame.width == W and frame.pixels[0, 0, 0] == self.value:
            self.preview_seen.wait(60)
        return _costly(frame)


def _shown_until_full(session: PlaybackSession, frame: int, held: _HeldCostly | None = None) -> list[ShownFrame]:
    shown: list[ShownFrame] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (shown and shown[-1].scale == 1):
        tick = session.tick()
        if tick is not None:
            assert tick.frame == frame
            shown.append(tick)
            if held is not None and tick.scale != 1:
                held.preview_seen.set()
        time.sleep(0.002)
    return shown


def test_the_frame_scrubbed_to_shows_at_half_size_then_full_on_a_costly_colour_step(tmp_path: Path) -> None:
    source = open_frame_source(_sequence(tmp_path, 40))
    held = _HeldCostly(0.3)
    session = PlaybackSession(source, 24, convert=held, read_ahead=2, processes=False)
    try:
        assert [s.scale for s in _shown_until_full(session, 1)] == [1]  # the first frame: its cost unknown yet
        session.seek(30)
        shown = _shown_until_full(session, 30, held)
        assert [s.scale for s in shown] == [2, 1]
        assert (shown[0].width, shown[0].height) == (W // 2, H // 2) and shown[0].image_size == (W, H)
        assert (shown[1].width, shown[1].height) == (W, H)
        assert shown[1].pixels[0, 0, 0] == np.float16(0.3)
        assert session.tick() is None  # nothing more to show until the playhead moves
    finally:
        session.close()


def test_a_cheap_conversion_shows_the_full_frame_only(tmp_path: Path) -> None:
    source = open_frame_source(_sequence(tmp_path, 40))
    session = PlaybackSession(source, 24, convert=gpu_convert, read_ahead=2, processes=False)
    try:
        _shown_until_full(session, 1)
        session.seek(30)
        assert [s.scale for s in _shown_until_full(session, 30)] == [1]
    finally:
        session.close()

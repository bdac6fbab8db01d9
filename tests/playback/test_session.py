"""The playback session over the media engine's frame cache, and the headless benchmark."""

from __future__ import annotations

import threading
import time
from fractions import Fraction

import numpy as np

from horus_desktop.media.errors import DamagedFrameError
from horus_desktop.media.frame_cache import DEFAULT_READ_AHEAD
from horus_desktop.media.frames import Frame, FrameSource, full_window
from horus_desktop.media.open_source import open_frame_source
from horus_desktop.media.synthetic import write_jpeg_sequence
from horus_desktop.playback.bench import bench_playback
from horus_desktop.playback.clock import LoopMode
from horus_desktop.playback.session import PlaybackSession, read_ahead_for


class CountingSource(FrameSource):
    """Frames whose pixels hold their number; frame 1005 is damaged; decodes take ``delay`` seconds."""

    def __init__(self, delay: float = 0.0) -> None:
        self.path = "memory://counting"
        self.delay = delay
        self.reads: list[int] = []
        self._lock = threading.Lock()

    @property
    def frame_range(self) -> tuple[int, int]:
        return (1001, 1040)

    def _decode(self, frame: int) -> Frame:
        with self._lock:
            self.reads.append(frame)
        time.sleep(self.delay)
        if frame == 1005:
            raise DamagedFrameError(self.path, "flipped bytes")
        pixels = np.full((4, 4, 3), frame % 256, np.uint8)
        return Frame(pixels, frame, "sRGB Encoded Rec.709 (sRGB)", full_window(4, 4), full_window(4, 4),
                     ("R", "G", "B"))


def _wait(predicate, timeout: float = 30.0) -> None:  # noqa: ANN001 - a deadline, not a timing
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_paused_session_shows_the_playhead_frame_and_errors_as_placeholders() -> None:
    session = PlaybackSession(CountingSource(), 24)
    try:
        _wait(lambda: session.is_ready(1001))
        shown = session.tick()
        assert shown is not None and shown.frame == 1001 and shown.pixels[0, 0, 0] == 1001 % 256
        assert session.tick() is None  # nothing new
        session.seek(1005)
        _wait(lambda: session.is_ready(1005))
        shown = session.tick()
        assert shown is not None and shown.pixels is None and "flipped bytes" in shown.error
        assert session.step(1) == 1006
    finally:
        session.close()


def test_playing_reads_ahead_and_wraps_at_the_loop_point() -> None:
    source = CountingSource(delay=0.001)
    session = PlaybackSession(source, 240, mode=LoopMode.LOOP, read_ahead=8)
    try:
        session.seek(1036)
        session.play()
        seen = []
        deadline = time.monotonic() + 30.0  # a deadline for the wrap, not a timing: a loaded machine is slower
        while time.monotonic() < deadline and not (1001 in seen and 1040 in seen and session.actual_fps() > 0):
            shown = session.tick()
            if shown is not None:
                seen.append(shown.frame)
            time.sleep(0.001)
        assert 1001 in seen and 1040 in seen, seen[:20]
        assert session.actual_fps() > 0
    finally:
        session.close()


def test_read_ahead_covers_seconds_at_the_media_rate(tmp_path) -> None:
    pattern = write_jpeg_sequence(tmp_path / "seq", 12, size=(64, 36))
    assert read_ahead_for(24) == 96 and read_ahead_for(Fraction(24000, 1001)) == 96 and read_ahead_for(60) == 240
    assert read_ahead_for(5) == DEFAULT_READ_AHEAD  # never fewer frames than the cache's own default
    session = PlaybackSession(open_frame_source(pattern), 48, mode=LoopMode.LOOP)
    try:
        assert session.read_ahead == 192
    finally:
        session.close()


def test_bench_playback_s_achieved_rate_is_the_rate_frames_came_on_screen() -> None:
    from horus_desktop.playback.bench import presented_fps

    play = 100.0  # play pressed; the frame shown paused stays up for the first period
    on_time = [play + k / 24 for k in range(1, 48)]  # the 47 frames after it, each at its time
    assert presented_fps(play, on_time) == 24.0  # was 23.4: 47 frames counted over 48 periods
    dropped = on_time[:10] + on_time[16:]  # six frames skipped
    assert presented_fps(play, dropped) == round(41 / (47 / 24), 2)
    waited = [t + (0.25 if k >= 20 else 0.0) for k, t in enumerate(on_time)]  # a quarter second waited for one
    assert presented_fps(play, waited) == round(47 / (47 / 24 + 0.25), 2)
    assert presented_fps(play, []) == 0.0


def test_bench_playback_reports_the_figures(tmp_path) -> None:
    pattern = write_jpeg_sequence(tmp_path / "seq", 24, size=(320, 180))
    result = bench_playback(pattern, seconds=2.0, as_json=True, quiet=True)
    assert {"target_fps", "achieved_fps", "dropped", "decode_fps", "colour_path"} <= set(result)
    # played as the viewer does: paused on open while the cache reads the (short) clip ahead, then play;
    # every frame after the first (shown paused) falls due once, shown or dropped (how many drop depends on
    # the machine's load, so it is not asserted: figures are not timed assertions). A tick late at the end
    # counted steps past the last frame as dropped (26 due), and an on-time end showed the last frame twice.
    assert result["preroll_frames"] == 23 and result["frames_due"] == 23 and result["frames_shown"] >= 1
    cold = bench_playback(pattern, seconds=0.3, as_json=True, quiet=True, cold=True)
    assert cold["pipeline_fps"] == 0.0  # play pressed without waiting for the read-ahead
    assert result["target_fps"] == 24.0
    assert result["achieved_fps"] > 0
    assert result["decode_fps"] > 0
    assert result["colour_path"].startswith("cpu")

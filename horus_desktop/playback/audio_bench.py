"""`horus bench playback MOVIE --audio`: A/V sync of a play, measured against the null audio output.

The viewer's own code plays the movie (PlaybackSession + FrameCache, the picture clock following the
:class:`AudioFeed`'s audio clock through :class:`AudioPlayer`) into a :class:`NullSink`, and at every tick
compares the sound being heard (the sample the output is playing, mapped to its frame) with the frame on
screen: ``av_offset_ms`` is the worst distance between the two over the play.

By default the null output runs on a **virtual clock** advanced by a fixed tick (4 ms) and waits for a frame
the picture clock wants before moving on, so 5 minutes of media play in the time decoding them takes. That is
fair for sync because the only clock in the model is the output's: the picture asks the audio feed where the
sound is, whatever the wall time, and the feed runs ahead of the output by its buffer. What it does not
measure is decoding too slowly for real time (frames would drop, the sound would not): ``realtime=True``
plays against the wall clock, with the feed on its own thread as in the viewer, and reports the drops.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from horus_desktop.media.audio_source import AudioFormat, has_audio, video_origin
from horus_desktop.media.bench import print_result
from horus_desktop.media.errors import UnreadableFileError
from horus_desktop.media.open_source import open_frame_source
from horus_desktop.playback.audio_feed import AudioFeed, MediaSound, NullSink
from horus_desktop.playback.audio_player import AudioPlayer
from horus_desktop.playback.bench import playable_item
from horus_desktop.playback.clock import LoopMode
from horus_desktop.playback.session import PlaybackSession, ShownFrame

TICK_S = 0.004
#: Longest the virtual clock waits for one frame (a decode that never ends is an error, not a hang).
DECODE_WAIT_S = 60.0


class VirtualTime:
    """A clock that moves only when told (the null output's time in a faster-than-real-time play)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def offset_frames(shown: int, heard: int, fraction: float, length: int) -> float:
    """Frames between the sound heard (frame ``heard`` + ``fraction``) and the frame shown, across a loop."""
    ahead = (heard - shown) % length  # heard after shown by this many frames (wrapping over the loop point)
    behind = (shown - heard) % length
    if ahead == 0:
        return 0.0
    return min(ahead - 1 + fraction, behind - fraction)


def play_with_sound(session: PlaybackSession, player: AudioPlayer, seconds: float, *, clock: VirtualTime | None,
                    on_tick: Callable[[ShownFrame | None, AudioFeed], None] | None = None) -> dict[str, Any]:
    """Play ``seconds`` of media time with sound; returns the worst offset (frames) and the ticks' counts."""
    first = session.clock.current
    session.cache.get(first, timeout=DECODE_WAIT_S)
    session.tick()
    session.play()
    player.follow(session)
    feed = player.feed
    if feed is None:
        raise ValueError("no sound plays for this media")
    length = session.clock.walk.length
    shown_frame = first
    worst, ticks, started = 0.0, 0, time.monotonic()
    while feed.master_time() < seconds and session.playing:
        if clock is not None:
            clock.now += TICK_S
            feed.pump()
            due = session.clock.frame_after(session.clock.due_steps(0.0))
            if not session.is_ready(due):  # the virtual clock waits for decoding (see the module's doc)
                session.cache.get(due, timeout=DECODE_WAIT_S)  # asked first, before the read-ahead
        else:
            time.sleep(TICK_S)
        shown = session.tick()
        if shown is not None:
            shown_frame = shown.frame
        heard = feed.heard()
        if heard is not None:
            worst = max(worst, offset_frames(shown_frame, heard[0], heard[1], length))
        ticks += 1
        if on_tick is not None:
            on_tick(shown, feed)
    return {"worst_frames": worst, "ticks": ticks, "wall_s": time.monotonic() - started,
            "media_s": feed.master_time(), "errors": dict(feed.errors)}


def bench_audio(media: str | os.PathLike[str], seconds: float = 300.0, as_json: bool = False, *,
                realtime: bool = False, quiet: bool = False) -> dict[str, Any]:
    """Play ``seconds`` of a movie's media time (looping a shorter one) with sound; print/return the figures."""
    item = playable_item(str(media))
    if not has_audio(item.path):
        raise UnreadableFileError(item.path, "has no audio stream to measure sync against")
    source = open_frame_source(item)
    rate = Fraction(getattr(source, "rate", None) or 24)
    first, last = source.frame_range
    clock = None if realtime else VirtualTime()
    fmt = AudioFormat()
    sink = NullSink(fmt, clock=clock) if clock is not None else NullSink(fmt)
    session = PlaybackSession(source, rate, mode=LoopMode.LOOP, clock=clock or time.monotonic)
    starter = (lambda feed: feed) if clock is not None else AudioFeed.start
    player = AudioPlayer(sink, now=clock or time.monotonic, start_feed=starter)
    player.set_plan(MediaSound(item.path, first, rate, origin=video_origin(item.path)), session)
    try:
        figures = play_with_sound(session, player, seconds, clock=clock)
    finally:
        player.close()
        session.close()
    result: dict[str, Any] = {
        "media": item.path,
        "fps": round(float(rate), 3),
        "frames": last - first + 1,
        "clock": "wall (real time)" if realtime else "null output, virtual (faster than real time)",
        "media_seconds": round(figures["media_s"], 2),
        "wall_seconds": round(figures["wall_s"], 2),
        "av_offset_ms": round(figures["worst_frames"] * 1000.0 / float(rate), 2),
        "av_offset_frames": round(figures["worst_frames"], 3),
        "within_one_frame": figures["worst_frames"] <= 1.0,
        "dropped": session.meter.dropped,
        "ticks": figures["ticks"],
        "sound_errors": figures["errors"],
    }
    if not quiet:
        print_result(result, as_json)
    return result

"""The viewer's sound (no Qt): starts and stops the feed as the transport changes, and hands the picture clock
the audio clock while sound plays at 1x.

Sound plays only forwards at 1x: reverse, shuttle speeds and the backward pass of ping-pong are silent, and
then the picture runs on wall time as before. Mute keeps the feed (and so the audio clock) running at volume 0,
so muting does not change the timing. ``scrub``: a short slice of sound at each step or seek while paused.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from horus_desktop.playback.audio_feed import AudioFeed, AudioSink, SoundPlan
from horus_desktop.playback.session import PlaybackSession

#: Frames of sound a scrub plays (a short slice, as editors do).
SCRUB_FRAMES = 2


class AudioPlayer:
    """One slot's sound: a plan (what is heard at each frame), a sink, and the feed while playing."""

    def __init__(self, sink: AudioSink, *, now: Callable[[], float] = time.monotonic,
                 start_feed: Callable[[AudioFeed], AudioFeed] = AudioFeed.start) -> None:
        self.sink = sink
        self.plan: SoundPlan | None = None
        self.volume, self.muted, self.scrub = 1.0, False, False
        self._now, self._start_feed = now, start_feed
        self.feed: AudioFeed | None = None
        self._scrub: AudioFeed | None = None
        self._session: PlaybackSession | None = None

    # --- settings --------------------------------------------------------------------------------
    def set_plan(self, plan: SoundPlan | None, session: PlaybackSession | None) -> None:
        """What is heard for the media now in the slot (None: no sound)."""
        self._stop(session)
        self.plan, self._session = plan, session
        if session is not None:
            self.follow(session)

    def set_volume(self, volume: float) -> None:
        """0..1."""
        self.volume = min(max(volume, 0.0), 1.0)
        self.sink.set_volume(0.0 if self.muted else self.volume)

    def set_muted(self, muted: bool) -> None:
        """Mute keeps the sound running silently (the picture stays on the audio clock)."""
        self.muted = muted
        self.sink.set_volume(0.0 if muted else self.volume)

    def set_scrub(self, on: bool) -> None:
        """Scrubbing sound: a short slice at each step or seek while paused."""
        self.scrub = on

    @staticmethod
    def audible_at(session: PlaybackSession) -> bool:
        """True when the transport plays forwards at 1x (the only way sound plays)."""
        clock = session.clock
        return clock.playing and clock.direction > 0 and clock.speed == 1.0

    @property
    def playing(self) -> bool:
        """True while a feed drives the picture."""
        return self.feed is not None

    # --- following the transport -----------------------------------------------------------------
    def follow(self, session: PlaybackSession) -> None:
        """After a verb (play, pause, shuttle, seek, in/out): restart the sound where the picture is, or stop it."""
        self._stop(session)
        if self.plan is None or not self.audible_at(session):
            return
        clock = session.clock
        self.sink.reset()
        self.feed = self._start_feed(AudioFeed(self.plan, self.sink, clock.walk, clock.current, clock.direction))
        clock.follow(self.feed.master_time)

    def check(self, session: PlaybackSession) -> None:
        """Each tick: stop the sound when the picture stopped by itself (end of a play-once)."""
        if self.feed is not None and not self.audible_at(session):
            self._stop(session)

    def scrub_at(self, session: PlaybackSession) -> None:
        """A step or seek while paused: with scrubbing on, a short slice of the frame's sound."""
        if not self.scrub or self.plan is None or session.playing:
            return
        self._stop(session)
        self.sink.reset()
        clock = session.clock
        self._scrub = self._start_feed(AudioFeed(self.plan, self.sink, clock.walk, clock.current, 1,
                                                 steps=SCRUB_FRAMES, silence_after=False))

    def _stop(self, session: PlaybackSession | None) -> None:
        if self._scrub is not None:
            self._scrub.stop()
            self._scrub = None
        if self.feed is not None:
            self.feed.stop()
            self.feed = None
            self.sink.reset()
        if session is not None and session.clock.following:
            session.clock.follow(None, self._now())

    def close(self) -> None:
        """Stop the sound (the viewer closes or the media changes)."""
        self._stop(self._session)
        self._session = None

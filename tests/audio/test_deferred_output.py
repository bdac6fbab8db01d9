"""The audio output opens after the window's first frame or at the first play, not while the window is built."""

from __future__ import annotations

from horus_desktop.media.audio_source import AudioFormat
from horus_desktop.playback.audio_feed import NullSink
from horus_desktop.ui.viewer.audio_output import DeferredOutput, OutputChoice


def _output() -> tuple[DeferredOutput, list[OutputChoice]]:
    told: list[OutputChoice] = []
    sink = NullSink(AudioFormat(48000, 2, "flt"), clock=lambda: 0.0)  # plays nothing: what is written stays
    return DeferredOutput(told.append, opener=lambda: OutputChoice(sink, "Desk speakers", "Sound: Desk speakers")), told


def test_nothing_is_opened_until_asked_and_the_volume_set_before_is_kept() -> None:
    output, told = _output()
    output.set_volume(0.3)
    output.reset()  # a pause before any play: nothing to drop, no device opened
    assert not output.opened and told == [] and output.buffered_bytes() == 0
    output.open()
    output.open()
    assert [c.device for c in told] == ["Desk speakers"]  # said once
    assert told[0].sink.volume == 0.3


def test_the_first_play_opens_the_device_in_its_format() -> None:
    output, told = _output()
    assert output.format.rate == 48000  # a feed starting asks for the format: the device opens then
    assert output.write(b"\0" * 8) == 8 and output.buffered_bytes() == 8
    assert len(told) == 1

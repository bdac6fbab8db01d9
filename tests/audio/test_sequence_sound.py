"""An image sequence with a sound file: the sound is heard from the frame its offset names."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from horus_desktop.media.open_source import open_frame_source
from horus_desktop.media.synthetic import write_jpeg_sequence
from horus_desktop.playback.audio_feed import MediaSound
from horus_desktop.playback.clock import LoopMode
from tests.audio.clicks import FPS, frames_at_clicks, write_click_wav


@pytest.mark.parametrize("offset,expected", [(0, [1001, 1025, 1049]), (12, [1013, 1037, 1061]),
                                             (-6, [1019, 1043, 1067])])
def test_clicks_land_on_the_offset_frames(tmp_path: Path, offset: int, expected: list[int]) -> None:
    pattern = write_jpeg_sequence(tmp_path / "seq", 72, size=(64, 36), start=1001)
    wav = write_click_wav(tmp_path / "clicks.wav", seconds=4)
    plan = MediaSound(str(wav), 1001, Fraction(FPS), offset)
    seen = frames_at_clicks(open_frame_source(pattern), plan, seconds=2.99, mode=LoopMode.ONCE)
    assert [frame for frame, _level in seen] == [f for f in expected if f <= 1001 + 71]

"""The viewer with sound on a machine with no audio device: it says so, and plays to the null output's clock."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtMultimedia import QMediaDevices

from tests.audio.clicks import write_click_movie
from tests.ui.viewer_fixtures import bare_viewer, ingest_one, viewer_store  # noqa: F401 - fixtures


def test_no_audio_device_is_said_and_a_movie_with_sound_still_plays(qtbot, bare_viewer, viewer_store,  # noqa: ANN001, F811
                                                                    tmp_path: Path) -> None:
    if not QMediaDevices.defaultAudioOutput().isNull():  # pragma: no cover - a machine with a sound card
        import pytest

        pytest.skip("this machine has an audio device")
    controls = bare_viewer.transport.audio
    assert controls.status.text() == "no audio device"
    assert "No audio device" in controls.toolTip()
    movie = write_click_movie(tmp_path / "clicks.mov", seconds=3, codec="pcm_s16le", container="mov")
    bare_viewer.open_media(ingest_one(viewer_store, movie))
    qtbot.waitUntil(lambda: "the movie's sound" in controls.mute.toolTip(), timeout=10000)
    driver = bare_viewer.driver
    driver.play()
    assert driver.audio.playing  # sound plays (silently) and the picture follows its clock
    qtbot.waitUntil(lambda: bare_viewer.transport.slider.value() > 12, timeout=10000)
    driver.shuttle(1)  # 2x: silent, the picture runs on wall time
    assert bare_viewer.state.playing and not driver.audio.playing
    driver.pause()
    assert not driver.audio.playing
    controls.mute.click()
    controls.volume.setValue(40)
    driver.play()
    assert driver.audio.playing and driver.audio.muted and driver.audio.volume == 0.4
    driver.pause()

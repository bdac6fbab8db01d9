"""The viewer with sound on a machine with no audio device: it says so, and plays to the null output's clock."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtMultimedia import QMediaDevices

from tests.audio.clicks import write_click_movie
from tests.ui.conftest import make_window, settings  # noqa: F401 - fixtures
from tests.ui.viewer_fixtures import bare_viewer, ingest_one, viewer_store  # noqa: F401 - fixtures


def test_no_audio_device_is_said_and_a_movie_with_sound_still_plays(qtbot, bare_viewer, viewer_store,  # noqa: ANN001, F811
                                                                    tmp_path: Path) -> None:
    if not QMediaDevices.defaultAudioOutput().isNull():  # pragma: no cover - a machine with a sound card
        import pytest

        pytest.skip("this machine has an audio device")
    controls = bare_viewer.transport.audio
    # The output opens just after the viewer's first frame (not while the window is built), then says so.
    qtbot.waitUntil(lambda: controls.status.text() == "no audio device", timeout=15000)
    assert "No audio device" in controls.toolTip()
    movie = write_click_movie(tmp_path / "clicks.mov", seconds=3, codec="pcm_s16le", container="mov")
    bare_viewer.open_media(ingest_one(viewer_store, movie))
    qtbot.waitUntil(lambda: "the movie's sound" in controls.mute.toolTip(), timeout=15000)
    driver = bare_viewer.driver
    driver.play()
    assert driver.audio.playing  # sound plays (silently) and the picture follows its clock
    qtbot.waitUntil(lambda: bare_viewer.transport.slider.value() > 12, timeout=15000)
    driver.shuttle(1)  # 2x: silent, the picture runs on wall time
    assert bare_viewer.state.playing and not driver.audio.playing
    driver.pause()
    assert not driver.audio.playing
    controls.mute.click()
    controls.volume.setValue(40)
    driver.play()
    assert driver.audio.playing and driver.audio.muted and driver.audio.volume == 0.4
    driver.pause()


def test_a_sound_file_set_in_the_app_is_stored_and_played(qtbot, make_window, tmp_path: Path) -> None:  # noqa: ANN001, F811
    from horus_desktop.media.audio_attach import sound_of
    from horus_desktop.media.synthetic import write_jpeg_sequence
    from horus_desktop.store import Store
    from tests.audio.clicks import write_click_wav

    write_jpeg_sequence(tmp_path / "media" / "sq010" / "sh010" / "comp" / "v001", 24, size=(64, 36),
                        name="sh010_comp_v001")
    store = Store.open(tmp_path / "horus.sqlite")
    record = ingest_one(store, tmp_path / "media")
    window = make_window(store)
    window.viewer.open_media(record)
    controls = window.viewer.transport.audio
    qtbot.waitUntil(lambda: "no sound" in controls.mute.toolTip(), timeout=15000)
    assert controls.sound_file.isEnabled()  # "Sound…" is there for a stored media
    wav = write_click_wav(tmp_path / "mix.wav", seconds=1)
    window.viewer.driver.attach_sound(str(wav), 12)  # what the Sound… dialog hands over
    qtbot.waitUntil(lambda: f"sound file {wav}" in controls.mute.toolTip(), timeout=15000)
    assert sound_of(store.media.get(record.id).extra_metadata).offset == 12
    window.viewer.driver.play()
    assert window.viewer.driver.audio.playing
    window.viewer.driver.pause()

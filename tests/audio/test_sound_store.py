"""Sound files on media records (both databases) and playlists' sound: clips' sound files, OTIO audio tracks."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest

from horus_desktop.media.audio_attach import sound_of
from horus_desktop.media.errors import MediaError
from horus_desktop.media.ingest import ingest_tree
from horus_desktop.media.synthetic import write_jpeg_sequence
from horus_desktop.playback.clock import LoopMode
from horus_desktop.services.sound import clear_sound, set_sound, sound_attachments
from horus_desktop.store import Store
from horus_desktop.timeline import files
from horus_desktop.timeline.audio_playback import playlist_sound_plan
from horus_desktop.timeline.otio_doc import trange
from horus_desktop.timeline.playback import PlaylistFrameSource
from horus_desktop.timeline.state import load_state
from tests.audio.clicks import FPS, frames_at_clicks, write_click_wav


@pytest.fixture
def shot(store: Store, tmp_path: Path):  # noqa: ANN201 - MediaRecord
    """A 48-frame JPEG sequence (1001-1048) ingested."""
    root = tmp_path / "media"
    write_jpeg_sequence(root / "sq010" / "sh010" / "comp" / "v001", 48, size=(64, 36), name="sh010_comp_v001")
    ingest_tree(store, root, project="p")
    [record] = store.media.find_by_shot_version("sh010", "v001")
    return record


def test_a_sound_file_is_stored_on_the_record_and_cleared(store: Store, shot, tmp_path: Path) -> None:
    wav = write_click_wav(tmp_path / "s.wav", seconds=2)
    record = set_sound(store, shot.id, str(wav), 12)
    assert sound_of(store.media.get(shot.id).extra_metadata) == sound_of(record.extra_metadata)
    assert sound_of(record.extra_metadata).path == str(wav) and sound_of(record.extra_metadata).offset == 12
    assert sound_attachments(store, [shot.id])[shot.id][1] == 1001
    assert sound_of(clear_sound(store, shot.id).extra_metadata) is None
    assert sound_of(store.media.get(shot.id).extra_metadata) is None


def test_a_bad_sound_file_is_refused_naming_it_and_nothing_is_written(store: Store, shot, tmp_path: Path) -> None:
    not_sound = tmp_path / "notes.txt"
    not_sound.write_text("not a sound")
    for bad in (not_sound, tmp_path / "missing.wav"):
        with pytest.raises(MediaError) as error:
            set_sound(store, shot.id, str(bad))
        assert bad.name in str(error.value)
    assert store.media.get(shot.id).extra_metadata == shot.extra_metadata


def _playlist(store: Store, shot, tmp_path: Path, audio: Path | None) -> Path:
    doc = otio.schema.Timeline(name="with sound")
    video = otio.schema.Track(name="V1")
    video.append(otio.schema.Clip(name="sh010", media_reference=otio.schema.ExternalReference(
        target_url="file://" + shot.file_path.replace("%04d", "####")), source_range=trange(1001, 48, FPS)))
    doc.tracks.append(video)
    if audio is not None:
        track = otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio)
        track.append(otio.schema.Gap(source_range=trange(0, 12, FPS)))
        track.append(otio.schema.Clip(name="temp music", media_reference=otio.schema.ExternalReference(
            target_url=str(audio)), source_range=trange(0, 36, FPS)))
        doc.tracks.append(track)
    path = tmp_path / "cut.otio"
    otio.adapters.write_to_file(doc, str(path))
    return path


def test_a_clip_plays_its_media_sound_file_in_a_playlist(store: Store, shot, tmp_path: Path) -> None:
    wav = write_click_wav(tmp_path / "s.wav", seconds=3)
    set_sound(store, shot.id, str(wav), 6)  # clicks heard at source frames 1007 and 1031
    report = files.import_playlist(store, _playlist(store, shot, tmp_path, None), user="ana")
    state = load_state(store, report.timeline.id)
    plan = playlist_sound_plan(state, sound_attachments(store, [c.media_id for c in state.clips() if c.media_id]))
    seen = frames_at_clicks(PlaylistFrameSource(state), plan, seconds=1.99, mode=LoopMode.ONCE)
    assert [frame for frame, _ in seen] == [6, 30]  # timeline frames of source frames 1007 and 1031


def test_an_imported_otio_audio_track_plays_under_the_playhead(store: Store, shot, tmp_path: Path) -> None:
    music = write_click_wav(tmp_path / "music.wav", seconds=3)  # clicks at 0, 1 and 2 s of the file
    report = files.import_playlist(store, _playlist(store, shot, tmp_path, music), user="ana")
    state = load_state(store, report.timeline.id)
    plan = playlist_sound_plan(state, {})
    assert plan.uses_audio_tracks
    seen = frames_at_clicks(PlaylistFrameSource(state), plan, seconds=1.99, mode=LoopMode.ONCE)
    assert [frame for frame, _ in seen] == [12, 36]  # the audio clip starts at timeline frame 12

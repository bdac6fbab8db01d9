"""``horus media sound`` with a PCM WAV (or ``--clear``) on a current SQLite store: the file checked by its header
with the standard library and the record written without SQLAlchemy (store/quick_write.py), writing exactly
what the full path (PyAV's check, the repository) writes: each case runs both ways on two copies of one
store, compared row by row as the other quick writes are. Any other sound file, or a WAV the standard
library does not read, is checked by PyAV on the full path, as before.
"""

from __future__ import annotations

import shutil
import struct
import wave
from pathlib import Path

import pytest

from horus_desktop.api import Horus
from horus_desktop.media.audio_attach import is_plain_wav
from horus_desktop.media.audio_source import check_sound_file
from horus_desktop.media.errors import MediaError
from tests.api.both_ways import Base, BothWays, fill, loaded_by


def _wav(path: Path, channels: int = 1, width: int = 2, rate: int = 48000, frames: int = 4800) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(b"\x01" * channels * width * frames)
    return path


def _float_wav(path: Path) -> Path:
    """A 32-bit float WAV (format 3): FFmpeg reads it, Python's wave module does not."""
    data = struct.pack("<4f", 0.0, 0.5, -0.5, 0.25)
    fmt = struct.pack("<HHIIHH", 3, 1, 48000, 48000 * 4, 4, 32)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    folder = tmp_path_factory.mktemp("quick-sound")
    db = folder / "base.sqlite"
    ids = fill(str(db))
    ids["wav"] = str(_wav(folder / "take 1 ünï.wav"))
    ids["wav2"] = str(_wav(folder / "take2.WAV", channels=2, width=3, rate=44100))
    ids["float"] = str(_float_wav(folder / "float.wav"))
    ids["text"] = str(folder / "notes.wav")
    Path(ids["text"]).write_text("not a sound", encoding="utf-8")
    ids["missing"] = str(folder / "missing.wav")
    with Horus.open(str(db), user="ana") as horus:  # a media with a sound already and other extra metadata
        from horus_desktop.services.sound import set_sound

        horus.store.media.update(ids["grade"], extra_metadata={"codec": "piz", "ünï": [1, 2.5, None]})
        set_sound(horus.store, ids["grade"], ids["wav"], 3)
        set_sound(horus.store, ids["light"], ids["wav"], 0)
    return db, ids


def test_the_standard_librarys_wavs_are_ones_pyav_opens_as_audio(tmp_path: Path) -> None:
    for i, (channels, width, rate, frames) in enumerate([(1, 2, 48000, 4800), (2, 3, 44100, 10), (6, 1, 8000, 1),
                                                         (2, 4, 96000, 100), (1, 2, 48000, 0)]):
        path = str(_wav(tmp_path / f"{i}.wav", channels, width, rate, frames))
        assert is_plain_wav(path)
        check_sound_file(path)  # raises when PyAV does not take it
    # What the standard library does not read is left to PyAV, which takes or refuses it.
    assert not is_plain_wav(str(_float_wav(tmp_path / "float.wav")))
    check_sound_file(str(tmp_path / "float.wav"))
    (tmp_path / "text.wav").write_text("hello", encoding="utf-8")
    for path in (tmp_path / "text.wav", tmp_path / "missing.wav", tmp_path):
        assert not is_plain_wav(str(path))
        with pytest.raises(MediaError):
            check_sound_file(str(path))


CASES = [
    ("media", "sound", "{plate}", "{wav}"),
    ("media", "sound", "{plate}", "{wav2}", "--offset", "-12", "--json"),
    ("media", "sound", "{grade}", "{wav2}", "--offset", "5"),
    ("media", "sound", "{grade}", "{wav}", "--offset", "3"),  # the same sound again: nothing written
    ("media", "sound", "{grade}", "--clear"),
    ("media", "sound", "{light}", "--clear", "--json"),
    ("media", "sound", "{plate}", "--clear"),  # no sound to clear: nothing written
    ("media", "sound", "{comp}", "{wav}", "--user", "newbie"),
    ("media", "sound", "{comp}", "{wav}", "--user", "zoe"),
]


@pytest.mark.parametrize("case", CASES, ids=[f"sound {i}" for i in range(len(CASES))])
def test_media_sound_writes_the_same_store_both_ways(case: tuple[str, ...], base: Base, both_ways: BothWays) -> None:
    both_ways.written(base, case)


def test_a_relative_path_is_stored_absolute_both_ways(base: Base, both_ways: BothWays,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path(base[1]["wav"]).parent)
    written = both_ways.written(base, ("media", "sound", "{plate}", "take2.WAV"))
    assert written.quick == written.full
    assert written.quick[1].endswith(f"sound {Path(base[1]['wav2'])} from frame offset 0\n")


REFUSED = [
    ("media", "sound", "{plate}", "{float}"),  # PyAV takes it, on the full path
    ("media", "sound", "{plate}", "{text}"),
    ("media", "sound", "{plate}", "{missing}"),
    ("media", "sound", "{gone}", "{wav}"),
    ("media", "sound", "not-a-uuid", "{wav}"),
    ("media", "sound", "{gone}", "--clear"),
    ("media", "sound", "{plate}", "{wav}", "--user", "zed"),
]


@pytest.mark.parametrize("case", REFUSED, ids=[f"full path {i}" for i in range(len(REFUSED))])
def test_what_the_quick_path_does_not_take_is_answered_as_before(case: tuple[str, ...], base: Base,
                                                                 both_ways: BothWays) -> None:
    code, _out, _err = both_ways.answered_as_before(base, case)
    assert code == (0 if case[3] == "{float}" else 2)


def test_media_sound_with_a_wav_loads_neither_pyav_nor_sqlalchemy(base: Base,
                                                                  tmp_path: Path) -> None:
    db = tmp_path / "loads.sqlite"
    shutil.copyfile(base[0], db)
    argvs = [["media", "sound", base[1]["plate"], base[1]["wav"], "--db", str(db)],
             ["media", "sound", base[1]["plate"], "--clear", "--db", str(db)]]
    assert loaded_by(argvs, {"sqlalchemy", "alembic", "av", "numpy"}) == ([0, 0], [])

"""``horus media sound`` with a PCM WAV (or ``--clear``) on a current SQLite store: the file checked by its header
with the standard library and the record written without SQLAlchemy (store/quick_write.py), writing exactly
what the full path (PyAV's check, the repository) writes: each case runs both ways on two copies of one
store, compared row by row as the other quick writes are. Any other sound file, or a WAV the standard
library does not read, is checked by PyAV on the full path, as before.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from horus_desktop.api import Horus
from horus_desktop.media.audio_attach import is_plain_wav
from horus_desktop.media.audio_source import check_sound_file
from horus_desktop.media.errors import MediaError
from tests.api.test_cli_quick_write import _both, _dump, _dump_raw, _fill, _run, _same_output


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
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("quick-sound")
    db = folder / "base.sqlite"
    ids = _fill(str(db))
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
def test_media_sound_writes_the_same_store_both_ways(case: tuple[str, ...], base: tuple[Path, dict[str, str]],
                                                     tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HORUS_USER", "ana")
    argv = [a.format(**base[1]) for a in case]
    quick, full, quick_dump, full_dump, _known = _both(base, tmp_path, capsys, monkeypatch, *argv)
    assert quick[0] == 0, quick
    _same_output(quick, full)
    assert quick_dump == full_dump


def test_a_relative_path_is_stored_absolute_both_ways(base: tuple[Path, dict[str, str]], tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HORUS_USER", "ana")
    monkeypatch.chdir(Path(base[1]["wav"]).parent)
    quick, full, quick_dump, full_dump, _known = _both(base, tmp_path, capsys, monkeypatch, "media", "sound",
                                                       base[1]["plate"], "take2.WAV")
    assert quick == full and quick[1].endswith(f"sound {Path(base[1]['wav2'])} from frame offset 0\n")
    assert quick_dump == full_dump


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
def test_what_the_quick_path_does_not_take_is_answered_as_before(
        case: tuple[str, ...], base: tuple[Path, dict[str, str]], tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from horus_desktop.store import quick_write

    monkeypatch.setenv("HORUS_USER", "ana")
    argv = [a.format(**base[1]) for a in case]
    db, full_db = tmp_path / "as-a-user-runs-it.sqlite", tmp_path / "full.sqlite"
    shutil.copyfile(base[0], db)
    shutil.copyfile(base[0], full_db)
    seen = _run([*argv, "--db", str(db)], capsys)
    with monkeypatch.context() as m:
        m.setattr(quick_write.QuickWriter, "open", classmethod(lambda cls, db=None: None))
        full = _run([*argv, "--db", str(full_db)], capsys)
    _same_output(seen, full)
    assert seen[0] == (0 if "float" in argv[3] else 2)
    known = "\n".join(_dump_raw(__import__("sqlite3").connect(base[0])))
    assert _dump(db, known) == _dump(full_db, known)  # signed in once, written once, as on the full path


def test_media_sound_with_a_wav_loads_neither_pyav_nor_sqlalchemy(base: tuple[Path, dict[str, str]],
                                                                  tmp_path: Path) -> None:
    db = tmp_path / "loads.sqlite"
    shutil.copyfile(base[0], db)
    child = ("import contextlib, io, json, sys\nfrom horus_desktop.cli import main\nout = []\n"
             "for argv in json.loads(sys.argv[1]):\n"
             "    with contextlib.redirect_stdout(io.StringIO()):\n"
             "        out.append(main(argv))\n"
             "print(json.dumps([out, sorted({m.split('.')[0] for m in sys.modules} & "
             "{'sqlalchemy', 'alembic', 'av', 'numpy'})]))")
    argvs = [["media", "sound", base[1]["plate"], base[1]["wav"], "--db", str(db)],
             ["media", "sound", base[1]["plate"], "--clear", "--db", str(db)]]
    result = subprocess.run([sys.executable, "-c", child, json.dumps(argvs)], capture_output=True, text=True,
                            check=True, timeout=120, env={**os.environ, "HORUS_USER": "ana"})
    assert json.loads(result.stdout) == [[0, 0], []]

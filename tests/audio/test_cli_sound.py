"""`horus media sound`: attach, show, clear a sequence's sound file; a bad file is refused naming it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from horus_desktop.cli import main
from tests.audio.clicks import write_click_wav


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_media_sound_sets_and_clears_the_sound_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from horus_desktop.api import Horus

    db = str(tmp_path / "cli.sqlite")
    with Horus.open(db, user="ana") as horus:
        shot = horus.store.media.create(file_path="/s/sq1/sh010/comp/v001/a.%04d.exr", project_id="show",
                                        shot="sh010", department="comp", version="v001", start_frame=1001)
    wav = write_click_wav(tmp_path / "mix.wav", seconds=1)
    code, out, _ = run(capsys, "media", "sound", str(shot.id), str(wav), "--offset", "12", "--db", db, "--json")
    assert code == 0 and json.loads(out) == {"media_id": str(shot.id), "sound": {"path": str(wav), "offset": 12}}
    with Horus.open(db, user="ana") as horus:
        assert horus.store.media.get(shot.id).extra_metadata["sound"] == {"path": str(wav), "offset": 12}
    code, out, err = run(capsys, "media", "sound", str(shot.id), str(tmp_path / "nope.wav"), "--db", db)
    assert code != 0 and "nope.wav" in err
    code, out, _ = run(capsys, "media", "sound", str(shot.id), "--clear", "--db", db)
    assert code == 0 and "no sound file" in out
    with Horus.open(db, user="ana") as horus:
        assert "sound" not in (horus.store.media.get(shot.id).extra_metadata or {})

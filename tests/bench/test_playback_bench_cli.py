"""`horus bench playback` on a folder and on a sequence with damaged frames; --json stdout holds JSON only."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import OpenEXR


def _sequence(folder: Path, count: int, damaged: tuple[int, ...]) -> Path:
    """An EXR sequence written by OpenEXR, frames 1001..; ``damaged`` frames cut after their header."""
    folder.mkdir(parents=True)
    pixels = np.random.default_rng(1).random((32, 48, 3), dtype=np.float32)
    header = {"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage}
    for frame in range(1001, 1001 + count):
        path = folder / f"shot.{frame}.exr"
        with OpenEXR.File(header, {"RGB": pixels}) as exr:
            exr.write(str(path))
        if frame in damaged:  # the chunk table survives, the pixel data does not
            path.write_bytes(path.read_bytes()[:700])
    return folder


def _horus(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "horus_desktop", *args, "--db", str(tmp_path / "s.db")],
                          capture_output=True, text=True, timeout=120)


def test_bench_playback_of_a_folder_plays_on_over_damaged_frames(tmp_path: Path) -> None:
    folder = _sequence(tmp_path / "plates" / "sh010", 8, damaged=(1001, 1005))
    done = _horus("bench", "playback", str(tmp_path / "plates"), "--seconds", "0.5", "--json", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)  # OpenEXR's "Warning: ..." went to stderr, not into the JSON
    assert "Warning" in done.stderr
    assert result["media"] == str(folder / "shot.%04d.exr")
    assert result["damaged_frames"] == [1001, 1005]
    # Frame 1001 shows paused before play; play shows the other 7 once each (the last one was counted twice
    # before the clock stopped at the out point: 3ee182e).
    assert result["frames_shown"] == 7


def test_bench_playback_of_one_frame_plays_its_sequence(tmp_path: Path) -> None:
    folder = _sequence(tmp_path / "sh020", 4, damaged=())
    done = _horus("bench", "playback", str(folder / "shot.1003.exr"), "--seconds", "0.3", "--json",
                  tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["media"] == str(folder / "shot.%04d.exr")


def test_bench_playback_of_a_folder_of_several_media_names_them(tmp_path: Path) -> None:
    _sequence(tmp_path / "a", 2, damaged=())
    _sequence(tmp_path / "b", 2, damaged=())
    done = _horus("bench", "playback", str(tmp_path), "--seconds", "0.3", tmp_path=tmp_path)
    assert done.returncode == 2 and "holds 2 media" in done.stderr and "Traceback" not in done.stderr

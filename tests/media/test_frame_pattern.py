"""A printf sequence's frames read without fileseq (media/frame_pattern.py) are the frames the sequence reader
finds (media/sequences.py), and `horus paths where` on a sequence answers without loading fileseq or numpy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from horus_desktop.media.frame_pattern import printf_frames
from horus_desktop.media.sequences import media_item_for
from horus_desktop.services.media_paths import media_present

FILES = ["a.0999.exr", "a.1001.exr", "a.1002.exr", "a.1005.exr", "a.12345.exr", "a.-001.exr", "a.01.exr",
         "a.1001.exr.bak", "a.1001.EXR", "b.1001.exr", "a.x001.exr", "a.1003.png", "c1.exr", "c12.exr",
         "d_10%_v1.0003.dpx", "e 1001 (copy).tif", "f[1].7.jpg"]
PATTERNS = ["a.%04d.exr", "a.%02d.exr", "a.%d.exr", "a.%4d.exr", "a.%06d.exr", "a.%04d.png", "c%d.exr",
            "c%01d.exr", "d_10%_v1.%04d.dpx", "e %04d (copy).tif", "f[1].%d.jpg", "z.%04d.exr", "a.exr%",
            "nowhere/a.%04d.exr", "%04d", "a.%x.exr"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name in FILES:
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "sub.%04d").mkdir()
    return tmp_path


@pytest.mark.parametrize("pattern", PATTERNS)
def test_the_frames_are_the_sequence_readers(folder: Path, pattern: str) -> None:
    path = str(folder / pattern)
    try:
        expected: list[int] | str = list(media_item_for(path).frames)
    except ValueError:
        expected = "refused"
    try:
        seen: list[int] | str = printf_frames(path)
    except ValueError:
        seen = "refused"
    assert seen == expected
    assert media_present(path) == (expected != "refused" and bool(expected))


def test_a_pattern_in_a_folder_named_like_one(folder: Path) -> None:
    assert media_present(str(folder / "sub.%04d" / "a.%04d.exr")) is False
    assert media_present(str(folder / "a.%04d.exr")) is True


def test_paths_where_on_a_sequence_loads_neither_fileseq_nor_numpy(folder: Path, tmp_path: Path) -> None:
    child = ("import sys; from horus_desktop.cli import main\n"
             "assert main(['paths', 'where', sys.argv[1], '--json']) == 0\n"
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'fileseq', 'numpy'}))")
    env_config = tmp_path / "machine.json"
    result = subprocess.run([sys.executable, "-c", child, str(folder / "a.%04d.exr")], capture_output=True,
                            text=True, timeout=120, check=True,
                            env={"HORUS_CONFIG": str(env_config), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    lines = result.stdout.splitlines()
    assert json.loads("\n".join(lines[:-1]))["present"] is True
    assert lines[-1] == "[]"

"""The media a record names opens from this machine's copy, wherever a path mapping puts it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from horus_desktop.machine_settings import MachineSettings, PathMap, save_settings
from horus_desktop.services.media_paths import MediaNotHereError, MediaPaths, media_paths, open_media


def _write_sequence(folder: Path, name: str, frames: range) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in frames:
        pixels = np.full((8, 12, 3), n % 256, dtype=np.uint8)
        Image.fromarray(pixels).save(folder / f"{name}.{n:04d}.png")


def test_a_studio_sequence_opens_from_the_mapped_copy(tmp_path: Path) -> None:
    _write_sequence(tmp_path / "copies" / "show" / "sh010", "comp", range(1001, 1004))
    paths = MediaPaths((PathMap("/projects", str(tmp_path / "copies")),))
    with paths.open("/projects/show/sh010/comp.%04d.png") as source:
        assert source.frame_range == (1001, 1003)
        assert int(source.read(1002).pixels[0, 0, 0]) == 1002 % 256
    with paths.open("/projects/show/sh010/comp.####.png") as source:
        assert source.frame_range == (1001, 1003)


def test_a_missing_copy_names_the_studio_path_and_where_it_looked(tmp_path: Path) -> None:
    paths = MediaPaths((PathMap("/projects", str(tmp_path / "copies")),))
    with pytest.raises(MediaNotHereError) as caught:
        paths.open("/projects/show/sh010/comp.%04d.exr")
    message = str(caught.value)
    assert "/projects/show/sh010/comp.%04d.exr" in message
    assert str(tmp_path / "copies" / "show" / "sh010" / "comp.%04d.exr") in message
    assert not caught.value.location.present


def test_an_unmapped_missing_file_says_no_mapping_applies(tmp_path: Path) -> None:
    with pytest.raises(MediaNotHereError, match="no path mapping applies"):
        MediaPaths(()).open(str(tmp_path / "gone.mov"))


def test_the_default_resolver_follows_the_saved_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "machine.json"
    monkeypatch.setenv("HORUS_CONFIG", str(config))
    _write_sequence(tmp_path / "laptop", "plate", range(1, 3))
    resolver = media_paths()
    resolver.forget()
    assert resolver.local_path("/studio/plate.%04d.png") == "/studio/plate.%04d.png"
    save_settings(MachineSettings().with_path_map("/studio/", str(tmp_path / "laptop")))
    resolver.forget()  # what the Settings dialog does after saving; otherwise seen within a second
    assert resolver.local_path("/studio/plate.%04d.png") == str(tmp_path / "laptop" / "plate.%04d.png")
    with open_media("/studio/plate.%04d.png") as source:
        assert source.frame_range == (1, 2)
    resolver.forget()

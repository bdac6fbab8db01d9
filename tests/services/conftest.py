"""Fixtures of the services tests: studio media ingested with its real hash, and a machine config file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from horus_desktop.api import Horus

from .studio_media import write_frames


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This machine's settings file, private to the test."""
    path = tmp_path / "machine.json"
    monkeypatch.setenv("HORUS_CONFIG", str(path))
    from horus_desktop.services.media_paths import media_paths

    media_paths().forget()
    yield path
    media_paths().forget()


@pytest.fixture
def studio(tmp_path: Path) -> Iterator[tuple[Horus, Path]]:
    """A store holding two ingested sequences under ``<tmp>/studio`` (the studio storage), and that root."""
    root = tmp_path / "studio"
    write_frames(root / "sq010" / "sh010" / "comp" / "v001", "sh010_comp_v001", range(1001, 1005), seed=1)
    write_frames(root / "sq010" / "sh020" / "comp" / "v001", "sh020_comp_v001", range(1001, 1003), seed=2)
    horus = Horus.open(tmp_path / "review.sqlite", user="ana")
    report = horus.ingest(root, project="show", thumbnails=False)
    assert not report.problems
    yield horus, root
    horus.close()

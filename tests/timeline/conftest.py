"""Fixtures of the timeline tests: small real media ingested into the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from horus_desktop.media.ingest import ingest_tree
from horus_desktop.media.synthetic import write_jpeg_sequence
from horus_desktop.store import Store


@pytest.fixture(scope="session")
def media_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """sq010/sh010/comp v001 (5 frames) and v002 (6), sh020/comp v001 (4): tiny JPEG sequences from 1001."""
    root = tmp_path_factory.mktemp("timeline-media")
    for shot, version, count in (("sh010", "v001", 5), ("sh010", "v002", 6), ("sh020", "v001", 4)):
        write_jpeg_sequence(root / "sq010" / shot / "comp" / version, count, size=(64, 36),
                            name=f"{shot}_comp_{version}")
    return root


@pytest.fixture
def media_store(store: Store, media_tree: Path) -> Store:
    """The store with the media tree ingested in project p."""
    ingest_tree(store, media_tree, project="p")
    return store


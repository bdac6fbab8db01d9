"""A bare viewer panel (CPU colour path) on media ingested into a private store, for the viewer tests that
need files of their own (movies at NTSC rates, multipart EXRs, DPX) rather than the demo project."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from horus_desktop.domain.records import MediaRecord
from horus_desktop.media.colour import default_colour_config
from horus_desktop.media.ingest import ingest_tree
from horus_desktop.store import Store
from horus_desktop.ui.actions import build_actions
from horus_desktop.ui.viewer.panel import ViewerPanel


def ingest_one(store: Store, path: Path) -> MediaRecord:
    """Ingest a file (or folder) and return its media record."""
    report = ingest_tree(store, path, project="proj")
    assert not report.problems, report.problems
    records = store.media.get_many([*report.created, *report.updated, *report.unchanged])
    assert records, "nothing ingested"
    return records[0]


@pytest.fixture
def viewer_store(tmp_path: Path) -> Iterator[Store]:
    """An empty private store."""
    store = Store.open(tmp_path / "horus.sqlite")
    yield store
    store.close()


@pytest.fixture
def bare_viewer(qtbot: Any) -> Iterator[ViewerPanel]:
    """A ViewerPanel on its own (no store callbacks), shown at 1280x720, shut down after the test."""
    host = QWidget()
    actions = build_actions(host)
    host.addActions(list(actions.values()))
    panel = ViewerPanel(default_colour_config(), actions, use_gl=False, parent=host)
    qtbot.addWidget(host)
    host.resize(1280, 720)
    panel.resize(1280, 720)
    host.show()
    yield panel
    panel.shutdown()

"""Fixtures of the API and command tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.both_ways import BothWays


@pytest.fixture
def both_ways(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> BothWays:
    """A case run the quick way and the full way on copies of one store, compared (tests/api/both_ways.py);
    as the user ana, unless a case says ``--user``."""
    monkeypatch.setenv("HORUS_USER", "ana")
    return BothWays(tmp_path, capsys, monkeypatch)

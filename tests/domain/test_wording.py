"""Counts read as a person writes them: singular for one, plural otherwise."""

from __future__ import annotations

import pytest

from horus_desktop.domain.wording import counted


@pytest.mark.parametrize(("n", "expected"), [(0, "0 notes"), (1, "1 note"), (2, "2 notes"), (1204, "1204 notes")])
def test_regular_plural(n: int, expected: str) -> None:
    assert counted(n, "note") == expected


def test_irregular_plurals() -> None:
    assert counted(1, "reply", "replies") == "1 reply"
    assert counted(3, "reply", "replies") == "3 replies"
    assert counted(1, "media", "media") == "1 media"
    assert counted(5, "media", "media") == "5 media"

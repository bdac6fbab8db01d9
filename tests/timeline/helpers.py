"""Helpers of the timeline tests."""

from __future__ import annotations

from horus_desktop.store import Store


def media(store: Store, shot: str, version: str):  # noqa: ANN201 - MediaRecord
    """The media record of a shot at a version."""
    [found] = store.media.find_by_shot_version(shot, version)
    return found

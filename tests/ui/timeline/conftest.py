"""Fixtures of the timeline dock tests: the demo store's media, a playlist made from them, a window."""

from __future__ import annotations

import pytest

from horus_desktop.domain.media_query import MediaQuery
from horus_desktop.domain.records import MediaRecord
from horus_desktop.store import Store
from horus_desktop.timeline.playlists import create_playlist


def demo_media(store: Store) -> list[MediaRecord]:
    """Every demo media, in shot/department/version order."""
    items = store.media.search(MediaQuery(limit=100, sort_by="shot", descending=False)).items
    return sorted(items, key=lambda m: (m.shot or "", m.department or "", m.version or ""))


def pick(store: Store, shot: str, department: str, version: str) -> MediaRecord:
    """One demo media."""
    return next(m for m in demo_media(store) if (m.shot, m.department, m.version) == (shot, department, version))


PLAYLIST_MEDIA = (("sh010", "anim", "v001"), ("sh020", "lighting", "v001"), ("sh030", "anim", "v001"))


@pytest.fixture
def playlist(demo_store: Store):  # noqa: ANN201 - Timeline
    """A playlist of three older demo versions (JPEG sequences, 12 frames each) on V1."""
    media = [pick(demo_store, *key) for key in PLAYLIST_MEDIA]
    return create_playlist(demo_store, name="Dailies", project_id=media[0].project_id, user="ana",
                           media_ids=[m.id for m in media])
